"""From office hours to slots: a weekly local time stays the same local time across the changes
of daylight-saving time (Paris and New York, spring and autumn), the skipped hour and the
repeated hour, and slots are made up to the horizon, once each, by publishing and by the daily
job."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lodestar.engagement.scheduler import DAY, HOUR, JOBS_BY_NAME
from lodestar.flash.models import OfficeHours, Slot
from lodestar.flash.slots import HORIZON, occurrences, slots_extend, slots_extend_due

from .conftest import NEW_YORK, NOW, PARIS, make_slot, publish

pytestmark = pytest.mark.django_db


def hours(time_zone: str, starts_on: date, at: time, *, ends_on=None, repeat="weekly", minutes=60):
    """Office hours as the mentor said them (not saved: occurrences is pure)."""
    return OfficeHours(
        repeat=repeat,
        starts_on=starts_on,
        ends_on=ends_on,
        start_time=at,
        time_zone=time_zone,
        duration=minutes,
    )


def local(moments, zone: str) -> list[str]:
    return [s.astimezone(ZoneInfo(zone)).strftime("%a %d %b %H:%M %Z") for s, _e in moments]


def utc(moments) -> list[datetime]:
    return [s for s, _e in moments]


# --- daylight-saving time ---------------------------------------------------------------------


def test_a_weekly_paris_session_keeps_its_local_time_across_the_march_change():
    tuesdays = hours(PARIS, date(2027, 3, 16), time(17, 0))
    moments = occurrences(tuesdays, date(2027, 3, 1), date(2027, 4, 6))
    assert local(moments, PARIS) == [
        "Tue 16 Mar 17:00 CET",
        "Tue 23 Mar 17:00 CET",
        "Tue 30 Mar 17:00 CEST",
        "Tue 06 Apr 17:00 CEST",
    ]
    # Stored in UTC: an hour earlier once Paris is on summer time.
    assert utc(moments) == [
        datetime(2027, 3, 16, 16, tzinfo=UTC),
        datetime(2027, 3, 23, 16, tzinfo=UTC),
        datetime(2027, 3, 30, 15, tzinfo=UTC),
        datetime(2027, 4, 6, 15, tzinfo=UTC),
    ]


def test_a_weekly_paris_session_keeps_its_local_time_across_the_october_change():
    moments = occurrences(
        hours(PARIS, date(2027, 10, 19), time(17, 0)), date(2027, 10, 1), date(2027, 11, 2)
    )
    assert local(moments, PARIS) == [
        "Tue 19 Oct 17:00 CEST",
        "Tue 26 Oct 17:00 CEST",
        "Tue 02 Nov 17:00 CET",
    ]
    assert [s.hour for s in utc(moments)] == [15, 15, 16]


def test_a_weekly_new_york_session_keeps_its_local_time_across_the_march_change():
    moments = occurrences(
        hours(NEW_YORK, date(2027, 3, 3), time(9, 0)), date(2027, 3, 1), date(2027, 3, 24)
    )
    assert local(moments, NEW_YORK) == [
        "Wed 03 Mar 09:00 EST",
        "Wed 10 Mar 09:00 EST",
        "Wed 17 Mar 09:00 EDT",
        "Wed 24 Mar 09:00 EDT",
    ]
    assert [s.hour for s in utc(moments)] == [14, 14, 13, 13]


def test_a_weekly_new_york_session_keeps_its_local_time_across_the_november_change():
    moments = occurrences(
        hours(NEW_YORK, date(2027, 10, 27), time(9, 0)), date(2027, 10, 1), date(2027, 11, 10)
    )
    assert local(moments, NEW_YORK) == [
        "Wed 27 Oct 09:00 EDT",
        "Wed 03 Nov 09:00 EDT",
        "Wed 10 Nov 09:00 EST",
    ]
    assert [s.hour for s in utc(moments)] == [13, 13, 14]


def test_between_the_two_changes_a_paris_session_moves_an_hour_for_new_york_only():
    # The US changes on 14 March, Europe on 28 March: for two weeks the gap is 5 hours.
    moments = occurrences(
        hours(PARIS, date(2027, 3, 9), time(17, 0)), date(2027, 3, 1), date(2027, 3, 30)
    )
    assert [s[:-4] for s in local(moments, NEW_YORK)] == [
        "Tue 09 Mar 11:00",
        "Tue 16 Mar 12:00",
        "Tue 23 Mar 12:00",
        "Tue 30 Mar 11:00",
    ]


def test_a_time_skipped_by_the_spring_change_moves_forward_by_the_gap():
    # Sundays at 02:30 in Paris: on 28 March 2027 clocks jump from 02:00 to 03:00.
    moments = occurrences(
        hours(PARIS, date(2027, 3, 21), time(2, 30)), date(2027, 3, 21), date(2027, 4, 4)
    )
    assert local(moments, PARIS) == [
        "Sun 21 Mar 02:30 CET",
        "Sun 28 Mar 03:30 CEST",
        "Sun 04 Apr 02:30 CEST",
    ]
    assert utc(moments)[1] == datetime(2027, 3, 28, 1, 30, tzinfo=UTC)


def test_a_time_skipped_in_new_york_moves_forward_by_the_gap():
    [(start, end)] = occurrences(
        hours(NEW_YORK, date(2027, 3, 14), time(2, 30), repeat="once"),
        date(2027, 3, 1),
        date(2027, 3, 31),
    )
    assert start == datetime(2027, 3, 14, 7, 30, tzinfo=UTC)  # 03:30 EDT
    assert end - start == timedelta(minutes=60)


def test_a_time_repeated_by_the_autumn_change_is_its_first_occurrence():
    # Paris, 31 October 2027: 02:30 happens twice (CEST, then CET); the summer one is taken.
    [(start, _end)] = occurrences(
        hours(PARIS, date(2027, 10, 31), time(2, 30), repeat="once"),
        date(2027, 10, 1),
        date(2027, 11, 30),
    )
    assert start == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)
    assert start.astimezone(ZoneInfo(PARIS)).strftime("%H:%M %Z") == "02:30 CEST"
    # New York, 7 November 2027: 01:30 EDT, not 01:30 EST an hour later.
    [(start, _end)] = occurrences(
        hours(NEW_YORK, date(2027, 11, 7), time(1, 30), repeat="once"),
        date(2027, 11, 1),
        date(2027, 11, 30),
    )
    assert start == datetime(2027, 11, 7, 5, 30, tzinfo=UTC)


def test_a_session_across_the_change_lasts_its_real_length():
    # 01:30 for two hours on the night Paris skips an hour: ends at 04:30 local, 2 hours later.
    [(start, end)] = occurrences(
        hours(PARIS, date(2027, 3, 28), time(1, 30), repeat="once", minutes=120),
        date(2027, 3, 1),
        date(2027, 3, 31),
    )
    assert end - start == timedelta(hours=2)
    assert end.astimezone(ZoneInfo(PARIS)).strftime("%H:%M") == "04:30"


def test_weekly_hours_stop_at_their_last_date_and_start_on_their_first():
    moments = occurrences(
        hours(PARIS, date(2027, 3, 9), time(17, 0), ends_on=date(2027, 3, 23)),
        date(2027, 3, 1),
        date(2027, 12, 31),
    )
    assert [s.date() for s in utc(moments)] == [
        date(2027, 3, 9),
        date(2027, 3, 16),
        date(2027, 3, 23),
    ]


def test_a_one_off_session_occurs_only_on_its_date():
    once = hours(PARIS, date(2027, 3, 9), time(17, 0), repeat="once")
    assert len(occurrences(once, date(2027, 3, 1), date(2027, 3, 31))) == 1
    assert occurrences(once, date(2027, 3, 10), date(2027, 3, 31)) == []


# --- making slots -----------------------------------------------------------------------------


def test_publishing_weekly_hours_makes_the_slots_up_to_the_horizon(clock, max_e):
    office = publish(max_e)
    starts = list(office.slots.values_list("start", flat=True))
    assert len(starts) == 8  # Tuesdays 2 March to 20 April: 8 weeks ahead of Monday 1 March
    assert starts[0] == datetime(2027, 3, 2, 16, tzinfo=UTC)
    assert starts[-1] == datetime(2027, 4, 20, 15, tzinfo=UTC)  # 17:00 CEST
    assert max(starts) <= NOW + HORIZON
    assert {s.capacity for s in office.slots.all()} == {1}
    assert len({s.ical_uid for s in office.slots.all()}) == 8


def test_making_slots_twice_makes_each_once(clock, max_e):
    office = publish(max_e)
    assert slots_extend(hours=office, until=date(2027, 4, 26)) == 0
    assert Slot.objects.filter(office_hours=office).count() == 8


def test_the_daily_job_extends_weekly_hours_as_time_passes(clock, max_e):
    office = publish(max_e)
    clock.advance(days=7)
    assert slots_extend_due() == 1
    assert office.slots.order_by("start").last().start == datetime(2027, 4, 27, 15, tzinfo=UTC)
    assert slots_extend_due() == 0
    assert office.slots.count() == 9


def test_the_daily_job_makes_no_slot_in_the_past(clock, max_e):
    office = publish(max_e)
    office.slots.all().delete()
    clock.advance(days=10)  # Thursday 11 March
    slots_extend_due()
    assert office.slots.order_by("start").first().start == datetime(2027, 3, 16, 16, tzinfo=UTC)


def test_a_cancelled_slot_is_not_made_again(clock, max_e):
    office = publish(max_e)
    first = office.slots.order_by("start").first()
    first.cancelled_at = NOW
    first.save()
    clock.advance(days=7)
    slots_extend_due()
    assert office.slots.filter(start=first.start).count() == 1
    assert office.slots.get(start=first.start).cancelled_at == NOW


def test_the_daily_job_leaves_withdrawn_ended_and_closed_hours_alone(clock, program, max_e):
    withdrawn = publish(max_e)
    withdrawn.withdrawn_at = NOW
    withdrawn.save()
    ended = publish(max_e, starts_on=date(2027, 3, 3), ends_on=date(2027, 3, 10))
    clock.advance(days=14)
    assert slots_extend_due() == 0
    assert ended.slots.count() == 2
    other = publish(max_e, starts_on=date(2027, 3, 18))
    program.status = "closing"
    program.save()
    clock.advance(days=7)
    assert slots_extend_due() == 0
    assert other.slots.count() == 8


def test_one_off_sessions_beyond_the_horizon_are_made_when_published(clock, max_e):
    far = date(2027, 6, 1)
    office = publish(max_e, repeat="once", starts_on=far)
    [slot] = office.slots.all()
    assert slot.start == datetime(2027, 6, 1, 15, tzinfo=UTC)


def test_the_scheduler_runs_the_flash_jobs():
    assert JOBS_BY_NAME["flash_slots"].every == DAY
    assert JOBS_BY_NAME["flash_slots"].function == "lodestar.flash.slots.slots_extend_due"
    assert JOBS_BY_NAME["flash_feedback"].every == HOUR
    assert (
        JOBS_BY_NAME["flash_feedback"].function
        == "lodestar.flash.services.feedback_invitations_due"
    )


def test_a_slot_written_directly_is_a_session(max_e):
    # (make_slot, used by other tests for sessions in the past, makes a real slot)
    slot = make_slot(max_e, datetime(2027, 2, 1, 10, tzinfo=UTC))
    assert slot.end - slot.start == timedelta(hours=1) and slot.office_hours.mentor == max_e
