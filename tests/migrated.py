"""Migrated databases for the tests that run Lodestar in processes of their own (the CLI, the task
worker, the scheduler): migrating takes 10 to 30 seconds, and half a dozen tests need a database
of their own. Each kind is migrated once per test run, by whichever xdist worker asks first
(under a file lock), and copied for each test: SQLite through the online backup API, PostgreSQL
with CREATE DATABASE ... TEMPLATE. `clean_up`, called by the run's controlling process when it
ends, drops the PostgreSQL template and the shared folder.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
from contextlib import closing, contextmanager
from pathlib import Path

from django.conf import settings

REPO = Path(__file__).resolve().parents[1]
DONE = ".migrated"


def run_id() -> int:
    """The process id of the pytest that started this run: xdist's workers are its children."""
    return os.getppid() if os.environ.get("PYTEST_XDIST_WORKER") else os.getpid()


def shared_dir() -> Path:
    path = Path(tempfile.gettempdir()) / f"lodestar-tests-{run_id()}"
    path.mkdir(exist_ok=True)
    return path


@contextmanager
def locked(name: str):
    with (shared_dir() / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def manage(*args: str, env: dict[str, str], timeout: float = 120) -> str:
    """Run this checkout's manage.py in a process of its own with `env` (a whole environment),
    assert that it succeeded, and return what it printed."""
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


def migrate(database_url: str) -> None:
    environment = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "0",
        "LODESTAR_VAR_DIR": str(shared_dir() / "var"),
    }
    manage("migrate", "--noinput", "-v0", env=environment, timeout=300)


# --- SQLite ---


def sqlite_template() -> Path:
    template = shared_dir() / "migrated.sqlite3"
    done = shared_dir() / f"sqlite{DONE}"
    with locked("sqlite"):
        if not done.exists():
            template.unlink(missing_ok=True)
            migrate(f"sqlite:///{template}")
            done.touch()
    return template


def sqlite_copy(target: Path) -> str:
    """A migrated SQLite file at `target`; its DATABASE_URL."""
    with (
        closing(sqlite3.connect(sqlite_template())) as source,
        closing(sqlite3.connect(target)) as copy,
    ):
        source.backup(copy)
    return f"sqlite:///{target}"


# --- PostgreSQL ---


def postgres_server() -> dict | None:
    """The suite's PostgreSQL server, or the one at 127.0.0.1:5432 if one answers there."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.postgresql":
        return {
            "host": db["HOST"] or "127.0.0.1",
            "port": int(db["PORT"] or 5432),
            "user": db["USER"] or "postgres",
            "password": db["PASSWORD"] or "",
        }
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return None
    return {"host": "127.0.0.1", "port": 5432, "user": "postgres", "password": ""}


def postgres_url(server: dict, name: str) -> str:
    password = f":{server['password']}" if server["password"] else ""
    return f"postgres://{server['user']}{password}@{server['host']}:{server['port']}/{name}"


def _admin(server: dict):
    import psycopg

    connect = {key: server[key] or None for key in ("host", "port", "user", "password")}
    return psycopg.connect(dbname="postgres", autocommit=True, **connect)


def _template_name() -> str:
    return f"lodestar_migrated_{run_id()}"


def postgres_copy(server: dict, name: str) -> str:
    """A migrated PostgreSQL database called `name` (made afresh); its DATABASE_URL."""
    template = _template_name()
    done = shared_dir() / f"postgres{DONE}"
    # The copy too is made under the lock: PostgreSQL refuses to copy a template that another
    # session is connected to, as the migration is while it runs.
    with locked("postgres"), _admin(server) as admin:
        if not done.exists():
            admin.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{template}"')
            migrate(postgres_url(server, template))
            done.touch()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return postgres_url(server, name)


def postgres_drop(server: dict, name: str) -> None:
    with _admin(server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def clean_up() -> None:
    """At the end of the run, in the process that started it."""
    folder = Path(tempfile.gettempdir()) / f"lodestar-tests-{os.getpid()}"
    if (folder / f"postgres{DONE}").exists():
        server = postgres_server()
        if server is not None:
            postgres_drop(server, _template_name())
    shutil.rmtree(folder, ignore_errors=True)
