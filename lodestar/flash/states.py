"""The states of a flash-mentoring booking and the moves between them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lodestar.core.states import StateMachine


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("No-show")


BOOKING_STATES = StateMachine(
    _("booking"),
    {
        BookingStatus.BOOKED: {BookingStatus.CANCELLED, BookingStatus.HELD, BookingStatus.NO_SHOW},
        # A mentor who recorded the wrong outcome may correct it.
        BookingStatus.HELD: {BookingStatus.NO_SHOW},
        BookingStatus.NO_SHOW: {BookingStatus.HELD},
    },
    dict(BookingStatus.choices),
)

# Bookings that take a seat in their slot.
TAKES_A_SEAT = (BookingStatus.BOOKED, BookingStatus.HELD, BookingStatus.NO_SHOW)
