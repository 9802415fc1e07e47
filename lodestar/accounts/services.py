"""Writes to a person's own account: their profile and their weekly availability.

Each service validates everything first and raises one ValidationError (keyed by field) before
touching the database, so a bad value anywhere leaves the person exactly as they were.
"""

from collections.abc import Iterable, Mapping
from datetime import time
from itertools import pairwise
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from lodestar.core.languages import language_choices
from lodestar.core.models import Tag

from .models import AvailabilityWindow, Profile, User, Weekday

MAX_LINKS = 10
MAX_LINK_LENGTH = 500
MAX_TAGS = 30
MAX_WINDOWS = 28

USER_FIELDS = ("name", "timezone")
PROFILE_FIELDS = (
    "pronouns",
    "headline",
    "bio",
    "job_title",
    "organisation",
    "department",
    "seniority",
    "location",
)
TAG_FIELDS = ("skills", "interests")

Window = tuple[int, time, time]


@transaction.atomic
def profile_update(*, user: User, data: Mapping[str, Any]) -> Profile:
    """Update the person and their profile from `data`; keys left out stay as they are.

    Keys: name, timezone, the plain profile fields, languages (codes), skills and interests
    (tag names), links (URLs).
    """
    profile, _created = Profile.objects.get_or_create(user=user)
    cleaned, errors = _clean_profile_data(user, profile, data)
    if errors:
        raise ValidationError(errors)

    user_changes = {key: cleaned[key] for key in USER_FIELDS if key in cleaned}
    if user_changes:
        for key, value in user_changes.items():
            setattr(user, key, value)
        user.save(update_fields=list(user_changes))
    for key in (*PROFILE_FIELDS, "languages", "links"):
        if key in cleaned:
            setattr(profile, key, cleaned[key])
    profile.save()
    for key in TAG_FIELDS:
        if key in cleaned:
            getattr(profile, key).set(Tag.objects.named(cleaned[key]))
    return profile


def _clean_profile_data(
    user: User, profile: Profile, data: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, value in data.items():
        try:
            if key in USER_FIELDS:
                cleaned[key] = User._meta.get_field(key).clean(value, user)
            elif key in PROFILE_FIELDS:
                cleaned[key] = Profile._meta.get_field(key).clean(value, profile)
            elif key in TAG_FIELDS:
                cleaned[key] = clean_tag_names(value)
            elif key == "languages":
                cleaned[key] = clean_languages(value)
            elif key == "links":
                cleaned[key] = clean_links(value)
            else:
                errors.setdefault(NON_FIELD_ERRORS, []).append(
                    _("“%(key)s” is not something a profile has.") % {"key": key}
                )
        except ValidationError as error:
            errors[key] = error.messages
    return cleaned, errors


def clean_tag_names(names: Iterable[str]) -> list[str]:
    """Tidy spacing and drop repeats that differ only in case, keeping the first spelling."""
    max_length = Tag._meta.get_field("name").max_length
    tidy, seen = [], set()
    for name in names:
        clean = " ".join(str(name).split())
        if not clean or clean.casefold() in seen:
            continue
        if len(clean) > max_length:
            raise ValidationError(
                _("“%(tag)s” is too long for a tag: keep it to %(max)d characters.")
                % {"tag": clean, "max": max_length}
            )
        seen.add(clean.casefold())
        tidy.append(clean)
    if len(tidy) > MAX_TAGS:
        raise ValidationError(
            _("List at most %(max)d tags (you listed %(count)d).")
            % {"max": MAX_TAGS, "count": len(tidy)}
        )
    return tidy


def clean_languages(codes: Iterable[str]) -> list[str]:
    known = dict(language_choices())
    chosen = []
    for code in codes:
        if code not in known:
            raise ValidationError(
                _("“%(code)s” is not a language we know. Choose from the list.") % {"code": code}
            )
        if code not in chosen:
            chosen.append(code)
    return chosen


def clean_links(urls: Iterable[str]) -> list[str]:
    is_web_address = URLValidator(schemes=["http", "https"])
    links: list[str] = []
    for raw in urls:
        url = str(raw).strip()
        if not url or url in links:
            continue
        if len(url) > MAX_LINK_LENGTH:
            raise ValidationError(
                _("A link can be at most %(max)d characters long.") % {"max": MAX_LINK_LENGTH}
            )
        try:
            is_web_address(url)
        except ValidationError:
            raise ValidationError(
                _("“%(url)s” is not a web address. Each link must start with http:// or https://.")
                % {"url": url}
            ) from None
        links.append(url)
    if len(links) > MAX_LINKS:
        raise ValidationError(
            _("Add at most %(max)d links (you added %(count)d).")
            % {"max": MAX_LINKS, "count": len(links)}
        )
    return links


def availability_check(windows: Iterable[Window]) -> None:
    """Raise if the windows are not a sensible week: real days, each ending after it starts,
    none overlapping another on the same day, and not too many."""
    windows = list(windows)
    if len(windows) > MAX_WINDOWS:
        raise ValidationError(
            _("List at most %(max)d windows a week (you listed %(count)d).")
            % {"max": MAX_WINDOWS, "count": len(windows)}
        )
    for weekday, start, end in windows:
        if weekday not in Weekday.values:
            raise ValidationError(_("“%(day)s” is not a day of the week.") % {"day": weekday})
        if end <= start:
            raise ValidationError(
                _("On %(day)s, the window from %(start)s must end after it starts.")
                % {"day": Weekday(weekday).label, "start": time_format(start)}
            )
    ordered = sorted(windows)
    for (day, start, end), (next_day, next_start, next_end) in pairwise(ordered):
        # Sorted by day and start: if any two windows of a day overlap, then some window
        # overlaps the one right after it, so checking neighbours is enough.
        if day == next_day and next_start < end:
            raise ValidationError(
                _("Two windows overlap on %(day)s: %(first)s and %(second)s.")
                % {
                    "day": Weekday(day).label,
                    "first": f"{time_format(start)}–{time_format(end)}",
                    "second": f"{time_format(next_start)}–{time_format(next_end)}",
                }
            )


@transaction.atomic
def availability_replace(*, user: User, windows: list[Window]) -> list[AvailabilityWindow]:
    """Make these windows the person's whole weekly availability, in their own time zone."""
    availability_check(windows)
    AvailabilityWindow.objects.filter(user=user).delete()
    return AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(user=user, weekday=weekday, start=start, end=end)
        for weekday, start, end in sorted(windows)
    )
