"""Who may see a mentorship: its members and the program's coordinators. Everyone else: 404."""

from django.http import Http404

from lodestar.programs.models import Program

from .models import Mentorship


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
