"""Flash sessions as iCalendar (RFC 5545 / iTIP RFC 5546), built like meetings' invitations
(meetings/calendar.py: Lodestar is the ORGANIZER, times in UTC).

A slot is one calendar event for ever: UID = slot.ical_uid, and every change people's calendars
should take in (someone booked, someone cancelled, the session was called off) raises
slot.sequence (services.py). Each person gets their own view of it: a mentee's event lists the
mentor and that mentee only — in a group session the other mentees' addresses are not theirs to
see — while the mentor's lists everyone booked.
"""

from collections.abc import Sequence
from datetime import UTC

from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Event

from lodestar.accounts.models import User
from lodestar.meetings.calendar import (
    CANCEL,
    REQUEST,
    _address,
    _calendar,
    _organizer,
    site_url,
    summary,
)

from .models import Booking, Slot

__all__ = ["CANCEL", "REQUEST", "invitation", "slot_event"]


def slot_event(
    slot: Slot, *, mentor: User, bookings: Sequence[Booking], cancelled: bool, url: str = ""
) -> Event:
    """The VEVENT of one session as seen by the people of `bookings` and the mentor (the slot
    with its office hours; each booking with its mentee's user)."""
    hours = slot.office_hours
    mentees = [booking.mentee.user for booking in bookings]
    event = Event()
    event.add("uid", slot.ical_uid)
    event.add("sequence", slot.sequence)
    event.add("dtstamp", timezone.now().astimezone(UTC))
    event.add("dtstart", slot.start.astimezone(UTC))
    event.add("dtend", slot.end.astimezone(UTC))
    event.add("created", hours.created_at.astimezone(UTC))
    event.add("summary", summary([mentor, *mentees]))
    event.add("description", _description(slot, bookings, url))
    if hours.place:
        event.add("location", hours.place)
    if url:
        event.add("url", site_url(url))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    event.add("organizer", _organizer())
    partstat = "DECLINED" if cancelled else "ACCEPTED"
    for user in [mentor, *mentees]:
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


def _description(slot: Slot, bookings: Sequence[Booking], url: str) -> str:
    hours = slot.office_hours
    parts = [f"{_('How')}: {hours.get_mode_display()}"]
    if hours.place:
        parts.append(f"{_('Place or link')}: {hours.place}")
    if hours.topics:
        parts.append(f"{_('Topics')}: {', '.join(hours.topics)}")
    for booking in bookings:
        parts.append(
            _("Question from %(name)s:") % {"name": booking.mentee.user.display_name}
            + f"\n{booking.question}"
        )
    if url:
        parts.append(f"{_('The session')}: {site_url(url)}")
    return "\n\n".join(parts)


def invitation(
    slot: Slot,
    *,
    mentor: User,
    bookings: Sequence[Booking],
    method: str = REQUEST,
    url: str = "",
) -> bytes:
    """An iTIP message about one session: REQUEST (new or updated) or CANCEL."""
    if method not in (REQUEST, CANCEL):
        raise ValueError(f"unknown iTIP method {method!r}")
    calendar = _calendar(method)
    calendar.add_component(
        slot_event(slot, mentor=mentor, bookings=bookings, cancelled=method == CANCEL, url=url)
    )
    return calendar.to_ical()
