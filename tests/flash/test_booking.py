"""Booking a seat, cancelling it, and recording whether the session was held: every rule, and
every refusal with its own clear message and nothing changed."""

from datetime import UTC, datetime, timedelta

import pytest

from lodestar.engagement.models import Notification
from lodestar.flash import services
from lodestar.flash.models import Booking, Slot
from lodestar.flash.selectors import open_slots
from tests import factories

from .conftest import NOW, PARIS, add_person, book, make_booking, make_slot, publish

pytestmark = pytest.mark.django_db

TUESDAY = datetime(2027, 3, 2, 16, tzinfo=UTC)  # the first session: 17:00 in Paris


@pytest.fixture
def office(clock, max_e):
    return publish(max_e)


@pytest.fixture
def slot(office) -> Slot:
    return office.slots.get(start=TUESDAY)


def nth(office, n: int) -> Slot:
    return office.slots.order_by("start")[n]


# --- booking ----------------------------------------------------------------------------------


def test_a_mentee_books_a_session_with_a_question(slot, mia_e):
    booking = book(slot, mia_e, question="  Could you look at my CV?  ")
    assert booking.status == "booked" and booking.question == "Could you look at my CV?"
    assert booking.created_at == NOW
    assert Slot.objects.get(pk=slot.pk).sequence == 1
    assert slot not in open_slots(slot.office_hours.program, now=NOW)


def test_both_sides_are_told_in_their_own_time_zone(slot, mia_e, mentor, mentee):
    book(slot, mia_e)
    [to_max] = Notification.objects.filter(user=mentor)
    assert to_max.kind == "session_booked"
    assert to_max.text.startswith("Mia Mentee booked your session on")
    assert "5 p.m. (Europe/Paris)" in to_max.text and "“Could you look at my CV?”" in to_max.text
    [to_mia] = Notification.objects.filter(user=mentee)
    assert to_mia.kind == "session_booking_confirmed"
    assert to_mia.text.startswith("Your session with Max Mentor on")
    assert "11 a.m. (America/New_York)" in to_mia.text


def test_a_group_session_seats_its_capacity_and_no_more(clock, program, max_e, refused):
    office = publish(max_e, capacity=2)
    slot = office.slots.get(start=TUESDAY)
    first, second, third = (add_person(program, name) for name in ("Ann A", "Ben B", "Cat C"))
    book(slot, first)
    book(slot, second)
    refused(lambda: book(slot, third), code="full", says="This session is full")
    assert slot.bookings.count() == 2


def test_booking_a_full_session_is_refused(slot, program, mia_e, refused):
    book(slot, add_person(program, "Ann Early"))
    refused(lambda: book(slot, mia_e), code="full", says="This session is full")


def test_booking_inside_the_minimum_notice_is_refused(clock, slot, mia_e, refused):
    clock.set(TUESDAY - timedelta(hours=11))
    refused(
        lambda: book(slot, mia_e),
        code="notice",
        says="at least 12 hours ahead: this one starts too soon",
    )
    clock.set(TUESDAY - timedelta(hours=12))
    book(slot, mia_e)


def test_booking_a_session_that_started_is_refused(clock, slot, mia_e, refused):
    clock.set(TUESDAY + timedelta(minutes=1))
    refused(lambda: book(slot, mia_e), code="started", says="already started")


def test_booking_beyond_the_monthly_limit_is_refused(office, mia_e, refused):
    book(nth(office, 0), mia_e)
    book(nth(office, 1), mia_e)
    refused(
        lambda: book(nth(office, 2), mia_e),
        code="monthly_limit",
        says="You have already booked 2 sessions in March 2027, the most this program allows",
    )
    # April is another month.
    book(office.slots.get(start__date="2027-04-06"), mia_e)


def test_cancelled_bookings_do_not_count_towards_the_monthly_limit(office, mia_e):
    book(nth(office, 0), mia_e)
    services.booking_cancel(booking=book(nth(office, 1), mia_e), by=mia_e.user)
    book(nth(office, 2), mia_e)
    assert Booking.objects.seated().filter(mentee=mia_e).count() == 2


def test_held_sessions_and_no_shows_count_towards_the_monthly_limit(clock, max_e, mia_e, refused):
    office = publish(max_e)
    # 1 March 06:00 and 07:00 UTC: 1 and 2 a.m. on 1 March in New York.
    make_booking(make_slot(max_e, datetime(2027, 3, 1, 6, tzinfo=UTC)), mia_e, status="held")
    make_booking(make_slot(max_e, datetime(2027, 3, 1, 7, tzinfo=UTC)), mia_e, status="no_show")
    # 1 March 01:00 UTC is still 28 February in New York: it does not count.
    make_booking(make_slot(max_e, datetime(2027, 3, 1, 1, tzinfo=UTC)), mia_e, status="held")
    refused(lambda: book(nth(office, 0), mia_e), code="monthly_limit", says="2 sessions")


def test_the_month_is_the_mentees_own(clock, program, max_e, mia_e, refused):
    """1 April 02:00 UTC is still 31 March in New York (Mia) but 1 April in Paris (Paula)."""
    paula = add_person(program, "Paula Paris", zone=PARIS)
    late_march = [make_slot(max_e, datetime(2027, 3, d, 12, tzinfo=UTC)) for d in (10, 11)]
    for mentee in (mia_e, paula):
        for slot in late_march:
            make_booking(slot, mentee)
    night = make_slot(max_e, datetime(2027, 4, 1, 2, tzinfo=UTC), capacity=2)
    refused(lambda: book(night, mia_e), code="monthly_limit", says="in March 2027")
    book(night, paula)


def test_a_mentee_cannot_book_the_same_session_twice(clock, max_e, mia_e, refused):
    office = publish(max_e, capacity=3)
    slot = office.slots.get(start=TUESDAY)
    book(slot, mia_e)
    refused(lambda: book(slot, mia_e), code="already_booked", says="already booked this session")


def test_a_mentee_may_book_again_a_session_they_cancelled(slot, mia_e):
    services.booking_cancel(booking=book(slot, mia_e), by=mia_e.user)
    again = book(slot, mia_e)
    assert again.status == "booked" and slot.bookings.count() == 2


@pytest.mark.parametrize(
    ("question", "code", "says"),
    [
        ("   ", "required", "Please write your question"),
        ("x" * 1001, "too_long", "Your question is too long: at most 1000 characters"),
    ],
)
def test_a_booking_needs_a_short_question(slot, mia_e, refused, question, code, says):
    refused(lambda: book(slot, mia_e, question=question), code=code, says=says)


def test_nobody_books_for_somebody_else(slot, mia_e, mentor, refused):
    refused(
        lambda: services.booking_create(slot=slot, mentee=mia_e, question="Hi", by=mentor),
        code="not_mentee",
        says="Only the mentee can book",
    )


def test_a_mentee_of_another_program_cannot_book(slot, coordinator, refused):
    elsewhere = factories.make_program(name="Other Flash", kind="flash", status="running")
    stranger = add_person(elsewhere, "Sam Stranger")
    refused(lambda: book(slot, stranger), code="wrong_program", says="a program you are not")


def test_only_approved_mentees_book(slot, program, refused):
    waiting = add_person(program, "Wes Waiting", status="waitlisted")
    refused(lambda: book(slot, waiting), code="not_mentee", says="approved mentees")
    other_mentor = add_person(program, "Olga Other", role="mentor")
    refused(lambda: book(slot, other_mentor), code="not_mentee", says="approved mentees")


def test_a_mentor_cannot_book_their_own_hours(slot, max_e, refused):
    refused(lambda: book(slot, max_e), code="own_hours", says="your own office hours")


def test_withdrawn_hours_and_cancelled_sessions_cannot_be_booked(
    clock, office, max_e, mia_e, mentor, refused
):
    services.slot_cancel(slot=nth(office, 0), by=mentor)
    refused(lambda: book(nth(office, 0), mia_e), code="cancelled", says="was cancelled")
    services.office_hours_withdraw(hours=office, by=mentor)
    refused(lambda: book(nth(office, 1), mia_e), code="withdrawn", says="were withdrawn")


def test_no_booking_while_the_program_is_closing(slot, program, mia_e, refused):
    program.status = "closing"
    program.save()
    refused(lambda: book(slot, mia_e), code="program_closed", says="while it is closing")


def test_a_follow_up_continues_a_held_session_with_the_same_mentor(
    clock, program, office, max_e, mia_e, refused
):
    earlier = make_booking(make_slot(max_e, NOW - timedelta(days=3)), mia_e, status="held")
    follow_up = book(nth(office, 0), mia_e, follow_up_of=earlier)
    assert follow_up.follow_up_of == earlier and list(earlier.follow_ups.all()) == [follow_up]
    other = add_person(program, "Olga Other", role="mentor")
    with_other = make_booking(make_slot(other, NOW - timedelta(days=2)), mia_e, status="held")
    refused(
        lambda: book(nth(office, 1), mia_e, follow_up_of=with_other),
        code="follow_up",
        says="same mentor",
    )


# --- cancelling -------------------------------------------------------------------------------


def test_a_mentee_cancels_in_time_and_the_seat_is_free_again(clock, slot, mia_e, mentor, program):
    booking = book(slot, mia_e)
    clock.set(TUESDAY - timedelta(hours=4))
    services.booking_cancel(booking=booking, by=mia_e.user, reason="Exam moved")
    booking.refresh_from_db()
    assert booking.status == "cancelled" and booking.cancelled_by == mia_e.user
    assert booking.cancelled_at == TUESDAY - timedelta(hours=4)
    assert booking.cancel_reason == "Exam moved"
    assert open_slots(program, now=clock.now).filter(pk=slot.pk).get().seats_taken == 0
    notice = Notification.objects.get(user=mentor, kind="session_cancelled")
    assert notice.text.startswith("Mia Mentee cancelled the session on")
    assert "(Europe/Paris)" in notice.text


def test_a_mentee_cannot_cancel_inside_the_window(clock, slot, mia_e, refused):
    booking = book(slot, mia_e)
    clock.set(TUESDAY - timedelta(hours=3, minutes=59))
    refused(
        lambda: services.booking_cancel(booking=booking, by=mia_e.user),
        code="cancel_window",
        # The deadline, 4 hours before 11:00 in New York.
        says="until 4 hours before the session, that is until March 2, 2027, 7 a.m. "
        "(America/New_York): that time has passed",
    )


def test_the_mentor_may_cancel_a_booking_until_the_start(clock, slot, mia_e, mentor, mentee):
    booking = book(slot, mia_e)
    clock.set(TUESDAY - timedelta(minutes=5))
    services.booking_cancel(booking=booking, by=mentor, reason="Emergency")
    assert Booking.objects.get(pk=booking.pk).status == "cancelled"
    notice = Notification.objects.get(user=mentee, kind="session_cancelled")
    assert notice.text.startswith("Max Mentor cancelled the session on")


def test_nobody_cancels_once_the_session_started(clock, slot, mia_e, mentor, refused):
    booking = book(slot, mia_e)
    clock.set(TUESDAY)
    refused(
        lambda: services.booking_cancel(booking=booking, by=mentor),
        code="started",
        says="already started",
    )


def test_nobody_else_cancels_a_booking(slot, program, mia_e, coordinator, outsider, refused):
    booking = book(slot, mia_e)
    for person in (add_person(program, "Ann Other").user, outsider, coordinator):
        refused(
            lambda person=person: services.booking_cancel(booking=booking, by=person),
            code="not_allowed",
            says="Only the mentee or the mentor of this session",
        )


def test_a_booking_is_cancelled_once_and_a_held_one_not_at_all(clock, slot, max_e, mia_e, refused):
    booking = book(slot, mia_e)
    services.booking_cancel(booking=booking, by=mia_e.user)
    refused(
        lambda: services.booking_cancel(booking=booking, by=mia_e.user),
        code="cancelled",
        says="already cancelled",
    )
    held = make_booking(make_slot(max_e, NOW + timedelta(days=5)), mia_e, status="held")
    refused(
        lambda: services.booking_cancel(booking=held, by=mia_e.user),
        code="finished",
        says="has taken place",
    )


def test_a_cancel_reason_is_short(slot, mia_e, refused):
    booking = book(slot, mia_e)
    refused(
        lambda: services.booking_cancel(booking=booking, by=mia_e.user, reason="x" * 301),
        code="too_long",
        says="at most 300 characters",
    )


# --- the outcome ------------------------------------------------------------------------------


@pytest.fixture
def booked(clock, slot, mia_e):
    booking = book(slot, mia_e)
    clock.set(TUESDAY + timedelta(minutes=30))
    return booking


def test_the_mentor_records_a_session_held_and_may_correct_it(clock, booked, mentor):
    services.booking_record_outcome(booking=booked, by=mentor, status="held")
    booked.refresh_from_db()
    assert booked.status == "held" and booked.outcome_at == clock.now
    services.booking_record_outcome(booking=booked, by=mentor, status="no_show")
    assert Booking.objects.get(pk=booked.pk).status == "no_show"
    services.booking_record_outcome(booking=booked, by=mentor, status="no_show")  # no change
    assert Booking.objects.get(pk=booked.pk).status == "no_show"


def test_only_the_mentor_records_the_outcome_after_the_start(
    clock, booked, mentor, mentee, refused
):
    refused(
        lambda: services.booking_record_outcome(booking=booked, by=mentee, status="held"),
        code="not_mentor",
        says="Only the mentor records",
    )
    refused(
        lambda: services.booking_record_outcome(booking=booked, by=mentor, status="cancelled"),
        code="invalid_status",
        says="held or as a no-show",
    )
    clock.set(TUESDAY - timedelta(minutes=1))
    refused(
        lambda: services.booking_record_outcome(booking=booked, by=mentor, status="held"),
        code="not_started",
        says="not started yet",
    )


def test_a_cancelled_booking_has_no_outcome(clock, slot, mia_e, mentor, refused):
    booking = book(slot, mia_e)
    services.booking_cancel(booking=booking, by=mia_e.user)
    clock.set(TUESDAY + timedelta(hours=1))
    refused(
        lambda: services.booking_record_outcome(booking=booking, by=mentor, status="held"),
        code="illegal_transition",
        says="cannot go from “Cancelled” to “Held”",
    )
