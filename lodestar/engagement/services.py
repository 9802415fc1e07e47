"""Telling people things: an in-app notification, and the same news by email."""

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.core.emails import send_templated_email
from lodestar.programs.models import Program

from .models import Notification
from .notices import (
    CATEGORIES,
    COORDINATOR_ALERTS,
    ESSENTIAL_CATEGORIES,
    NOTICES,
    category_of,
    render,
)
from .preferences import channels_for, unsubscribe_headers, unsubscribe_url
from .webhooks import alert_webhook


@transaction.atomic
def notify(
    *, user: User, kind: str, url: str = "", email: bool = True, **params: str
) -> Notification | None:
    """Record a notification for one person and, unless email=False, email it to them — each
    only if their preferences for the kind's category allow it (preferences.py). Returns the
    Notification, or None when they turned in-app notices of this category off.

    The email is rendered now and sent by the task worker after the transaction commits."""
    if kind not in NOTICES:
        raise ValueError(f"unknown notification kind {kind!r}")
    params = {key: str(value) for key, value in params.items()}
    channels = channels_for(user, kind)
    notification = None
    if channels.in_app:
        notification = Notification.objects.create(user=user, kind=kind, params=params, url=url)
    if email and channels.email and user.is_active and user.email:
        _email_notice(user=user, kind=kind, url=url, params=params)
    return notification


def _email_notice(*, user: User, kind: str, url: str, params: dict) -> None:
    category = category_of(kind)
    context = {
        "user": user,
        "text": render(kind, params),
        "url": url,
        "category_label": CATEGORIES[category]["label"] if category else "",
        "preferences_url": settings.SITE_URL.rstrip("/") + reverse("notification_preferences"),
    }
    headers = None
    if category is not None and category not in ESSENTIAL_CATEGORIES:
        context["unsubscribe_url"] = unsubscribe_url(user, category)
        headers = unsubscribe_headers(context["unsubscribe_url"])
    send_templated_email(to=user.email, template="notification", context=context, headers=headers)


def alert_coordinators(
    *, program: Program, kind: str, url: str = "", users: Iterable[User] | None = None, **params
) -> None:
    """A coordinator alert (notices.COORDINATOR_ALERTS): every recipient gets it in the app and
    by email (preferences cannot turn these off), and the program's webhook, if set, gets it
    once. `users` defaults to the program's active coordinators, or the site's admins when it
    has none, so that an alert never goes unread. The notice's `program` parameter is the
    program's name."""
    if kind not in COORDINATOR_ALERTS:
        raise ValueError(f"{kind!r} is not a coordinator alert")
    params = {**params, "program": program.name}
    if users is None:
        users = list(program.coordinators.filter(is_active=True)) or list(
            User.objects.filter(is_superuser=True, is_active=True)
        )
    for user in users:
        notify(user=user, kind=kind, url=url, **params)
    alert_webhook(program=program, kind=kind, url=url, params=params)


def notify_all(*, users: Iterable[User], kind: str, url: str = "", **params: str) -> None:
    for user in users:
        notify(user=user, kind=kind, url=url, **params)


@transaction.atomic
def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark some (or, with ids None, all) of a person's notifications read; returns how many."""
    unread = Notification.objects.filter(user=user).unread()
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
