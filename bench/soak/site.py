"""A Lodestar site of its own for the fault tests: a fresh SQLite file in a temporary folder,
the project's manage.py commands against it, and gunicorn on a free loopback port."""

import contextlib
import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Site:
    def __init__(self, folder: Path, **env: str):
        self.folder = folder
        self.database = folder / "soak.sqlite3"
        self.log = folder / "processes.log"
        self.port = free_port()
        self.server: subprocess.Popen | None = None
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{self.database}",
            "LODESTAR_VAR_DIR": str(folder / "var"),
            "DEBUG": "0",
            "SECRET_KEY": "soak-test-key-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "EMAIL_URL": "dummymail://",
            "LOG_FORMAT": "json",
            # Every write here is the same person's: no rate limit to trip over.
            "API_RATE_LIMIT": "1000000/minute",
            **env,
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "--no-imports", "-c", code)

    def seed(self) -> dict:
        """Migrate, then a mentorship and a token for each member; returns what the load needs."""
        self.manage("migrate", "--noinput", "-v0")
        out = self.shell("from bench.soak.site import seed_pair; seed_pair()")
        return json.loads(out.strip().splitlines()[-1])

    # The server ------------------------------------------------------------------------------

    def start_server(self, workers: int = 2, threads: int = 4) -> None:
        with self.log.open("a") as log:
            self.server = subprocess.Popen(  # noqa: S603
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "lodestar.wsgi:application",
                    f"--bind=127.0.0.1:{self.port}",
                    f"--workers={workers}",
                    f"--threads={threads}",
                    "--worker-class=gthread",
                    "--timeout=60",
                ],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill -9 reaches every worker
            )
        self.wait_healthy()

    def wait_healthy(self, timeout: float = 60) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as answer:  # noqa: S310
                    return json.loads(answer.read())
            except (urllib.error.URLError, ConnectionError, TimeoutError) as error:
                if time.monotonic() > deadline or (self.server and self.server.poll() is not None):
                    log = self.log.read_text()
                    raise RuntimeError(f"the server did not come up:\n{log}") from error
                time.sleep(0.1)

    def kill_server(self) -> None:
        """kill -9 the master and every worker at once: nothing gets to clean up."""
        if self.server is None:
            return
        with contextlib.suppress(ProcessLookupError):  # already gone
            os.killpg(self.server.pid, signal.SIGKILL)
        self.server.wait(timeout=30)
        self.server = None

    # The database, read directly ----------------------------------------------------------

    def integrity_check(self) -> str:
        with sqlite3.connect(self.database) as db:
            return ";".join(row[0] for row in db.execute("PRAGMA integrity_check"))

    def message_bodies(self) -> list[str]:
        with sqlite3.connect(self.database) as db:
            return [row[0] for row in db.execute("SELECT body FROM messaging_message")]


def seed_pair() -> None:
    """Inside `manage.py shell`: a program, a mentor and a mentee in an active mentorship, a
    read-write token for each. Prints them as JSON."""
    from datetime import timedelta

    from django.utils import timezone

    from lodestar.accounts.tokens import token_create
    from tests import factories

    coordinator = factories.make_user("cora@example.com", name="Cora", can_create_programs=True)
    program = factories.make_program(coordinator=coordinator, name="Soak", slug="soak")
    mentor = factories.make_user("max@example.com", name="Max")
    mentee = factories.make_user("mia@example.com", name="Mia")
    pair = factories.make_mentorship(
        program,
        mentor=factories.make_enrolment(program, mentor, role="mentor", capacity=2),
        mentees=[factories.make_enrolment(program, mentee)],
    )
    tokens = [
        token_create(
            user=user,
            name="soak",
            scope="read_write",
            expires_on=timezone.localdate() + timedelta(days=2),
        )[1]
        for user in (mentor, mentee)
    ]
    print(json.dumps({"pair": pair.pk, "tokens": tokens}))
