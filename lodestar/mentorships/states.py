"""The lifecycle of a mentorship, and of each member's answer to a proposed one."""

from django.utils.translation import gettext_lazy as _

from lodestar.core.states import StateMachine


class MentorshipStatus:
    PROPOSED = "proposed"
    ACTIVE = "active"
    PAUSED = "paused"
    CLOSING = "closing"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"
    DECLINED = "declined"

    choices = [
        (PROPOSED, _("Proposed")),
        (ACTIVE, _("Active")),
        (PAUSED, _("Paused")),
        (CLOSING, _("Closing")),
        (COMPLETED, _("Completed")),
        (ENDED_EARLY, _("Ended early")),
        (DECLINED, _("Declined")),
    ]


MENTORSHIP_STATES = StateMachine(
    _("mentorship"),
    {
        MentorshipStatus.PROPOSED: {
            MentorshipStatus.ACTIVE,
            MentorshipStatus.DECLINED,
            MentorshipStatus.ENDED_EARLY,
        },
        MentorshipStatus.ACTIVE: {
            MentorshipStatus.PAUSED,
            MentorshipStatus.CLOSING,
            MentorshipStatus.ENDED_EARLY,
        },
        MentorshipStatus.PAUSED: {
            MentorshipStatus.ACTIVE,
            MentorshipStatus.CLOSING,
            MentorshipStatus.ENDED_EARLY,
        },
        MentorshipStatus.CLOSING: {
            MentorshipStatus.ACTIVE,
            MentorshipStatus.COMPLETED,
            MentorshipStatus.ENDED_EARLY,
        },
        # Back to active only by closure_reopen: a coordinator's correction of a closure made
        # by mistake, soon after (closure.REOPEN_WINDOW), seats permitting.
        MentorshipStatus.COMPLETED: {MentorshipStatus.ACTIVE},
        MentorshipStatus.ENDED_EARLY: {MentorshipStatus.ACTIVE},
        MentorshipStatus.DECLINED: set(),
    },
    dict(MentorshipStatus.choices),
)

# A mentorship in one of these statuses holds a seat: the mentor's capacity and the mentee's
# place in the program (a mentee has at most one such mentorship per program).
HOLDS_A_SEAT = frozenset(
    {
        MentorshipStatus.PROPOSED,
        MentorshipStatus.ACTIVE,
        MentorshipStatus.PAUSED,
        MentorshipStatus.CLOSING,
    }
)
FINISHED = frozenset(
    {MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY, MentorshipStatus.DECLINED}
)


class Response:
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"

    choices = [
        (PENDING, _("Waiting for an answer")),
        (ACCEPTED, _("Accepted")),
        (DECLINED, _("Declined")),
    ]
