"""Run the periodic jobs at their intervals (engagement/scheduler.py): a loop, or one tick with
--once (for cron, and for tests). Two schedulers at once never start the same job twice."""

import signal
import time

from django.core.management.base import BaseCommand

from lodestar.engagement.scheduler import JOBS, scheduler_tick


class Command(BaseCommand):
    help = "Start the periodic jobs (request expiry, digests, check-ins, nudges…) when due."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one tick and exit.")
        parser.add_argument(
            "--interval", type=float, default=60, help="Seconds between ticks (default 60)."
        )

    def handle(self, *args, once=False, interval=60, **options):
        if once:
            self._tick()
            return
        stopping = []
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stopping.append(True))
        names = ", ".join(f"{job.name} (every {job.every})" for job in JOBS)
        self.stdout.write(f"Scheduler started: {names}.")
        while not stopping:
            self._tick()
            deadline = time.monotonic() + interval
            while not stopping and time.monotonic() < deadline:
                time.sleep(min(1.0, interval))
        self.stdout.write("Scheduler stopped.")

    def _tick(self):
        started = scheduler_tick()
        if started:
            self.stdout.write(f"Started: {', '.join(started)}.")
