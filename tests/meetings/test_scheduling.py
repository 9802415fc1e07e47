"""Suggested meeting times from weekly availability in two zones, across the four summer-time
changes of 2027 between Auckland and Los Angeles:

- US summer time starts Sun 14 Mar 2027 (Los Angeles UTC−8 → UTC−7),
- NZ summer time ends Sun 4 Apr 2027 (Auckland UTC+13 → UTC+12),
- NZ summer time starts Sun 26 Sep 2027 (UTC+12 → UTC+13),
- US summer time ends Sun 7 Nov 2027 (UTC−7 → UTC−8).

Ana (Auckland) is free every day 09:00–11:00 her time; Leo (Los Angeles) every day 13:00–17:00
his time. Their common hour(s), in UTC:

    Jan–13 Mar   Ana 09–11 NZDT = 20–22 UTC, Leo 21–01 UTC → 21:00–22:00
    14 Mar–3 Apr Ana 20–22 UTC,  Leo 20–24 UTC             → 20:00–22:00
    4 Apr–25 Sep Ana 21–23 UTC (NZST), Leo 20–24 UTC       → 21:00–23:00
    26 Sep–6 Nov Ana 20–22 UTC,  Leo 20–24 UTC             → 20:00–22:00
    7 Nov–       Ana 20–22 UTC,  Leo 21–01 UTC (PST)       → 21:00–22:00
"""

import itertools
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from lodestar.meetings.scheduling import (
    Person,
    common_free,
    free_intervals,
    intersect,
    repeat_starts,
    subtract,
    suggest_slots,
)

AUCKLAND = ZoneInfo("Pacific/Auckland")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
ANA = Person([(day, time(9), time(11)) for day in range(7)], "Pacific/Auckland")
LEO = Person([(day, time(13), time(17)) for day in range(7)], "America/Los_Angeles")


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def common_hours_by_day(start: datetime, days: int) -> dict:
    """{date (UTC) of the common interval's start: (start hour, end hour) in UTC}."""
    free = common_free([ANA, LEO], start, start + timedelta(days=days))
    return {low.date().isoformat(): (low.hour, high.hour) for low, high in free}


def test_the_common_hour_moves_with_each_of_the_four_changes_of_2027():
    # US summer time starts on Sun 14 Mar: an extra common hour from that day (LA date).
    march = common_hours_by_day(utc(2027, 3, 11), 6)
    assert march["2027-03-13"] == (21, 22)  # Sat 13 Mar, 13:00 PST, Sun 14 Mar 10:00 NZDT
    assert march["2027-03-14"] == (20, 22)  # Sun 14 Mar, 13:00 PDT, Mon 15 Mar 09:00 NZDT
    # NZ summer time ends on Sun 4 Apr at 03:00: Ana's 09:00 that morning is already UTC+12.
    april = common_hours_by_day(utc(2027, 4, 1), 5)
    assert april["2027-04-02"] == (20, 22)  # Sat 3 Apr 09:00 NZDT
    assert april["2027-04-03"] == (21, 23)  # Sun 4 Apr 09:00 NZST
    # NZ summer time starts on Sun 26 Sep at 02:00.
    september = common_hours_by_day(utc(2027, 9, 23), 5)
    assert september["2027-09-24"] == (21, 23)  # Sat 25 Sep 09:00 NZST
    assert september["2027-09-25"] == (20, 22)  # Sun 26 Sep 09:00 NZDT
    # US summer time ends on Sun 7 Nov at 02:00: Leo's 13:00 that day is UTC−8.
    november = common_hours_by_day(utc(2027, 11, 5), 4)
    assert november["2027-11-06"] == (20, 22)  # Sat 6 Nov 13:00 PDT
    assert november["2027-11-07"] == (21, 22)  # Sun 7 Nov 13:00 PST


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Before and after the US change of 14 Mar (days counted in Los Angeles).
        (
            utc(2027, 3, 8),
            [
                "03-08 21:00",
                "03-10 21:00",
                "03-12 21:00",
                "03-14 20:00",
                "03-16 20:00",
                "03-18 20:00",
            ],
        ),
        # Across the NZ change of 4 Apr.
        (
            utc(2027, 3, 29),
            [
                "03-29 20:00",
                "03-31 20:00",
                "04-02 20:00",
                "04-04 21:00",
                "04-06 21:00",
                "04-08 21:00",
            ],
        ),
        # Across the NZ change of 26 Sep.
        (
            utc(2027, 9, 20),
            [
                "09-20 21:00",
                "09-22 21:00",
                "09-24 21:00",
                "09-26 20:00",
                "09-28 20:00",
                "09-30 20:00",
            ],
        ),
        # Across the US change of 7 Nov.
        (
            utc(2027, 11, 1),
            [
                "11-01 20:00",
                "11-03 20:00",
                "11-05 20:00",
                "11-07 21:00",
                "11-09 21:00",
                "11-11 21:00",
            ],
        ),
    ],
)
def test_suggestions_for_auckland_and_los_angeles_across_summer_time(now, expected):
    slots = suggest_slots([LEO, ANA], duration=60, now=now, zone="America/Los_Angeles")
    assert [s.strftime("%m-%d %H:%M") for s in slots] == expected
    for start in slots:
        # Always inside both people's own windows, in their own wall-clock time.
        for person, zone in ((ANA, AUCKLAND), (LEO, LOS_ANGELES)):
            local = start.astimezone(zone)
            end = local + timedelta(hours=1)
            opens, closes = person.windows[0][1], person.windows[0][2]
            assert opens <= local.time() and end.time() <= closes


def test_around_the_changes_everyone_keeps_their_own_wall_clock_time():
    # 14 Mar: Leo 13:00 both before and after; Ana 10:00 before, 09:00 after (the hour moved).
    before, after = utc(2027, 3, 12, 21), utc(2027, 3, 14, 20)
    assert before.astimezone(LOS_ANGELES).hour == after.astimezone(LOS_ANGELES).hour == 13
    assert (before.astimezone(AUCKLAND).hour, after.astimezone(AUCKLAND).hour) == (10, 9)
    # 4 Apr: Ana's first free hour stays 09:00; for Leo it moves from 13:00 to 14:00.
    before, after = utc(2027, 4, 2, 20), utc(2027, 4, 4, 21)
    assert before.astimezone(AUCKLAND).hour == after.astimezone(AUCKLAND).hour == 9
    assert (before.astimezone(LOS_ANGELES).hour, after.astimezone(LOS_ANGELES).hour) == (13, 14)


def test_a_longer_meeting_only_fits_where_the_overlap_is_long_enough():
    slots = suggest_slots([LEO, ANA], duration=90, now=utc(2027, 3, 8), zone="America/Los_Angeles")
    # Before 14 Mar the overlap is one hour: nothing until the US change.
    assert slots[0] == utc(2027, 3, 14, 20)
    assert all(s >= utc(2027, 3, 14) for s in slots)


def test_never_in_the_past_and_with_an_hours_notice():
    now = utc(2027, 1, 11, 21, 10)  # ten minutes into today's common hour
    slots = suggest_slots([LEO, ANA], duration=30, now=now)
    assert slots[0] > now + timedelta(hours=1) - timedelta(seconds=1)
    # 22:00 would end past the common hour (21–22 UTC): the first fits on the next day.
    assert slots[0] == utc(2027, 1, 12, 21)


def test_at_most_two_a_day_and_spread_out_over_the_days():
    mon = Person([(0, time(8), time(18))], "Europe/Paris")
    also_mon = Person([(0, time(8), time(18))], "Europe/Paris")
    slots = suggest_slots([mon, also_mon], duration=60, now=utc(2027, 1, 10), count=6)
    days = [s.astimezone(ZoneInfo("Europe/Paris")).date() for s in slots]
    # Three Mondays in three weeks, two suggestions each, a few hours apart.
    assert len(slots) == 6
    assert len(set(days)) == 3
    assert all(days.count(day) == 2 for day in set(days))
    for first, second in zip(slots[::2], slots[1::2], strict=True):
        assert second - first >= timedelta(hours=4)


def test_daily_availability_gives_one_every_other_day_first():
    slots = suggest_slots([LEO, ANA], duration=60, now=utc(2027, 1, 11), zone="America/Los_Angeles")
    days = [s.astimezone(LOS_ANGELES).date() for s in slots]
    assert len(days) == len(set(days)) == 6
    assert all((b - a).days >= 2 for a, b in itertools.pairwise(days))


def test_busy_times_are_avoided():
    now = utc(2027, 1, 11)
    first = suggest_slots([LEO, ANA], duration=60, now=now)[0]
    busy = [(first - timedelta(minutes=30), first + timedelta(minutes=30))]
    assert first not in suggest_slots([LEO, ANA], duration=60, now=now, busy=busy)


def test_nobody_free_together_gives_no_suggestions():
    early = Person([(0, time(6), time(7))], "Europe/London")
    late = Person([(0, time(20), time(21))], "Europe/London")
    assert suggest_slots([early, late], duration=30, now=utc(2027, 1, 1)) == []
    assert suggest_slots([], duration=30, now=utc(2027, 1, 1)) == []


def test_a_window_past_midnight_runs_into_the_next_day():
    night = Person([(4, time(22), time(2))], "UTC")  # Friday 22:00 to Saturday 02:00
    free = free_intervals(night, utc(2027, 1, 15), utc(2027, 1, 17))
    assert free == [(utc(2027, 1, 15, 22), utc(2027, 1, 16, 2))]


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        suggest_slots([ANA], duration=30, now=datetime(2027, 1, 1))


def test_interval_helpers():
    a = [(utc(2027, 1, 1, 9), utc(2027, 1, 1, 12))]
    b = [(utc(2027, 1, 1, 10), utc(2027, 1, 1, 11)), (utc(2027, 1, 1, 11, 30), utc(2027, 1, 1, 13))]
    assert intersect(a, b) == [
        (utc(2027, 1, 1, 10), utc(2027, 1, 1, 11)),
        (utc(2027, 1, 1, 11, 30), utc(2027, 1, 1, 12)),
    ]
    assert subtract(a, [(utc(2027, 1, 1, 10), utc(2027, 1, 1, 11))]) == [
        (utc(2027, 1, 1, 9), utc(2027, 1, 1, 10)),
        (utc(2027, 1, 1, 11), utc(2027, 1, 1, 12)),
    ]


def test_weekly_repeats_keep_the_wall_clock_time_across_a_change():
    # Ana proposes Tue 30 Mar 2027 09:00 Auckland (NZDT); NZ summer time ends on 4 Apr.
    start = datetime(2027, 3, 30, 9, tzinfo=AUCKLAND).astimezone(UTC)
    repeats = repeat_starts(start, "Pacific/Auckland", "weekly", 3)
    assert [r.astimezone(AUCKLAND).strftime("%a %d %b %H:%M") for r in repeats] == [
        "Tue 06 Apr 09:00",
        "Tue 13 Apr 09:00",
        "Tue 20 Apr 09:00",
    ]
    assert start == utc(2027, 3, 29, 20)
    assert repeats[0] == utc(2027, 4, 5, 21)  # an hour later in UTC


def test_fortnightly_monthly_and_as_needed_repeats():
    start = datetime(2027, 1, 31, 18, tzinfo=LOS_ANGELES)
    assert [
        r.astimezone(LOS_ANGELES).date().isoformat()
        for r in repeat_starts(start, "America/Los_Angeles", "fortnightly", 2)
    ] == ["2027-02-14", "2027-02-28"]
    monthly = repeat_starts(start, "America/Los_Angeles", "monthly", 3)
    assert [r.astimezone(LOS_ANGELES).strftime("%m-%d %H:%M") for r in monthly] == [
        "02-28 18:00",  # the last day of a shorter month
        "03-31 18:00",  # after the change to summer time: still 18:00 in Los Angeles
        "04-30 18:00",
    ]
    assert repeat_starts(start, "America/Los_Angeles", "as_needed", 3) == []
