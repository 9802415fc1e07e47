"""A mentee's “Book a session” and booking page, and the booking page from the mentor's side:
ranked mentors with the engine's reasons, filters, every time in the viewer's zone (and the
other's), booking with a question, cancelling, the outcome, feedback, a follow-up and a longer
mentorship — each bad input shown on its form with nothing changed."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lodestar.accounts.models import Profile
from lodestar.core.models import Tag
from lodestar.engagement.models import Notification
from lodestar.flash.models import Booking, SessionFeedback
from lodestar.matches.models import MentorshipRequest
from tests import factories

from .conftest import (
    NOW,
    PARIS,
    add_person,
    book,
    calendar_parts,
    make_booking,
    make_slot,
    publish,
    state,
)

pytestmark = pytest.mark.django_db

SKILLS = ["Design", "Data", "Leadership", "Sales"]
BROWSE = reverse("flash_browse", args=["flash-week"])
TUESDAY = datetime(2027, 3, 2, 16, tzinfo=UTC)  # 17:00 in Paris, 11:00 in New York


def text(response) -> str:
    return response.content.decode()


def field_error(response, field_id: str) -> str:
    found = re.search(rf'id="{field_id}_error">(.*?)</small>', text(response), re.S)
    return found.group(1) if found else ""


def listed(content: str) -> list[str]:
    """The mentors' names in the order the page lists them."""
    return re.findall(r'<h3 id="mentor-\d+-name"><a href="[^"]+">([^<]+)</a>', content)


def add_mentor(program, name, *, at=time(17, 0), **hours):
    mentor = add_person(program, name, role="mentor", zone=PARIS)
    publish(mentor, start_time=at, **hours)
    return mentor


def book_url(slot) -> str:
    return reverse("flash_book", args=["flash-week", slot.pk])


def booking_url(booking) -> str:
    return reverse("flash_booking", args=[booking.pk])


@pytest.fixture
def wants(program, mia_e):
    """A criterion: the skills Mia wants against those mentors offer; Mia wants all four."""
    asked = factories.make_criterion(program, label="What do you want to learn?", choices=SKILLS)
    factories.make_answer(mia_e, asked[0], SKILLS)
    return asked


# --- "Book a session" -------------------------------------------------------------------------


def test_mentors_come_ranked_with_the_reasons_and_their_next_sessions_in_my_zone(
    client, clock, program, mentee, mia_e, wants
):
    some = add_mentor(program, "Bea Some", at=time(9, 0))
    factories.make_answer(some, wants[1], SKILLS[:2])
    every = add_mentor(program, "Al Every", at=time(17, 0))
    factories.make_answer(every, wants[1], SKILLS)
    add_person(program, "Ned Nohours", role="mentor")
    client.force_login(mentee)
    response = client.get(BROWSE)
    assert response.status_code == 200
    content = text(response)
    assert listed(content) == ["Al Every", "Bea Some"]
    assert "Match 100 / 100" in content and "You both chose Design" in content
    # 17:00 in Paris is 11:00 in New York, where Mia reads it; the mentor's time beside it.
    assert "Tue March 2, 2027, 11 a.m." in content
    assert "5 p.m. for the mentor, Europe/Paris" in content
    assert "1 seat left" in content
    first = every.office_hours.get().slots.order_by("start").first()
    assert book_url(first) in content
    assert "You can book 2 sessions a month; you have booked 0 this month." in content


@pytest.fixture
def two_mentors(clock, program, mia_e):
    ana = add_mentor(program, "Ana Design", at=time(9, 0), topics=["Portfolio"])
    bo = add_mentor(program, "Bo Data", at=time(23, 0), topics=["SQL", "Careers"])
    Profile.objects.filter(user=ana.user).update(languages=["fr", "en"])
    Profile.objects.filter(user=bo.user).update(languages=["en"])
    ana.user.profile.skills.add(*Tag.objects.named(["Figma"]))
    bo.user.profile.skills.add(*Tag.objects.named(["Python"]))
    return ana, bo


@pytest.mark.parametrize(
    "filters, shown",
    [
        ({}, ["Ana Design", "Bo Data"]),
        ({"topic": "Careers"}, ["Bo Data"]),
        ({"language": "fr"}, ["Ana Design"]),
        ({"skill": "figma"}, ["Ana Design"]),
        # 09:00 in Paris is 03:00 in New York; 23:00 is 17:00.
        ({"time_of_day": "morning"}, ["Ana Design"]),
        ({"time_of_day": "evening"}, ["Bo Data"]),
        ({"time_of_day": "afternoon"}, []),
        ({"time_of_day": "teatime", "language": "xx"}, ["Ana Design", "Bo Data"]),
    ],
)
def test_filters(client, two_mentors, mentee, filters, shown):
    client.force_login(mentee)
    response = client.get(BROWSE, filters)
    assert response.status_code == 200
    assert listed(text(response)) == shown
    if not shown:
        assert "No mentor has a session matching these filters." in text(response)


def test_the_filters_offer_the_programs_topics_and_languages(client, two_mentors, mentee):
    client.force_login(mentee)
    content = text(client.get(BROWSE))
    for option in ('value="Careers"', 'value="Portfolio"', 'value="SQL"', 'value="fr"'):
        assert option in content
    assert 'value="de"' not in content


def test_browsing_takes_as_many_queries_for_many_mentors_as_for_a_few(
    client, clock, program, mentee, mia_e, wants
):
    def mentors(start: int, count: int):
        for k in range(start, start + count):
            mentor = add_mentor(program, f"Mentor {k:02d}", at=time(8 + k % 12, 0))
            factories.make_answer(mentor, wants[1], SKILLS[: 1 + k % 4])
            mentor.user.profile.skills.add(*Tag.objects.named(["Python"]))

    client.force_login(mentee)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(BROWSE, {"skill": "python"})
        assert response.status_code == 200
        return len(captured)

    mentors(0, 2)
    few = count()
    mentors(2, 12)
    assert count() == few
    assert len(listed(text(client.get(BROWSE)))) == 14


# --- booking ----------------------------------------------------------------------------------


@pytest.fixture
def office(clock, max_e):
    return publish(max_e)


@pytest.fixture
def slot(office):
    return office.slots.get(start=TUESDAY)


def test_the_booking_page_shows_the_session_in_both_zones(client, slot, mentee):
    client.force_login(mentee)
    content = text(client.get(book_url(slot)))
    assert "Book a session with Max Mentor" in content
    assert "Tue March 2, 2027, 11 a.m." in content
    assert "Tue 5 p.m. for Max Mentor (Europe/Paris)" in content
    assert "1 of 1" in content and "CV review, Interviews" in content


def test_a_mentee_books_with_a_question_and_both_get_an_invitation(
    client, slot, mentee, mentor, django_capture_on_commit_callbacks
):
    client.force_login(mentee)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(book_url(slot), {"question": "How do I explain a gap?"})
    booking = Booking.objects.get()
    assert response.status_code == 302 and response["Location"] == booking_url(booking)
    assert (booking.slot, booking.mentee.user, booking.question) == (
        slot,
        mentee,
        "How do I explain a gap?",
    )
    assert {(to, method) for to, method, _parsed in calendar_parts()} == {
        (mentee.email, "REQUEST"),
        (mentor.email, "REQUEST"),
    }
    content = text(client.get(booking_url(booking)))
    assert "Booked. You and Max Mentor each get a calendar invitation by email." in content


@pytest.mark.parametrize(
    "question, says",
    [("   ", "Please write your question."), ("x" * 1001, "at most 1000 characters")],
)
def test_a_question_is_needed_and_short(client, slot, mentee, question, says):
    client.force_login(mentee)
    before = state()
    response = client.post(book_url(slot), {"question": question})
    assert response.status_code == 400
    assert says in field_error(response, "id_question")
    assert state() == before


def test_a_full_session_or_the_monthly_limit_is_explained(client, office, program, mentee, mia_e):
    first, second, third = office.slots.order_by("start")[:3]
    book(first, add_person(program, "Ann A"))
    client.force_login(mentee)
    response = client.post(book_url(first), {"question": "Please?"})
    assert response.status_code == 400
    assert "This session is full: pick another one." in text(response)
    book(second, mia_e)
    book(third, mia_e)
    fourth = office.slots.order_by("start")[3]
    before = state()
    response = client.post(book_url(fourth), {"question": "Please?"})
    assert response.status_code == 400
    assert "You have already booked 2 sessions in March 2027" in text(response)
    assert state() == before


def test_too_short_notice_is_explained(client, clock, slot, mentee):
    clock.set(TUESDAY - timedelta(hours=3))
    client.force_login(mentee)
    response = client.post(book_url(slot), {"question": "Please?"})
    assert response.status_code == 400
    assert "Sessions must be booked at least 12 hours ahead" in text(response)
    assert not Booking.objects.exists()


# --- one booking, both sides ------------------------------------------------------------------


@pytest.fixture
def booking(slot, mia_e):
    return book(slot, mia_e, question="How do I explain a gap?")


def test_each_side_reads_the_time_in_their_zone_and_the_others(client, booking, mentor, mentee):
    client.force_login(mentee)
    content = text(client.get(booking_url(booking)))
    assert "Session with Max Mentor on March 2, 2027" in content
    assert "Tue March 2, 2027, 11 a.m.</time> for you · 5 p.m. for Max Mentor (Europe/Paris)" in (
        content
    )
    assert "How do I explain a gap?" in content and "https://meet.example.com/max" in content
    client.force_login(mentor)
    content = text(client.get(booking_url(booking)))
    assert "Session with Mia Mentee on March 2, 2027" in content
    assert (
        "Tue March 2, 2027, 5 p.m.</time> for you · 11 a.m. for Mia Mentee (America/New_York)"
        in (content)
    )
    assert "The question from Mia Mentee" in content


def test_the_mentee_cancels_and_the_mentor_is_told(client, booking, mentee, mentor):
    client.force_login(mentee)
    page = text(client.get(booking_url(booking)))
    assert "You can cancel until March 2, 2027, 7 a.m." in page  # 4 hours before, in New York
    response = client.post(
        reverse("flash_booking_cancel", args=[booking.pk]), {"reason": "A clash at work"}
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert (booking.status, booking.cancel_reason, booking.cancelled_by) == (
        "cancelled",
        "A clash at work",
        mentee,
    )
    assert Notification.objects.filter(user=mentor, kind="session_cancelled").exists()
    content = text(client.get(booking_url(booking)))
    assert "The booking is cancelled: the seat is free again and Max Mentor is told." in content
    assert "Cancel this booking" not in content


def test_cancelling_too_late_is_explained_and_changes_nothing(client, clock, booking, mentee):
    clock.set(TUESDAY - timedelta(hours=2))
    client.force_login(mentee)
    before = state()
    response = client.post(reverse("flash_booking_cancel", args=[booking.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "Bookings can be cancelled until 4 hours before the session" in text(response)
    assert state() == before


def test_a_cancel_reason_too_long_is_shown_beside_it(client, booking, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("flash_booking_cancel", args=[booking.pk]), {"reason": "x" * 301}
    )
    assert response.status_code == 400
    assert "at most 300 characters" in field_error(response, "id_cancel_reason")
    assert Booking.objects.get().status == "booked"


def test_the_mentor_cancels_a_booking(client, booking, mentor, mentee):
    client.force_login(mentor)
    response = client.post(reverse("flash_booking_cancel", args=[booking.pk]), {"reason": "Ill"})
    assert response.status_code == 302
    assert Booking.objects.get().status == "cancelled"
    assert Notification.objects.filter(user=mentee, kind="session_cancelled").exists()


def test_the_outcome_is_the_mentors_after_the_start(client, clock, booking, mentor, mentee):
    outcome = reverse("flash_booking_outcome", args=[booking.pk])
    client.force_login(mentor)
    assert "Did the session take place?" not in text(client.get(booking_url(booking)))
    response = client.post(outcome, {"status": "held"})
    assert response.status_code == 400
    assert "The session has not started yet." in text(response)
    clock.set(TUESDAY + timedelta(minutes=70))
    client.force_login(mentor)  # 70 idle minutes ended the session (SESSION_IDLE_SECONDS)
    assert "Did the session take place?" in text(client.get(booking_url(booking)))
    client.force_login(mentee)
    response = client.post(outcome, {"status": "held"})
    assert response.status_code == 400
    assert "Only the mentor records whether a session was held." in text(response)
    client.force_login(mentor)
    response = client.post(outcome, {"status": "no_show"})
    assert response.status_code == 302
    assert Booking.objects.get().status == "no_show"
    content = text(client.get(booking_url(booking)))
    assert "Recorded: Mia Mentee did not come." in content
    assert "The session was held</button>" in content  # a wrong record may be corrected


# --- after the session ------------------------------------------------------------------------


@pytest.fixture
def held(clock, max_e, mia_e):
    return make_booking(make_slot(max_e, NOW - timedelta(days=2)), mia_e, status="held")


FEEDBACK = {"rating": "4", "useful": "yes", "follow_up": "on", "comment": "Very clear."}


def test_the_mentee_leaves_feedback_once(client, held, mentee, mentor):
    address = reverse("flash_booking_feedback", args=[held.pk])
    client.force_login(mentee)
    assert "Send my feedback" in text(client.get(booking_url(held)))
    response = client.post(address, FEEDBACK)
    assert response.status_code == 302
    feedback = SessionFeedback.objects.get()
    assert (feedback.author, feedback.rating, feedback.useful, feedback.follow_up) == (
        mentee,
        4,
        True,
        True,
    )
    assert feedback.comment == "Very clear."
    assert Notification.objects.filter(user=mentor, kind="session_follow_up").exists()
    content = text(client.get(booking_url(held)))
    assert "Thank you for your feedback. Max Mentor is told that you would like a follow-up." in (
        content
    )
    assert "4 out of 5" in content and "Send my feedback" not in content
    response = client.post(address, FEEDBACK)
    assert response.status_code == 400
    assert "You have already given feedback on this session." in text(response)
    assert SessionFeedback.objects.count() == 1


def test_feedback_without_a_rating_is_explained(client, held, mentor):
    client.force_login(mentor)
    before = state()
    response = client.post(
        reverse("flash_booking_feedback", args=[held.pk]), FEEDBACK | {"rating": ""}
    )
    assert response.status_code == 400
    assert "Rate the session from 1 to 5." in field_error(response, "id_feedback_rating")
    assert state() == before


def test_no_feedback_before_the_session(client, booking, mentee):
    client.force_login(mentee)
    assert "Send my feedback" not in text(client.get(booking_url(booking)))
    response = client.post(reverse("flash_booking_feedback", args=[booking.pk]), FEEDBACK)
    assert response.status_code == 400
    assert "You can give feedback once the session has started." in text(response)
    assert not SessionFeedback.objects.exists()


def test_a_mentee_recorded_absent_has_no_feedback_form(client, held, mentee):
    Booking.objects.filter(pk=held.pk).update(status="no_show")
    client.force_login(mentee)
    content = text(client.get(booking_url(held)))
    assert "You were recorded as absent from this session" in content
    assert "Send my feedback" not in content


def test_after_a_held_session_the_mentee_books_a_follow_up(client, held, office, mentee):
    client.force_login(mentee)
    content = text(client.get(booking_url(held)))
    follow = f"{BROWSE}?follow_up={held.pk}"
    assert follow in content
    content = text(client.get(BROWSE, {"follow_up": held.pk}))
    assert "Book a follow-up session" in content and listed(content) == ["Max Mentor"]
    later = office.slots.order_by("start")[1]
    assert f"{book_url(later)}?follow_up={held.pk}" in content
    content = text(client.get(book_url(later), {"follow_up": held.pk}))
    assert "Follows up on your session of Feb. 27, 2027" in content
    response = client.post(book_url(later), {"question": "Next steps?", "follow_up_of": held.pk})
    assert response.status_code == 302
    assert Booking.objects.get(slot=later).follow_up_of == held


def test_the_longer_mentorship_where_the_program_allows_it(client, program, held, mentee, mentor):
    client.force_login(mentee)
    assert "Ask Max Mentor for a longer mentorship" not in text(client.get(booking_url(held)))
    address = reverse("flash_booking_mentorship", args=[held.pk])
    response = client.post(address, {"message": "Could we keep going?"})
    assert response.status_code == 400
    assert "does not offer longer mentorships after a session" in text(response)
    program.flash_mentorship_requests = True
    program.save()
    assert "Ask Max Mentor for a longer mentorship" in text(client.get(booking_url(held)))
    response = client.post(address, {"message": "  "})
    assert response.status_code == 400
    assert not MentorshipRequest.objects.exists()
    response = client.post(address, {"message": "Could we keep going?"})
    request = MentorshipRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("request_detail", args=[request.pk])
    assert (request.mentee.user, request.mentor.user, request.status) == (mentee, mentor, "open")
    content = text(client.get(booking_url(held)))
    assert "You asked for a longer mentorship." in content
