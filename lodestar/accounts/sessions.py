"""Where a person is signed in, and signing out of one or all of those other places.

allauth's usersessions app records a row (address, browser, time) at each sign-in; the session
itself lives in Django's session table, with the time and address it was last used from
(SessionTimeoutMiddleware keeps them). A row counts as a live session only while its session
would still let the person in: it exists and has not expired, still belongs to them, its
password hash is current (a password change ends the others), and SessionTimeoutMiddleware
would not end it (idle too long, or older than the absolute limit). Rows of sessions that are
over are forgotten on the way.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import import_module

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from .models import User
from .security import SEEN, SEEN_FROM, STARTED, session_expired


@dataclass(frozen=True)
class SignedInSession:
    pk: int
    ip: str  # where it signed in from
    last_ip: str  # where it was last used from
    browser: str
    signed_in_at: datetime
    last_active_at: datetime | None
    current: bool


def sessions_of(
    user: User, *, current_key: str | None, forget_over: bool = True
) -> list[SignedInSession]:
    """The person's live sessions, the current one first, then the newest; in a fixed number of
    queries whatever their number. Rows of sessions that are over are deleted unless
    `forget_over` is false (a data export reads and changes nothing)."""
    rows = list(UserSession.objects.filter(user=user).order_by("-created_at", "-pk"))
    stored = {
        session.session_key: session.get_decoded()
        for session in Session.objects.filter(
            session_key__in=[row.session_key for row in rows], expire_date__gt=timezone.now()
        )
    }
    live, over = [], []
    for row in rows:
        data = stored.get(row.session_key)
        if data is None or not _lets_in(user, data):
            over.append(row.pk)
            continue
        seen = data.get(SEEN)
        live.append(
            SignedInSession(
                pk=row.pk,
                ip=row.ip,
                last_ip=data.get(SEEN_FROM) or row.ip,
                browser=row.user_agent,
                signed_in_at=_moment(data.get(STARTED)) or row.created_at,
                last_active_at=_moment(seen),
                current=row.session_key == current_key,
            )
        )
    if over and forget_over:
        UserSession.objects.filter(pk__in=over).delete()
    return sorted(live, key=lambda s: not s.current)  # stable: newest first after the current


def sessions_for_page(request) -> list[SignedInSession]:
    """sessions_of the person signed in, recording the session in use first if it never was (a
    sign-in from before sessions were recorded): the page always shows the browser it is read in."""
    user, key = request.user, request.session.session_key
    sessions = sessions_of(user, current_key=key)
    if key and not any(s.current for s in sessions) and request.META.get("REMOTE_ADDR"):
        UserSession.objects.create_from_request(request)
        sessions = sessions_of(user, current_key=key)
    return sessions


def _lets_in(user: User, data: dict) -> bool:
    if str(data.get(SESSION_KEY)) != str(user.pk) or not user.is_active:
        return False
    if not constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return False
    return session_expired(data, time.time()) is None


def _moment(epoch: float | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(epoch, tz=UTC)


def session_end(*, user: User, pk: int, current_key: str | None) -> None:
    """Sign the person out of one of their other sessions. Another person's (or an unknown) id
    is a 404; the session in use is refused (signing out is for that)."""
    row = UserSession.objects.filter(user=user, pk=pk).first()
    if row is None:
        raise Http404
    if row.session_key == current_key:
        raise ValidationError(
            _("This is the session you are using now: sign out to end it."), code="current"
        )
    sessions_end([row])


def sessions_end_others(*, user: User, current_key: str | None) -> int:
    """Sign the person out everywhere but here; how many sessions ended."""
    others = [s.pk for s in sessions_of(user, current_key=current_key) if not s.current]
    sessions_end(list(UserSession.objects.filter(user=user, pk__in=others)))
    return len(others)


def sessions_end(rows) -> None:
    """Sign out the sessions of these records, and forget the records."""
    # Through the session engine, so that a cached copy of the session goes too.
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    with transaction.atomic():
        for row in rows:
            store.delete(row.session_key)
        UserSession.objects.filter(pk__in=[row.pk for row in rows]).delete()


def sessions_purge(*, now: datetime | None = None) -> int:
    """Delete expired sessions, and the records of sign-ins whose session is gone (a daily job):
    neither is kept once it can no longer let anybody in. How many sessions were deleted."""
    now = now or timezone.now()
    deleted, _by_model = Session.objects.filter(expire_date__lte=now).delete()
    UserSession.objects.exclude(
        session_key__in=Session.objects.filter(expire_date__gt=now).values("session_key")
    ).delete()
    return deleted
