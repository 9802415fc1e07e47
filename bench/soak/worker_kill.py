"""kill -9 the task worker while it sends a batch of emails, start it again, and every email is
delivered — none lost, none twice (tests/core/test_worker_kill.py is the single-round test).

Each round: one change notifies JOBS people (JOBS emails in the outbox, one task each);
`db_worker` sends them through a slow mail server (tests/support/slow_email.py) and is killed
while a message is on its way; a new worker sends the rest; once the dead worker's lease runs
out the retry job (which the scheduler runs every minute) hands over the email it held."""

import email
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .site import REPO, Site

JOBS = 12
LEASE_SECONDS = 2


@dataclass
class WorkerRound:
    number: int
    jobs: int
    delivered_before_kill: int = 0
    delivered: int = 0
    duplicates: int = 0
    missing: int = 0


def notify_round(number: int, size: int) -> None:
    """Inside `manage.py shell`: one change that tells `size` new people something."""
    from django.db import transaction

    from lodestar.accounts.models import User
    from lodestar.engagement.services import notify

    with transaction.atomic():
        for n in range(size):
            user = User.objects.create_user(email=f"r{number}p{n}@example.com", name=f"P {n}")
            notify(user=user, kind="request_received", person="Max", program="Soak")


def one_round(site: Site, mail: Path, number: int, kill_after: int) -> WorkerRound:
    result = WorkerRound(number=number, jobs=JOBS)
    site.shell(f"from bench.soak.worker_kill import notify_round; notify_round({number}, {JOBS})")

    def delivered():
        return [email.message_from_bytes(p.read_bytes()) for p in mail.glob("*.eml")]

    def of_round(messages):
        return [m for m in messages if m["To"].startswith(f"r{number}p")]

    before = len(delivered())
    worker = start_worker(site)
    deadline = time.monotonic() + 60
    try:
        # Kill while a message is on its way: its marker is there, its file not yet.
        while not (
            len(delivered()) - before >= kill_after
            and len(list(mail.glob("sending-*"))) > len(delivered())
        ):
            if time.monotonic() > deadline:
                raise RuntimeError(f"worker round {number} stalled:\n{site.log.read_text()}")
            time.sleep(0.02)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    result.delivered_before_kill = len(of_round(delivered()))

    start_worker(site, "--batch").wait(timeout=120)
    time.sleep(LEASE_SECONDS + 0.5)  # the dead worker's hold on its email runs out
    # The retry job's next run. Not `run_scheduler --once`: it runs the job only a minute after
    # its last run, and a round takes less, so a second round would wait for nothing.
    site.shell("from lodestar.core.emails import emails_retry_due; emails_retry_due()")
    start_worker(site, "--batch").wait(timeout=120)

    counts = Counter(m["To"] for m in of_round(delivered()))
    result.delivered = sum(counts.values())
    result.duplicates = sum(c - 1 for c in counts.values() if c > 1)
    result.missing = JOBS - len(counts)
    return result


def start_worker(site: Site, *flags: str) -> subprocess.Popen:
    with site.log.open("a") as log:
        return subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "manage.py",
                "db_worker",
                "--no-reload",
                "--no-startup-delay",
                "--interval=0.1",
                *flags,
            ],
            cwd=REPO,
            env=site.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def run(folder: Path, rounds: int = 2) -> list[WorkerRound]:
    mail = folder / "mail"
    mail.mkdir(parents=True)
    site = Site(
        folder,
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        # django-environ drops the path's first character: four slashes for an absolute one.
        EMAIL_URL=f"filemail:///{mail}",
        EMAIL_BACKEND="tests.support.slow_email.SlowFileEmailBackend",
        EMAIL_LEASE_SECONDS=str(LEASE_SECONDS),
    )
    site.manage("migrate", "--noinput", "-v0")
    return [one_round(site, mail, n + 1, kill_after=2 + 2 * n) for n in range(rounds)]
