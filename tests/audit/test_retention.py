"""AUDIT_KEEP_DAYS: the daily job deletes the events past their keeping, and the database still
refuses every other delete, during the job included."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from lodestar.audit import triggers
from lodestar.audit.models import AuditEvent
from lodestar.audit.retention import audit_prune
from lodestar.engagement.scheduler import JOBS_BY_NAME, run_scheduled_job

pytestmark = pytest.mark.django_db


@pytest.fixture
def aged(settings):
    """Events of 800, 731 and 5 days ago, the trail keeping 730."""
    settings.AUDIT_KEEP_DAYS = 730
    now = timezone.now()
    made = {}
    for days in (800, 731, 5):
        # Backdated the one way the trail allows: written so from the start.
        event = AuditEvent(verb="exported", at=now - timedelta(days=days), details={"d": days})
        event.save()
        made[days] = event
    return made


def kept_ages() -> list[int]:
    return sorted(e.details["d"] for e in AuditEvent.objects.filter(verb="exported"))


def test_events_older_than_the_keeping_are_deleted_and_the_deletion_recorded(aged):
    assert audit_prune() == 2
    assert kept_ages() == [5]
    [note] = AuditEvent.objects.filter(verb="retention_purged")
    assert note.details["audit_events"] == 2
    assert note.details["keep_days"] == 730


def test_a_second_run_finds_nothing_and_records_nothing(aged):
    audit_prune()
    assert audit_prune() == 0
    assert AuditEvent.objects.filter(verb="retention_purged").count() == 1


def test_zero_keeps_every_event(aged, settings):
    settings.AUDIT_KEEP_DAYS = 0
    assert audit_prune() == 0
    assert kept_ages() == [5, 731, 800]


def test_during_the_job_the_database_still_refuses_deleting_a_recent_event(aged):
    cutoff = timezone.now() - timedelta(days=730)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        triggers.pruning(cutoff, connection),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")
    assert kept_ages() == [5, 731, 800]


def test_after_the_job_old_events_are_guarded_again(aged):
    cutoff = timezone.now() - timedelta(days=730)
    with transaction.atomic(), triggers.pruning(cutoff, connection):
        pass
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [aged[800].pk])
    assert kept_ages() == [5, 731, 800]


@pytest.mark.django_db(transaction=True)
def test_pruning_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError), triggers.pruning(timezone.now(), connection):
        pass


def test_the_scheduler_runs_it_daily(aged):
    assert JOBS_BY_NAME["audit_prune"].every == timedelta(days=1)
    assert run_scheduled_job.call("audit_prune", timezone.now().isoformat()) == 2
    assert kept_ages() == [5]


def test_the_command_counts_with_dry_run_then_deletes(aged, capsys):
    call_command("audit_prune", "--dry-run")
    assert "2 audit event(s)" in capsys.readouterr().out
    assert kept_ages() == [5, 731, 800]
    call_command("audit_prune")
    assert "2 audit event(s) older than 730 days deleted" in capsys.readouterr().out
    assert kept_ages() == [5]
