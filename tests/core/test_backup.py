"""`lodestar backup` and `lodestar restore`: the restore drill, end to end through the CLI.

Each test runs the real `lodestar` command in processes of its own against a database file made
for it (SQLite: a copy of one migrated file; PostgreSQL: a scratch database), as an operator
would: create data, back up, change it, restore, and find the data as it was.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from lodestar.core.backup import BackupError, backup_inspect
from tests import migrated

REPO = Path(__file__).resolve().parents[2]

SEED = """
from tests import factories
cora = factories.make_user("cora@example.com", name="Cora Coordinator", can_create_programs=True)
factories.make_program(coordinator=cora, name="Spring Cohort", slug="spring")
factories.make_user("alice@example.com", name="Alice")
factories.make_user("bob@example.com", name="Bob")
"""
CHANGE = """
from lodestar.accounts.models import User
from lodestar.programs.models import Program
User.objects.create_user(email="dave@example.com", name="Dave")
User.objects.filter(email="bob@example.com").delete()
User.objects.filter(email="alice@example.com").update(name="Alice Renamed")
Program.objects.filter(slug="spring").update(name="Renamed Cohort")
"""
STATE = """
import json
from lodestar.accounts.models import User
from lodestar.programs.models import Program
print(json.dumps({
    "people": sorted(User.objects.values_list("email", "name")),
    "programs": sorted(Program.objects.values_list("slug", "name")),
}))
"""
ORIGINAL = {
    "people": [
        ["alice@example.com", "Alice"],
        ["bob@example.com", "Bob"],
        ["cora@example.com", "Cora Coordinator"],
    ],
    "programs": [["spring", "Spring Cohort"]],
}
# Writes five people per transaction until told to stop: a consistent copy holds whole batches.
WRITER = """
import pathlib
from django.db import transaction
from lodestar.accounts.models import User
stop = pathlib.Path({stop!r})
batch = 0
while not stop.exists():
    with transaction.atomic():
        for n in range(5):
            User.objects.create(email=f"writer-{{batch}}-{{n}}@example.com", name="Writer")
    batch += 1
print(batch)
"""

# `restore --yes` through call_command, for a batch of files that must all be refused.
REFUSALS = """
import json
from django.core.management import call_command
from django.core.management.base import CommandError
messages = []
for path in {paths!r}:
    try:
        call_command("restore", path, "--yes")
    except CommandError as error:
        messages.append(str(error))
    else:
        messages.append("restored")
print(json.dumps(messages))
"""


class Site:
    """One installation: the `lodestar` command with its own database and var/ folder."""

    def __init__(self, var: Path, database_url: str):
        self.var = var
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "LODESTAR_VAR_DIR": str(var),
            "MEDIA_ROOT": str(var / "media"),
            "DEBUG": "0",
        }

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "lodestar.cli", *args]

    def run(self, *args: str, ok: bool = True, **kwargs) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603 (our own CLI)
            self.command(*args),
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            **kwargs,
        )
        if ok:
            assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
        else:
            assert result.returncode != 0, f"{args} should have failed: {result.stdout}"
        return result

    def fail(self, *args: str) -> str:
        """Run a command that must refuse; return its error message."""
        result = self.run(*args, ok=False, stdin=subprocess.DEVNULL)
        return result.stderr

    def shell(self, code: str) -> str:
        return self.run("shell", "--no-imports", "-c", code).stdout

    def state(self, before: str = "") -> dict:
        """The people and programs, after running `before` in the same process."""
        return json.loads(self.shell(before + STATE).strip().splitlines()[-1])

    def refusals(self, *paths: Path) -> list[str]:
        """`restore PATH --yes` for each path, in one process: the error each one gives."""
        code = REFUSALS.format(paths=[str(path) for path in paths])
        return json.loads(self.shell(code).strip().splitlines()[-1])

    def backup(self, *args: str) -> Path:
        out = self.run("backup", *args).stdout
        assert "checked" in out
        return Path(out.split(" to ", 1)[1].split(" (", 1)[0])


# --- SQLite ---


@pytest.fixture
def site(tmp_path) -> Site:
    var = tmp_path / "var"
    var.mkdir()
    return Site(var, migrated.sqlite_copy(var / "lodestar.sqlite3"))


def people_in(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return sorted(row[0] for row in connection.execute("SELECT email FROM accounts_user"))


def test_restore_drill_brings_back_the_data_and_undoes_the_change(site):
    assert site.state(before=SEED) == ORIGINAL

    backup = site.backup()
    assert backup.parent == site.var / "backups"
    assert backup.name.startswith("lodestar-") and backup.suffix == ".sqlite3"

    assert site.state(before=CHANGE) != ORIGINAL

    out = site.run("restore", str(backup), "--yes").stdout
    assert "Restored the SQLite database" in out
    assert site.state() == ORIGINAL
    # The database as it was before the restore is kept, change included.
    (safety,) = (site.var / "backups").glob("pre-restore-*.sqlite3")
    assert "dave@example.com" in people_in(safety)
    assert "bob@example.com" not in people_in(safety)


def test_restore_reaches_connections_that_stay_open(site):
    site.shell(SEED)
    backup = site.backup()
    site.shell(CHANGE)
    # A connection held open across the restore, as the server's and the worker's are.
    held = sqlite3.connect(site.var / "lodestar.sqlite3")
    try:
        assert "dave@example.com" in [r[0] for r in held.execute("SELECT email FROM accounts_user")]

        site.run("restore", str(backup), "--yes")

        emails = sorted(r[0] for r in held.execute("SELECT email FROM accounts_user"))
        assert emails == ["alice@example.com", "bob@example.com", "cora@example.com"]
        assert held.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    finally:
        held.close()


def test_backup_while_another_process_writes_is_a_consistent_snapshot(site, tmp_path):
    stop = tmp_path / "stop"
    database = site.var / "lodestar.sqlite3"
    writer = subprocess.Popen(  # noqa: S603
        site.command("shell", "--no-imports", "-c", WRITER.format(stop=str(stop))),
        cwd=REPO,
        env=site.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while len(people_in(database)) < 50:
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline, "the writer did not start"
            time.sleep(0.2)
        copies = [site.backup("--output", str(tmp_path / f"copy-{n}.sqlite3")) for n in range(3)]
        assert copies[0] == tmp_path / "copy-0.sqlite3"
    finally:
        stop.touch()
        out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    batches = int(out.strip().splitlines()[-1])

    counts = []
    for copy in copies:
        with sqlite3.connect(copy) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert connection.execute("PRAGMA journal_mode").fetchone() == ("delete",)
        counts.append(len(people_in(copy)))
    assert all(count % 5 == 0 for count in counts), counts
    # The writer went on while the copies were taken.
    assert counts[0] < counts[1] < counts[2] < batches * 5, (counts, batches)


def test_backup_with_media_restores_the_files_and_keeps_the_current_ones_aside(site):
    media = site.var / "media"
    (media / "attachments").mkdir(parents=True)
    (media / "attachments" / "plan.txt").write_text("the plan")

    archive = site.backup("--with-media")
    assert archive.name.endswith(".tar.gz")
    with tarfile.open(archive) as tar:
        assert {"backup.json", "lodestar.sqlite3", "media/attachments/plan.txt"} <= set(
            tar.getnames()
        )

    (media / "attachments" / "plan.txt").write_text("overwritten")
    (media / "attachments" / "new.txt").write_text("added after the backup")

    out = site.run("restore", str(archive), "--yes").stdout
    assert (media / "attachments" / "plan.txt").read_text() == "the plan"
    assert not (media / "attachments" / "new.txt").exists()
    (aside,) = site.var.glob("media.before-restore-*")
    assert (aside / "attachments" / "new.txt").exists()
    assert str(aside) in out


def test_keep_prunes_only_the_oldest_timestamped_backups(site, tmp_path):
    folder = tmp_path / "nightly"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a backup")
    first = site.backup("--output", f"{folder}/", "--keep", "2")
    second = site.backup("--output", f"{folder}/", "--keep", "2")
    third = site.backup("--output", f"{folder}/", "--keep", "2")

    assert sorted(folder.iterdir()) == sorted([second, third, folder / "notes.txt"])
    assert not first.exists()
    assert not list(folder.glob(".*partial*"))


def test_restore_refuses_bad_files_and_changes_nothing(site, tmp_path):
    site.shell(SEED)
    backup = site.backup()

    text = tmp_path / "notes.sqlite3"
    text.write_text("hello")
    dump = tmp_path / "other.dump"
    dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as connection:
        connection.execute("CREATE TABLE t (x)")
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(backup.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 8192] = os.urandom(8192)
    damaged.write_bytes(data)

    missing, not_backup, wrong_kind, not_ours, broken = site.refusals(
        tmp_path / "missing.sqlite3", text, dump, foreign, damaged
    )
    assert missing.startswith("No such file")
    assert "is not a Lodestar backup" in not_backup
    assert "is a PostgreSQL backup, but the configured database" in wrong_kind
    assert "not one of Lodestar's" in not_ours
    assert "integrity check" in broken or "not a readable SQLite database" in broken

    # No --yes and nobody at a terminal to confirm.
    assert "Pass --yes to confirm; nothing was changed" in site.fail("restore", str(backup))

    assert site.state() == ORIGINAL
    assert not list((site.var / "backups").glob("pre-restore-*"))


def test_archives_with_unexpected_members_are_refused(tmp_path):
    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "payload"
    payload.write_text("x")
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(payload, arcname="lodestar.sqlite3")
        tar.add(payload, arcname="../outside.txt")
    with pytest.raises(BackupError, match="not one made by `lodestar backup --with-media`"):
        backup_inspect(evil)

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(b"\x1f\x8b\x08\x00" + b"\x00" * 20)
    with pytest.raises(BackupError, match=r"not a readable \.tar\.gz archive"):
        backup_inspect(truncated)
    assert not (tmp_path.parent / "outside.txt").exists()


def test_postgresql_backup_without_pg_dump_says_what_to_install(tmp_path):
    site = Site(tmp_path / "var", "postgres://nobody@127.0.0.1:1/nothing")
    site.env["PATH"] = str(tmp_path / "empty-bin")
    message = site.fail("backup")
    assert "pg_dump is not installed or not on PATH" in message
    assert "postgresql-client" in message


# --- PostgreSQL ---


@pytest.fixture
def pg_site(tmp_path, request):
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore are not installed (apt install postgresql-client)")
    return Site(tmp_path / "var", request.getfixturevalue("migrated_postgres_url"))


def test_postgresql_restore_drill(pg_site, tmp_path):
    site = pg_site
    assert site.state(before=SEED) == ORIGINAL

    backup = site.backup()
    assert backup.parent == site.var / "backups" and backup.suffix == ".dump"
    assert backup.read_bytes()[:5] == b"PGDMP"

    assert site.state(before=CHANGE) != ORIGINAL

    out = site.run("restore", str(backup), "--yes").stdout
    assert "Restored the PostgreSQL database" in out
    (safety,) = (site.var / "backups").glob("pre-restore-*.dump")
    assert safety.read_bytes()[:5] == b"PGDMP"
    assert site.state() == ORIGINAL
    # Sequences come back too: the same change again gives fresh ids, no clash.
    assert ["dave@example.com", "Dave"] in site.state(before=CHANGE)["people"]

    sqlite_file = tmp_path / "other.sqlite3"
    with sqlite3.connect(sqlite_file) as connection:
        connection.execute("CREATE TABLE t (x)")
    fake = tmp_path / "fake.dump"
    fake.write_bytes(b"PGDMP" + b"\xff" * 200)
    wrong_kind, unreadable = site.refusals(sqlite_file, fake)
    assert "is a SQLite backup, but the configured database" in wrong_kind
    assert "is not a readable pg_dump archive" in unreadable
