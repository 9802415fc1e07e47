"""The lifecycles of a program and of an enrolment, in one place."""

from django.utils.translation import gettext_lazy as _

from lodestar.core.states import StateMachine


class ProgramStatus:
    DRAFT = "draft"
    ENROLLING = "enrolling"
    MATCHING = "matching"
    RUNNING = "running"
    CLOSING = "closing"
    ARCHIVED = "archived"

    choices = [
        (DRAFT, _("Draft")),
        (ENROLLING, _("Enrolling")),
        (MATCHING, _("Matching")),
        (RUNNING, _("Running")),
        (CLOSING, _("Closing")),
        (ARCHIVED, _("Archived")),
    ]


PROGRAM_STATES = StateMachine(
    _("program"),
    {
        ProgramStatus.DRAFT: {ProgramStatus.ENROLLING},
        ProgramStatus.ENROLLING: {ProgramStatus.DRAFT, ProgramStatus.MATCHING},
        ProgramStatus.MATCHING: {ProgramStatus.ENROLLING, ProgramStatus.RUNNING},
        ProgramStatus.RUNNING: {ProgramStatus.CLOSING},
        ProgramStatus.CLOSING: {ProgramStatus.RUNNING, ProgramStatus.ARCHIVED},
        ProgramStatus.ARCHIVED: set(),
    },
    dict(ProgramStatus.choices),
)


class EnrolmentStatus:
    APPLIED = "applied"
    APPROVED = "approved"
    WAITLISTED = "waitlisted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"

    choices = [
        (APPLIED, _("Applied")),
        (APPROVED, _("Approved")),
        (WAITLISTED, _("Waitlisted")),
        (DECLINED, _("Declined")),
        (WITHDRAWN, _("Withdrawn")),
    ]


ENROLMENT_STATES = StateMachine(
    _("enrolment"),
    {
        EnrolmentStatus.APPLIED: {
            EnrolmentStatus.APPROVED,
            EnrolmentStatus.WAITLISTED,
            EnrolmentStatus.DECLINED,
            EnrolmentStatus.WITHDRAWN,
        },
        EnrolmentStatus.WAITLISTED: {
            EnrolmentStatus.APPROVED,
            EnrolmentStatus.DECLINED,
            EnrolmentStatus.WITHDRAWN,
        },
        EnrolmentStatus.APPROVED: {EnrolmentStatus.WITHDRAWN},
        EnrolmentStatus.DECLINED: set(),
        # A withdrawn person may apply again; the enrolment starts over as an application.
        EnrolmentStatus.WITHDRAWN: {EnrolmentStatus.APPLIED, EnrolmentStatus.APPROVED},
    },
    dict(EnrolmentStatus.choices),
)

# Statuses in which people may join (by themselves or by invitation).
OPEN_FOR_ENROLMENT = {ProgramStatus.ENROLLING}
OPEN_FOR_INVITATIONS = {
    ProgramStatus.DRAFT,
    ProgramStatus.ENROLLING,
    ProgramStatus.MATCHING,
    ProgramStatus.RUNNING,
}
