"""The life of a meeting: proposed by one member, confirmed by another, then held or not.

Proposing another time puts a proposed or confirmed meeting back to "proposed" (at the new
time) until someone other than the new proposer confirms it.
"""

from django.utils.translation import gettext_lazy as _

from lodestar.core.states import StateMachine


class MeetingStatus:
    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    MISSED = "missed"

    choices = [
        (PROPOSED, _("Proposed")),
        (CONFIRMED, _("Confirmed")),
        (COMPLETED, _("Held")),
        (CANCELLED, _("Cancelled")),
        (MISSED, _("Missed")),
    ]


MEETING_STATES = StateMachine(
    _("meeting"),
    {
        # proposed → proposed: someone proposes yet another time.
        MeetingStatus.PROPOSED: {
            MeetingStatus.PROPOSED,
            MeetingStatus.CONFIRMED,
            MeetingStatus.CANCELLED,
        },
        MeetingStatus.CONFIRMED: {
            MeetingStatus.PROPOSED,
            MeetingStatus.COMPLETED,
            MeetingStatus.CANCELLED,
            MeetingStatus.MISSED,
        },
        MeetingStatus.COMPLETED: set(),
        MeetingStatus.CANCELLED: set(),
        MeetingStatus.MISSED: set(),
    },
    dict(MeetingStatus.choices),
)

# Meetings that are still going to happen (or waiting for an answer): they take up the time.
PLANNED = frozenset({MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED})
# Meetings that appear in calendars (the private feed): proposed ones as tentative.
IN_CALENDARS = frozenset({MeetingStatus.PROPOSED, MeetingStatus.CONFIRMED, MeetingStatus.COMPLETED})
