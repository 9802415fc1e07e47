"""Schedulers claiming the same job at the same instant, with real threads on real connections:
the conditional UPDATE lets exactly one of them start it.

PostgreSQL only: SQLite serialises writers by locking the whole database, so there is no race
to test there (the CI runs this suite on both).
"""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from lodestar.engagement.models import ScheduledJobRun
from lodestar.engagement.scheduler import Job, job_claim

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks under real concurrency need PostgreSQL; SQLite serialises writers",
    ),
]

SCHEDULERS = 8
ROUNDS = 5


def claim_at_once(job: Job, now) -> list:
    """`job_claim` from SCHEDULERS threads released together; each one's result, in order."""
    barrier = threading.Barrier(SCHEDULERS)
    outcomes: list = [None] * SCHEDULERS

    def claim(k):
        try:
            barrier.wait(timeout=10)
            outcomes[k] = job_claim(job, now)
        except Exception as error:  # anything else fails the test, below
            outcomes[k] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(k,)) for k in range(SCHEDULERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a claim hung"
    return outcomes


def test_of_eight_schedulers_claiming_a_new_job_at_once_exactly_one_starts_it():
    # The job's row does not exist yet: the threads also race to create it.
    for n in range(ROUNDS):
        job = Job(f"race_{n}", timedelta(hours=1), "tests.engagement.test_scheduler.counted")
        now = timezone.now()
        outcomes = claim_at_once(job, now)
        assert outcomes.count(True) == 1 and outcomes.count(False) == SCHEDULERS - 1, outcomes
        assert ScheduledJobRun.objects.get(name=job.name).last_run_at == now


def test_of_eight_schedulers_claiming_a_due_job_at_once_exactly_one_starts_it():
    job = Job("race_due", timedelta(hours=1), "tests.engagement.test_scheduler.counted")
    start = timezone.now()
    assert job_claim(job, start) is True
    ScheduledJobRun.objects.filter(name=job.name).update(finished_at=start)
    for n in range(1, ROUNDS + 1):
        now = start + n * job.every
        outcomes = claim_at_once(job, now)
        assert outcomes.count(True) == 1 and outcomes.count(False) == SCHEDULERS - 1, outcomes
        ScheduledJobRun.objects.filter(name=job.name).update(finished_at=now)
