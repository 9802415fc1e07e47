"""Where notifications and calendar events point to.

The pages of flash mentoring are built on top of this app's services and selectors; they must
name their routes as below. Until a route exists, the link is left out (an empty url: the
notification is shown without a link) rather than failing the booking that sends it.
"""

from django.urls import NoReverseMatch, reverse

# The page of one booking: the session, its question, cancelling, the outcome and feedback.
BOOKING_ROUTE = "flash_booking"


def booking_url(booking_id: int) -> str:
    try:
        return reverse(BOOKING_ROUTE, args=[booking_id])
    except NoReverseMatch:
        return ""
