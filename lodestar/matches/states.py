"""The lifecycles of a matching run and of a mentee's request to a mentor."""

from django.utils.translation import gettext_lazy as _

from lodestar.core.states import StateMachine


class RunStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    PUBLISHED = "published"

    choices = [
        (QUEUED, _("Queued")),
        (RUNNING, _("Running")),
        (DONE, _("Ready for review")),
        (FAILED, _("Failed")),
        (PUBLISHED, _("Published")),
    ]


RUN_STATES = StateMachine(
    _("matching run"),
    {
        RunStatus.QUEUED: {RunStatus.RUNNING, RunStatus.FAILED},
        RunStatus.RUNNING: {RunStatus.DONE, RunStatus.FAILED},
        RunStatus.DONE: {RunStatus.PUBLISHED},
        RunStatus.FAILED: set(),
        RunStatus.PUBLISHED: set(),
    },
    dict(RunStatus.choices),
)
UNFINISHED_RUN = frozenset({RunStatus.QUEUED, RunStatus.RUNNING})


class RequestStatus:
    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    choices = [
        (OPEN, _("Waiting for the mentor")),
        (ACCEPTED, _("Accepted")),
        (DECLINED, _("Declined")),
        (EXPIRED, _("Expired")),
        (WITHDRAWN, _("Withdrawn")),
    ]


REQUEST_STATES = StateMachine(
    _("mentorship request"),
    {
        RequestStatus.OPEN: {
            RequestStatus.ACCEPTED,
            RequestStatus.DECLINED,
            RequestStatus.EXPIRED,
            RequestStatus.WITHDRAWN,
        },
        RequestStatus.ACCEPTED: set(),
        RequestStatus.DECLINED: set(),
        RequestStatus.EXPIRED: set(),
        RequestStatus.WITHDRAWN: set(),
    },
    dict(RequestStatus.choices),
)
