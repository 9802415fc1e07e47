"""From office hours to slots: the concrete sessions, in UTC, a few weeks ahead.

Office hours are kept as the mentor said them — a weekday and a local time in their own zone —
and each session's UTC start is worked out from that local time on its own date, with zoneinfo.
So a weekly 17:00 in Europe/Paris is 16:00 UTC in winter and 15:00 UTC in summer, and the mentor
sees 17:00 in their calendar all year.

Two local times need a rule (they happen at most twice a year, at night in most zones):

- a time that does not exist, in the hour skipped when clocks go forward, is moved forward by
  the length of the gap: 02:30 on the last Sunday of March in Paris is taken as 03:30 CEST;
- a time that exists twice, in the hour repeated when clocks go back, is the first of the two
  (the summer one).

Both are what `datetime(..., tzinfo=zone)` with fold=0 means (PEP 495), so no special case is
written out below; the tests pin them down.

Weekly office hours are generated up to HORIZON ahead, and the daily `flash_slots` job
(engagement/scheduler.py) keeps extending them; generating is idempotent (the unique constraint
on office hours and start), so two runs at once, or a run after publishing, never duplicate a
slot.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q
from django.utils import timezone

from lodestar.programs.models import Kind
from lodestar.programs.states import ProgramStatus

from .models import OfficeHours, Repeat, Slot

HORIZON = timedelta(weeks=8)
# Programs whose office hours are kept going.
ACTIVE_PROGRAMS = (ProgramStatus.ENROLLING, ProgramStatus.RUNNING)


def to_utc(day: date, at: time, zone: ZoneInfo) -> datetime:
    """A local date and time in `zone` as a UTC moment (see the module's note on the two rules:
    fold=0 moves a skipped time forward by the gap and takes the first of a repeated time)."""
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def _dates(hours: OfficeHours, start: date, end: date) -> Iterator[date]:
    if hours.repeat == Repeat.ONCE:
        if start <= hours.starts_on <= end:
            yield hours.starts_on
        return
    last = min(end, hours.ends_on) if hours.ends_on else end
    first = max(start, hours.starts_on)
    # The first date on or after `first` that falls on the office hours' weekday.
    day = first + timedelta(days=(hours.starts_on.weekday() - first.weekday()) % 7)
    while day <= last:
        yield day
        day += timedelta(weeks=1)


def occurrences(hours: OfficeHours, start: date, end: date) -> list[tuple[datetime, datetime]]:
    """The (start, end) UTC moments of the sessions of `hours` whose local date lies between
    `start` and `end` (both included), earliest first."""
    zone = ZoneInfo(hours.time_zone)
    length = timedelta(minutes=hours.duration)
    moments = []
    for day in _dates(hours, start, end):
        begins = to_utc(day, hours.start_time, zone)
        moments.append((begins, begins + length))
    return moments


def slots_extend(*, hours: OfficeHours, until: date, now: datetime | None = None) -> int:
    """Create the slots of `hours` that start after `now` and on or before the local date
    `until`, unless they exist already (also when cancelled: a cancelled session stays
    cancelled). Idempotent; returns how many slots were created."""
    now = now or timezone.now()
    if hours.withdrawn_at is not None:
        return 0
    today = now.astimezone(ZoneInfo(hours.time_zone)).date()
    wanted = [(s, e) for s, e in occurrences(hours, today, until) if s > now]
    if not wanted:
        return 0
    existing = set(
        Slot.objects.filter(office_hours=hours, start__gte=wanted[0][0]).values_list(
            "start", flat=True
        )
    )
    new = [
        Slot(office_hours=hours, start=s, end=e, capacity=hours.capacity)
        for s, e in wanted
        if s not in existing
    ]
    # A concurrent run may have made some of them since the read: the constraint skips those.
    Slot.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def horizon_end(now: datetime) -> date:
    return (now + HORIZON).date()


def slots_extend_due(now: datetime | None = None) -> int:
    """Keep every active weekly office hours generated HORIZON ahead (the daily job); how many
    slots were created."""
    now = now or timezone.now()
    active = OfficeHours.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=(now - timedelta(days=1)).date()),
        repeat=Repeat.WEEKLY,
        withdrawn_at__isnull=True,
        program__kind=Kind.FLASH,
        program__status__in=ACTIVE_PROGRAMS,
    )
    until = horizon_end(now)
    return sum(slots_extend(hours=hours, until=until, now=now) for hours in active.iterator())
