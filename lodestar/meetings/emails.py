"""Calendar emails: each member gets a message in their own time zone with the meeting as a
text/calendar attachment (method REQUEST for an invitation or an update, CANCEL when it is
called off), so that their calendar adds, moves or removes the event by itself."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from lodestar.accounts.models import User
from lodestar.core.emails import send_templated_email

from . import calendar
from .models import Meeting
from .zones import local_times, user_zone

KINDS = {
    "invitation": calendar.REQUEST,
    "update": calendar.REQUEST,
    "tentative": calendar.REQUEST,
    "cancellation": calendar.CANCEL,
}


def calendar_email(
    meeting: Meeting, members: list[User], recipient: User, *, kind: str, ics: bytes
) -> None:
    """Write one member's calendar email to the outbox (core/emails.py), in their zone."""
    method = KINDS[kind]
    template = "meeting_cancelled" if method == calendar.CANCEL else "meeting_invitation"
    context = {
        "user": recipient,
        "meeting": meeting,
        "others": local_times(meeting.start, recipient, members),
        "kind": kind,
        "url": reverse("meeting_detail", args=[meeting.pk]),
    }
    with timezone.override(user_zone(recipient)):
        send_templated_email(
            to=recipient.email, template=template, context=context, calendar=(ics, method)
        )


@transaction.atomic
def send_calendar_emails(*, meeting_id: int, sequence: int, kind: str) -> int:
    """Send the meeting to each member's calendar (kind: invitation, update, tentative or
    cancellation); how many emails went. Nothing is sent when the meeting has changed again
    since (a later message carries the newer state)."""
    method = KINDS[kind]
    meeting = (
        Meeting.objects.select_related("mentorship")
        .prefetch_related("mentorship__memberships__user")
        .filter(pk=meeting_id, sequence=sequence)
        .first()
    )
    if meeting is None:
        return 0
    members = [m.user for m in meeting.mentorship.memberships.all()]
    with translation.override(settings.LANGUAGE_CODE):
        ics = calendar.invitation(meeting, members, method=method)
    recipients = [user for user in members if user.is_active]
    for user in recipients:
        calendar_email(meeting, members, user, kind=kind, ics=ics)
    return len(recipients)
