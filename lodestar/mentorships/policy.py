"""Who may see a mentorship: its members and the program's coordinators. Everyone else: 404."""

from django.http import Http404

from lodestar.programs.models import Program

from .models import Mentorship
from .states import HOLDS_A_SEAT


def visible_mentorships(user):
    if not user.is_authenticated:
        return Mentorship.objects.none()
    if user.is_superuser:
        return Mentorship.objects.all()
    return Mentorship.objects.filter(
        pk__in=Mentorship.objects.filter(memberships__user=user).values("pk")
    ) | Mentorship.objects.filter(program__in=Program.objects.filter(coordinators=user))


def get_mentorship_for(user, pk: int) -> Mentorship:
    mentorship = (
        visible_mentorships(user)
        .select_related("program")
        .prefetch_related("memberships__user")
        .filter(pk=pk)
        .first()
    )
    if mentorship is None:
        raise Http404
    return mentorship


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
