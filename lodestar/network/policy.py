"""Who may introduce a mentee to someone (pages)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404

from lodestar.mentorships.policy import get_member_workspace, is_read_only
from lodestar.programs.models import Role


def get_mentor_workspace(user, pk: int):
    """The mentorship for its mentor, still taking changes; 404 for everyone else."""
    mentorship = get_member_workspace(user, pk)
    roles = {m.user_id: m.role for m in mentorship.memberships.all()}
    if roles.get(user.pk) != Role.MENTOR or is_read_only(mentorship):
        raise Http404
    mentees = get_user_model().objects.filter(
        pk__in=[uid for uid, role in roles.items() if role == Role.MENTEE]
    )
    return mentorship, mentees
