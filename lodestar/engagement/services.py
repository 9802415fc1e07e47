"""Telling people things: an in-app notification, and the same news by email."""

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.core.emails import send_templated_email

from .models import Notification
from .notices import NOTICES, render


def notify(
    *, user: User, kind: str, url: str = "", email: bool = True, **params: str
) -> Notification:
    """Record a notification for one person and, unless email=False, email it to them."""
    if kind not in NOTICES:
        raise ValueError(f"unknown notification kind {kind!r}")
    params = {key: str(value) for key, value in params.items()}
    notification = Notification.objects.create(user=user, kind=kind, params=params, url=url)
    if email and user.is_active:
        send_templated_email(
            to=user.email,
            template="notification",
            context={"user": user, "text": render(kind, params), "url": url},
        )
    return notification


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
