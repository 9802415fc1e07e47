"""Kill the task worker in the middle of a batch of notifications, start it again, and every
notification is delivered exactly once.

End to end, with real processes on a migrated database of their own (a SQLite file, or a
PostgreSQL database when the suite runs on PostgreSQL: tests/migrated.py): one change that
notifies 12 people, `db_worker` sending them through a slow mail server that writes each
message to a file (tests/support/slow_email.py), SIGKILL while a message is on its way, `db_worker` again, then
the scheduler's retry job once the dead worker's lease (2 s here) has run out.
"""

import email
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

from tests import migrated

REPO = Path(__file__).resolve().parents[2]
BATCH = 12
KILL_AFTER = 4  # messages delivered before the kill
LEASE_SECONDS = 2


class Site:
    """The processes under test: manage.py commands sharing one database and one mail folder."""

    def __init__(self, tmp_path: Path, database_url: str):
        self.mail = tmp_path / "mail"
        self.mail.mkdir()
        self.log = tmp_path / "processes.log"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            # django-environ drops the path's first character: four slashes for an absolute one.
            "EMAIL_URL": f"filemail:///{self.mail}",
            "EMAIL_BACKEND": "tests.support.slow_email.SlowFileEmailBackend",
            "EMAIL_LEASE_SECONDS": str(LEASE_SECONDS),
            "LODESTAR_VAR_DIR": str(tmp_path / "var"),
            "DEBUG": "0",
        }

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "manage.py", *args]

    def run(self, *args: str, timeout: float = 60) -> str:
        return migrated.manage(*args, env=self.env, timeout=timeout)

    def shell(self, code: str) -> str:
        return self.run("shell", "--no-imports", "-c", code)

    def start_worker(self, *flags: str) -> subprocess.Popen:
        with self.log.open("a") as log:
            return subprocess.Popen(  # noqa: S603
                self.command(
                    "db_worker", "--no-reload", "--no-startup-delay", "--interval=0.1", *flags
                ),
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def state(self) -> dict:
        out = self.shell("from tests.support.outbox_batch import print_state; print_state()")
        return json.loads(out.strip().splitlines()[-1])

    def delivered(self) -> list[email.message.Message]:
        return [email.message_from_bytes(p.read_bytes()) for p in self.mail.glob("*.eml")]

    def sending(self) -> int:
        return len(list(self.mail.glob("sending-*")))


def wait_for(condition, timeout: float, what: str, site: Site) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}:\n{site.log.read_text()}"
        time.sleep(0.02)


def test_a_worker_killed_mid_batch_loses_no_email_and_sends_none_twice(
    tmp_path, migrated_database_url
):
    site = Site(tmp_path, migrated_database_url)
    site.shell(f"from tests.support.outbox_batch import notify_batch; notify_batch({BATCH})")

    worker = site.start_worker()
    try:
        # Kill while the next message is on its way: its marker is there, its file is not yet.
        wait_for(
            lambda: len(site.delivered()) >= KILL_AFTER and site.sending() > len(site.delivered()),
            timeout=30,
            what=f"{KILL_AFTER} messages and one more on its way",
            site=site,
        )
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

    killed = site.state()
    in_flight = [e for e in killed["emails"] if not e["sent"] and e["claimed_until"]]
    assert len(in_flight) == 1, killed
    # The queue itself never recovers that task: it stays RUNNING. The outbox recovers the email.
    assert killed["tasks"].count("RUNNING") == 1

    # Restarted, the worker sends the rest of the batch but not the email the dead one held.
    site.start_worker("--batch").wait(timeout=60)
    assert len(site.delivered()) == BATCH - 1

    lease_end = datetime.fromisoformat(in_flight[0]["claimed_until"])
    time.sleep(max(0.0, lease_end.timestamp() - time.time()) + 0.2)
    assert "email_retries" in site.run("run_scheduler", "--once")
    site.start_worker("--batch").wait(timeout=60)

    final = site.state()
    messages = site.delivered()
    assert all(e["sent"] for e in final["emails"]), final
    recipients = Counter(m["To"] for m in messages)
    assert recipients == Counter({f"person{n}@example.com": 1 for n in range(BATCH)})
    assert sorted(m["Message-ID"] for m in messages) == sorted(
        e["message_id"] for e in final["emails"]
    )
    attempts = {e["to"]: e["attempts"] for e in final["emails"]}
    assert attempts.pop(in_flight[0]["to"]) == 2
    assert set(attempts.values()) == {1}
    assert all(m["List-Unsubscribe"] for m in messages)
