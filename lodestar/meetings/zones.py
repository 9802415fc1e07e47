"""People's time zones: a moment as each member reads it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from lodestar.accounts.models import User


def user_zone(user: User) -> ZoneInfo:
    try:
        return ZoneInfo(user.timezone or "UTC")
    except (ValueError, KeyError):
        return ZoneInfo("UTC")


@dataclass
class LocalTime:
    """A moment as another member reads it (templates show it with the `timezone` filter)."""

    user: User
    zone: str
    same_day: bool  # the same date as for the viewer


def local_times(start: datetime, viewer: User, people: Iterable[User]) -> list[LocalTime]:
    """`start` for each of `people` other than the viewer, in their own zone."""
    viewer_day = start.astimezone(user_zone(viewer)).date()
    result = []
    for user in people:
        if user.pk == viewer.pk:
            continue
        zone = user_zone(user)
        result.append(LocalTime(user, zone.key, start.astimezone(zone).date() == viewer_day))
    return result
