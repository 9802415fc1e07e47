"""Who may open a meeting or an action item: the members of its mentorship, nobody else
(coordinators included: they see counts and dates on the workspace, never the meeting itself).
Everyone else gets a 404."""

from django.http import Http404

from lodestar.mentorships.models import Mentorship

from .models import ActionItem, Meeting


def _mine(user):
    return Mentorship.objects.filter(memberships__user=user).values("pk")


def get_meeting_for_member(user, pk: int) -> Meeting:
    if not user.is_authenticated:
        raise Http404
    meeting = (
        Meeting.objects.select_related("mentorship__program", "proposed_by")
        .prefetch_related("mentorship__memberships__user")
        .filter(pk=pk, mentorship__in=_mine(user))
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def get_action_item_for_member(user, pk: int) -> ActionItem:
    if not user.is_authenticated:
        raise Http404
    item = ActionItem.objects.filter(pk=pk, mentorship__in=_mine(user)).first()
    if item is None:
        raise Http404
    return item
