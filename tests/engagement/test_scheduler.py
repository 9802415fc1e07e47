"""The scheduler: each periodic job once per interval, only one of two schedulers starts it, and
a run that died is started again soon."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from lodestar.engagement import scheduler
from lodestar.engagement.models import ScheduledJobRun
from lodestar.engagement.scheduler import JOBS_BY_NAME, Job, job_claim, scheduler_tick

pytestmark = pytest.mark.django_db

ALL = [
    "expire_requests",
    "message_digests",
    "checkin_invitations",
    "introduction_reminders",
    "nudges",
    "health_refresh",
    "email_retries",
    "flash_slots",
    "flash_feedback",
    "email_purge",
    "closure_start",
    "closure_reminders",
    "closure_finish",
    "survey_sending",
    "survey_reminders",
    "survey_expiry",
    "webhook_retries",
    "webhook_purge",
    "retention_purge",
    "audit_prune",
    "worker_heartbeat",
    "idempotency_purge",
    "sessions_purge",
]
calls: list[str] = []


def counted() -> int:
    calls.append("ran")
    return 1


def boom() -> int:
    raise RuntimeError("the job died half-way")


@pytest.fixture(autouse=True)
def fresh_calls():
    calls.clear()


def test_first_tick_runs_every_job_and_records_it():
    now = timezone.now()
    assert scheduler_tick(now=now) == ALL
    runs = {r.name: r for r in ScheduledJobRun.objects.all()}
    assert set(runs) == set(ALL)
    assert all(r.last_run_at == now and r.finished_at >= now for r in runs.values())


def test_each_job_runs_again_only_after_its_interval():
    now = timezone.now()
    scheduler_tick(now=now)
    assert scheduler_tick(now=now + timedelta(seconds=30)) == []
    assert scheduler_tick(now=now + timedelta(minutes=1)) == [
        "email_retries",
        "webhook_retries",
        "worker_heartbeat",
    ]
    assert scheduler_tick(now=now + timedelta(minutes=10)) == [
        "message_digests",
        "email_retries",
        "webhook_retries",
        "worker_heartbeat",
    ]
    assert scheduler_tick(now=now + timedelta(minutes=10, seconds=30)) == []
    assert scheduler_tick(now=now + timedelta(hours=1)) == [
        "expire_requests",
        "message_digests",
        "nudges",
        "health_refresh",
        "email_retries",
        "flash_feedback",
        "closure_start",
        "closure_reminders",
        "closure_finish",
        "survey_sending",
        "survey_reminders",
        "survey_expiry",
        "webhook_retries",
        "worker_heartbeat",
        "idempotency_purge",
    ]
    assert scheduler_tick(now=now + timedelta(days=1)) == ALL


def test_two_claims_for_the_same_turn_cannot_both_win():
    job = Job("test_job", timedelta(hours=1), "tests.engagement.test_scheduler.counted")
    now = timezone.now()
    assert job_claim(job, now) is True
    assert job_claim(job, now) is False
    ScheduledJobRun.objects.filter(name="test_job").update(finished_at=now)
    assert job_claim(job, now + timedelta(minutes=59)) is False
    assert ScheduledJobRun.objects.filter(name="test_job").count() == 1


def test_the_job_function_runs_in_the_task(monkeypatch):
    job = Job("nudges", timedelta(hours=1), "tests.engagement.test_scheduler.counted")
    monkeypatch.setitem(JOBS_BY_NAME, "nudges", job)
    monkeypatch.setattr(scheduler, "JOBS", (job,))
    now = timezone.now()
    scheduler_tick(now=now)
    scheduler_tick(now=now + timedelta(minutes=30))
    assert calls == ["ran"]


def test_a_job_that_died_is_started_again_at_the_next_tick_after_the_grace(monkeypatch):
    dying = Job("nudges", timedelta(hours=1), "tests.engagement.test_scheduler.boom")
    monkeypatch.setitem(JOBS_BY_NAME, "nudges", dying)
    monkeypatch.setattr(scheduler, "JOBS", (dying,))
    now = timezone.now()
    assert scheduler_tick(now=now) == ["nudges"]
    assert ScheduledJobRun.objects.get(name="nudges").finished_at is None
    assert scheduler_tick(now=now + timedelta(minutes=5)) == []  # it may still be running
    healthy = Job("nudges", timedelta(hours=1), "tests.engagement.test_scheduler.counted")
    monkeypatch.setitem(JOBS_BY_NAME, "nudges", healthy)
    monkeypatch.setattr(scheduler, "JOBS", (healthy,))
    assert scheduler_tick(now=now + timedelta(minutes=10)) == ["nudges"]
    assert calls == ["ran"]
    # Finished now: the next run waits for the whole interval again.
    assert scheduler_tick(now=now + timedelta(minutes=20)) == []


def test_run_scheduler_once_starts_what_is_due_and_exits():
    out = StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "Started: expire_requests, message_digests" in out.getvalue()
    again = StringIO()
    call_command("run_scheduler", "--once", stdout=again)
    assert again.getvalue() == ""
