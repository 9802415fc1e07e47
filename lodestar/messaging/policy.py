"""Who may reach a message or a concern outside its thread (pages and API)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from lodestar.mentorships.policy import get_member_workspace
from lodestar.programs.models import Program

from .models import Concern, Message


def get_member_message(user, pk: int) -> Message:
    """A message of a mentorship the person is a member of; 404 for anyone else."""
    message = get_object_or_404(Message.objects.select_related("conversation"), pk=pk)
    message.conversation.mentorship = get_member_workspace(user, message.conversation.mentorship_id)
    return message


def get_concern_for_coordinator(user, pk: int) -> Concern:
    """A concern raised in a program the person coordinates; 404 for anyone else."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Concern.objects.select_related("mentorship__program", "reporter", "handled_by"),
        pk=pk,
        mentorship__program__in=Program.objects.coordinated_by(user),
    )
