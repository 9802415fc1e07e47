"""Programs: create, edit, move through their lifecycle, and manage who coordinates them."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lodestar.accounts.models import User

from ..models import Program
from ..policy import can_create_programs, is_coordinator
from ..states import PROGRAM_STATES, ProgramStatus

EDITABLE_FIELDS = (
    "name",
    "slug",
    "description",
    "kind",
    "start_date",
    "end_date",
    "meeting_cadence",
    "default_mentor_capacity",
    "matching_mode",
    "enrolment_mode",
    "max_open_requests",
    "request_expiry_days",
    "forward_requests",
    "alert_webhook_url",
    "nudge_rules",
    "nudge_no_meeting_days",
    "nudge_request_days",
    "nudge_agreement_days",
    "nudge_escalate_days",
    "nudge_flag_days",
    "closure_notice_days",
    "flash_bookings_per_month",
    "flash_min_notice_hours",
    "flash_cancel_hours",
    "flash_mentorship_requests",
    "retention_months",
)
# "coordinate/new/" is the create page, so no program may be called "new".
RESERVED_SLUGS = frozenset({"new"})
SLUG_MAX = Program._meta.get_field("slug").max_length


@transaction.atomic
def program_create(*, creator: User, data: Mapping[str, Any]) -> Program:
    """A new draft program, coordinated by its creator.

    A blank slug is suggested from the name (and made unique); a slug the creator typed must be
    free, or the error says so.
    """
    if not can_create_programs(creator):
        raise PermissionDenied
    program = Program(created_by=creator, status=ProgramStatus.DRAFT)
    _assign(program, data)
    if not program.slug:
        program.slug = _suggest_slug(program.name)
    _validate(program)
    program.save()
    program.coordinators.add(creator)
    return program


@transaction.atomic
def program_update(*, program: Program, data: Mapping[str, Any], by: User) -> Program:
    """The program with the given fields changed; the status changes only by a transition."""
    _require_coordinator(by, program)
    # Work on a fresh copy so that a rejected edit leaves the caller's object as it was.
    updated = Program.objects.select_for_update().get(pk=program.pk)
    old_roles = updated.roles
    _assign(updated, data)
    errors = {}
    if updated.roles != old_roles and (updated.enrolments.exists() or updated.questions.exists()):
        errors["kind"] = [
            _(
                "This program already has participants or intake questions for its roles, so it "
                "cannot switch between peer and mentor–mentee. Create a new program instead."
            )
        ]
    _validate(updated, errors)
    updated.save()
    return updated


@transaction.atomic
def program_transition(*, program: Program, to_status: str, by: User) -> Program:
    _require_coordinator(by, program)
    current = Program.objects.select_for_update().get(pk=program.pk)
    PROGRAM_STATES.check(current.status, to_status)
    # Conditional on the status we checked, so two coordinators clicking at once cannot both win.
    now = timezone.now()
    # When it was archived starts the clock of its retention period (privacy/retention.py).
    archived = {"archived_at": now} if to_status == ProgramStatus.ARCHIVED else {}
    changed = Program.objects.filter(pk=current.pk, status=current.status).update(
        status=to_status, updated_at=now, **archived
    )
    if not changed:
        raise ValidationError(_("Someone changed this program's status meanwhile. Try again."))
    program.status = to_status
    if archived:
        program.archived_at = now
    return program


@transaction.atomic
def program_add_coordinator(*, program: Program, email: str, by: User) -> User:
    _require_coordinator(by, program)
    wanted = (email or "").strip()
    if not wanted:
        raise ValidationError({"email": _("Enter the email address of the person to add.")})
    user = User.objects.filter(email__iexact=wanted, is_active=True).first()
    if user is None:
        raise ValidationError(
            {
                "email": _(
                    "No one has an account with “%(email)s”. Ask them to sign up first, then add them."
                )
                % {"email": wanted}
            }
        )
    if program.coordinators.filter(pk=user.pk).exists():
        raise ValidationError(
            {"email": _("%(name)s already coordinates this program.") % {"name": user.display_name}}
        )
    program.coordinators.add(user)
    return user


@transaction.atomic
def program_remove_coordinator(*, program: Program, user: User, by: User) -> None:
    _require_coordinator(by, program)
    # Lock the program so that two removals at once cannot leave it with nobody in charge.
    Program.objects.select_for_update().get(pk=program.pk)
    coordinators = program.coordinators.all()
    if not coordinators.filter(pk=user.pk).exists():
        raise ValidationError(
            _("%(name)s does not coordinate this program.") % {"name": user.display_name}
        )
    if coordinators.count() <= 1:
        raise ValidationError(
            _(
                "A program needs at least one coordinator. Add someone else before removing %(name)s."
            )
            % {"name": user.display_name}
        )
    program.coordinators.remove(user)


def _require_coordinator(user: User, program: Program) -> None:
    if not is_coordinator(user, program):
        raise PermissionDenied


def _assign(program: Program, data: Mapping[str, Any]) -> None:
    for field in EDITABLE_FIELDS:
        if field not in data:
            continue
        value = data[field]
        if isinstance(value, str):
            value = value.strip()
        if field == "slug":
            value = (value or "").lower()
        if field == "description":
            value = value or ""
        setattr(program, field, value)


def _suggest_slug(name: str) -> str:
    base = slugify(name)[: SLUG_MAX - 4].strip("-") or "program"
    slug, n = base, 1
    while slug in RESERVED_SLUGS or Program.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def _validate(program: Program, errors: dict[str, list] | None = None) -> None:
    """Every problem with the program at once, keyed by field."""
    errors = dict(errors or {})
    try:
        program.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if "slug" not in errors:
        if program.slug in RESERVED_SLUGS:
            errors["slug"] = [_("“%(slug)s” is reserved. Choose another short name.")]
        elif Program.objects.filter(slug=program.slug).exclude(pk=program.pk).exists():
            errors["slug"] = [
                _("The short name “%(slug)s” is taken by another program. Choose another one.")
            ]
        if "slug" in errors:
            errors["slug"] = [msg % {"slug": program.slug} for msg in errors["slug"]]
    if errors:
        raise ValidationError(errors)
