"""One scheduler for every periodic job: `lodestar run_scheduler` (a loop, or `--once` from cron).

Each tick, every job whose interval has passed is claimed — a conditional UPDATE of its
`ScheduledJobRun` row, so of two schedulers running at once only one wins — and enqueued as a
task: the task worker runs it. Every job is idempotent, so a run that dies half-way is simply
started again (after RETRY_AFTER, without waiting for its whole interval) and sends nothing
twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import ScheduledJobRun

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
# A run not finished this long after it started is taken for dead and started again.
RETRY_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    function: str  # dotted path of a function called without arguments; returns a count


JOBS = (
    Job("expire_requests", HOUR, "lodestar.matches.services.requests.requests_expire_due"),
    Job("message_digests", 10 * MINUTE, "lodestar.messaging.digests.digests_send_due"),
    Job("checkin_invitations", DAY, "lodestar.engagement.checkins.checkin_invitations_due"),
    Job("introduction_reminders", DAY, "lodestar.network.services.introductions_remind_due"),
    Job("nudges", HOUR, "lodestar.engagement.nudges.nudges_run"),
    Job("health_refresh", HOUR, "lodestar.engagement.health.health_refresh"),
    Job("email_retries", MINUTE, "lodestar.core.emails.emails_retry_due"),
    Job("flash_slots", DAY, "lodestar.flash.slots.slots_extend_due"),
    Job("flash_feedback", HOUR, "lodestar.flash.services.feedback_invitations_due"),
    Job("email_purge", DAY, "lodestar.core.emails.emails_purge_sent"),
    Job("closure_start", HOUR, "lodestar.mentorships.closure.closure_start_due"),
    Job("closure_reminders", HOUR, "lodestar.mentorships.closure.closure_remind_due"),
    Job("closure_finish", HOUR, "lodestar.mentorships.closure.closure_finish_due"),
    Job("survey_sending", HOUR, "lodestar.evaluations.scheduling.surveys_assign_due"),
    Job("survey_reminders", HOUR, "lodestar.evaluations.scheduling.surveys_remind_due"),
    Job("survey_expiry", HOUR, "lodestar.evaluations.scheduling.surveys_expire_due"),
    Job("webhook_retries", MINUTE, "lodestar.webhooks.tasks.deliveries_retry_due"),
    Job("webhook_purge", DAY, "lodestar.webhooks.tasks.deliveries_purge"),
    Job("retention_purge", DAY, "lodestar.privacy.retention.retention_purge_due"),
    Job("audit_prune", DAY, "lodestar.audit.retention.audit_prune"),
    Job("worker_heartbeat", MINUTE, "lodestar.core.health.heartbeat_record"),
    Job("idempotency_purge", HOUR, "lodestar.core.idempotency.idempotency_purge"),
    Job("sessions_purge", DAY, "lodestar.accounts.sessions.sessions_purge"),
)
JOBS_BY_NAME = {job.name: job for job in JOBS}


def job_claim(job: Job, now: datetime) -> bool:
    """Take this job's turn if it is due: True for exactly one caller however many try."""
    ScheduledJobRun.objects.get_or_create(name=job.name)  # (safe against a concurrent create)
    due = (
        Q(last_run_at__isnull=True)
        | Q(last_run_at__lte=now - job.every)
        | (
            Q(last_run_at__lte=now - min(RETRY_AFTER, job.every))
            & (Q(finished_at__isnull=True) | Q(finished_at__lt=F("last_run_at")))
        )
    )
    return ScheduledJobRun.objects.filter(due, name=job.name).update(last_run_at=now) == 1


@task()
def run_scheduled_job(name: str, started: str) -> int:
    """Run one periodic job (by name) and record that the run claimed at `started` finished.
    (Never "finished" before it started: the worker's clock may lag the scheduler's.)"""
    count = import_string(JOBS_BY_NAME[name].function)()
    finished = max(timezone.now(), datetime.fromisoformat(started))
    ScheduledJobRun.objects.filter(name=name).update(finished_at=finished)
    return int(count or 0)


def scheduler_tick(now: datetime | None = None) -> list[str]:
    """Claim and enqueue every job that is due; returns their names."""
    now = now or timezone.now()
    started = []
    for job in JOBS:
        if job_claim(job, now):
            run_scheduled_job.enqueue(job.name, now.isoformat())
            started.append(job.name)
    return started
