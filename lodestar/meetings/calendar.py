"""Meetings as iCalendar (RFC 5545 / iTIP RFC 5546): invitations, updates and cancellations
sent by email, the .ics download, and each person's private feed.

Lodestar itself is the ORGANIZER (the address mail comes from): whoever proposed the time may
change, and a calendar only takes an update from the organizer it first saw. The members are the
ATTENDEEs. A meeting keeps its UID for ever; every change calendars should take in goes out with
a higher SEQUENCE (see services).
"""

from collections.abc import Iterable, Sequence
from datetime import UTC, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from lodestar.accounts.models import User

from .models import Meeting
from .states import MeetingStatus

PRODID = "-//Lodestar//Mentorship meetings//EN"
REQUEST = "REQUEST"
CANCEL = "CANCEL"
PUBLISH = "PUBLISH"

_STATUS = {
    MeetingStatus.PROPOSED: "TENTATIVE",
    MeetingStatus.CONFIRMED: "CONFIRMED",
    MeetingStatus.COMPLETED: "CONFIRMED",
    MeetingStatus.CANCELLED: "CANCELLED",
    MeetingStatus.MISSED: "CANCELLED",
}


def site_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def summary(members: Sequence[User]) -> str:
    names = " · ".join(user.display_name for user in members)
    return _("Mentoring: %(names)s") % {"names": names}


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key] = value
    return address


def _organizer() -> vCalAddress:
    name, email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return _address(email or "lodestar@localhost", name or "Lodestar")


def meeting_event(meeting: Meeting, members: Sequence[User], *, cancelled: bool = False) -> Event:
    """The VEVENT of a meeting; `members` are its mentorship's people."""
    status = "CANCELLED" if cancelled else _STATUS[meeting.status]
    event = Event()
    event.add("uid", meeting.ical_uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", meeting.start.astimezone(UTC))
    event.add("dtend", meeting.end.astimezone(UTC))
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    event.add("summary", summary(members))
    event.add("description", _description(meeting))
    if meeting.place:
        event.add("location", meeting.place)
    event.add("url", site_url(reverse("meeting_detail", args=[meeting.pk])))
    event.add("status", status)
    event.add("transp", "TRANSPARENT" if status == "CANCELLED" else "OPAQUE")
    event.add("organizer", _organizer())
    partstat = {"CONFIRMED": "ACCEPTED", "TENTATIVE": "TENTATIVE"}.get(status, "DECLINED")
    for user in members:
        event.add(
            "attendee",
            _address(
                user.email,
                user.display_name,
                ROLE="REQ-PARTICIPANT",
                PARTSTAT=partstat,
                RSVP="FALSE",
            ),
        )
    return event


def _description(meeting: Meeting) -> str:
    parts = [f"{_('How')}: {meeting.get_mode_display()}"]
    if meeting.place:
        parts.append(f"{_('Place or link')}: {meeting.place}")
    if meeting.agenda:
        parts.append(f"{_('Agenda')}:\n{meeting.agenda}")
    parts.append(
        f"{_('Notes and action items')}: {site_url(reverse('meeting_detail', args=[meeting.pk]))}"
    )
    return "\n\n".join(parts)


def _calendar(method: str, name: str | None = None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("refresh-interval", timedelta(hours=1), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", "PT1H")
    return calendar


def invitation(meeting: Meeting, members: Sequence[User], *, method: str = REQUEST) -> bytes:
    """An iTIP message about one meeting: REQUEST (new or updated) or CANCEL."""
    if method not in (REQUEST, CANCEL, PUBLISH):
        raise ValueError(f"unknown iTIP method {method!r}")
    calendar = _calendar(method)
    calendar.add_component(meeting_event(meeting, members, cancelled=method == CANCEL))
    return calendar.to_ical()


def feed(meetings: Iterable[Meeting], *, name: str) -> bytes:
    """A subscribable calendar of meetings (each with its mentorship's members prefetched)."""
    calendar = _calendar(PUBLISH, name)
    for meeting in meetings:
        members = [m.user for m in meeting.mentorship.memberships.all()]
        calendar.add_component(meeting_event(meeting, members))
    return calendar.to_ical()
