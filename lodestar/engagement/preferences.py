"""Who wants which notices how: preferences per category, and one-click unsubscribe tokens.

A person with no NotificationPreference row for a category gets it both in the app and by
email. Essential categories (notices.ESSENTIAL_CATEGORIES: coordinator alerts) ignore
preferences: a coordinator must hear that a member asked for help or reported a concern.

Unsubscribe links carry a signed token (django.core.signing, own salt) naming one user and one
category: whoever holds the email can turn off that category's email, and nothing else — no
login needed, as RFC 8058 one-click unsubscribe requires.
"""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse

from lodestar.accounts.models import User

from .models import NotificationPreference
from .notices import CATEGORIES, ESSENTIAL_CATEGORIES, category_of

UNSUBSCRIBE_SALT = "lodestar.engagement.unsubscribe"


@dataclass(frozen=True)
class Channels:
    in_app: bool = True
    email: bool = True


def channels_for(user: User, kind: str) -> Channels:
    """How this person gets this kind of notice (one query, none for essential kinds)."""
    category = category_of(kind)
    if category is None or category in ESSENTIAL_CATEGORIES:
        return Channels()
    preference = (
        NotificationPreference.objects.filter(user=user, category=category)
        .values_list("in_app", "email")
        .first()
    )
    return Channels(*preference) if preference else Channels()


def emails_wanted(user: User, category: str) -> bool:
    """Whether this person takes email for a category (one query)."""
    if category in ESSENTIAL_CATEGORIES:
        return True
    return not NotificationPreference.objects.filter(
        user=user, category=category, email=False
    ).exists()


def preferences_for(user: User) -> dict[str, Channels]:
    """Every category, with this person's choice (defaults where they made none)."""
    stored = {
        p.category: Channels(in_app=p.in_app, email=p.email)
        for p in NotificationPreference.objects.filter(user=user)
    }
    return {name: stored.get(name, Channels()) for name in CATEGORIES}


@transaction.atomic
def preferences_set(*, user: User, choices: dict[str, Channels]) -> None:
    """Save a person's choices; unknown and essential categories are ignored."""
    for category, channels in choices.items():
        if category not in CATEGORIES or category in ESSENTIAL_CATEGORIES:
            continue
        NotificationPreference.objects.update_or_create(
            user=user,
            category=category,
            defaults={"in_app": channels.in_app, "email": channels.email},
        )


@transaction.atomic
def email_unsubscribe(*, user: User, category: str) -> None:
    """Turn off email (only email) for one category; in-app notices stay as they were."""
    if category not in CATEGORIES or category in ESSENTIAL_CATEGORIES:
        raise ValueError(f"cannot unsubscribe from {category!r}")
    NotificationPreference.objects.update_or_create(
        user=user, category=category, defaults={"email": False}
    )


def unsubscribe_token(user: User, category: str) -> str:
    return signing.dumps({"u": user.pk, "c": category}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, category) from a genuine token for a category one may leave; else None."""
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    user_id, category = data.get("u"), data.get("c")
    if not isinstance(user_id, int) or category not in CATEGORIES:
        return None
    if category in ESSENTIAL_CATEGORIES:
        return None
    return user_id, category


def unsubscribe_url(user: User, category: str) -> str:
    """The absolute one-click unsubscribe address, for emails."""
    path = reverse("notification_unsubscribe", args=[unsubscribe_token(user, category)])
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 / RFC 8058 headers: mail clients show an "Unsubscribe" button that POSTs."""
    return {
        "List-Unsubscribe": f"<{url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
