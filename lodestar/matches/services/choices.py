"""A mentee's ordered list of next choices: where a declined or expired request goes next when
the program forwards requests. Positions are kept 1, 2, 3… with no gaps."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.mentorships import seats
from lodestar.programs.models import Enrolment, Role
from lodestar.programs.states import EnrolmentStatus

from ..models import Choice, Exclusion
from ..reporting_lines import reporting_line

MAX_CHOICES = 10
UP, DOWN = "up", "down"


@transaction.atomic
def choice_add(*, mentee: Enrolment, mentor: Enrolment, by: User) -> Choice:
    """Put a mentor at the end of the mentee's list."""
    _check_owner(mentee, by)
    mentee = seats.lock([mentee])[mentee.pk]
    program = mentee.program
    if not program.mentees_choose:
        raise ValidationError(
            _("In %(program)s the coordinators make the matches.") % {"program": program.name},
            code="mentees_do_not_choose",
        )
    if mentee.role != Role.MENTEE or mentee.status != EnrolmentStatus.APPROVED:
        raise ValidationError(_("Only approved mentees keep a list of choices."), code="not_mentee")
    if (
        mentor.program_id != mentee.program_id
        or mentor.role != Role.MENTOR
        or mentor.status != EnrolmentStatus.APPROVED
    ):
        raise ValidationError(
            _("%(name)s is not a mentor in this program.") % {"name": mentor.user.display_name},
            code="not_a_mentor",
        )
    if Exclusion.objects.filter(program=program, mentee=mentee, mentor=mentor).exists():
        raise ValidationError(
            _("You cannot ask %(name)s in this program.") % {"name": mentor.user.display_name},
            code="excluded",
        )
    if reporting_line(mentee.user, mentor.user):
        raise ValidationError(
            _("You cannot ask %(name)s: nobody is matched with their own manager.")
            % {"name": mentor.user.display_name},
            code="reporting_line",
        )
    current = list(Choice.objects.filter(mentee=mentee))
    if any(choice.mentor_id == mentor.pk for choice in current):
        raise ValidationError(
            _("%(name)s is already on your list.") % {"name": mentor.user.display_name},
            code="duplicate",
        )
    if len(current) >= MAX_CHOICES:
        raise ValidationError(
            _("Your list holds at most %(max)s mentors: remove one first.") % {"max": MAX_CHOICES},
            code="too_many",
        )
    return Choice.objects.create(mentee=mentee, mentor=mentor, position=len(current) + 1)


@transaction.atomic
def choice_remove(*, choice: Choice, by: User) -> None:
    """Take a mentor off the list; the ones below move up."""
    _check_owner(choice.mentee, by)
    seats.lock([choice.mentee])
    Choice.objects.filter(pk=choice.pk).delete()
    _renumber(choice.mentee_id)


@transaction.atomic
def choice_move(*, choice: Choice, by: User, direction: str) -> Choice:
    """Swap a mentor with the one above (direction "up") or below ("down")."""
    _check_owner(choice.mentee, by)
    if direction not in (UP, DOWN):
        raise ValidationError(_("Move a choice up or down."), code="direction")
    seats.lock([choice.mentee])
    ordered = list(Choice.objects.filter(mentee_id=choice.mentee_id).order_by("position", "pk"))
    index = next((k for k, c in enumerate(ordered) if c.pk == choice.pk), None)
    if index is None:
        raise ValidationError(_("This mentor is no longer on your list."), code="gone")
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(ordered):
        raise ValidationError(
            _("This mentor is already first.")
            if direction == UP
            else _("This mentor is already last."),
            code="at_edge",
        )
    ordered[index], ordered[other] = ordered[other], ordered[index]
    _save_order(ordered)
    return ordered[other]


def _check_owner(mentee: Enrolment, by: User) -> None:
    if by.pk != mentee.user_id:
        raise ValidationError(_("Only the mentee can change their list."), code="not_mentee")


def _renumber(mentee_id: int) -> None:
    _save_order(list(Choice.objects.filter(mentee_id=mentee_id).order_by("position", "pk")))


def _save_order(ordered: list[Choice]) -> None:
    for position, choice in enumerate(ordered, start=1):
        choice.position = position
    Choice.objects.bulk_update(ordered, ["position"])
