"""The life of an introduction, and of each invited person's answer to it.

Both the mentee and the third person are asked; the introduction connects them only once both
accept. Either side declining ends it. Each side's answer is kept on its own so that one person
can never answer for the other.
"""

from django.utils.translation import gettext_lazy as _

from lodestar.core.states import StateMachine


class IntroductionStatus:
    PROPOSED = "proposed"
    ACCEPTED_BY_MENTEE = "accepted_by_mentee"
    ACCEPTED_BY_OTHER = "accepted_by_other"
    CONNECTED = "connected"
    DECLINED = "declined"

    choices = [
        (PROPOSED, _("Proposed")),
        (ACCEPTED_BY_MENTEE, _("Accepted by the mentee")),
        (ACCEPTED_BY_OTHER, _("Accepted by the other person")),
        (CONNECTED, _("Connected")),
        (DECLINED, _("Did not go ahead")),
    ]


class Answer:
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"

    choices = [
        (PENDING, _("Not answered yet")),
        (ACCEPTED, _("Accepted")),
        (DECLINED, _("Declined")),
    ]


INTRODUCTION_STATES = StateMachine(
    _("introduction"),
    {
        IntroductionStatus.PROPOSED: {
            IntroductionStatus.ACCEPTED_BY_MENTEE,
            IntroductionStatus.ACCEPTED_BY_OTHER,
            IntroductionStatus.DECLINED,
        },
        IntroductionStatus.ACCEPTED_BY_MENTEE: {
            IntroductionStatus.CONNECTED,
            IntroductionStatus.DECLINED,
        },
        IntroductionStatus.ACCEPTED_BY_OTHER: {
            IntroductionStatus.CONNECTED,
            IntroductionStatus.DECLINED,
        },
        IntroductionStatus.CONNECTED: set(),
        IntroductionStatus.DECLINED: set(),
    },
    dict(IntroductionStatus.choices),
)

# An introduction in one of these statuses still waits for somebody's answer.
OPEN = frozenset(
    {
        IntroductionStatus.PROPOSED,
        IntroductionStatus.ACCEPTED_BY_MENTEE,
        IntroductionStatus.ACCEPTED_BY_OTHER,
    }
)


def next_status(mentee_answer: str, other_answer: str) -> str:
    """The status that two answers add up to."""
    if Answer.DECLINED in (mentee_answer, other_answer):
        return IntroductionStatus.DECLINED
    if mentee_answer == other_answer == Answer.ACCEPTED:
        return IntroductionStatus.CONNECTED
    if mentee_answer == Answer.ACCEPTED:
        return IntroductionStatus.ACCEPTED_BY_MENTEE
    if other_answer == Answer.ACCEPTED:
        return IntroductionStatus.ACCEPTED_BY_OTHER
    return IntroductionStatus.PROPOSED
