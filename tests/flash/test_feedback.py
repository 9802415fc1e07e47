"""After the session: each side's feedback (once, from the start, never on a cancelled booking
nor from an absent mentee), the invitations to give it (once per booking), a follow-up asked
for, and a longer mentorship asked for through the ordinary request flow."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from lodestar.engagement.models import Notification
from lodestar.flash import services
from lodestar.flash.models import Booking, SessionFeedback
from lodestar.matches.models import MentorshipRequest
from tests import factories

from .conftest import NOW, make_booking, make_slot

pytestmark = pytest.mark.django_db

START = NOW + timedelta(days=1)


@pytest.fixture
def session(clock, max_e):
    return make_slot(max_e, START)


@pytest.fixture
def booking(session, mia_e) -> Booking:
    return make_booking(session, mia_e)


@pytest.fixture
def after(clock):
    clock.set(START + timedelta(hours=2))


def give(booking, by, **fields):
    values = {"rating": 4, "useful": True, "follow_up": False, "comment": ""}
    values.update(fields)
    return services.feedback_submit(booking=booking, by=by, **values)


# --- feedback ---------------------------------------------------------------------------------


def test_both_sides_give_feedback_once_each(after, booking, mentor, mentee, refused):
    mine = give(booking, mentee, rating=5, comment="  Clear and kind. ")
    assert (mine.rating, mine.useful, mine.comment, mine.author) == (
        5,
        True,
        "Clear and kind.",
        mentee,
    )
    give(booking, mentor, rating=3, useful=False)
    assert SessionFeedback.objects.filter(booking=booking).count() == 2
    refused(lambda: give(booking, mentee), code="already_given", says="already given feedback")


def test_feedback_opens_when_the_session_starts(clock, booking, mentee, refused):
    clock.set(START - timedelta(minutes=1))
    refused(lambda: give(booking, mentee), code="not_started", says="once the session has started")
    clock.set(START)
    give(booking, mentee)


def test_no_feedback_on_a_cancelled_booking(after, booking, mentor, mentee, refused):
    Booking.objects.filter(pk=booking.pk).update(status="cancelled")
    for person in (mentee, mentor):
        refused(lambda person=person: give(booking, person), code="cancelled", says="cancelled")


def test_an_absent_mentee_gives_no_feedback_but_the_mentor_may(
    after, booking, mentor, mentee, refused
):
    services.booking_record_outcome(booking=booking, by=mentor, status="no_show")
    refused(lambda: give(booking, mentee), code="no_show", says="recorded as absent")
    give(booking, mentor, rating=1, useful=False, comment="Nobody came.")


def test_only_the_people_of_the_session_give_feedback(
    after, booking, coordinator, outsider, refused
):
    for person in (coordinator, outsider):
        refused(
            lambda person=person: give(booking, person),
            code="not_allowed",
            says="Only the people of this session",
        )


@pytest.mark.parametrize("rating", [0, 6, "5", None, True])
def test_a_rating_is_from_1_to_5(after, booking, mentee, refused, rating):
    refused(lambda: give(booking, mentee, rating=rating), code="rating", says="from 1 to 5")


def test_a_comment_is_short(after, booking, mentee, refused):
    refused(
        lambda: give(booking, mentee, comment="x" * 2001),
        code="too_long",
        says="The comment is too long",
    )


def test_a_mentee_asking_for_a_follow_up_tells_the_mentor(
    after, booking, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        give(booking, mentee, follow_up=True)
    [notice] = Notification.objects.filter(user=mentor, kind="session_follow_up")
    assert notice.text == "Mia Mentee would like a follow-up session with you."
    assert [m.to for m in mail.outbox] == [[mentor.email]]
    assert not Notification.objects.filter(user=mentee).exists()


def test_a_mentor_suggesting_a_follow_up_tells_the_mentee(after, booking, mentor, mentee):
    give(booking, mentor, follow_up=True)
    [notice] = Notification.objects.filter(user=mentee, kind="session_follow_up")
    assert notice.text == "Max Mentor would like a follow-up session with you."


# --- invitations to give feedback -------------------------------------------------------------


def test_both_sides_are_asked_for_feedback_once_after_the_session(
    clock, booking, mentor, mentee, django_capture_on_commit_callbacks
):
    clock.set(START + timedelta(minutes=59))
    assert services.feedback_invitations_due() == 0
    clock.set(START + timedelta(hours=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.feedback_invitations_due() == 1
    to_mia = Notification.objects.get(user=mentee, kind="session_feedback_due")
    assert to_mia.text == "How was your session with Max Mentor? Tell us in a minute."
    to_max = Notification.objects.get(user=mentor, kind="session_feedback_due")
    assert "with Mia Mentee" in to_max.text
    assert sorted(m.to[0] for m in mail.outbox) == sorted([mentor.email, mentee.email])
    assert Booking.objects.get(pk=booking.pk).feedback_invited_at == clock.now
    clock.advance(hours=1)
    assert services.feedback_invitations_due() == 0
    assert Notification.objects.filter(kind="session_feedback_due").count() == 2


def test_no_feedback_asked_for_cancelled_bookings_or_no_shows(clock, max_e, mia_e):
    make_booking(make_slot(max_e, START), mia_e, status="cancelled")
    make_booking(make_slot(max_e, START + timedelta(hours=1)), mia_e, status="no_show")
    clock.set(START + timedelta(hours=3))
    assert services.feedback_invitations_due() == 0
    assert not Notification.objects.exists()


def test_whoever_gave_feedback_already_is_not_asked(clock, booking, mentor, mentee):
    clock.set(START + timedelta(minutes=30))
    give(booking, mentee)
    clock.set(START + timedelta(hours=2))
    assert services.feedback_invitations_due() == 1
    assert not Notification.objects.filter(user=mentee, kind="session_feedback_due").exists()
    assert Notification.objects.filter(user=mentor, kind="session_feedback_due").exists()


def test_sessions_from_long_ago_are_not_asked_about(clock, booking):
    clock.set(START + timedelta(days=8))
    assert services.feedback_invitations_due() == 0


# --- a longer mentorship ----------------------------------------------------------------------


@pytest.fixture
def held(after, program, booking, mentor):
    program.flash_mentorship_requests = True
    program.save()
    services.booking_record_outcome(booking=booking, by=mentor, status="held")
    return Booking.objects.get(pk=booking.pk)


def test_after_a_held_session_the_mentee_asks_for_a_longer_mentorship(
    held, max_e, mia_e, mentor, mentee
):
    request = services.mentorship_request_from_session(
        booking=held, by=mentee, message="I would love to keep going."
    )
    assert (request.mentee, request.mentor, request.status) == (mia_e, max_e, "open")
    assert Notification.objects.filter(user=mentor, kind="request_received").exists()


def test_the_request_follows_the_ordinary_rules(held, mentee, refused):
    services.mentorship_request_from_session(booking=held, by=mentee, message="Please?")
    refused(
        lambda: services.mentorship_request_from_session(
            booking=held, by=mentee, message="Please?"
        ),
        code="duplicate",
        says="already waiting for an answer",
    )
    assert MentorshipRequest.objects.count() == 1


def test_only_where_the_program_allows_it(after, booking, mentor, mentee, refused):
    services.booking_record_outcome(booking=booking, by=mentor, status="held")
    refused(
        lambda: services.mentorship_request_from_session(booking=booking, by=mentee, message="Hi"),
        code="no_requests",
        says="does not offer longer mentorships",
    )


def test_only_after_a_session_held_and_only_by_its_mentee(
    held, session, program, mentor, mentee, refused
):
    refused(
        lambda: services.mentorship_request_from_session(booking=held, by=mentor, message="Hi"),
        code="not_mentee",
        says="Only the mentee of this session",
    )
    Booking.objects.filter(pk=held.pk).update(status="no_show")
    refused(
        lambda: services.mentorship_request_from_session(booking=held, by=mentee, message="Hi"),
        code="not_held",
        says="after a session that took place",
    )


def test_a_request_needs_a_message(held, mentee):
    # request_create's own rule, and its own message (on the form's "message" field).
    with pytest.raises(ValidationError) as caught:
        services.mentorship_request_from_session(booking=held, by=mentee, message=" ")
    assert "Write a short message to the mentor" in caught.value.message_dict["message"][0]
    assert not MentorshipRequest.objects.exists()


def test_a_session_in_another_program_gives_no_request(clock, coordinator, refused):
    program = factories.make_program(
        name="Flash Two", kind="flash", status="running", flash_mentorship_requests=True
    )
    mentor = factories.make_enrolment(program, factories.make_user("m2@example.com"), role="mentor")
    mentee = factories.make_enrolment(program, factories.make_user("e2@example.com"))
    booking = make_booking(
        make_slot(mentor, datetime(2027, 2, 1, 9, tzinfo=UTC)), mentee, status="held"
    )
    request = services.mentorship_request_from_session(
        booking=booking, by=mentee.user, message="More please."
    )
    assert request.program == program
