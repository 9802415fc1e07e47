"""Who may see a mentorship: its members and the program's coordinators. Everyone else: 404."""

from django.db.models import Prefetch
from django.http import Http404

from lodestar.programs.models import Program
from lodestar.programs.policy import is_coordinator

from .models import Membership, Mentorship
from .states import HOLDS_A_SEAT, MentorshipStatus


def visible_mentorships(user):
    if not user.is_authenticated:
        return Mentorship.objects.none()
    if user.is_superuser:
        return Mentorship.objects.all()
    return Mentorship.objects.filter(
        pk__in=Mentorship.objects.filter(memberships__user=user).values("pk")
    ) | Mentorship.objects.filter(program__in=Program.objects.filter(coordinators=user))


def get_mentorship_for(user, pk: int) -> Mentorship:
    """The mentorship, with its program and members, for a member, a coordinator of its
    program or a superuser (visible_mentorships' rule); 404 for everyone else."""
    if not user.is_authenticated:
        raise Http404
    # By primary key, then the rule in Python: most pages are opened by a member, whom the
    # members already loaded show. One query compiled from visible_mentorships costs every
    # workspace page about 1.5 ms more, nearly all of it in building the SQL.
    try:
        mentorship = (
            Mentorship.objects.select_related("program")
            .prefetch_related(
                Prefetch("memberships", queryset=Membership.objects.select_related("user"))
            )
            .get(pk=pk)
        )
    except Mentorship.DoesNotExist:
        raise Http404 from None
    if is_member(user, mentorship) or is_coordinator(user, mentorship.program):
        return mentorship
    raise Http404


def is_member(user, mentorship: Mentorship) -> bool:
    return any(m.user_id == user.pk for m in mentorship.memberships.all())


# The workspace -------------------------------------------------------------------------------
#
# A mentorship's workspace (agreement, goals, meetings, notes, messages) belongs to its members.
# The program's coordinators may open it for metadata only (counts, dates, statuses), never the
# content. Once a mentorship is finished it stays readable to its members but nobody writes.

WRITABLE = HOLDS_A_SEAT


def get_workspace_for(user, pk: int) -> Mentorship:
    """The mentorship for a member or a coordinator of its program; 404 for everyone else.
    Views then ask `can_read_content` before showing anything the pair wrote."""
    return get_mentorship_for(user, pk)


def get_member_workspace(user, pk: int) -> Mentorship:
    """The mentorship for one of its members only; 404 for everyone else, coordinators too.
    For pages and endpoints that exist only to show or change content."""
    mentorship = get_mentorship_for(user, pk)
    if not is_member(user, mentorship):
        raise Http404
    return mentorship


def can_read_content(user, mentorship: Mentorship) -> bool:
    return is_member(user, mentorship)


def is_read_only(mentorship: Mentorship) -> bool:
    return mentorship.status not in WRITABLE


def require_writable_member(user, mentorship: Mentorship) -> None:
    """For services: the person is a member and the mentorship still takes changes."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    if not is_member(user, mentorship):
        raise ValidationError(_("You are not part of this mentorship."), code="not_member")
    if is_read_only(mentorship):
        raise ValidationError(
            _("This mentorship has ended: its workspace is kept as history and is read-only."),
            code="read_only",
        )


# Closure -------------------------------------------------------------------------------------
#
# The closure page is for the members and the program's coordinators, like the workspace. What
# each reads of it:
# - a reflection's accomplishments, learning, what they would do differently and what comes
#   next: its author and the coordinators (who plan the next cycle from them);
# - a note of thanks: its author, the other members (it is written for them) and the
#   coordinators;
# - why the mentorship ends: everyone on the page sees the reason chosen from the list (it
#   decides the outcome); the note that explains it, only the coordinators and whoever wrote it.


def is_program_coordinator(user, mentorship: Mentorship, coordinates: bool | None = None) -> bool:
    """`coordinates`, when the caller already knows it, saves the query."""
    return is_coordinator(user, mentorship.program) if coordinates is None else coordinates


def can_start_closure(user, mentorship: Mentorship, coordinates: bool | None = None) -> bool:
    return is_member(user, mentorship) or is_program_coordinator(user, mentorship, coordinates)


def can_read_reflection(
    user, mentorship: Mentorship, reflection, coordinates: bool | None = None
) -> bool:
    return reflection.user_id == user.pk or is_program_coordinator(user, mentorship, coordinates)


def can_read_gratitude(
    user, mentorship: Mentorship, reflection, coordinates: bool | None = None
) -> bool:
    return is_member(user, mentorship) or is_program_coordinator(user, mentorship, coordinates)


def can_read_reason_note(
    user, mentorship: Mentorship, closure, coordinates: bool | None = None
) -> bool:
    return closure.started_by_id == user.pk or is_program_coordinator(user, mentorship, coordinates)


def can_reopen_closure(user, mentorship: Mentorship, coordinates: bool | None = None) -> bool:
    return is_program_coordinator(user, mentorship, coordinates)


def get_certificate_for(user, pk: int):
    """(mentorship, the person's membership) for a member of a completed mentorship; 404 for
    everyone else, coordinators included, and for a mentorship that did not complete."""
    mentorship = get_mentorship_for(user, pk)
    membership = next((m for m in mentorship.memberships.all() if m.user_id == user.pk), None)
    if membership is None or mentorship.status != MentorshipStatus.COMPLETED:
        raise Http404
    return mentorship, membership
