"""Retention: an archived program's private content goes N months after archiving; figures
stay; a program that keeps its content, or is not archived, or not yet due, is left alone."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from lodestar.engagement.models import CheckIn
from lodestar.meetings.models import Meeting, PrivateNote
from lodestar.messaging.models import Message
from lodestar.privacy.retention import add_months, retention_purge_due
from lodestar.programs.models import Program
from lodestar.programs.services.programs import program_transition
from tests.privacy.conftest import build_person

pytestmark = pytest.mark.django_db


def archive(program: Program, *, months_ago: int, retention: int | None) -> Program:
    archived_at = add_months(timezone.now(), -months_ago) - timedelta(days=1)
    Program.objects.filter(pk=program.pk).update(
        status="archived", archived_at=archived_at, retention_months=retention
    )
    return Program.objects.get(pk=program.pk)


@pytest.fixture
def old(coordinator):
    person = build_person(coordinator)
    archive(person.mentorship.program, months_ago=7, retention=6)
    return person


def text_left(person) -> list[str]:
    program = person.mentorship.program
    return [
        *Message.objects.filter(conversation__mentorship__program=program).values_list(
            "body", flat=True
        ),
        *CheckIn.objects.filter(mentorship__program=program).values_list("progress", flat=True),
        *PrivateNote.objects.filter(meeting__mentorship__program=program).values_list(
            "text", flat=True
        ),
    ]


def test_private_content_goes_once_the_retention_has_run_out(old):
    messages = Message.objects.filter(conversation__mentorship=old.mentorship).count()
    meetings = Meeting.objects.filter(mentorship=old.mentorship).count()
    moods = list(CheckIn.objects.filter(mentorship=old.mentorship).values_list("mood", flat=True))

    assert retention_purge_due() == 1

    left = " ".join(text_left(old))
    assert old.canaries["messaging.Message.body"] not in left
    assert "Hello from Pat" not in left
    assert old.canaries["engagement.CheckIn.progress"] not in left
    assert not PrivateNote.objects.filter(meeting__mentorship=old.mentorship).exists()
    # Figures stay.
    assert Message.objects.filter(conversation__mentorship=old.mentorship).count() == messages
    assert Meeting.objects.filter(mentorship=old.mentorship).count() == meetings
    assert (
        list(CheckIn.objects.filter(mentorship=old.mentorship).values_list("mood", flat=True))
        == moods
    )
    assert Program.objects.get(pk=old.mentorship.program_id).content_purged_at is not None


def test_the_purge_is_idempotent(old):
    assert retention_purge_due() == 1
    assert retention_purge_due() == 0
    from lodestar.privacy.retention import program_purge

    counts = program_purge(program=Program.objects.get(pk=old.mentorship.program_id))
    assert set(counts.values()) == {0}


@pytest.mark.parametrize(
    ("months_ago", "retention", "status"),
    [(7, None, "archived"), (5, 6, "archived"), (7, 6, "running")],
    ids=["kept forever", "not yet due", "not archived"],
)
def test_other_programs_keep_their_content(coordinator, months_ago, retention, status):
    person = build_person(coordinator)
    program = archive(person.mentorship.program, months_ago=months_ago, retention=retention)
    Program.objects.filter(pk=program.pk).update(status=status)
    assert retention_purge_due() == 0
    assert person.canaries["messaging.Message.body"] in text_left(person)


def test_the_management_command_purges_too(old, capsys):
    call_command("privacy_retention", "--dry-run")
    assert old.mentorship.program.slug in capsys.readouterr().out
    call_command("privacy_retention")
    assert "1 program(s) purged." in capsys.readouterr().out


def test_archiving_starts_the_clock(coordinator, program):
    Program.objects.filter(pk=program.pk).update(status="closing")
    program.refresh_from_db()
    program_transition(program=program, to_status="archived", by=coordinator)
    assert Program.objects.get(pk=program.pk).archived_at is not None


def test_a_coordinator_sets_the_retention_in_the_program_settings(client, coordinator, program):
    client.force_login(coordinator)
    url = reverse("program_edit", args=[program.slug])
    page = client.get(url).content.decode()
    assert 'name="retention_months"' in page
    from lodestar.programs.forms.programs import ProgramForm

    data = {k: v for k, v in ProgramForm(program=program).initial.items() if v is not None}
    data["nudge_rules"] = program.nudge_rules
    data["retention_months"] = 12
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Program.objects.get(pk=program.pk).retention_months == 12
