"""Weekly availability: each person's local windows placed on one UTC reference week.

A window is (weekday 0=Monday..6, "HH:MM" start, "HH:MM" end) in the person's own time zone;
an end at or before the start runs past midnight, and "24:00" is the end of the day. Windows
are converted with zoneinfo on the actual dates of the reference week (the Monday-to-Sunday
week holding the reference date), so that two zones which change to summer time on different
dates are compared as they really are that week. The UTC week is cut into 336 half-hour bins;
both ends of a converted window are rounded to the nearest half hour (quarter hours up), which
only matters for zones such as Asia/Kathmandu (UTC+5:45).

The availability score of a pair is

    min(1, overlap / min(wanted_hours, offered))

where overlap is the hours both are free in the reference week and offered is the hours the
mentee is free: a mentee who wants one hour together is fully served by one hour of overlap,
and a mentee free for only half an hour by that half hour (half an hour, one bin, is also the
least that is ever needed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import scipy.sparse as sp

BIN_MINUTES = 30
WEEK_BINS = 7 * 24 * 60 // BIN_MINUTES
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

Window = tuple[int, str, str]

_CLOCK = re.compile(r"(\d{1,2}):(\d{2})")
_WINDOW = re.compile(r"(\w+)\s+(\d{1,2}:\d{2})\s*-\s*(\d{1,2}:\d{2})")


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    """The IANA zone called name; ValueError with the name if there is none."""
    try:
        return ZoneInfo(name.strip())
    # OSError: a name too long for a file name.
    except (ZoneInfoNotFoundError, ValueError, TypeError, AttributeError, OSError):
        raise ValueError(
            f"unknown time zone {name!r} (an IANA name such as Europe/Paris)"
        ) from None


def utc_offset_hours(zone_name: str, reference: date | datetime) -> float:
    """The zone's offset from UTC in hours: at that instant for a datetime (a naive one is read
    as the zone's wall time), at local noon for a date."""
    tz = zone(zone_name)
    if isinstance(reference, datetime):
        moment = reference.astimezone(tz) if reference.tzinfo else reference.replace(tzinfo=tz)
    else:
        moment = datetime.combine(reference, time(12), tzinfo=tz)
    return moment.utcoffset().total_seconds() / 3600


def week_start(reference: date) -> date:
    """The Monday of the week holding reference."""
    return reference - timedelta(days=reference.weekday())


def parse_windows(text: str) -> list[Window]:
    """`"Mon 09:00-12:00; wed 18:00-20:00"` as windows (days by English name or 0-6)."""
    windows = []
    for part in re.split(r"[;,]", text):
        part = part.strip()
        if not part:
            continue
        found = _WINDOW.fullmatch(part)
        if not found:
            raise ValueError(f"cannot read the window {part!r}: write e.g. 'Mon 09:00-12:00'")
        windows.append((found[1], found[2], found[3]))
    return windows


@lru_cache(maxsize=1024)
def _weekday(value: Any) -> int:
    if isinstance(value, str):
        key = value.strip().lower()
        named = [k for k, day in enumerate(WEEKDAYS) if len(key) >= 3 and day.startswith(key)]
        if key.isdigit():
            value = int(key)
        elif named:
            return named[0]
        else:
            raise ValueError(f"unknown weekday {value!r}: use 0-6 (Monday = 0) or Mon..Sun")
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or not 0 <= value <= 6:
        raise ValueError(f"weekday must be 0-6 (Monday = 0), not {value!r}")
    return int(value)


@lru_cache(maxsize=4096)
def _minutes(clock: Any) -> int:
    found = _CLOCK.fullmatch(str(clock).strip())
    if not found:
        raise ValueError(f"time {clock!r} is not HH:MM")
    hours, minutes = int(found[1]), int(found[2])
    if minutes > 59 or hours > 24 or (hours == 24 and minutes):
        raise ValueError(f"time {clock!r} is not a time of day")
    return hours * 60 + minutes


@lru_cache(maxsize=65536)
def _utc_minute(zone_name: str, monday: date, day: int, minute: int) -> int:
    """Minutes from the reference Monday 00:00 UTC to a local (day, minute) of that week."""
    local = datetime.combine(monday + timedelta(days=day), time(), tzinfo=zone(zone_name))
    local += timedelta(minutes=minute)  # wall-clock arithmetic, then resolved in the zone
    start = datetime.combine(monday, time(), tzinfo=UTC)
    return int((local.astimezone(UTC) - start).total_seconds() // 60)


def _intervals(windows: Any, zone_name: str, monday: date) -> list[tuple[int, int]]:
    """A person's windows as [start, end) bins of the UTC week, end may exceed WEEK_BINS."""
    if isinstance(windows, str):
        windows = parse_windows(windows)
    intervals = []
    for window in windows:
        if isinstance(window, str) or len(window) != 3:
            raise ValueError(f"a window is (weekday, 'HH:MM', 'HH:MM'), not {window!r}")
        day, start, end = _weekday(window[0]), _minutes(window[1]), _minutes(window[2])
        if start == 24 * 60:
            raise ValueError(f"window {tuple(window)!r} starts at the end of the day")
        if start == end:
            raise ValueError(f"window {tuple(window)!r} is empty")
        if end < start:  # past midnight
            end += 24 * 60
        first = _utc_minute(zone_name, monday, day, start)
        last = _utc_minute(zone_name, monday, day, end)
        # Round both ends the same way (half up) so that a window keeps its length.
        low = (first + BIN_MINUTES // 2) // BIN_MINUTES
        high = (last + BIN_MINUTES // 2) // BIN_MINUTES
        if high > low:
            offset = low % WEEK_BINS
            intervals.append((offset, offset + min(high - low, WEEK_BINS)))
    return intervals


def week_bins(
    windows: Sequence[Any], zones: Sequence[str | None], reference: date, *, who: str = "person"
) -> np.ndarray:
    """(people × 336) bool: the half-hour bins of the UTC reference week each person is free.

    A person without windows or without a time zone has no bins (unknown availability).
    ValueError names who and the index of a person whose windows or zone cannot be read.
    """
    monday = week_start(reference)
    people, starts, ends = [], [], []
    for k, (person_windows, zone_name) in enumerate(zip(windows, zones, strict=True)):
        if _blank(person_windows) or _blank(zone_name):
            continue
        try:
            for low, high in _intervals(person_windows, str(zone_name).strip(), monday):
                people.append(k)
                starts.append(low)
                ends.append(high)
        except ValueError as error:
            raise ValueError(f"{who} {k}: {error}") from None
    count = len(windows)
    people_a, starts_a, ends_a = (np.asarray(x, dtype=np.int64) for x in (people, starts, ends))
    # Windows that run past the end of the week continue at its start.
    wraps = ends_a > WEEK_BINS
    people_a = np.concatenate([people_a, people_a[wraps]])
    starts_a = np.concatenate([starts_a, np.zeros(wraps.sum(), dtype=np.int64)])
    ends_a = np.concatenate([np.minimum(ends_a, WEEK_BINS), ends_a[wraps] - WEEK_BINS])
    size = count * (WEEK_BINS + 1)
    edges = np.bincount(people_a * (WEEK_BINS + 1) + starts_a, minlength=size) - np.bincount(
        people_a * (WEEK_BINS + 1) + ends_a, minlength=size
    )
    edges = edges.astype(np.int32).reshape(count, WEEK_BINS + 1)
    return np.cumsum(edges, axis=1, dtype=np.int32)[:, :WEEK_BINS] > 0


def _blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return value != value
    if isinstance(value, str):
        return not value.strip()
    try:
        return len(value) == 0
    except TypeError:
        return False


class AvailabilityOverlap:
    """Scores of the availability rule for blocks of mentees, from both sides' week bins.

    Overlap counts come from one sparse-by-dense product per block. When people's free time
    comes in runs (the usual case), a mentee is stored as the edges of its runs (+1 at an end,
    −1 at a start) against each mentor's running count of free bins, so a run costs two
    entries however long it is; otherwise as its bins against the mentors' bins.
    """

    def __init__(self, mentee_bins: np.ndarray, mentor_bins: np.ndarray, wanted_hours: float):
        self.mentee_bins = mentee_bins
        self.mentor_bins = mentor_bins
        self.mentee_present = mentee_bins.any(axis=1)
        self.mentor_present = mentor_bins.any(axis=1)
        free = mentee_bins.sum(axis=1)
        wanted = wanted_hours * 60 / BIN_MINUTES
        # The overlap, in bins, that earns a full score; 1 for the unknown to avoid 0/0.
        self.needed = np.maximum(np.minimum(free, wanted), 1).astype(np.float32)
        padded = np.zeros((len(mentee_bins), WEEK_BINS + 2), dtype=np.int8)
        padded[:, 1:-1] = mentee_bins
        edges = -np.diff(padded, axis=1)  # −1 where a run starts, +1 just past its end
        if np.count_nonzero(edges) < np.count_nonzero(mentee_bins):
            self._mentees = sp.csr_matrix(edges.astype(np.float32))
            running = np.zeros((WEEK_BINS + 1, len(mentor_bins)), dtype=np.float32)
            np.cumsum(mentor_bins.T, axis=0, out=running[1:])
            self._mentors = running
        else:
            self._mentees = sp.csr_matrix(mentee_bins.astype(np.float32))
            self._mentors = np.ascontiguousarray(mentor_bins.T, dtype=np.float32)

    def block(self, start: int, stop: int) -> np.ndarray:
        overlap = np.asarray(self._mentees[start:stop] @ self._mentors, dtype=np.float32)
        np.divide(overlap, self.needed[start:stop, None], out=overlap)
        return np.minimum(overlap, 1, out=overlap)

    def pairs(self, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        overlap = np.empty(len(mentees), dtype=np.float64)
        step = 1 << 14
        for k in range(0, len(mentees), step):
            i, j = mentees[k : k + step], mentors[k : k + step]
            overlap[k : k + step] = (self.mentee_bins[i] & self.mentor_bins[j]).sum(axis=1)
        return np.minimum(overlap / self.needed[mentees], 1)
