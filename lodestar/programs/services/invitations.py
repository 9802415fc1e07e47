"""Invitations: a link, sent by email, that lets one address join a program in a given role.

Create (one or many), revoke, and accept — as a logged-in person, as a newcomer who creates an
account, or as someone whose account was made for them (by a CSV import) and who sets a password.
"""

import secrets
from collections.abc import Sequence
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.core.emails import send_templated_email
from lodestar.webhooks import events as webhook_events

from ..models import Enrolment, Invitation, Program, Role, hash_token
from ..policy import is_coordinator
from ..states import ENROLMENT_STATES, OPEN_FOR_INVITATIONS, EnrolmentStatus
from .enrolment import clean_capacity, email_participant, forget_answers_for_other_role

MAX_EMAILS_PER_BATCH = 200
NAME_MAX = User._meta.get_field("name").max_length


@transaction.atomic
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
    _check_program_takes(program, role)
    # No capacity stored means the program's default, so a later change of default applies.
    capacity = (
        clean_capacity(role=role, capacity=capacity, program=program)
        if capacity is not None
        else None
    )
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


@transaction.atomic
def invitation_create_many(
    *,
    program: Program,
    emails: Sequence[str],
    role: str,
    invited_by: User,
    capacity: int | None = None,
) -> list[Invitation]:
    """Invite every address of a list (one per line), or none of them if any line is wrong.

    Blank lines are skipped and repeated addresses invited once; errors name the line (1-based).
    """
    if not is_coordinator(invited_by, program):
        raise PermissionDenied
    _check_program_takes(program, role)
    clean_capacity(role=role, capacity=capacity, program=program)
    lines = [(number, line.strip().lower()) for number, line in enumerate(emails, start=1)]
    lines = [(number, email) for number, email in lines if email]
    if not lines:
        raise ValidationError({"emails": _("Enter at least one email address.")}, code="required")
    if len(lines) > MAX_EMAILS_PER_BATCH:
        raise ValidationError(
            {
                "emails": _("Invite at most %(max)d people at a time (this list has %(count)d).")
                % {"max": MAX_EMAILS_PER_BATCH, "count": len(lines)}
            },
            code="too_many",
        )
    taking_part = set(
        Enrolment.objects.active()
        .filter(program=program, user__email__in=[email for _n, email in lines])
        .values_list("user__email", flat=True)
    )
    errors, seen, wanted = [], set(), []
    for number, email in lines:
        try:
            validate_email(email)
        except ValidationError:
            errors.append(
                _("Line %(line)d: “%(email)s” is not a valid email address.")
                % {"line": number, "email": email}
            )
            continue
        if email in taking_part:
            errors.append(
                _("Line %(line)d: %(email)s already takes part in this program.")
                % {"line": number, "email": email}
            )
        elif email not in seen:
            seen.add(email)
            wanted.append(email)
    if errors:
        raise ValidationError({"emails": errors}, code="invalid")
    return [
        invitation_create(
            program=program, email=email, role=role, invited_by=invited_by, capacity=capacity
        )[0]
        for email in wanted
    ]


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    """Make a pending invitation's link stop working."""
    if not is_coordinator(by, invitation.program):
        raise PermissionDenied
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if current.accepted_at is not None:
        raise ValidationError(_("This invitation has already been accepted."), code="used")
    if current.revoked_at is not None:
        raise ValidationError(_("This invitation was already revoked."), code="revoked")
    if current.is_expired:
        raise ValidationError(_("This invitation has already expired."), code="expired")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Enrolment:
    """Join the program as invited: an approved enrolment (a withdrawn one comes back).

    The link is the secret, so whoever holds it may accept, whatever their own address.
    """
    current = Invitation.objects.select_for_update().select_related("program").get(pk=invitation.pk)
    problem = invitation_problem(current)
    if problem is not None:
        raise ValidationError(_problem_message(current, problem), code=problem)
    program = current.program
    if current.role not in program.roles:
        raise ValidationError(
            _("This program no longer has the role you were invited for. Ask its coordinator."),
            code="invalid_role",
        )
    now = timezone.now()
    enrolment = Enrolment.objects.select_for_update().filter(program=program, user=user).first()
    if (
        enrolment is not None
        and enrolment.status == EnrolmentStatus.APPROVED
        and enrolment.role == current.role
    ):
        # Already in, as invited (a CSV import enrols people before they set a password):
        # the invitation has done its work.
        current.accepted_at = now
        current.accepted_by = user
        current.save(update_fields=["accepted_at", "accepted_by"])
        return enrolment
    if enrolment is None:
        enrolment = Enrolment(program=program, user=user)
    else:
        _check_can_be_approved(enrolment)
        forget_answers_for_other_role(enrolment, current.role)
        if enrolment.status == EnrolmentStatus.WITHDRAWN:
            enrolment.created_at = now
    enrolment.role = current.role
    enrolment.capacity = clean_capacity(
        role=current.role, capacity=current.capacity, program=program
    )
    enrolment.status = EnrolmentStatus.APPROVED
    enrolment.decided_at = now
    enrolment.decided_by = current.created_by
    enrolment.decision_note = ""
    enrolment.save()
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    webhook_events.enrolment_created(enrolment)
    email_participant(enrolment, "enrolment_welcome")
    return enrolment


@transaction.atomic
def invitation_signup(
    *, invitation: Invitation, name: str, password: str
) -> tuple[User, Enrolment]:
    """Create the invited person's account (its address proven by the link) and accept."""
    _raise_if_unusable(invitation)
    email = invitation.email.lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError(
            _("An account with this email address already exists. Sign in to accept."),
            code="exists",
        )
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Tell us your name.")}, code="required")
    if len(name) > NAME_MAX:
        raise ValidationError(
            {"name": _("Keep your name to %(max)d characters.") % {"max": NAME_MAX}},
            code="too_long",
        )
    user = User(email=email, name=name)
    _validate_password(password, user)
    user.set_password(password)
    try:
        # A savepoint: someone signing up with this address at the same moment is a clear error.
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError(
            _("An account with this email address already exists. Sign in to accept."),
            code="exists",
        ) from None
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user, invitation_accept(invitation=invitation, user=user)


@transaction.atomic
def invitation_set_password(*, invitation: Invitation, password: str) -> tuple[User, Enrolment]:
    """For an account made without a password (a CSV import): set one, then accept."""
    _raise_if_unusable(invitation)
    user = User.objects.select_for_update().filter(email__iexact=invitation.email).first()
    if user is None or user.has_usable_password():
        raise ValidationError(
            _("This account already has a password. Sign in to accept."), code="has_password"
        )
    if not user.is_active:
        raise ValidationError(
            _("This account is deactivated. Ask the program's coordinator."), code="inactive"
        )
    _validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    _verify_address(user, invitation.email)
    return user, invitation_accept(invitation=invitation, user=user)


def invitation_problem(invitation: Invitation) -> str | None:
    """Why this invitation's link no longer works ("used", "revoked", "expired", "closed")."""
    if invitation.accepted_at is not None:
        return "used"
    if invitation.revoked_at is not None:
        return "revoked"
    if invitation.is_expired:
        return "expired"
    if invitation.program.status not in OPEN_FOR_INVITATIONS:
        return "closed"
    return None


def invitation_path(token: str) -> str:
    return reverse("invitation_accept", kwargs={"token": token})


def _check_program_takes(program: Program, role: str) -> None:
    if role not in program.roles:
        raise ValidationError(
            {"role": _("This program has no “%(role)s” role.") % {"role": role}},
            code="invalid_role",
        )
    if program.status not in OPEN_FOR_INVITATIONS:
        raise ValidationError(_("This program no longer takes new participants."), code="closed")


def _check_can_be_approved(enrolment: Enrolment) -> None:
    if enrolment.status == EnrolmentStatus.APPROVED:
        raise ValidationError(
            _("You already take part in this program as a %(role)s.")
            % {"role": enrolment.get_role_display().lower()},
            code="already_enrolled",
        )
    if enrolment.status == EnrolmentStatus.DECLINED:
        raise ValidationError(
            _("Your application to this program was declined. Ask its coordinator."),
            code="declined",
        )
    ENROLMENT_STATES.check(enrolment.status, EnrolmentStatus.APPROVED)


def _raise_if_unusable(invitation: Invitation) -> None:
    problem = invitation_problem(invitation)
    if problem is not None:
        raise ValidationError(_problem_message(invitation, problem), code=problem)


def _problem_message(invitation: Invitation, problem: str) -> str:
    if problem == "used":
        return _("This invitation has already been used.")
    if problem == "revoked":
        return _("This invitation was withdrawn by the program's coordinator.")
    if problem == "expired":
        return _(
            "This invitation expired on %(date)s. Ask the program's coordinator for a new one."
        ) % {"date": formats.date_format(timezone.localtime(invitation.expires_at))}
    return _("This program no longer takes new participants.")


def _validate_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password1": error.error_list}) from None


def _verify_address(user: User, email: str) -> None:
    # The invitation link reached this address, which proves it belongs to the person.
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        address = EmailAddress.objects.create(user=user, email=email.lower(), verified=True)
    elif not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    address.set_as_primary()
