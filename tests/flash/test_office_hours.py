"""Publishing office hours (every rule, each refusal changing nothing), withdrawing them and
cancelling one session: the people booked are told and their calendars cleared."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail

from lodestar.engagement.models import Notification
from lodestar.flash import services
from lodestar.flash.models import Booking, OfficeHours, Slot
from lodestar.flash.slots import slots_extend_due
from tests import factories

from .conftest import NOW, PARIS, add_person, book, calendar_parts, make_booking, make_slot, publish

pytestmark = pytest.mark.django_db


# --- publishing -------------------------------------------------------------------------------


def test_a_mentor_publishes_weekly_office_hours(clock, program, max_e):
    office = publish(max_e, capacity=3, note="Bring one question.")
    assert office.program == program and office.mentor == max_e
    assert office.repeat == "weekly" and office.ends_on is None
    assert office.topics == ["CV review", "Interviews"]
    assert office.slots.count() == 8 and {s.capacity for s in office.slots.all()} == {3}


def test_a_mentor_publishes_a_one_off_session(clock, max_e):
    office = publish(max_e, repeat="once", starts_on=date(2027, 3, 4), ends_on=date(2027, 9, 1))
    assert office.ends_on is None
    [slot] = office.slots.all()
    assert slot.start == datetime(2027, 3, 4, 16, tzinfo=UTC)
    assert slot.end == datetime(2027, 3, 4, 17, tzinfo=UTC)


def test_topics_are_trimmed_and_each_kept_once(clock, max_e):
    office = publish(max_e, topics=["  CV   review ", "cv review", "", "Interviews", "INTERVIEWS"])
    assert office.topics == ["CV review", "Interviews"]


@pytest.mark.parametrize(
    ("fields", "code", "says"),
    [
        ({"repeat": "monthly"}, "repeat", "once or every week"),
        ({"time_zone": "Paris"}, "invalid_timezone", "is not a time zone"),
        ({"duration": 10}, "duration", "from 15 to 180 minutes"),
        ({"duration": 240}, "duration", "from 15 to 180 minutes"),
        ({"capacity": 0}, "capacity", "from 1 to 10 people"),
        ({"capacity": 11}, "capacity", "from 1 to 10 people"),
        ({"mode": "carrier pigeon"}, "mode", "how the session takes place"),
        ({"ends_on": date(2027, 3, 1)}, "dates", "last date comes before the first"),
        (
            {"starts_on": date(2027, 2, 2), "ends_on": date(2027, 2, 23)},
            "past",
            "would be in the past",
        ),
        ({"repeat": "once", "starts_on": date(2027, 3, 1), "start_time": time(9, 0)}, "past", ""),
        ({"starts_on": date(2028, 6, 1)}, "too_far", "at most a year from now"),
        ({"topics": [f"Topic {k}" for k in range(11)]}, "too_many_topics", "at most 10 topics"),
        ({"topics": ["x" * 61]}, "topic_too_long", "at most 60 characters"),
        ({"place": "x" * 501}, "too_long", "The place or link is too long"),
        ({"note": "x" * 2001}, "too_long", "The note is too long"),
    ],
)
def test_office_hours_out_of_bounds_are_refused(clock, max_e, refused, fields, code, says):
    refused(lambda: publish(max_e, **fields), code=code, says=says)


def test_a_one_off_in_the_past_is_refused(clock, max_e, refused):
    # 1 March 2027, 09:00 in Paris is 08:00 UTC: the clock's very now.
    refused(
        lambda: publish(max_e, repeat="once", starts_on=date(2027, 3, 1), start_time=time(9, 0)),
        code="past",
        says="would start in the past",
    )


def test_somebody_else_cannot_publish_a_mentors_hours(clock, max_e, mentee, refused):
    refused(
        lambda: services.office_hours_publish(
            mentor=max_e,
            by=mentee,
            repeat="once",
            starts_on=date(2027, 3, 4),
            start_time=time(17),
            time_zone=PARIS,
        ),
        code="not_mentor",
        says="Only the mentor",
    )


def test_mentees_and_pending_mentors_cannot_publish(clock, program, mia_e, refused):
    refused(lambda: publish(mia_e), code="not_mentor", says="approved mentors")
    pending = add_person(program, "Pat Pending", role="mentor", status="applied")
    refused(lambda: publish(pending), code="not_mentor", says="approved mentors")


def test_only_flash_programs_that_run_or_enrol_have_office_hours(clock, coordinator, refused):
    classic = factories.make_program(coordinator=coordinator, name="Classic", status="running")
    mentor = add_person(classic, "Carl Classic", role="mentor")
    refused(lambda: publish(mentor), code="not_flash", says="Classic is not a flash program")
    closing = factories.make_program(name="Closing", kind="flash", status="closing")
    mentor = add_person(closing, "Cleo Closing", role="mentor")
    refused(lambda: publish(mentor), code="program_closed", says="while it is closing")


def test_office_hours_cannot_overlap_the_mentors_own_sessions(clock, max_e, refused):
    publish(max_e)
    refused(
        lambda: publish(max_e, repeat="once", starts_on=date(2027, 3, 9), start_time=time(17, 30)),
        code="overlap",
        says="overlap your session on",
    )
    # Right after is fine.
    publish(max_e, repeat="once", starts_on=date(2027, 3, 9), start_time=time(18, 0))


# --- withdrawing ------------------------------------------------------------------------------


def test_withdrawing_cancels_future_sessions_and_tells_the_people_booked(
    clock, max_e, mia_e, mentor, mentee, django_capture_on_commit_callbacks
):
    office = publish(max_e, capacity=2)
    first, second = office.slots.order_by("start")[:2]
    past = make_slot(max_e, NOW - timedelta(days=1))
    held = make_booking(past, mia_e, status="held")
    booking = book(second, mia_e)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.office_hours_withdraw(hours=office, by=mentor, reason="New job")
    office.refresh_from_db()
    assert office.withdrawn_at == NOW
    assert not Slot.objects.open().filter(office_hours=office).exists()
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.cancelled_by == mentor
    assert booking.cancel_reason == "New job"
    held.refresh_from_db()
    assert held.status == "held" and past.cancelled_at is None
    [notice] = Notification.objects.filter(user=mentee, kind="session_cancelled")
    assert "Max Mentor cancelled the session on" in notice.text
    sent = {(to, method) for to, method, _cal in calendar_parts()}
    assert sent == {(mentee.email, "CANCEL"), (mentor.email, "CANCEL")}
    # No session of withdrawn hours is made any more.
    clock.advance(days=7)
    assert slots_extend_due() == 0
    assert first.pk  # (the first session had nobody: cancelled without a message)


def test_a_coordinator_may_withdraw_and_the_mentor_hears_of_booked_sessions(
    clock, max_e, mia_e, coordinator, mentor
):
    office = publish(max_e)
    book(office.slots.order_by("start")[2], mia_e)
    services.office_hours_withdraw(hours=office, by=coordinator)
    [notice] = Notification.objects.filter(user=mentor, kind="session_cancelled")
    assert "Cora Coordinator cancelled the session on" in notice.text
    assert Notification.objects.filter(user=mia_e.user, kind="session_cancelled").count() == 1


def test_the_mentor_is_told_when_a_coordinator_withdraws_their_hours(
    clock, max_e, coordinator, mentor
):
    mine = publish(max_e)
    services.office_hours_withdraw(hours=mine, by=mentor, reason="On leave")
    assert not Notification.objects.filter(user=mentor, kind="office_hours_withdrawn").exists()
    theirs = publish(max_e, start_time=time(9))
    services.office_hours_withdraw(hours=theirs, by=coordinator, reason="Program paused")
    [notice] = Notification.objects.filter(user=mentor, kind="office_hours_withdrawn")
    assert notice.text == (
        "Cora Coordinator, a coordinator of "
        f"{max_e.program.name}, withdrew your office hours (Program paused)."
    )
    assert notice.url == f"/programs/{max_e.program.slug}/office-hours/"


def test_a_coordinator_cancelling_an_empty_session_tells_the_mentor(
    clock, max_e, coordinator, mentor
):
    office = publish(max_e)
    services.slot_cancel(slot=office.slots.order_by("start").first(), by=coordinator)
    [notice] = Notification.objects.filter(user=mentor, kind="session_cancelled")
    assert "Cora Coordinator cancelled" in notice.text


def test_others_cannot_withdraw_and_withdrawn_hours_stay_withdrawn(
    clock, max_e, mentee, mentor, refused
):
    office = publish(max_e)
    refused(
        lambda: services.office_hours_withdraw(hours=office, by=mentee),
        code="not_allowed",
        says="Only the mentor or a coordinator",
    )
    services.office_hours_withdraw(hours=office, by=mentor)
    refused(
        lambda: services.office_hours_withdraw(hours=office, by=mentor),
        code="withdrawn",
        says="already withdrawn",
    )


# --- cancelling one session -------------------------------------------------------------------


def test_the_mentor_cancels_one_session_and_everyone_booked_is_told(
    clock, program, max_e, mia_e, mentor, mentee, django_capture_on_commit_callbacks
):
    office = publish(max_e, capacity=2)
    slot = office.slots.order_by("start")[1]
    other = add_person(program, "Ned Newbie")
    book(slot, mia_e)
    book(slot, other)
    sequence = Slot.objects.get(pk=slot.pk).sequence
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.slot_cancel(slot=slot, by=mentor, reason="Ill")
    slot.refresh_from_db()
    assert slot.cancelled_at == NOW and slot.sequence == sequence + 1
    assert set(Booking.objects.filter(slot=slot).values_list("status", flat=True)) == {"cancelled"}
    assert Notification.objects.filter(kind="session_cancelled").count() == 2
    parts = calendar_parts()
    assert sorted((to, method) for to, method, _c in parts) == sorted(
        [(mentee.email, "CANCEL"), (other.user.email, "CANCEL"), (mentor.email, "CANCEL")]
    )
    for _to, _method, parsed in parts:
        [event] = parsed.walk("VEVENT")
        assert str(event["UID"]) == slot.ical_uid and event["SEQUENCE"] == slot.sequence
    to_mia = next(m for m in mail.outbox if m.to == [mentee.email])
    assert "Session cancelled" in to_mia.subject and "Ill" in to_mia.body
    # The other sessions are untouched.
    assert Slot.objects.open().filter(office_hours=office).count() == 7


def test_a_session_cannot_be_cancelled_once_started_or_twice_or_by_others(
    clock, max_e, mentor, mentee, refused
):
    office = publish(max_e)
    slot = office.slots.order_by("start").first()
    refused(
        lambda: services.slot_cancel(slot=slot, by=mentee),
        code="not_allowed",
        says="Only the mentor or a coordinator",
    )
    services.slot_cancel(slot=slot, by=mentor)
    refused(lambda: services.slot_cancel(slot=slot, by=mentor), code="cancelled", says="already")
    started = make_slot(max_e, NOW - timedelta(minutes=5))
    refused(
        lambda: services.slot_cancel(slot=started, by=mentor),
        code="started",
        says="already started",
    )


def test_sessions_of_withdrawn_hours_count_as_cancelled(clock, max_e, mentor, refused):
    office = publish(max_e)
    services.office_hours_withdraw(hours=office, by=mentor)
    assert OfficeHours.objects.get(pk=office.pk).withdrawn_at is not None
    slot = office.slots.order_by("start").first()
    refused(lambda: services.slot_cancel(slot=slot, by=mentor), code="cancelled", says="already")
