"""Reads: the open sessions, the mentors a mentee can book (ranked and explained by the matching
engine, filtered by skill, topic, language and time of day), each side's bookings, the
coordinators' figures — and each in the same number of queries for a few mentors or many."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lodestar.accounts.models import Profile
from lodestar.core.models import Tag
from lodestar.flash import services
from lodestar.flash.models import SessionFeedback
from lodestar.flash.selectors import (
    bookable_mentors,
    mentee_bookings,
    mentor_bookings,
    mentor_office_hours,
    open_slots,
    program_stats,
    program_topics,
)
from lodestar.programs.models import Enrolment
from tests import factories

from .conftest import NEW_YORK, NOW, PARIS, add_person, book, make_booking, make_slot, publish

pytestmark = pytest.mark.django_db

SKILLS = ["Design", "Data", "Leadership", "Sales"]


def add_mentor(program, name, *, at=time(17, 0), weekday_date=date(2027, 3, 2), **hours):
    mentor = add_person(program, name, role="mentor", zone=PARIS)
    publish(mentor, starts_on=weekday_date, start_time=at, **hours)
    return mentor


def names(listed) -> list[str]:
    return [m.user.display_name for m in listed]


def queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


# --- open sessions ----------------------------------------------------------------------------


def test_open_slots_are_future_uncancelled_sessions_with_a_seat(clock, program, max_e, mia_e):
    office = publish(max_e, capacity=2)
    first, second, third = office.slots.order_by("start")[:3]
    book(first, mia_e)
    book(second, mia_e)
    book(second, add_person(program, "Ann A"))
    services.slot_cancel(slot=third, by=max_e.user)
    make_slot(max_e, NOW - timedelta(days=1))
    slots = list(open_slots(program, now=NOW))
    assert slots[0] == first and slots[0].seats_taken == 1
    assert second not in slots and third not in slots
    assert len(slots) == 6 and all(s.start > NOW for s in slots)
    other = add_mentor(program, "Olga Other", at=time(9, 0))
    assert {s.office_hours.mentor for s in open_slots(program, now=NOW, mentor=other)} == {other}
    assert queries(lambda: [s.office_hours.mentor.user.name for s in open_slots(program)]) == 1


def test_withdrawn_hours_have_no_open_slots(clock, program, max_e):
    office = publish(max_e)
    services.office_hours_withdraw(hours=office, by=max_e.user)
    assert not open_slots(program, now=NOW).exists()


# --- mentors to book --------------------------------------------------------------------------


@pytest.fixture
def wants(program, mia_e):
    """A criterion: the skills Mia wants against those mentors offer; Mia wants all four."""
    asked = factories.make_criterion(program, label="What do you want to learn?", choices=SKILLS)
    factories.make_answer(mia_e, asked[0], SKILLS)
    return asked


def test_mentors_are_ranked_by_the_engine_with_its_reasons(clock, program, mia_e, wants):
    some = add_mentor(program, "Bea Some", at=time(9, 0))
    factories.make_answer(some, wants[1], SKILLS[:2])
    every = add_mentor(program, "Al Every", at=time(11, 0))
    factories.make_answer(every, wants[1], SKILLS)
    none = add_mentor(program, "Cy None", at=time(13, 0))
    factories.make_answer(none, wants[1], ["Other"])
    add_person(program, "Ned Nohours", role="mentor")  # no office hours: not listed
    listed = bookable_mentors(mia_e, now=NOW)
    assert names(listed) == ["Al Every", "Bea Some", "Cy None"]
    assert listed[0].option.score == pytest.approx(100)
    assert listed[0].reasons and "You both chose Design" in listed[0].reasons[0].text
    assert [s.start.date() for s in listed[0].slots] == [
        date(2027, 3, 2),
        date(2027, 3, 9),
        date(2027, 3, 16),
    ]
    assert listed[0].topics == ["CV review", "Interviews"]


def test_without_criteria_mentors_come_in_name_order(clock, program, mia_e):
    add_mentor(program, "Zed Last", at=time(9, 0))
    add_mentor(program, "Amy First", at=time(11, 0))
    assert names(bookable_mentors(mia_e, now=NOW)) == ["Amy First", "Zed Last"]


def test_only_sessions_the_mentee_can_book_are_offered(clock, program, mia_e, max_e):
    office = publish(max_e, capacity=1)
    first, second, third = office.slots.order_by("start")[:3]
    book(second, add_person(program, "Ann A"))  # full
    book(third, mia_e)  # hers already
    # 2 March 16:00 UTC is inside the 12 hours' notice from 2 March 05:00.
    [max_listed] = bookable_mentors(mia_e, now=datetime(2027, 3, 2, 5, tzinfo=UTC))
    assert first not in max_listed.slots and second not in max_listed.slots
    assert third not in max_listed.slots
    assert max_listed.slots[0].start.date() == date(2027, 3, 23)
    assert len(bookable_mentors(mia_e, now=NOW, per_mentor=5)[0].slots) == 5


def test_mentors_whose_sessions_are_all_taken_are_not_listed(clock, program, mia_e, max_e):
    office = publish(max_e, repeat="once", starts_on=date(2027, 3, 4))
    book(office.slots.get(), add_person(program, "Ann A"))
    assert bookable_mentors(mia_e, now=NOW) == []


def test_nobody_is_listed_for_who_cannot_book(clock, program, mia_e, max_e):
    publish(max_e)
    assert len(bookable_mentors(mia_e, now=NOW)) == 1
    assert bookable_mentors(max_e, now=NOW) == []
    program.status = "closing"
    program.save()
    assert bookable_mentors(Enrolment.objects.get(pk=mia_e.pk), now=NOW) == []


def test_filter_by_topic_language_and_skill(clock, program, mia_e):
    ana = add_mentor(program, "Ana Design", at=time(9, 0), topics=["Portfolio"])
    bo = add_mentor(program, "Bo Data", at=time(11, 0), topics=["SQL", "Careers"])
    Profile.objects.filter(user=ana.user).update(languages=["fr", "en"])
    Profile.objects.filter(user=bo.user).update(languages=["en"])
    ana.user.profile.skills.add(*Tag.objects.named(["Figma"]))
    bo.user.profile.skills.add(*Tag.objects.named(["Python", "SQL"]))
    assert names(bookable_mentors(mia_e, now=NOW, topic="careers")) == ["Bo Data"]
    assert names(bookable_mentors(mia_e, now=NOW, topic="portfolio")) == ["Ana Design"]
    assert names(bookable_mentors(mia_e, now=NOW, topic="Knitting")) == []
    assert names(bookable_mentors(mia_e, now=NOW, language="fr")) == ["Ana Design"]
    assert names(bookable_mentors(mia_e, now=NOW, skill="python")) == ["Bo Data"]
    assert names(bookable_mentors(mia_e, now=NOW, skill="Figma")) == ["Ana Design"]
    assert program_topics(program) == ["Careers", "Portfolio", "SQL"]


def test_filter_by_time_of_day_in_the_mentees_own_zone(clock, program, mia_e):
    # Paris times; Mia reads them in New York, six hours earlier (five from 14 to 28 March,
    # when the US has changed its clocks and Europe not yet).
    add_mentor(program, "Morgan Morning", at=time(16, 0))  # 10:00 (11:00) in New York
    add_mentor(program, "Ada Afternoon", at=time(19, 0))  # 13:00 (14:00)
    add_mentor(program, "Eve Evening", at=time(23, 30))  # 17:30 (18:30)
    assert names(bookable_mentors(mia_e, now=NOW, time_of_day="morning")) == ["Morgan Morning"]
    assert names(bookable_mentors(mia_e, now=NOW, time_of_day="afternoon")) == ["Ada Afternoon"]
    assert names(bookable_mentors(mia_e, now=NOW, time_of_day="evening")) == ["Eve Evening"]
    assert len(bookable_mentors(mia_e, now=NOW)) == 3


def test_a_session_at_eleven_becomes_noon_for_two_weeks_in_march(clock, program, mia_e):
    add_mentor(program, "Noor Noon", at=time(17, 0), weekday_date=date(2027, 3, 4))
    [morning] = bookable_mentors(mia_e, now=NOW, time_of_day="morning")
    assert [s.start.day for s in morning.slots] == [4, 11, 1]  # 1 April: Paris on summer time
    [afternoon] = bookable_mentors(mia_e, now=NOW, time_of_day="afternoon")
    assert [s.start.day for s in afternoon.slots] == [18, 25]


def test_the_list_takes_as_many_queries_for_many_mentors_as_for_a_few(clock, program, mia_e, wants):
    def mentors(start: int, count: int):
        for k in range(start, start + count):
            mentor = add_mentor(program, f"Mentor {k:02d}", at=time(8 + k % 12, 0))
            factories.make_answer(mentor, wants[1], SKILLS[: 1 + k % 4])
            mentor.user.profile.skills.add(*Tag.objects.named(["Python"]))

    def count() -> int:
        fresh = Enrolment.objects.get(pk=mia_e.pk)  # as a page would load it
        return queries(lambda: bookable_mentors(fresh, now=NOW, skill="python"))

    mentors(0, 2)
    few = count()
    mentors(2, 10)
    assert count() == few
    listed = bookable_mentors(mia_e, now=NOW, skill="python", time_of_day="morning")
    new_york = ZoneInfo(NEW_YORK)
    assert listed and all(len(m.slots) == 3 for m in listed)
    assert all(s.start.astimezone(new_york).hour < 12 for m in listed for s in m.slots)


# --- each side's bookings ---------------------------------------------------------------------


def test_each_side_lists_its_bookings_with_its_own_feedback_flag(clock, program, max_e, mia_e):
    past = make_booking(make_slot(max_e, NOW - timedelta(days=2)), mia_e, status="held")
    office = publish(max_e)
    coming = book(office.slots.order_by("start").first(), mia_e)
    SessionFeedback.objects.create(booking=past, author=mia_e.user, rating=5, useful=True)
    mine = list(mentee_bookings(mia_e))
    assert mine == [past, coming]
    assert [b.feedback_given for b in mine] == [True, False]
    theirs = list(mentor_bookings(max_e))
    assert theirs == [past, coming] and [b.feedback_given for b in theirs] == [False, False]
    assert queries(lambda: [b.slot.office_hours.mentor.user for b in mentee_bookings(mia_e)]) == 1
    assert queries(lambda: [b.mentee.user for b in mentor_bookings(max_e)]) == 1
    assert list(mentor_office_hours(max_e)) == [past.slot.office_hours, office]


# --- the coordinators' figures ----------------------------------------------------------------


def test_program_figures(clock, program, max_e, mia_e):
    olga = add_person(program, "Olga Other", role="mentor", zone=PARIS)
    ann, ben = add_person(program, "Ann A"), add_person(program, "Ben B")
    day = NOW - timedelta(days=10)
    group = make_slot(max_e, day, capacity=3, minutes=90, topics=["CV review", "Interviews"])
    held = [make_booking(group, m, status="held") for m in (mia_e, ann)]
    make_booking(group, ben, status="no_show")
    solo = make_slot(olga, day + timedelta(days=1), minutes=30, topics=["cv review", "Salary"])
    olga_held = make_booking(solo, mia_e, status="held")
    make_booking(make_slot(olga, day + timedelta(days=2)), ann, status="cancelled")
    make_booking(make_slot(max_e, NOW + timedelta(days=2), topics=["Interviews"]), ben)
    for booking, rating, useful in ((held[0], 5, True), (held[1], 4, False), (olga_held, 3, True)):
        SessionFeedback.objects.create(
            booking=booking, author=booking.mentee.user, rating=rating, useful=useful
        )
    SessionFeedback.objects.create(booking=held[0], author=max_e.user, rating=2, useful=True)

    stats = program_stats(program)
    assert stats.total == 6
    assert (stats.booked, stats.held, stats.cancelled, stats.no_shows) == (1, 3, 1, 1)
    assert stats.held_hours == 2.0  # the group session once (1.5 h) and Olga's half hour
    assert stats.top_topics[:2] == [("CV review", 4), ("Interviews", 4)]
    assert ("Salary", 1) in stats.top_topics
    assert stats.top_mentors == [("Max Mentor", 4, 2), ("Olga Other", 1, 1)]
    assert stats.mentee_rating == 4.0 and stats.mentor_rating == 2.0
    assert stats.useful_share == pytest.approx(0.667) and stats.feedback_count == 4

    later = program_stats(program, since=NOW)
    assert (later.total, later.booked, later.held_hours) == (1, 1, 0.0)
    assert later.mentee_rating is None and later.useful_share is None
    earlier = program_stats(program, until=day + timedelta(days=1))
    assert earlier.total == 3 and earlier.held == 2


def test_program_figures_take_a_fixed_number_of_queries(clock, program, max_e, mia_e):
    def sessions(count: int, offset: int):
        for k in range(count):
            slot = make_slot(max_e, NOW - timedelta(days=offset + k), topics=[f"T{k}"])
            booking = make_booking(slot, mia_e, status="held")
            SessionFeedback.objects.create(booking=booking, author=mia_e.user, rating=4, useful=1)

    sessions(2, 1)
    few = queries(lambda: program_stats(program))
    sessions(20, 10)
    assert queries(lambda: program_stats(program)) == few
