"""A site admin reading a pair's conversation, for a reported concern.

Nobody but the members reads a thread: not coordinators, and not site admins through Django's
admin (which never shows a message's body). When a concern calls for it, a site admin opens
the conversation here: they state why, the access is written down (a ConversationAccess row and
an audit event), every member of the mentorship is notified, and the admin may then read the
thread, read-only, for PRIVACY_ACCESS_HOURS.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.audit.services import record
from lodestar.engagement.services import notify
from lodestar.mentorships.models import Mentorship
from lodestar.messaging.models import Concern, Message

from .models import REASON_MAX, ConversationAccess

REASON_MIN = 10
THREAD_LIMIT = 500


def access_hours() -> int:
    return getattr(settings, "PRIVACY_ACCESS_HOURS", 24)


def is_site_admin(user) -> bool:
    """Who may open a pair's conversation for a reported concern (and erase accounts)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def require_site_admin(user) -> None:
    """Staff only; anyone else sees nothing at all (404, as for somebody else's object)."""
    if not is_site_admin(user):
        raise Http404


def get_mentorship_for_admin(user, pk: int) -> Mentorship:
    require_site_admin(user)
    try:
        return Mentorship.objects.select_related("program").get(pk=pk)
    except Mentorship.DoesNotExist:
        raise Http404 from None


def current_access(
    *, admin: User, mentorship: Mentorship, now: datetime | None = None
) -> ConversationAccess | None:
    return (
        ConversationAccess.objects.current(now or timezone.now())
        .filter(admin=admin, mentorship=mentorship)
        .first()
    )


@transaction.atomic
def conversation_access_open(
    *,
    admin: User,
    mentorship: Mentorship,
    reason: str,
    concern: Concern | None = None,
    request=None,
    now: datetime | None = None,
) -> ConversationAccess:
    """Record a site admin's access to the mentorship's conversation and tell its members."""
    if not (admin.is_active and admin.is_staff):
        raise PermissionDenied
    reason = (reason or "").strip()
    if len(reason) < REASON_MIN:
        raise ValidationError(
            {
                "reason": _(
                    "Say why you need to read this conversation (at least %(min)d characters): "
                    "the pair will be told that it was read."
                )
                % {"min": REASON_MIN}
            }
        )
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {"reason": _("At most %(max)d characters, please.") % {"max": REASON_MAX}}
        )
    if concern is not None and concern.mentorship_id != mentorship.pk:
        raise ValidationError({"concern": _("This concern is about another mentorship.")})
    now = now or timezone.now()
    access = ConversationAccess.objects.create(
        mentorship=mentorship,
        admin=admin,
        concern=concern,
        reason=reason,
        created_at=now,
        expires_at=now + timedelta(hours=access_hours()),
    )
    url = reverse("messages", args=[mentorship.pk])
    for membership in mentorship.memberships.select_related("user"):
        if membership.user.is_active:
            notify(
                user=membership.user,
                kind="conversation_accessed",
                url=url,
                program=mentorship.program.name,
            )
    record(
        "conversation_accessed",
        actor=admin,
        target=mentorship,
        program=mentorship.program,
        request=request,
        details={"access": access.pk, "concern": concern.pk if concern else None},
    )
    return access


def thread_for_admin(*, admin: User, mentorship: Mentorship) -> list[Message]:
    """The thread, oldest first, for an admin holding a current access; else PermissionDenied."""
    if current_access(admin=admin, mentorship=mentorship) is None:
        raise PermissionDenied
    latest = list(
        Message.objects.filter(conversation__mentorship=mentorship)
        .select_related("author")
        .order_by("-id")[:THREAD_LIMIT]
    )
    latest.reverse()
    return latest
