"""A mentor's “Your office hours” page: publishing weekly hours or one session in their own
zone, the clear message (and nothing changed) for every bad input, withdrawing hours,
cancelling one session, who booked with their question, and recording whether a session was
held — every time shown in the mentor's own zone."""

import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.urls import reverse

from lodestar.flash.models import Booking, OfficeHours, Slot
from lodestar.flash.states import BookingStatus

from .conftest import NOW, book, make_booking, make_slot, publish

pytestmark = pytest.mark.django_db

PAGE = reverse("flash_office_hours", args=["flash-week"])

WEEKLY = {
    "repeat": "weekly",
    "weekday": "1",  # Tuesday
    "start_time": "17:00",
    "time_zone": "Europe/Paris",
    "duration": "60",
    "capacity": "2",
    "topics": "CV review, Interviews , cv review",
    "mode": "video",
    "place": "https://meet.example.com/max",
    "note": "Bring your CV.",
}


def post(client, user, data, address=PAGE):
    client.force_login(user)
    return client.post(address, data)


def text(response) -> str:
    return response.content.decode()


def field_error(response, field_id: str) -> str:
    """The error shown under one field (the id Django ties it to with aria-describedby)."""
    found = re.search(rf'id="{field_id}_error">(.*?)</small>', text(response), re.S)
    return found.group(1) if found else ""


def counts() -> tuple[int, int, int]:
    return OfficeHours.objects.count(), Slot.objects.count(), Booking.objects.count()


# --- publishing -------------------------------------------------------------------------------


def test_the_form_starts_in_the_mentors_own_zone(client, clock, mentor, max_e):
    client.force_login(mentor)
    response = client.get(PAGE)
    assert response.status_code == 200
    content = text(response)
    assert '<option value="Europe/Paris" selected>' in content
    assert "You have not opened office hours in this program yet." in content


def test_a_mentor_publishes_weekly_office_hours(client, clock, mentor, max_e):
    response = post(client, mentor, WEEKLY)
    assert response.status_code == 302 and response["Location"] == PAGE
    hours = OfficeHours.objects.get()
    # Monday 1 March in Paris: every Tuesday from the 2nd, until withdrawn.
    assert (hours.repeat, hours.starts_on, hours.ends_on) == ("weekly", date(2027, 3, 2), None)
    assert (hours.start_time, hours.time_zone, hours.duration, hours.capacity) == (
        time(17),
        "Europe/Paris",
        60,
        2,
    )
    assert hours.topics == ["CV review", "Interviews"]
    assert hours.note == "Bring your CV." and hours.mentor == max_e
    content = text(client.get(PAGE))
    assert "Your office hours are published: 8 sessions are open for booking." in content
    assert "Every Tuesday at 5 p.m. (Europe/Paris), from March 2, 2027" in content
    assert "Tue March 2, 2027, 5 p.m." in content  # the first session, in Max's zone
    assert "0 of 2 seats taken" in content


def test_weekly_hours_from_a_later_week_until_a_date(client, clock, mentor, max_e):
    data = WEEKLY | {"weekday": "3", "starts_from": "2027-03-08", "ends_on": "2027-03-25"}
    assert post(client, mentor, data).status_code == 302
    hours = OfficeHours.objects.get()
    assert (hours.starts_on, hours.ends_on) == (date(2027, 3, 11), date(2027, 3, 25))
    assert [s.start.day for s in hours.slots.order_by("start")] == [11, 18, 25]


def test_a_mentor_publishes_one_session(client, clock, mentor, max_e):
    data = WEEKLY | {"repeat": "once", "on_date": "2027-03-05", "start_time": "09:30"}
    response = post(client, mentor, data)
    assert response.status_code == 302
    slot = Slot.objects.get()
    assert slot.start == datetime(2027, 3, 5, 8, 30, tzinfo=UTC)
    assert OfficeHours.objects.get().ends_on is None
    assert "Your session is published: mentees can book it now." in text(client.get(PAGE))


def test_hours_in_another_zone_than_the_mentors_own(client, clock, mentor, max_e):
    data = WEEKLY | {"repeat": "once", "on_date": "2027-03-05", "time_zone": "Asia/Tokyo"}
    assert post(client, mentor, data).status_code == 302
    assert Slot.objects.get().start == datetime(2027, 3, 5, 8, tzinfo=UTC)  # 17:00 in Tokyo
    content = text(client.get(PAGE))
    assert "Fri March 5, 2027 at 5 p.m. (Asia/Tokyo)" in content  # as Max said it
    assert "Fri March 5, 2027, 9 a.m." in content  # his session, in his own zone


@pytest.mark.parametrize(
    "change, field, says",
    [
        ({"weekday": ""}, "id_weekday", "Choose the day of the week."),
        ({"repeat": "once"}, "id_on_date", "Give the date of the session."),
        (
            {"repeat": "once", "on_date": "2027-02-26"},
            "id_on_date",
            "This session would start in the past.",
        ),
        ({"ends_on": "2027-02-20"}, "id_ends_on", "The last date comes before the first one."),
        ({"duration": "5"}, "id_duration", "A session lasts from 15 to 180 minutes."),
        ({"capacity": "40"}, "id_capacity", "A session takes from 1 to 10 people."),
        ({"topics": "x" * 61}, "id_topics", "is too long: at most 60 characters"),
        ({"time_zone": "Mars/Olympus"}, "id_time_zone", "Select a valid choice."),
        ({"start_time": "25:00"}, "id_start_time", "Enter a valid time."),
    ],
)
def test_bad_office_hours_are_explained_beside_the_field(
    client, clock, mentor, max_e, change, field, says
):
    response = post(client, mentor, WEEKLY | change)
    assert response.status_code == 400
    assert says in field_error(response, field)
    assert counts() == (0, 0, 0)


def test_overlapping_hours_are_refused_with_the_session_they_overlap(client, clock, mentor, max_e):
    publish(max_e)  # every Tuesday 17:00–18:00 in Paris
    response = post(client, mentor, WEEKLY | {"start_time": "17:30"})
    assert response.status_code == 400
    assert "These office hours overlap your session on" in text(response)
    assert OfficeHours.objects.count() == 1


def test_a_program_that_is_closing_takes_no_new_office_hours(client, clock, program, mentor, max_e):
    program.status = "closing"
    program.save()
    client.force_login(mentor)
    content = text(client.get(PAGE))
    assert "This program is closing: it takes no new office hours." in content
    assert "Publish these office hours" not in content
    response = post(client, mentor, WEEKLY)
    assert response.status_code == 400
    assert "Flash Week has no office hours while it is closing." in text(response)
    assert counts() == (0, 0, 0)


# --- what the mentor sees and does ------------------------------------------------------------


@pytest.fixture
def booked(clock, max_e, mia_e):
    hours = publish(max_e)
    return book(hours.slots.order_by("start").first(), mia_e, question="How do I explain a gap?")


def test_the_mentor_sees_who_booked_and_their_question(client, booked, mentor):
    client.force_login(mentor)
    content = text(client.get(PAGE))
    assert "Mia Mentee</a>: “How do I explain a gap?”" in content
    assert "1 of 1 seats taken" in content
    assert reverse("flash_booking", args=[booked.pk]) in content


def test_withdrawing_office_hours_cancels_their_bookings(client, booked, mentor):
    hours = booked.slot.office_hours
    address = reverse("flash_office_hours_withdraw", args=[hours.pk])
    response = post(client, mentor, {"reason": "I changed jobs."}, address)
    assert response.status_code == 302
    hours.refresh_from_db()
    booked.refresh_from_db()
    assert hours.withdrawn_at is not None
    assert (booked.status, booked.cancel_reason) == ("cancelled", "I changed jobs.")
    content = text(client.get(PAGE))
    assert "Your office hours are withdrawn" in content
    assert "Withdrawn on March 1, 2027" in content
    assert "No session to come." in content


def test_withdrawing_twice_says_so(client, booked, mentor):
    address = reverse("flash_office_hours_withdraw", args=[booked.slot.office_hours_id])
    post(client, mentor, {}, address)
    response = client.post(address, {})
    assert response.status_code == 400
    assert "These office hours are already withdrawn." in text(response)


def test_a_reason_too_long_is_shown_beside_that_row_and_nothing_changes(client, booked, mentor):
    hours = booked.slot.office_hours
    address = reverse("flash_office_hours_withdraw", args=[hours.pk])
    response = post(client, mentor, {"reason": "x" * 301}, address)
    assert response.status_code == 400
    assert "The reason is too long: at most 300 characters" in field_error(
        response, f"id_hours{hours.pk}_reason"
    )
    hours.refresh_from_db()
    assert hours.withdrawn_at is None
    assert Booking.objects.get().status == "booked"


def test_the_mentor_cancels_one_session(client, booked, mentor):
    slot = booked.slot
    response = post(client, mentor, {"reason": "Ill"}, reverse("flash_slot_cancel", args=[slot.pk]))
    assert response.status_code == 302
    slot.refresh_from_db()
    booked.refresh_from_db()
    assert slot.cancelled_at is not None and booked.status == "cancelled"
    assert "The session is cancelled. The people booked into it are told." in text(client.get(PAGE))
    assert OfficeHours.objects.get().withdrawn_at is None  # the other weeks stay


def test_a_session_that_started_cannot_be_cancelled(client, booked, mentor, clock):
    clock.set(booked.slot.start + timedelta(minutes=10))
    client.force_login(mentor)
    assert "Under way" in text(client.get(PAGE))
    response = client.post(reverse("flash_slot_cancel", args=[booked.slot.pk]), {"reason": ""})
    assert response.status_code == 400
    assert "This session has already started: it can no longer be cancelled." in text(response)
    assert Slot.objects.get(pk=booked.slot.pk).cancelled_at is None


def test_the_mentor_records_a_session_held_from_the_page(client, clock, max_e, mia_e, mentor):
    past = make_booking(make_slot(max_e, NOW - timedelta(days=1)), mia_e)
    client.force_login(mentor)
    content = text(client.get(PAGE))
    assert "Did these sessions take place?" in content
    response = client.post(
        reverse("flash_booking_outcome", args=[past.pk]), {"status": "held", "next": PAGE}
    )
    assert response.status_code == 302 and response["Location"] == PAGE
    past.refresh_from_db()
    assert past.status == BookingStatus.HELD
    content = text(client.get(PAGE))
    assert "Recorded: the session was held." in content
    assert "Did these sessions take place?" not in content


def test_an_outcome_goes_back_only_to_a_page_of_this_site(client, clock, max_e, mia_e, mentor):
    past = make_booking(make_slot(max_e, NOW - timedelta(days=1)), mia_e)
    response = post(
        client,
        mentor,
        {"status": "no_show", "next": "https://evil.example.com/"},
        reverse("flash_booking_outcome", args=[past.pk]),
    )
    assert response["Location"] == reverse("flash_booking", args=[past.pk])
    assert Booking.objects.get(pk=past.pk).status == "no_show"


def test_office_hours_whose_last_date_passed_are_over(client, clock, max_e, mentor):
    make_slot(max_e, NOW - timedelta(days=2))  # a one-off session two days ago
    client.force_login(mentor)
    content = text(client.get(PAGE))
    assert re.search(r"<td>\s*Over\s*</td>", content)
    assert "Withdraw these office hours" not in content


def test_sessions_follow_the_mentors_profile_zone(client, booked, mentor):
    mentor.timezone = "Europe/London"
    mentor.save()
    client.force_login(mentor)
    content = text(client.get(PAGE))
    assert "Every Tuesday at 5 p.m. (Europe/Paris)" in content  # the hours as published
    assert "Tue March 2, 2027, 4 p.m." in content  # the session, read in London
