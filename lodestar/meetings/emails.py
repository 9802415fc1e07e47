"""Calendar emails: each member gets a message in their own time zone with the meeting as a
text/calendar attachment (method REQUEST for an invitation or an update, CANCEL when it is
called off), so that their calendar adds, moves or removes the event by itself."""

from email.mime.text import MIMEText

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from lodestar.accounts.models import User

from . import calendar
from .models import Meeting
from .zones import local_times, user_zone


def _attachment(ics: bytes, method: str) -> MIMEText:
    part = MIMEText(ics.decode(), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


KINDS = {
    "invitation": calendar.REQUEST,
    "update": calendar.REQUEST,
    "tentative": calendar.REQUEST,
    "cancellation": calendar.CANCEL,
}


def calendar_message(
    meeting: Meeting, members: list[User], recipient: User, *, kind: str, ics: bytes
) -> EmailMultiAlternatives:
    method = KINDS[kind]
    template = "meeting_cancelled" if method == calendar.CANCEL else "meeting_invitation"
    context = {
        "site_url": settings.SITE_URL.rstrip("/"),
        "user": recipient,
        "meeting": meeting,
        "others": local_times(meeting.start, recipient, members),
        "kind": kind,
        "url": reverse("meeting_detail", args=[meeting.pk]),
    }
    with translation.override(settings.LANGUAGE_CODE), timezone.override(user_zone(recipient)):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [recipient.email])
    message.attach_alternative(html, "text/html")
    message.attach(_attachment(ics, method))
    return message


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
    messages = [
        calendar_message(meeting, members, user, kind=kind, ics=ics)
        for user in members
        if user.is_active
    ]
    for message in messages:
        message.send()
    return len(messages)
