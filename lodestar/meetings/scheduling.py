"""Suggesting meeting times from everyone's weekly availability. Pure functions, no Django.

Each person's windows are wall-clock times of their own IANA zone (weekday 0 = Monday). They are
placed on the real calendar dates of the coming weeks and converted to UTC with zoneinfo on each
date, so a pair whose zones change to or from summer time on different dates (Auckland and Los
Angeles change four times a year between them) gets the times that are really free that day,
never a fixed offset.

A suggestion is a UTC start at which the meeting fits inside everybody's windows, not before
`now` plus a little notice, and not over a meeting they already have. Suggestions are spread
out: first at most one a day with a free day between them, then one on the other days, then a
second one on a day (a few hours after the first), until there are `count` of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Interval = tuple[datetime, datetime]
Window = tuple[int, time, time]  # weekday (0 = Monday), local start, local end

STEP = timedelta(minutes=30)
NOTICE = timedelta(hours=1)
HORIZON_DAYS = 21
SECOND_SLOT_GAP = timedelta(hours=3)


@dataclass(frozen=True)
class Person:
    """Someone's weekly availability: windows in the wall-clock time of `zone`."""

    windows: Sequence[Window]
    zone: str


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must be aware (carry a time zone)")
    return moment.astimezone(UTC)


def free_intervals(person: Person, start: datetime, end: datetime) -> list[Interval]:
    """The UTC intervals within [start, end) when the person is free, sorted and merged.

    A window whose end is at or before its start runs past midnight (an end of 00:00 is
    midnight at the end of the day).
    """
    start, end = _aware(start), _aware(end)
    tz = ZoneInfo(person.zone)
    first = start.astimezone(tz).date() - timedelta(days=1)
    last = end.astimezone(tz).date() + timedelta(days=1)
    intervals = []
    day = first
    while day <= last:
        for weekday, opens, closes in person.windows:
            if weekday != day.weekday():
                continue
            local_start = datetime.combine(day, opens, tzinfo=tz)
            end_day = day if closes > opens else day + timedelta(days=1)
            local_end = datetime.combine(end_day, closes, tzinfo=tz)
            low, high = max(local_start.astimezone(UTC), start), min(local_end.astimezone(UTC), end)
            if high > low:
                intervals.append((low, high))
        day += timedelta(days=1)
    return _merge(intervals)


def _merge(intervals: Iterable[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for low, high in sorted(intervals):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def intersect(a: Sequence[Interval], b: Sequence[Interval]) -> list[Interval]:
    """The times in both sorted, merged interval lists."""
    result, i, j = [], 0, 0
    while i < len(a) and j < len(b):
        low, high = max(a[i][0], b[j][0]), min(a[i][1], b[j][1])
        if high > low:
            result.append((low, high))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return result


def subtract(free: Sequence[Interval], busy: Iterable[Interval]) -> list[Interval]:
    """The free times that overlap none of the busy ones."""
    result = list(free)
    for busy_low, busy_high in _merge(busy):
        kept = []
        for low, high in result:
            if busy_high <= low or busy_low >= high:
                kept.append((low, high))
                continue
            if low < busy_low:
                kept.append((low, busy_low))
            if busy_high < high:
                kept.append((busy_high, high))
        result = kept
    return result


def common_free(people: Sequence[Person], start: datetime, end: datetime) -> list[Interval]:
    """When everybody is free within [start, end); nothing if anybody has no windows."""
    if not people:
        return []
    common = free_intervals(people[0], start, end)
    for person in people[1:]:
        common = intersect(common, free_intervals(person, start, end))
    return common


def _candidates(free: Sequence[Interval], duration: timedelta, earliest: datetime):
    """Every start that fits, each half hour from the beginning of a free interval (which is
    where somebody's window opens, so on their round hours)."""
    for low, high in free:
        start = low
        if start < earliest:
            start += -((low - earliest) // STEP) * STEP  # the first step at or after earliest
        while start + duration <= high:
            yield start
            start += STEP


def suggest_slots(
    people: Sequence[Person],
    *,
    duration: int,
    now: datetime,
    count: int = 6,
    days: int = HORIZON_DAYS,
    zone: str | None = None,
    busy: Iterable[Interval] = (),
    notice: timedelta = NOTICE,
) -> list[datetime]:
    """Up to `count` UTC starts for a meeting of `duration` minutes that suit everybody, within
    `days` days from `now`, in time order.

    Days are counted in `zone` (the viewer's; the first person's by default); busy intervals
    (their other meetings) are avoided.
    """
    now = _aware(now)
    length = timedelta(minutes=duration)
    if length <= timedelta(0) or count <= 0 or not people:
        return []
    horizon = now + timedelta(days=days)
    free = subtract(common_free(people, now, horizon), busy)
    tz = ZoneInfo(zone or people[0].zone)
    by_day: dict[date, list[datetime]] = {}
    for start in _candidates(free, length, now + notice):
        by_day.setdefault(start.astimezone(tz).date(), []).append(start)

    chosen: dict[date, list[datetime]] = {}

    def full() -> bool:
        return sum(len(starts) for starts in chosen.values()) >= count

    # 1. One a day, with a free day between two suggestions.
    previous: date | None = None
    for day, starts in by_day.items():
        if full():
            break
        if previous is None or (day - previous).days >= 2:
            chosen[day] = [starts[0]]
            previous = day
    # 2. One on each of the other days.
    for day, starts in by_day.items():
        if full():
            break
        if day not in chosen:
            chosen[day] = [starts[0]]
    # 3. A second one on a day, well after the first.
    for day, starts in by_day.items():
        if full():
            break
        later = [s for s in starts if s >= chosen[day][0] + length + SECOND_SLOT_GAP]
        if later and len(chosen[day]) < 2:
            chosen[day].append(later[0])
    return sorted(start for starts in chosen.values() for start in starts)[:count]


def repeat_starts(start: datetime, zone: str, cadence: str, times: int) -> list[datetime]:
    """The UTC starts of the next `times` meetings after `start` at a cadence ("weekly",
    "fortnightly" or "monthly"; anything else gives none), at the same wall-clock time in
    `zone`, whatever summer time does in between. Monthly keeps the day of the month (the last
    day of a shorter month)."""
    tz = ZoneInfo(zone)
    local = _aware(start).astimezone(tz).replace(tzinfo=None)
    starts = []
    for k in range(1, times + 1):
        if cadence == "weekly":
            wall = local + timedelta(weeks=k)
        elif cadence == "fortnightly":
            wall = local + timedelta(weeks=2 * k)
        elif cadence == "monthly":
            wall = _add_months(local, k)
        else:
            return []
        starts.append(wall.replace(tzinfo=tz).astimezone(UTC))
    return starts


def _add_months(moment: datetime, months: int) -> datetime:
    import calendar

    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
