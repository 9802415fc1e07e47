"""Calendar emails of flash sessions: each person gets a message in their own time zone with
the session as a text/calendar attachment (REQUEST for a booking or an update, CANCEL when it
is called off for them), as meetings do (meetings/emails.py).

The message is rendered at once and written to the outbox (core/emails.py) in the transaction
that made the change: it shows the session as that change left it, a change that rolls back
sends nothing, and the worker sends it after the commit.
"""

from collections.abc import Sequence

from django.conf import settings
from django.utils import timezone, translation

from lodestar.accounts.models import User
from lodestar.core.emails import send_templated_email
from lodestar.meetings.zones import local_times, user_zone

from . import calendar
from .models import Booking, Slot

# What the message says → the iTIP method of its attachment.
KINDS = {
    "booked": calendar.REQUEST,  # to a mentee: your booking is confirmed
    "new_booking": calendar.REQUEST,  # to the mentor: someone booked (the event lists everyone)
    "update": calendar.REQUEST,  # to the mentor: someone's booking was cancelled, others remain
    "cancelled": calendar.CANCEL,  # to anyone the session no longer includes
}


def calendar_email(
    *,
    recipient: User,
    slot: Slot,
    mentor: User,
    bookings: Sequence[Booking],
    kind: str,
    actor: User | None = None,
    reason: str = "",
    url: str = "",
) -> None:
    """Write the email about `slot` for `recipient` to the outbox. `bookings` are the ones the
    recipient's event lists (their own, or every one for the mentor); `actor` is who booked or
    cancelled (for an update: whose booking was cancelled)."""
    if not (recipient.is_active and recipient.email):
        return
    method = KINDS[kind]
    people = [mentor, *(booking.mentee.user for booking in bookings)]
    context = {
        "user": recipient,
        "slot": slot,
        "hours": slot.office_hours,
        "mentor": mentor,
        "bookings": bookings,
        "is_mentor": recipient.pk == mentor.pk,
        "kind": kind,
        "actor": actor,
        "reason": reason,
        "others": local_times(slot.start, recipient, people),
        "url": url,
    }
    with translation.override(settings.LANGUAGE_CODE):
        ics = calendar.invitation(slot, mentor=mentor, bookings=bookings, method=method, url=url)
    template = "flash_cancelled" if method == calendar.CANCEL else "flash_invitation"
    with timezone.override(user_zone(recipient)):
        send_templated_email(
            to=recipient.email, template=template, context=context, calendar=(ics, method)
        )
