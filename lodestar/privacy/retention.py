"""Retention: an archived program's private content is purged `Program.retention_months` after
it was archived (a daily scheduler job, or `manage.py privacy_retention`).

What goes: message bodies and attachments, concern texts and quotes, private and shared
meeting notes and agendas, the free text of check-ins, reflections, mutual feedback, session
feedback, progress reviews, goal comments, work-feedback requests and their comments, and
request messages. What stays: every row, date, count, rating, mood and status — the program's
figures are unchanged. Idempotent: a second run finds nothing left to purge (each update is
conditional on text still being there) and a program purged once is marked.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lodestar.audit.services import record
from lodestar.engagement.models import CheckIn
from lodestar.evaluations.models import MutualFeedback, ProgressReview, ProgressReviewItem
from lodestar.flash.models import SessionFeedback
from lodestar.growth.models import FeedbackComment, WorkFeedbackRequest
from lodestar.matches.models import RequestMessage
from lodestar.meetings.models import Meeting, MeetingNote, PrivateNote
from lodestar.mentorships.models import GoalComment, Reflection
from lodestar.messaging.models import Concern, Message
from lodestar.programs.models import Program
from lodestar.programs.states import ProgramStatus

log = logging.getLogger(__name__)


def purge_placeholder() -> str:
    return _("Removed at the end of the program’s retention period.")


def add_months(moment: datetime, months: int) -> datetime:
    """The same day `months` later (the month's last day when it is shorter)."""
    import calendar

    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def programs_due(now: datetime) -> list[Program]:
    candidates = Program.objects.filter(
        status=ProgramStatus.ARCHIVED,
        retention_months__isnull=False,
        archived_at__isnull=False,
        content_purged_at__isnull=True,
    )
    return [p for p in candidates if add_months(p.archived_at, p.retention_months) <= now]


def program_purge(*, program: Program, now: datetime | None = None) -> dict[str, int]:
    """Purge one archived program's private content; returns how many rows changed, by kind."""
    if program.status != ProgramStatus.ARCHIVED:
        raise ValueError("Only an archived program's content is purged.")
    now = now or timezone.now()
    counts: dict[str, int] = {}
    mine = Q(mentorship__program=program)
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        removed = purge_placeholder()
        messages = Message.objects.filter(conversation__mentorship__program=program)
        with_files = list(messages.exclude(attachment="").only("pk", "attachment"))
        for message in with_files:
            try:
                message.attachment.storage.delete(message.attachment.name)
            except OSError:
                log.warning("Could not delete %s in a retention purge", message.attachment.name)
        counts["messages"] = (
            messages.exclude(body=removed)
            .exclude(body="", attachment="")
            .update(
                body=removed,
                attachment="",
                attachment_name="",
                attachment_type="",
            )
        )
        counts["concerns"] = (
            Concern.objects.filter(mine)
            .exclude(text=removed, quoted_body="")
            .update(text=removed, quoted_body="")
        )
        counts["private_notes"] = PrivateNote.objects.filter(
            meeting__mentorship__program=program
        ).delete()[0]
        counts["shared_notes"] = (
            MeetingNote.objects.filter(meeting__mentorship__program=program)
            .exclude(text="")
            .update(text="")
        )
        counts["agendas"] = (
            Meeting.objects.filter(mine).exclude(agenda="", place="").update(agenda="", place="")
        )
        counts["check_ins"] = (
            CheckIn.objects.filter(mine)
            .exclude(progress="", blockers="")
            .update(progress="", blockers="")
        )
        counts["reflections"] = (
            Reflection.objects.filter(closure__mentorship__program=program)
            .exclude(accomplishments="", learned="", differently="", gratitude="")
            .update(accomplishments="", learned="", differently="", gratitude="")
        )
        counts["feedback"] = (
            MutualFeedback.objects.filter(mine)
            .exclude(went_well="", could_improve="")
            .update(went_well="", could_improve="")
        )
        counts["session_feedback"] = (
            SessionFeedback.objects.filter(booking__slot__office_hours__program=program)
            .exclude(comment="")
            .update(comment="")
        )
        counts["progress_reviews"] = (
            ProgressReview.objects.filter(mine).exclude(summary="").update(summary="")
        )
        ProgressReviewItem.objects.filter(review__mentorship__program=program).exclude(
            note=""
        ).update(note="")
        counts["goal_comments"] = (
            GoalComment.objects.filter(goal__mentorship__program=program)
            .exclude(body=removed)
            .update(body=removed)
        )
        requests = WorkFeedbackRequest.objects.filter(mine)
        for request in requests.exclude(file="").only("pk", "file"):
            try:
                request.file.storage.delete(request.file.name)
            except OSError:
                log.warning("Could not delete %s in a retention purge", request.file.name)
        counts["work_feedback"] = requests.exclude(question=removed).update(
            question=removed, text="", link="", file="", file_name="", file_type=""
        )
        FeedbackComment.objects.filter(request__mentorship__program=program).exclude(
            body=removed
        ).update(body=removed)
        counts["request_messages"] = (
            RequestMessage.objects.filter(request__program=program)
            .exclude(body=removed)
            .update(body=removed)
        )
        Program.objects.filter(pk=program.pk).update(content_purged_at=now)
        record(
            "retention_purged",
            target=program,
            program=program,
            details={"counts": counts, "retention_months": program.retention_months},
        )
    program.content_purged_at = now
    log.info("Retention purge of program %s: %s", program.pk, counts)
    return counts


def retention_purge_due(*, now: datetime | None = None) -> int:
    """The scheduler's daily job: purge every archived program whose retention has run out.
    Returns how many programs were purged."""
    now = now or timezone.now()
    due = programs_due(now)
    for program in due:
        program_purge(program=program, now=now)
    return len(due)
