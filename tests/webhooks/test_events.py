"""Each service tells the program's webhooks, once its change commits: one test per event, with
the payload's data checked to be metadata only (ids, states, dates) — never a message, a note,
a free-text reason or answer."""

import json
from datetime import date, timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from lodestar.engagement.checkins import checkin_submit
from lodestar.matches.services.publish import run_publish
from lodestar.meetings.models import Meeting
from lodestar.mentorships.closure import closure_finish_due, closure_start
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.services import mentorship_accept, mentorship_create, mentorship_end_early
from lodestar.programs.models import Enrolment
from lodestar.programs.services.enrolment import enrolment_apply
from lodestar.programs.services.imports import import_commit
from lodestar.webhooks.models import Delivery
from lodestar.webhooks.services import iso_utc
from tests import factories
from tests.matches.test_runs import small_cohort, started

pytestmark = pytest.mark.django_db

SECRET_WORDS = "confidential-words-nobody-else-should-read"


def sent(receiver, event: str) -> list[dict]:
    """The bodies the receiver got for this event, each checked to be signed."""
    bodies = []
    for request in receiver.requests:
        if request.headers["lodestar-event"] == event:
            assert request.verified
            assert SECRET_WORDS not in request.body.decode()
            bodies.append(request.json)
    return bodies


@pytest.fixture
def pair(program, mentor, mentee):
    return factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(program=program, user=mentor),
        mentees=[Enrolment.objects.get(program=program, user=mentee)],
    )


def test_enrolling_sends_enrolment_created(
    endpoint, receiver, program, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        enrolment = enrolment_apply(program=program, user=outsider, role="mentee")
    [body] = sent(receiver, "enrolment.created")
    assert body["program"] == "spring"
    assert body["data"] == {
        "enrolment": {
            "id": enrolment.pk,
            "user_id": outsider.pk,
            "role": "mentee",
            "status": enrolment.status,
            "capacity": None,
            "created_at": body["data"]["enrolment"]["created_at"],
        }
    }
    assert outsider.email not in json.dumps(body)


IMPORT_FILE = "\n".join(
    [
        "email,name,role,capacity",
        "ana@example.com,Ana Alves,mentee,",
        "ben@example.com,Ben Brown,mentor,2",
        "outsider@example.com,Someone Else,mentee,",  # has an account already
    ]
)


def test_a_csv_import_sends_enrolment_created_for_each_person(
    endpoint, receiver, program, coordinator, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_commit(program=program, text=IMPORT_FILE, by=coordinator)

    bodies = sent(receiver, "enrolment.created")
    imported = Enrolment.objects.filter(
        program=program, user__email__in=["ana@example.com", "ben@example.com", outsider.email]
    )
    assert sorted(b["data"]["enrolment"]["id"] for b in bodies) == sorted(e.pk for e in imported)
    by_user = {b["data"]["enrolment"]["user_id"]: b["data"]["enrolment"] for b in bodies}
    assert by_user[outsider.pk]["role"] == "mentee"
    assert {e["status"] for e in by_user.values()} == {"approved"}
    assert len({b["id"] for b in bodies}) == 3  # a delivery id each, as if they joined one by one
    assert all("@example.com" not in json.dumps(b) for b in bodies)


def test_accepting_the_invitation_of_an_import_sends_nothing_more(
    endpoint, receiver, program, coordinator, django_capture_on_commit_callbacks
):
    from lodestar.programs.models import Invitation
    from lodestar.programs.services.invitations import invitation_accept

    with django_capture_on_commit_callbacks(execute=True):
        import_commit(program=program, text=IMPORT_FILE, by=coordinator)
    ana = Enrolment.objects.get(user__email="ana@example.com").user
    invitation = Invitation.objects.get(email="ana@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        invitation_accept(invitation=invitation, user=ana)

    assert len(sent(receiver, "enrolment.created")) == 3


def test_a_csv_import_without_webhooks_pays_one_query_for_them(program, django_assert_num_queries):
    from lodestar.webhooks.events import enrolments_created

    people = [factories.make_user(f"p{i}@example.com") for i in range(3)]
    enrolments = [factories.make_enrolment(program, person) for person in people]
    with django_assert_num_queries(1):
        enrolments_created(program, enrolments)
    assert Delivery.objects.count() == 0


def test_publishing_a_run_sends_match_run_published(
    endpoint, receiver, program, coordinator, django_capture_on_commit_callbacks
):
    small_cohort(program)
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        made = run_publish(run=run, by=coordinator)
    [body] = sent(receiver, "match_run.published")
    data = body["data"]["match_run"]
    assert data["id"] == run.pk and data["status"] == "published"
    assert sorted(data["mentorship_ids"]) == sorted(m.pk for m in made)
    assert data["published_at"].endswith("Z")


def test_a_mentorship_everyone_accepted_sends_mentorship_started(
    endpoint, receiver, program, mentor, mentee, django_capture_on_commit_callbacks
):
    proposed = factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(program=program, user=mentor),
        mentees=[Enrolment.objects.get(program=program, user=mentee)],
        status="proposed",
    )
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_accept(mentorship=proposed, user=mentor)
    assert sent(receiver, "mentorship.started") == []  # one of two has answered
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_accept(mentorship=proposed, user=mentee)
    [body] = sent(receiver, "mentorship.started")
    data = body["data"]["mentorship"]
    assert data["id"] == proposed.pk and data["status"] == "active"
    assert data["start_date"] == Mentorship.objects.get().start_date.isoformat()
    assert sorted((m["user_id"], m["role"]) for m in data["members"]) == sorted(
        [(mentor.pk, "mentor"), (mentee.pk, "mentee")]
    )


def test_a_mentorship_made_active_at_once_sends_mentorship_started(
    endpoint, receiver, program, mentor, mentee, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        made = mentorship_create(
            program=program,
            mentors=[Enrolment.objects.get(program=program, user=mentor)],
            mentees=[Enrolment.objects.get(program=program, user=mentee)],
            origin="manual",
            by=coordinator,
            status="active",
        )
    [body] = sent(receiver, "mentorship.started")
    assert body["data"]["mentorship"]["id"] == made.pk


def test_a_meeting_marked_as_held_sends_meeting_completed(
    endpoint, receiver, pair, mentor, django_capture_on_commit_callbacks
):
    from lodestar.meetings.services import meeting_complete

    start = timezone.now() - timedelta(hours=2)
    meeting = Meeting.objects.create(
        mentorship=pair,
        proposed_by=mentor,
        start=start,
        duration=45,
        status="confirmed",
        confirmed_at=start - timedelta(days=1),
        agenda=SECRET_WORDS,
    )
    with django_capture_on_commit_callbacks(execute=True):
        meeting_complete(meeting=meeting, by=mentor, minutes=50)
    [body] = sent(receiver, "meeting.completed")
    assert body["data"]["meeting"] == {
        "id": meeting.pk,
        "mentorship_id": pair.pk,
        "status": "completed",
        "mode": meeting.mode,
        "start": iso_utc(start),
        "duration": 45,
        "minutes_logged": 50,
    }


def test_a_check_in_asking_for_help_sends_checkin_flagged_and_others_send_nothing(
    endpoint, receiver, program, pair, mentee, mentor, django_capture_on_commit_callbacks
):
    program.meeting_cadence = "weekly"
    program.save(update_fields=["meeting_cadence"])
    pair.start_date = date(2027, 1, 11)
    pair.save(update_fields=["start_date"])
    day = date(2027, 1, 20)
    with django_capture_on_commit_callbacks(execute=True):
        checkin_submit(mentorship=pair, by=mentor, mood=4, progress="fine", today=day)
        checkin = checkin_submit(
            mentorship=pair,
            by=mentee,
            mood=2,
            progress=SECRET_WORDS,
            blockers=SECRET_WORDS,
            wants_contact=True,
            today=day,
        )
    [body] = sent(receiver, "checkin.flagged")
    assert body["data"]["checkin"] == {
        "id": checkin.pk,
        "mentorship_id": pair.pk,
        "user_id": mentee.pk,
        "period_start": checkin.period_start.isoformat(),
        "mood": 2,
        "wants_contact": True,
        "created_at": body["data"]["checkin"]["created_at"],
    }
    assert Delivery.objects.filter(event="checkin.flagged").count() == 1


def test_ending_a_mentorship_early_sends_mentorship_closed(
    endpoint, receiver, pair, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_end_early(mentorship=pair, by=coordinator, reason=SECRET_WORDS)
    [body] = sent(receiver, "mentorship.closed")
    assert body["data"]["mentorship"]["status"] == "ended_early"
    assert body["data"]["closure"]["outcome"] == "ended_early"
    assert body["data"]["closure"]["reason"] == "other"


def test_a_closure_that_finishes_sends_mentorship_closed(
    endpoint, receiver, pair, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        closure_start(
            mentorship=pair, by=coordinator, reason="goals_achieved", reason_note=SECRET_WORDS
        )
    assert sent(receiver, "mentorship.closed") == []  # closing, not closed yet
    with django_capture_on_commit_callbacks(execute=True):
        assert closure_finish_due(now=timezone.now() + timedelta(days=31)) == 1
    [body] = sent(receiver, "mentorship.closed")
    assert body["data"]["mentorship"]["status"] == "completed"
    assert body["data"]["closure"]["outcome"] == "completed"
    assert Mentorship.objects.get().status == "completed"


def test_a_change_that_rolls_back_emits_nothing(
    endpoint, receiver, program, outsider, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        enrolment_apply(program=program, user=outsider, role="mentee")
        raise RuntimeError("something after the enrolment failed")
    assert Delivery.objects.count() == 0
    assert not Enrolment.objects.filter(user=outsider).exists()
    assert receiver.requests == []
    assert all("deliver_webhook" not in repr(c) for c in callbacks)


def test_a_program_without_webhooks_pays_one_query_per_event(
    program, outsider, django_assert_max_num_queries
):
    from lodestar.webhooks.events import enrolment_created

    enrolment = factories.make_enrolment(program, outsider)
    with django_assert_max_num_queries(1):
        enrolment_created(enrolment)
    assert Delivery.objects.count() == 0
