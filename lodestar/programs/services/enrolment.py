"""Enrolment: joining a program, the coordinators' review of applications, and withdrawing."""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.audit.services import record
from lodestar.core.emails import send_templated_email
from lodestar.webhooks import events as webhook_events

from ..models import Enrolment, EnrolmentMode, Program, Role
from ..policy import is_coordinator, open_to_self_enrolment
from ..states import ENROLMENT_STATES, EnrolmentStatus, ProgramStatus

CAPACITY_MIN = 1
CAPACITY_MAX = 20
NOTE_MAX = 2000
DECISIONS = (EnrolmentStatus.APPROVED, EnrolmentStatus.WAITLISTED, EnrolmentStatus.DECLINED)


@transaction.atomic
def enrolment_apply(
    *, program: Program, user: User, role: str, capacity: int | None = None
) -> Enrolment:
    """Join a program by oneself: approved at once in open programs, an application otherwise.

    A person has one enrolment per program; someone who withdrew applies again on the same row.
    """
    if role not in program.roles:
        raise ValidationError(
            {"role": _("This program has no “%(role)s” role.") % {"role": role}},
            code="invalid_role",
        )
    closed = _closed_reason(program)
    if closed is not None:
        raise ValidationError(closed, code="closed")
    capacity = clean_capacity(role=role, capacity=capacity, program=program)
    target = (
        EnrolmentStatus.APPROVED
        if program.enrolment_mode == EnrolmentMode.OPEN
        else EnrolmentStatus.APPLIED
    )
    existing = Enrolment.objects.select_for_update().filter(program=program, user=user).first()
    if existing is not None and existing.status != EnrolmentStatus.WITHDRAWN:
        raise ValidationError(_already_joined(existing), code="already_enrolled")
    now = timezone.now()
    if existing is None:
        enrolment = Enrolment(program=program, user=user)
    else:
        ENROLMENT_STATES.check(existing.status, target)
        enrolment = existing
        forget_answers_for_other_role(enrolment, role)
        # A new application: it is dated today and carries no earlier decision.
        enrolment.created_at = now
    enrolment.role = role
    enrolment.capacity = capacity
    enrolment.status = target
    enrolment.decided_at = now if target == EnrolmentStatus.APPROVED else None
    enrolment.decided_by = None
    enrolment.decision_note = ""
    try:
        # A savepoint, so that losing a race to a double click is an error message, not a 500.
        with transaction.atomic():
            enrolment.save()
    except IntegrityError:
        raise ValidationError(
            _("You have already joined this program."), code="already_enrolled"
        ) from None
    webhook_events.enrolment_created(enrolment)
    email_participant(
        enrolment,
        "enrolment_welcome" if target == EnrolmentStatus.APPROVED else "enrolment_received",
    )
    return enrolment


@transaction.atomic
def enrolment_decide(*, enrolment: Enrolment, decision: str, by: User, note: str = "") -> Enrolment:
    """A coordinator approves, waitlists or declines an application, and the applicant hears."""
    if decision not in DECISIONS:
        raise ValidationError(
            {"decision": _("Choose approve, waitlist or decline.")}, code="invalid_decision"
        )
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError(
            {"note": _("Keep the note to %(max)d characters.") % {"max": NOTE_MAX}},
            code="too_long",
        )
    program = enrolment.program
    if not is_coordinator(by, program):
        raise PermissionDenied
    if program.status == ProgramStatus.ARCHIVED:
        raise ValidationError(_("This program is archived."), code="archived")
    # Read the status under a lock: two coordinators deciding at once must not both succeed.
    current = (
        Enrolment.objects.select_for_update().values_list("status", flat=True).get(pk=enrolment.pk)
    )
    ENROLMENT_STATES.check(current, decision)
    enrolment.status = decision
    enrolment.decided_at = timezone.now()
    enrolment.decided_by = by
    enrolment.decision_note = note
    enrolment.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    email_participant(enrolment, f"enrolment_{decision}")
    return enrolment


@transaction.atomic
def enrolment_withdraw(*, enrolment: Enrolment, by: User) -> Enrolment:
    """The participant (or a coordinator for them) leaves the program; they may apply again."""
    if by.pk != enrolment.user_id and not is_coordinator(by, enrolment.program):
        raise PermissionDenied
    current = (
        Enrolment.objects.select_for_update().values_list("status", flat=True).get(pk=enrolment.pk)
    )
    ENROLMENT_STATES.check(current, EnrolmentStatus.WITHDRAWN)
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    return enrolment


def why_cannot_join(*, program: Program, user: User) -> str | None:
    """What stops this person joining by themselves now, for pages to say before they try."""
    closed = _closed_reason(program)
    if closed is not None:
        return closed
    existing = Enrolment.objects.filter(program=program, user=user).first()
    if existing is not None and existing.status != EnrolmentStatus.WITHDRAWN:
        return _already_joined(existing)
    return None


def _closed_reason(program: Program) -> str | None:
    if open_to_self_enrolment(program):
        return None
    if program.enrolment_mode == EnrolmentMode.INVITATION:
        return _("This program takes participants by invitation only.")
    return _("This program is not open for enrolment.")


def _already_joined(enrolment: Enrolment) -> str:
    return _("You have already joined this program (your status: %(status)s).") % {
        "status": enrolment.get_status_display()
    }


def clean_capacity(*, role: str, capacity: int | None, program: Program) -> int | None:
    """A mentor's capacity (the program's default when not given); None for other roles."""
    if role != Role.MENTOR:
        return None
    if capacity is None:
        return program.default_mentor_capacity
    if not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
        raise ValidationError(
            {
                "capacity": _("Choose a capacity from %(min)d to %(max)d mentees.")
                % {"min": CAPACITY_MIN, "max": CAPACITY_MAX}
            },
            code="out_of_range",
        )
    return capacity


def forget_answers_for_other_role(enrolment: Enrolment, role: str) -> None:
    # Intake questions are asked per role: answers given as a mentor mean nothing to a mentee.
    if enrolment.role != role:
        record("role_changed", target=enrolment, details={"from": enrolment.role, "to": role})
        enrolment.answers.all().delete()
        enrolment.intake_completed_at = None


def email_participant(enrolment: Enrolment, template: str) -> None:
    program = enrolment.program
    send_templated_email(
        to=enrolment.user.email,
        template=template,
        context={
            "name": enrolment.user.display_name,
            "program": program,
            "role_label": Role(enrolment.role).label,
            "status": enrolment.status,
            "capacity": enrolment.capacity,
            "note": enrolment.decision_note,
            "intake_url": _absolute(reverse("intake_form", kwargs={"slug": program.slug})),
            "program_url": _absolute(reverse("program_detail", kwargs={"slug": program.slug})),
            "programs_url": _absolute(reverse("program_list")),
        },
    )


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path
