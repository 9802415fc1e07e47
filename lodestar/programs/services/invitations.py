"""Invitations: create (and email) a link that lets one address join a program."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.core.emails import send_templated_email

from ..models import Invitation, Program, Role, hash_token
from ..states import OPEN_FOR_INVITATIONS


def invitation_create(
    *,
    program: Program,
    email: str,
    role: str,
    invited_by,
    capacity: int | None = None,
    ttl_days: int | None = None,
    send: bool = True,
) -> tuple[Invitation, str]:
    """Create an invitation and email its link. Returns the invitation and the raw token.

    The raw token exists only in the email (and in the return value); the database keeps a hash.
    """
    email = email.strip().lower()
    validate_email(email)
    if role not in program.roles:
        raise ValidationError({"role": _("This program has no “%(role)s” role.") % {"role": role}})
    if program.status not in OPEN_FOR_INVITATIONS:
        raise ValidationError(_("This program no longer takes new participants."))
    if capacity is not None and role != Role.MENTOR:
        capacity = None
    token = secrets.token_urlsafe(32)
    days = ttl_days if ttl_days is not None else settings.INVITATION_TTL_DAYS
    invitation = Invitation.objects.create(
        program=program,
        email=email,
        role=role,
        capacity=capacity,
        token_hash=hash_token(token),
        created_by=invited_by,
        expires_at=timezone.now() + timedelta(days=days),
    )
    if send:
        send_templated_email(
            to=email,
            template="invitation",
            context={
                "program": program,
                "role_label": Role(role).label,
                "accept_url": settings.SITE_URL.rstrip("/") + invitation_path(token),
                "expires_at": invitation.expires_at,
            },
        )
    return invitation, token


def invitation_path(token: str) -> str:
    return reverse("invitation_accept", kwargs={"token": token})
