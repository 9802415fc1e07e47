"""The life of a request for feedback on a piece of work.

open → answered   the first answer from a mentor
answered → open   the mentee asks a follow-up question (a comment from them)
open / answered → closed   the mentee is done with it; closed is final (ask a new request)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from lodestar.core.states import StateMachine


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Waiting for feedback")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


FEEDBACK_STATES = StateMachine(
    _("request for feedback"),
    {
        FeedbackStatus.OPEN: {FeedbackStatus.ANSWERED, FeedbackStatus.CLOSED},
        FeedbackStatus.ANSWERED: {FeedbackStatus.OPEN, FeedbackStatus.CLOSED},
        FeedbackStatus.CLOSED: set(),
    },
    dict(FeedbackStatus.choices),
)


class RecommendationStatus(models.TextChoices):
    NEW = "new", _("New")
    SAVED = "saved", _("Saved for later")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
