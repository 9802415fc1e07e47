"""The lifecycle of a goal.

not started → in progress → achieved; any open goal may be dropped. A dropped goal can be taken
up again (back in progress), and an achieved one reopened (marked by mistake, or the bar was
raised): both go back to "in progress", never straight to another end.
"""

from django.utils.translation import gettext_lazy as _

from lodestar.core.states import StateMachine


class GoalStatus:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    ACHIEVED = "achieved"
    DROPPED = "dropped"

    choices = [
        (NOT_STARTED, _("Not started")),
        (IN_PROGRESS, _("In progress")),
        (ACHIEVED, _("Achieved")),
        (DROPPED, _("Dropped")),
    ]


GOAL_STATES = StateMachine(
    _("goal"),
    {
        GoalStatus.NOT_STARTED: {GoalStatus.IN_PROGRESS, GoalStatus.ACHIEVED, GoalStatus.DROPPED},
        GoalStatus.IN_PROGRESS: {GoalStatus.ACHIEVED, GoalStatus.DROPPED},
        GoalStatus.ACHIEVED: {GoalStatus.IN_PROGRESS},
        GoalStatus.DROPPED: {GoalStatus.IN_PROGRESS},
    },
    dict(GoalStatus.choices),
)

OPEN_GOAL = frozenset({GoalStatus.NOT_STARTED, GoalStatus.IN_PROGRESS})
