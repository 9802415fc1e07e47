"""Reads for meetings: suggested times, a mentorship's meetings and hours, the calendar feed."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from lodestar.accounts.models import AvailabilityWindow, User
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import WRITABLE

from .models import MAX_DURATION, ActionItem, CalendarFeed, Meeting, hash_token
from .scheduling import HORIZON_DAYS, Interval, Person, suggest_slots
from .states import IN_CALENDARS, PLANNED, MeetingStatus
from .zones import LocalTime, local_times, user_zone

SUGGESTIONS = 6
FEED_PAST_DAYS = 180


# --- suggested times ------------------------------------------------------------------------


@dataclass
class Slot:
    start: datetime
    others: list[LocalTime] = field(default_factory=list)

    @property
    def value(self) -> str:
        return self.start.strftime("%Y-%m-%dT%H:%MZ")


@dataclass
class Suggestions:
    slots: list[Slot]
    without_availability: list[User]  # members who have not said when they are free


def availability_of(users: Sequence[User]) -> dict[int, Person]:
    """Each person's weekly windows in their own zone (one query); people without windows are
    left out."""
    windows: dict[int, list] = {}
    rows = AvailabilityWindow.objects.filter(user__in=[u.pk for u in users]).values_list(
        "user_id", "weekday", "start", "end"
    )
    for user_id, weekday, start, end in rows:
        windows.setdefault(user_id, []).append((weekday, start, end))
    return {
        user.pk: Person(windows=windows[user.pk], zone=user_zone(user).key)
        for user in users
        if user.pk in windows
    }


def busy_intervals(
    users: Sequence[User], start: datetime, end: datetime, *, exclude: int | None = None
) -> list[Interval]:
    """When these people already have a meeting planned, in any of their mentorships."""
    meetings = (
        Meeting.objects.planned()
        .filter(
            mentorship__in=Mentorship.objects.filter(
                memberships__user__in=[u.pk for u in users]
            ).values("pk"),
            start__lt=end,
            start__gt=start - timedelta(minutes=MAX_DURATION),
        )
        .exclude(pk=exclude)
        .values_list("start", "duration")
    )
    return [(s, s + timedelta(minutes=d)) for s, d in meetings]


def suggestions_for(
    mentorship: Mentorship,
    viewer: User,
    *,
    duration: int,
    now: datetime | None = None,
    exclude: int | None = None,
    count: int = SUGGESTIONS,
) -> Suggestions:
    """Times in the next three weeks when every member is free for `duration` minutes and has
    no other meeting, each with the other members' local time."""
    now = now or timezone.now()
    members = [m.user for m in mentorship.memberships.all()]
    people = availability_of(members)
    missing = [u for u in members if u.pk not in people]
    if missing or not members:
        return Suggestions([], missing)
    ordered = [people[u.pk] for u in members]
    busy = busy_intervals(members, now, now + timedelta(days=HORIZON_DAYS), exclude=exclude)
    viewer_zone = user_zone(viewer)
    starts = suggest_slots(
        ordered, duration=duration, now=now, count=count, zone=viewer_zone.key, busy=busy
    )
    return Suggestions([Slot(start, local_times(start, viewer, members)) for start in starts], [])


def other_times(meeting: Meeting, viewer: User) -> list[LocalTime]:
    """The meeting's start as the other members read it."""
    members = [m.user for m in meeting.mentorship.memberships.all()]
    return local_times(meeting.start, viewer, members)


# --- a mentorship's meetings ----------------------------------------------------------------


def hours_together(mentorship: Mentorship) -> float:
    """The hours the members logged in meetings they held (to a tenth of an hour)."""
    return meeting_facts(mentorship)["hours"]


def meeting_facts(mentorship: Mentorship, now: datetime | None = None) -> dict:
    """Counts, dates and hours together, in one query: what coordinators may see."""
    now = now or timezone.now()
    held = Q(status=MeetingStatus.COMPLETED)
    facts = Meeting.objects.filter(mentorship=mentorship).aggregate(
        held=Count("pk", filter=held),
        missed=Count("pk", filter=Q(status=MeetingStatus.MISSED)),
        minutes=Sum("minutes_logged", filter=held),
        last_held=Max("start", filter=held),
        next_start=Min("start", filter=Q(status__in=PLANNED, start__gt=now)),
        planned=Count("pk", filter=Q(status__in=PLANNED, start__gt=now)),
    )
    facts["hours"] = round((facts["minutes"] or 0) / 60, 1)
    return facts


def upcoming_meetings(mentorship: Mentorship, now: datetime | None = None):
    """Meetings still to come or waiting for an answer (a proposal whose time passed shows
    until someone proposes another time or cancels it)."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(mentorship=mentorship)
        .filter(
            Q(status=MeetingStatus.PROPOSED)
            | Q(status=MeetingStatus.CONFIRMED, start__gt=now - timedelta(minutes=MAX_DURATION))
        )
        .select_related("proposed_by")
        .order_by("start", "pk")
    )


def past_meetings(mentorship: Mentorship):
    return Meeting.objects.filter(
        mentorship=mentorship,
        status__in=[MeetingStatus.COMPLETED, MeetingStatus.MISSED, MeetingStatus.CANCELLED],
    ).order_by("-start", "-pk")


def open_action_items(mentorship: Mentorship):
    return (
        ActionItem.objects.open()
        .filter(mentorship=mentorship)
        .select_related("assignee", "meeting")
        .order_by("due", "pk")
    )


# --- calendar feeds -------------------------------------------------------------------------


def active_feed(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def feed_owner(token: str) -> User | None:
    """The person whose live feed this token opens, or None (unknown or revoked)."""
    if not token or len(token) > 200:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return feed.user if feed else None


def feed_meetings(user: User, now: datetime | None = None):
    """The person's meetings for their calendar: confirmed and held ones, proposed ones (as
    tentative), from the last six months on. Meetings still to come in a mentorship that has
    ended are left out: they will not take place."""
    now = now or timezone.now()
    return (
        Meeting.objects.filter(
            mentorship__in=Mentorship.objects.filter(memberships__user=user).values("pk"),
            status__in=IN_CALENDARS,
            start__gte=now - timedelta(days=FEED_PAST_DAYS),
        )
        .filter(Q(start__lt=now) | Q(mentorship__status__in=WRITABLE))
        .prefetch_related("mentorship__memberships__user")
        .select_related("mentorship")
        .order_by("start", "pk")
    )
