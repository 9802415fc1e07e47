"""Backups of the database (and optionally the media files), and restoring them.

SQLite: the online backup API (sqlite3.Connection.backup) copies the live file in one step
inside a read transaction, so the copy is a consistent snapshot even while the server and the
worker write (WAL lets them carry on meanwhile). A restore runs the same API the other way,
into the live file, so connections other processes hold stay valid and see the restored rows
at their next transaction.

PostgreSQL: pg_dump --format=custom and pg_restore --clean --if-exists --no-owner, in a single
transaction, with the connection parameters from settings; the password goes through the
environment (PGPASSWORD), never on a command line other users can read.

A backup is one file: <name>.sqlite3 or <name>.dump, or, with the media files,
<name>.tar.gz holding that file, media/ and backup.json. It is written under a temporary name
and renamed once complete and checked, so a backup file that exists is whole.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connections

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
EXTENSIONS = {SQLITE: ".sqlite3", POSTGRESQL: ".dump"}
ARCHIVE_EXTENSION = ".tar.gz"
# What an archive (--with-media) holds besides media/.
ARCHIVE_DATABASE = {SQLITE: "lodestar.sqlite3", POSTGRESQL: "lodestar.dump"}
ARCHIVE_MANIFEST = "backup.json"
ARCHIVE_MEDIA = "media"
SQLITE_HEADER = b"SQLite format 3\x00"
PGDUMP_HEADER = b"PGDMP"
GZIP_HEADER = b"\x1f\x8b"
# The names `backup` gives, the ones `--keep` prunes: lodestar-20261126T103806Z[-2].<ext>.
BACKUP_NAME = re.compile(r"^lodestar-(\d{8}T\d{6}Z)(?:-(\d+))?(\.sqlite3|\.dump|\.tar\.gz)$")


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass
class BackupResult:
    path: Path
    kind: str
    with_media: bool
    size: int
    removed: list[Path] = field(default_factory=list)


@dataclass
class BackupInfo:
    """What a backup file is, once checked: its kind and whether it carries media files."""

    path: Path
    kind: str
    with_media: bool


@dataclass
class RestoreResult:
    kind: str
    target: str
    safety_backup: Path | None
    media_set_aside: Path | None
    pending_migrations: list[str]


def database_kind(alias: str = "default") -> str:
    engine = settings.DATABASES[alias]["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return SQLITE
    if engine == "django.db.backends.postgresql":
        return POSTGRESQL
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def backup_dir() -> Path:
    return Path(settings.VAR_DIR) / "backups"


def database_label(alias: str = "default") -> str:
    """The database a restore would overwrite, for the operator's confirmation."""
    db = settings.DATABASES[alias]
    if database_kind(alias) == SQLITE:
        return f"the SQLite database {db['NAME']}"
    return f"the PostgreSQL database “{db['NAME']}” on {db['HOST'] or 'localhost'}"


# --- backup ---


def backup_create(
    *,
    output: Path | str | None = None,
    with_media: bool = False,
    keep: int | None = None,
    alias: str = "default",
) -> BackupResult:
    """Write a checked backup to `output` (a file, or a directory for a timestamped name; by
    default var/backups/), then, with `keep`, delete all but the `keep` newest timestamped
    backups in that directory."""
    if keep is not None and keep < 1:
        raise BackupError("--keep must be at least 1.")
    kind = database_kind(alias)
    extension = ARCHIVE_EXTENSION if with_media else EXTENSIONS[kind]
    target = _target_path(output, extension)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        if with_media:
            _write_archive(partial, kind, alias)
        else:
            _dump_database(kind, alias, partial)
        _fsync(partial)
        os.replace(partial, target)
        _fsync(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    removed = _prune(target.parent, keep) if keep else []
    return BackupResult(
        path=target, kind=kind, with_media=with_media, size=target.stat().st_size, removed=removed
    )


def _target_path(output: Path | str | None, extension: str) -> Path:
    # A str keeps its trailing slash ("backups/": a directory, made if need be); a Path does not.
    if output is not None and not (Path(output).is_dir() or str(output).endswith(os.sep)):
        return Path(output)
    directory = backup_dir() if output is None else Path(output)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    candidate = directory / f"lodestar-{stamp}{extension}"
    number = 2
    while candidate.exists():
        candidate = directory / f"lodestar-{stamp}-{number}{extension}"
        number += 1
    return candidate


def _dump_database(kind: str, alias: str, destination: Path) -> None:
    if kind == SQLITE:
        _sqlite_backup(_sqlite_path(alias), destination)
    else:
        _pg_dump(alias, destination)


def _sqlite_path(alias: str) -> Path:
    name = str(settings.DATABASES[alias]["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return Path(name)


def _sqlite_backup(source_path: Path, destination: Path) -> None:
    if not source_path.exists():
        raise BackupError(f"The database file {source_path} does not exist.")
    source = sqlite3.connect(source_path, timeout=_sqlite_timeout())
    copy = sqlite3.connect(destination)
    try:
        # One step (pages=-1): the whole copy happens inside one read transaction, a consistent
        # snapshot, while writers go on appending to the WAL.
        source.backup(copy)
        # The copy stands alone: no -wal file beside it.
        copy.execute("PRAGMA journal_mode=DELETE")
        _check_integrity(copy, destination)
    finally:
        copy.close()
        source.close()


def _sqlite_timeout() -> float:
    return float(settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 20))


def _check_integrity(connection: sqlite3.Connection, path: Path) -> None:
    rows = connection.execute("PRAGMA integrity_check").fetchall()
    if rows != [("ok",)]:
        problems = "; ".join(str(row[0]) for row in rows[:5])
        raise BackupError(f"{path} fails SQLite's integrity check: {problems}")


def _pg_dump(alias: str, destination: Path) -> None:
    _run_pg(
        "pg_dump",
        ["--format=custom", "--no-password", f"--file={destination}"],
        alias,
        failure="pg_dump failed",
    )
    _pg_list(destination)


def _write_archive(destination: Path, kind: str, alias: str) -> None:
    with tempfile.TemporaryDirectory(dir=destination.parent, prefix=".backup-") as work:
        database_file = Path(work) / ARCHIVE_DATABASE[kind]
        _dump_database(kind, alias, database_file)
        manifest = Path(work) / ARCHIVE_MANIFEST
        manifest.write_text(
            json.dumps(
                {"format": 1, "database": kind, "created": datetime.now(UTC).isoformat()},
                indent=2,
            )
        )
        media = Path(settings.MEDIA_ROOT)
        with tarfile.open(destination, "w:gz") as archive:
            archive.add(manifest, arcname=ARCHIVE_MANIFEST)
            archive.add(database_file, arcname=database_file.name)
            if media.is_dir():
                archive.add(media, arcname=ARCHIVE_MEDIA)


def _prune(directory: Path, keep: int) -> list[Path]:
    backups = []
    for path in directory.iterdir():
        match = BACKUP_NAME.match(path.name)
        if match and path.is_file():
            backups.append(((match[1], int(match[2] or 1)), path))
    backups.sort(reverse=True)
    removed = [path for _, path in backups[keep:]]
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# --- checking a backup file ---


def backup_inspect(path: Path, *, alias: str = "default") -> BackupInfo:
    """Check that `path` is a whole backup that this installation's database can take."""
    with tempfile.TemporaryDirectory() as work:
        kind, _, media = _open_backup(path, Path(work), alias)
    return BackupInfo(path=path, kind=kind, with_media=media is not None)


def _open_backup(path: Path, work: Path, alias: str) -> tuple[str, Path, Path | None]:
    """Check a backup file: its kind, the database file to restore (unpacked into `work` from
    an archive) and the media folder it carries, if any."""
    if not path.exists():
        raise BackupError(f"No such file: {path}.")
    if not path.is_file():
        raise BackupError(f"{path} is not a file.")
    with path.open("rb") as file:
        head = file.read(16)
    if head.startswith(GZIP_HEADER):
        kind, has_media = _unpack_archive(path, work)
        database_file = work / ARCHIVE_DATABASE[kind]
        media = work / ARCHIVE_MEDIA if has_media else None
    else:
        kind, database_file, media = _kind_from_header(head, path), path, None
    _check_database_file(kind, database_file, alias)
    return kind, database_file, media


def _kind_from_header(head: bytes, path: Path) -> str:
    if head.startswith(SQLITE_HEADER):
        return SQLITE
    if head.startswith(PGDUMP_HEADER):
        return POSTGRESQL
    raise BackupError(
        f"{path} is not a Lodestar backup: expected a SQLite database, a pg_dump custom-format "
        "file, or a .tar.gz made by `lodestar backup --with-media`."
    )


def _check_database_file(kind: str, path: Path, alias: str) -> None:
    expected = database_kind(alias)
    if kind != expected:
        names = {SQLITE: "SQLite", POSTGRESQL: "PostgreSQL"}
        raise BackupError(
            f"{path} is a {names[kind]} backup, but the configured database (DATABASE_URL) is "
            f"{names[expected]}. Restore it into a {names[kind]} database; to move data between "
            "the two, use `lodestar dumpdata` and `lodestar loaddata`."
        )
    if kind == SQLITE:
        _check_sqlite_backup(path)
    else:
        _pg_list(path)


def _check_sqlite_backup(path: Path) -> None:
    try:
        connection = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True)
    except sqlite3.Error as error:
        raise BackupError(f"{path} cannot be opened as a SQLite database: {error}.") from None
    try:
        _check_integrity(connection, path)
        recorded = _recorded_migrations(connection)
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a readable SQLite database: {error}.") from None
    finally:
        connection.close()
    if not any(app == "accounts" for app, _ in recorded):
        raise BackupError(f"{path} is a SQLite database, but not one of Lodestar's.")
    unknown = _unknown_migrations(recorded)
    if unknown:
        raise BackupError(
            f"{path} comes from a newer version of Lodestar (it has migrations this version "
            f"lacks: {', '.join(unknown[:5])}). Upgrade Lodestar, then restore."
        )


def _recorded_migrations(connection: sqlite3.Connection) -> set[tuple[str, str]]:
    has_table = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
    ).fetchone()
    if not has_table:
        return set()
    return set(connection.execute("SELECT app, name FROM django_migrations").fetchall())


def _unknown_migrations(recorded: set[tuple[str, str]]) -> list[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    return sorted(
        f"{app}.{name}"
        for app, name in recorded
        if app in loader.migrated_apps and (app, name) not in known
    )


def _unpack_archive(path: Path, into: Path) -> tuple[str, bool]:
    """Extract an archive made by --with-media into `into`; return its kind and whether it
    holds media files. Anything else in it (or an unsafe path) is refused."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            names = archive.getnames()
            roots = {name.split("/", 1)[0] for name in names}
            databases = [kind for kind, name in ARCHIVE_DATABASE.items() if name in roots]
            allowed = {ARCHIVE_MANIFEST, ARCHIVE_MEDIA, *ARCHIVE_DATABASE.values()}
            if len(databases) != 1 or not roots <= allowed:
                raise BackupError(
                    f"{path} is a .tar.gz archive but not one made by `lodestar backup "
                    "--with-media` (it should hold backup.json, one database file and media/)."
                )
            # The "data" filter refuses absolute paths, links out of the folder and devices.
            archive.extractall(into, filter="data")
    except (tarfile.TarError, EOFError, OSError) as error:
        raise BackupError(f"{path} is not a readable .tar.gz archive: {error}.") from None
    return databases[0], ARCHIVE_MEDIA in roots


# --- restore ---


def backup_restore(
    *, path: Path, alias: str = "default", safety_backup: bool = True
) -> RestoreResult:
    """Replace the database (and the media files, if the backup has them) with a backup.

    The file is checked whole first; a bad file changes nothing. Unless told otherwise, the
    current database is backed up first to var/backups/pre-restore-<time>.
    """
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Unpacked beside the media folder, so that putting media in place is a rename.
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".restore-") as work:
        kind, database_file, media = _open_backup(path, Path(work), alias)
        saved = None
        if safety_backup and _database_exists(kind, alias):
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            saved = backup_create(
                output=backup_dir() / f"pre-restore-{stamp}{EXTENSIONS[kind]}", alias=alias
            ).path
        connections[alias].close()
        if kind == SQLITE:
            _sqlite_restore(database_file, _sqlite_path(alias))
        else:
            _pg_restore(database_file, alias)
        set_aside = _swap_media(media, media_root) if media is not None else None
    connections[alias].close()
    return RestoreResult(
        kind=kind,
        target=database_label(alias),
        safety_backup=saved,
        media_set_aside=set_aside,
        pending_migrations=_pending_migrations(alias),
    )


def _database_exists(kind: str, alias: str) -> bool:
    if kind == SQLITE:
        return _sqlite_path(alias).exists()
    return True


def _sqlite_restore(source_path: Path, live_path: Path) -> None:
    live_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{quote(str(source_path.resolve()))}?mode=ro", uri=True)
    live = sqlite3.connect(live_path, timeout=_sqlite_timeout())
    try:
        # Into the live file, under its write lock: other processes wait on their busy timeout,
        # then read the restored rows; the live file keeps its journal mode (WAL).
        source.backup(live)
        _check_integrity(live, live_path)
        live.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        live.close()
        source.close()


def _pg_restore(dump: Path, alias: str) -> None:
    name = settings.DATABASES[alias]["NAME"]
    _run_pg(
        "pg_restore",
        [
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={name}",
            str(dump),
        ],
        alias,
        failure="pg_restore failed (the database is unchanged: the restore is one transaction)",
    )


def _swap_media(restored: Path, media: Path) -> Path | None:
    """Put the backup's media folder in place; the current one is kept beside it, renamed."""
    set_aside = None
    if media.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        set_aside = media.with_name(f"{media.name}.before-restore-{stamp}")
        os.replace(media, set_aside)
    os.replace(restored, media)
    return set_aside


def _pending_migrations(alias: str) -> list[str]:
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[alias]
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    finally:
        connection.close()
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


# --- PostgreSQL client programs ---


def _pg_list(dump: Path) -> None:
    """pg_restore --list reads a dump's table of contents: it fails on anything else."""
    program = _pg_program("pg_restore")
    result = subprocess.run(  # noqa: S603 (a fixed program, arguments we build)  # nosec B603
        [program, "--list", str(dump)], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{dump} is not a readable pg_dump archive: {_last_line(result.stderr)}")


def _run_pg(program: str, arguments: list[str], alias: str, *, failure: str) -> None:
    executable = _pg_program(program)
    result = subprocess.run(  # noqa: S603 (a fixed program, arguments we build)  # nosec B603
        [executable, *arguments],
        env=_pg_environment(alias),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{failure}: {_last_line(result.stderr)}")


def _pg_program(program: str) -> str:
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(
            f"{program} is not installed or not on PATH. It comes with the PostgreSQL client "
            "(Debian/Ubuntu: apt install postgresql-client; use the server's major version "
            "or newer)."
        )
    return executable


def _pg_environment(alias: str) -> dict[str, str]:
    """libpq's variables for the configured connection: the password never on argv."""
    db = settings.DATABASES[alias]
    env = {**os.environ}
    values = {
        "PGDATABASE": db.get("NAME"),
        "PGUSER": db.get("USER"),
        "PGPASSWORD": db.get("PASSWORD"),
        "PGHOST": db.get("HOST"),
        "PGPORT": db.get("PORT"),
    }
    options = db.get("OPTIONS", {})
    for option, variable in {
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "service": "PGSERVICE",
        "passfile": "PGPASSFILE",
        "options": "PGOPTIONS",
    }.items():
        values[variable] = options.get(option)
    for variable, value in values.items():
        if value not in (None, ""):
            env[variable] = str(value)
    return env


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
