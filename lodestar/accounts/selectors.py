"""Reads for the profile pages, each in a fixed number of queries."""

from dataclasses import dataclass
from itertools import groupby

from django.utils.translation import gettext

from lodestar.core.languages import language_choices

from .models import AvailabilityWindow, Profile, User, Weekday


@dataclass(frozen=True)
class DayAvailability:
    weekday: int
    label: str
    windows: list[AvailabilityWindow]


def weekly_availability(user: User) -> list[DayAvailability]:
    """The person's windows grouped by day, Monday first; days without a window are left out."""
    windows = AvailabilityWindow.objects.filter(user=user).order_by("weekday", "start")
    return [
        DayAvailability(weekday=day, label=Weekday(day).label, windows=list(group))
        for day, group in groupby(windows, key=lambda window: window.weekday)
    ]


def language_names(codes: list[str]) -> list[str]:
    # Django's own catalogue translates language names, so gettext finds them at render time.
    names = dict(language_choices())
    return [gettext(names[code]) for code in codes if code in names]


def profile_with_tags(user: User) -> Profile:
    profile, _created = Profile.objects.prefetch_related("skills", "interests").get_or_create(
        user=user
    )
    profile.user = user  # already loaded: spare the page a query
    return profile


def person_page(person: User) -> dict:
    """What another person's profile page shows (the caller decides who may see it)."""
    profile = profile_with_tags(person)
    page = {
        "languages": language_names(profile.languages),
        "skills": list(profile.skills.all()),
        "interests": list(profile.interests.all()),
    }
    facts = (profile.headline, profile.job_title, profile.organisation, profile.location)
    return {
        "person": person,
        "profile": profile,
        **page,
        "is_blank": not any(facts) and not profile.links and not any(page.values()),
    }
