"""A person's own data, to download: everything they wrote and everything kept about them,
across every app, as JSON and as a zip with a page readable offline.

`export_collect` reads it in a fixed number of queries whatever the amount of data (one or
two per kind of record). Never included: secrets (password hash, token hashes, MFA secrets,
calendar feed tokens), and other people's words — a thread's other messages, a partner's
private notes — which belong to them; the threads themselves are listed.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from allauth.usersessions.models import UserSession
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import get_valid_filename

from lodestar.accounts.models import ApiToken, AvailabilityWindow, Profile, User
from lodestar.accounts.sessions import sessions_of
from lodestar.audit.services import record
from lodestar.engagement.models import CheckIn, Kudos, Notification, NotificationPreference
from lodestar.evaluations.models import (
    MutualFeedback,
    ProgressReview,
    ProgressReviewItem,
    SurveyAnswer,
    SurveyAssignment,
    Visibility,
)
from lodestar.flash.models import Booking, OfficeHours, SessionFeedback
from lodestar.growth.models import FeedbackComment, Recommendation, Resource, WorkFeedbackRequest
from lodestar.matches.models import Choice, MentorshipRequest, RequestMessage
from lodestar.meetings.models import ActionItem, CalendarFeed, Meeting, MeetingNote, PrivateNote
from lodestar.mentorships.models import (
    AgreementSignature,
    AgreementVersion,
    Closure,
    FormerMember,
    Goal,
    GoalComment,
    Membership,
    Milestone,
    Reflection,
)
from lodestar.messaging.models import Concern, Conversation, Message
from lodestar.network.models import DirectoryListing, Introduction, Referral
from lodestar.programs.models import Answer, Enrolment, Invitation

FORMAT_VERSION = 1


def _value(value: Any) -> Any:
    if isinstance(value, FieldFile):
        return value.name or ""
    return value


def _rows(queryset: Iterable, fields: list[str], **computed) -> list[dict[str, Any]]:
    """Each object as a dict of `fields` (a dotted name follows a relation) and `computed`
    values (functions of the object)."""
    rows = []
    for obj in queryset:
        row = {}
        for name in fields:
            value = obj
            for part in name.split("."):
                value = getattr(value, part) if value is not None else None
            row[name.replace(".", "_")] = _value(value)
        for name, function in computed.items():
            row[name] = function(obj)
        rows.append(row)
    return rows


def export_collect(user: User) -> dict[str, Any]:
    """Everything about `user`, by section and kind of record (rows of plain values)."""
    mentorship_ids = set(
        Membership.objects.filter(user=user).values_list("mentorship_id", flat=True)
    ) | set(FormerMember.objects.filter(user=user).values_list("mentorship_id", flat=True))
    in_mine = Q(mentorship_id__in=mentorship_ids)
    emails = list(EmailAddress.objects.filter(user=user).values_list("email", flat=True))

    account = {
        "user": _rows(
            [user],
            ["id", "email", "name", "timezone", "date_joined", "last_login", "is_active"],
        ),
        "email_addresses": _rows(
            EmailAddress.objects.filter(user=user), ["email", "verified", "primary"]
        ),
        "social_accounts": _rows(
            SocialAccount.objects.filter(user=user),
            ["provider", "uid", "date_joined", "last_login"],
        ),
        "two_factor_methods": _rows(
            Authenticator.objects.filter(user=user), ["type", "created_at", "last_used_at"]
        ),
        "sign_ins": _rows(
            UserSession.objects.filter(user=user).order_by("created_at"),
            ["created_at", "ip", "user_agent"],
        ),
        # Where each live session was last used from: kept in the session itself (at most
        # SESSION_ABSOLUTE_SECONDS), not in the sign-in rows above.
        "sessions_in_use": _rows(
            sessions_of(user, current_key=None, forget_over=False),
            ["signed_in_at", "browser"],
            signed_in_from=lambda s: s.ip,
            last_used_at=lambda s: s.last_active_at,
            last_used_from=lambda s: s.last_ip,
        ),
        "api_tokens": _rows(
            ApiToken.objects.filter(user=user),
            ["name", "prefix", "scope", "created_at", "expires_at", "last_used_at", "revoked_at"],
        ),
        "calendar_feeds": _rows(
            CalendarFeed.objects.filter(user=user), ["created_at", "revoked_at"]
        ),
    }
    profiles = Profile.objects.filter(user=user).prefetch_related("skills", "interests")
    profile = {
        "profile": _rows(
            profiles,
            [
                "pronouns",
                "headline",
                "bio",
                "job_title",
                "organisation",
                "department",
                "seniority",
                "location",
                "languages",
                "links",
                "updated_at",
            ],
            skills=lambda p: [t.name for t in p.skills.all()],
            interests=lambda p: [t.name for t in p.interests.all()],
        ),
        "availability": _rows(
            AvailabilityWindow.objects.filter(user=user), ["weekday", "start", "end"]
        ),
        "directory_listing": _rows(
            DirectoryListing.objects.filter(user=user),
            ["listed", "scope", "blurb", "open_to", "updated"],
        ),
        "notification_preferences": _rows(
            NotificationPreference.objects.filter(user=user), ["category", "email", "in_app"]
        ),
    }
    programs = {
        "enrolments": _rows(
            Enrolment.objects.filter(user=user).select_related("program"),
            [
                "id",
                "program.name",
                "role",
                "status",
                "capacity",
                "created_at",
                "intake_completed_at",
                "decided_at",
                "decision_note",
            ],
        ),
        "intake_answers": _rows(
            Answer.objects.filter(enrolment__user=user).select_related(
                "question", "enrolment__program"
            ),
            ["enrolment.program.name", "question.label", "value", "updated_at"],
        ),
        "invitations": _rows(
            Invitation.objects.filter(email__in=emails or [user.email]).select_related("program"),
            ["program.name", "email", "role", "created_at", "accepted_at", "revoked_at"],
        ),
        "mentorship_requests": _rows(
            MentorshipRequest.objects.filter(Q(mentee__user=user) | Q(mentor__user=user))
            .select_related("program", "mentee__user", "mentor__user")
            .distinct(),
            [
                "id",
                "program.name",
                "status",
                "message",
                "decline_reason",
                "created_at",
                "responded_at",
            ],
            mentee=lambda r: r.mentee.user.display_name,
            mentor=lambda r: r.mentor.user.display_name,
        ),
        "request_messages_written": _rows(
            RequestMessage.objects.filter(author=user), ["request_id", "body", "created_at"]
        ),
        "next_choices": _rows(
            Choice.objects.filter(mentee__user=user).select_related("mentor__user"),
            ["position"],
            mentor=lambda c: c.mentor.user.display_name,
        ),
    }
    mentorships = {
        "memberships": _rows(
            Membership.objects.filter(user=user).select_related("mentorship__program"),
            [
                "mentorship_id",
                "mentorship.program.name",
                "mentorship.status",
                "mentorship.start_date",
                "mentorship.ended_at",
                "role",
                "response",
                "responded_at",
                "decline_reason",
            ],
            end_reason=lambda m: (
                m.mentorship.end_reason if m.mentorship.ended_by_id == user.pk else ""
            ),
        ),
        "former_memberships": _rows(
            FormerMember.objects.filter(user=user),
            ["mentorship_id", "role", "joined_at", "left_at", "reason"],
        ),
        "agreements": _rows(
            AgreementVersion.objects.filter(in_mine),
            ["mentorship_id", "number", "sections", "created_at", "agreed_at"],
        ),
        "agreement_signatures": _rows(
            AgreementSignature.objects.filter(user=user).select_related("version"),
            ["version.mentorship_id", "version.number", "signed_at"],
        ),
        "goals": _rows(
            Goal.objects.filter(Q(owner=user) | Q(suggested_by=user)),
            [
                "id",
                "mentorship_id",
                "title",
                "description",
                "measure",
                "target_date",
                "status",
                "progress",
                "accepted",
                "achieved_at",
                "created_at",
            ],
        ),
        "milestones": _rows(
            Milestone.objects.filter(goal__owner=user),
            ["goal_id", "title", "due_date", "done_at"],
        ),
        "goal_comments": _rows(
            GoalComment.objects.filter(author=user), ["goal_id", "body", "created_at"]
        ),
        "closures_started": _rows(
            Closure.objects.filter(started_by=user),
            ["mentorship_id", "reason", "reason_note", "outcome", "started_at", "finished_at"],
        ),
        "reflections": _rows(
            Reflection.objects.filter(user=user).select_related("closure"),
            [
                "closure.mentorship_id",
                "accomplishments",
                "learned",
                "differently",
                "gratitude",
                "transition",
                "submitted_at",
            ],
        ),
    }
    meetings = {
        "meetings": _rows(
            Meeting.objects.filter(in_mine),
            [
                "id",
                "mentorship_id",
                "start",
                "duration",
                "mode",
                "place",
                "agenda",
                "status",
                "minutes_logged",
            ],
            proposed_by_me=lambda m: m.proposed_by_id == user.pk,
        ),
        "shared_notes": _rows(
            MeetingNote.objects.filter(meeting__mentorship_id__in=mentorship_ids),
            ["meeting_id", "text", "updated_at"],
        ),
        "private_notes": _rows(
            PrivateNote.objects.filter(author=user), ["meeting_id", "text", "updated_at"]
        ),
        "action_items": _rows(
            ActionItem.objects.filter(Q(assignee=user) | Q(created_by=user)),
            ["mentorship_id", "meeting_id", "title", "due", "done_at", "created_at"],
            assigned_to_me=lambda a: a.assignee_id == user.pk,
        ),
    }
    messages = {
        "threads": _rows(
            Conversation.objects.filter(in_mine).prefetch_related("mentorship__memberships__user"),
            ["id", "mentorship_id", "created_at"],
            members=lambda c: [m.user.display_name for m in c.mentorship.memberships.all()],
        ),
        "messages_sent": _rows(
            Message.objects.filter(author=user),
            [
                "conversation_id",
                "body",
                "created_at",
                "edited_at",
                "deleted_at",
                "attachment_name",
                "attachment_size",
            ],
        ),
        "concerns_reported": _rows(
            Concern.objects.filter(reporter=user),
            ["mentorship_id", "text", "quoted_body", "created_at", "handled_at"],
        ),
    }
    engagement = {
        "check_ins": _rows(
            CheckIn.objects.filter(user=user),
            [
                "mentorship_id",
                "period_start",
                "mood",
                "progress",
                "blockers",
                "wants_contact",
                "created_at",
            ],
        ),
        "kudos_sent": _rows(
            Kudos.objects.filter(from_user=user), ["mentorship_id", "message", "created_at"]
        ),
        "kudos_received": _rows(
            Kudos.objects.filter(to_user=user), ["mentorship_id", "message", "created_at"]
        ),
        "notifications": _rows(
            Notification.objects.filter(user=user),
            ["kind", "url", "created_at", "read_at"],
            text=lambda n: n.text,
        ),
    }
    growth = {
        "resources_added": _rows(
            Resource.objects.filter(added_by=user),
            ["id", "kind", "title", "url", "file_name", "description", "created_at"],
        ),
        "recommendations": _rows(
            Recommendation.objects.filter(Q(from_user=user) | Q(to_user=user)).select_related(
                "resource"
            ),
            ["resource.title", "note", "status", "rating", "created_at"],
            made_by_me=lambda r: r.from_user_id == user.pk,
        ),
        "feedback_requests": _rows(
            WorkFeedbackRequest.objects.filter(requester=user),
            ["id", "title", "question", "link", "text", "file_name", "status", "created_at"],
        ),
        "feedback_comments": _rows(
            FeedbackComment.objects.filter(author=user), ["request_id", "body", "created_at"]
        ),
        "introductions": _rows(
            Introduction.objects.involving(user).select_related("introducer", "mentee", "other"),
            ["note", "status", "mentee_answer", "other_answer", "created", "connected_at"],
            introducer=lambda i: i.introducer.display_name,
            mentee=lambda i: i.mentee.display_name,
            other=lambda i: i.other.display_name,
        ),
        "referrals": _rows(
            Referral.objects.filter(Q(referrer=user) | Q(mentee=user)),
            ["title", "organisation", "link", "note", "created"],
            made_by_me=lambda r: r.referrer_id == user.pk,
        ),
    }
    flash = {
        "office_hours": _rows(
            OfficeHours.objects.filter(mentor__user=user),
            [
                "repeat",
                "starts_on",
                "ends_on",
                "start_time",
                "time_zone",
                "duration",
                "topics",
                "mode",
                "place",
                "note",
                "withdrawn_at",
            ],
        ),
        "bookings": _rows(
            Booking.objects.filter(mentee__user=user).select_related("slot"),
            ["slot.start", "question", "status", "cancel_reason", "created_at"],
        ),
        "session_feedback": _rows(
            SessionFeedback.objects.filter(author=user),
            ["booking_id", "rating", "useful", "follow_up", "comment", "created_at"],
        ),
    }
    evaluations = {
        "survey_assignments": _rows(
            SurveyAssignment.objects.filter(user=user).select_related("survey"),
            ["survey.title", "status", "sent_at", "due_at", "completed_at"],
        ),
        # Answers to anonymous surveys keep no link to anybody, so they cannot be found here.
        "survey_answers": _rows(
            SurveyAnswer.objects.filter(response__assignment__user=user).select_related(
                "question__survey"
            ),
            ["question.survey.title", "question.text", "number", "chosen", "text"],
        ),
        "feedback_given": _rows(
            MutualFeedback.objects.filter(author=user),
            ["mentorship_id", "point", "rating", "went_well", "could_improve", "visibility"],
        ),
        "feedback_received": _rows(
            MutualFeedback.objects.filter(about=user, visibility=Visibility.SHARED),
            ["mentorship_id", "point", "rating", "went_well", "could_improve", "created_at"],
        ),
        "progress_reviews": _rows(
            ProgressReview.objects.filter(author=user),
            ["id", "mentorship_id", "summary", "created_at"],
        ),
        "progress_review_items": _rows(
            ProgressReviewItem.objects.filter(review__author=user),
            ["review_id", "goal_id", "status_after", "progress_after", "note"],
        ),
    }
    return {
        "format_version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "sections": {
            "account": account,
            "profile": profile,
            "programs": programs,
            "mentorships": mentorships,
            "meetings": meetings,
            "messages": messages,
            "engagement": engagement,
            "growth": growth,
            "flash": flash,
            "evaluations": evaluations,
        },
    }


def export_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def _cell(value: Any) -> Any:
    """What the offline page shows: dates and times as they are (the template shows them in
    the person's zone), structures as JSON text."""
    if isinstance(value, datetime | date) or value is None or isinstance(value, bool):
        return value
    if isinstance(value, list | dict):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return value


def export_html(user: User, data: dict[str, Any], files: Iterable[BundledFile] = ()) -> str:
    sections = []
    for section, kinds in data["sections"].items():
        tables = []
        for kind, rows in kinds.items():
            columns = list(rows[0]) if rows else []
            tables.append(
                {
                    "name": kind.replace("_", " "),
                    "columns": [c.replace("_", " ") for c in columns],
                    "rows": [[_cell(row[c]) for c in columns] for row in rows],
                }
            )
        sections.append({"name": section, "tables": tables})
    with timezone.override(user.timezone or "UTC"):
        return render_to_string(
            "privacy/export_bundle.html",
            {
                "person": user,
                "exported_at": data["exported_at"],
                "sections": sections,
                "files": files,
            },
        )


@dataclass
class BundledFile:
    """A file the person uploaded, as the offline page lists it."""

    kind: str
    name: str
    path: str  # inside the bundle, relative to index.html
    present: bool = True


def uploaded_files(user: User) -> list[tuple[str, int, Any, str]]:
    """(kind, id, stored file, original name) of each file the person uploaded that is kept:
    their message attachments (not deleted), resources and work shared for feedback."""
    found = []
    sources = (
        (
            "messages",
            Message.objects.filter(author=user, deleted_at__isnull=True).exclude(attachment=""),
            "attachment",
            "attachment_name",
        ),
        ("resources", Resource.objects.filter(added_by=user).exclude(file=""), "file", "file_name"),
        (
            "feedback_requests",
            WorkFeedbackRequest.objects.filter(requester=user).exclude(file=""),
            "file",
            "file_name",
        ),
    )
    for kind, rows, field, name in sources:
        for row in rows.only("pk", field, name):
            stored: FieldFile = getattr(row, field)
            found.append((kind, row.pk, stored, getattr(row, name) or stored.name))
    return found


# The zip is written to a temporary file that stays in memory up to this size and moves to disk
# beyond it: a person with many large files costs the server disk space for a moment, never
# memory in proportion to their files.
SPOOL_BYTES = 8 * 1024 * 1024
COPY_CHUNK = 256 * 1024


def export_zip(user: User, data: dict[str, Any]) -> IO[bytes]:
    """index.html, data.json and, under files/, every file the person uploaded, as a temporary
    file read from its start. A file gone from storage is listed as missing rather than failing
    the whole download."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 (returned open)
    listed = []
    with zipfile.ZipFile(spool, "w", zipfile.ZIP_DEFLATED) as bundle:
        for kind, pk, stored, original in uploaded_files(user):
            path = f"files/{kind}/{pk}-{get_valid_filename(Path(original).name) or 'file'}"
            try:
                source = stored.open("rb")
            except OSError:
                listed.append(BundledFile(kind.replace("_", " "), original, path, present=False))
                continue
            with source, bundle.open(f"lodestar-data/{path}", "w") as target:
                shutil.copyfileobj(source, target, COPY_CHUNK)
            listed.append(BundledFile(kind.replace("_", " "), original, path))
        bundle.writestr("lodestar-data/index.html", export_html(user, data, listed))
        bundle.writestr("lodestar-data/data.json", export_json(data))
    spool.seek(0)
    return spool


def data_export(*, user: User, fmt: str, request=None) -> tuple[bytes | IO[bytes], str, str]:
    """The person's data as (content, content type, file name) for `fmt` "json" (bytes) or
    "zip" (a temporary file, read from its start; the caller closes it)."""
    if fmt not in ("json", "zip"):
        raise ValueError(fmt)
    with translation.override(translation.get_language()):
        data = export_collect(user)
        stamp = timezone.now().strftime("%Y%m%d")
        if fmt == "json":
            content, kind, name = export_json(data), "application/json", f"lodestar-{stamp}.json"
        else:
            content, kind, name = export_zip(user, data), "application/zip", f"lodestar-{stamp}.zip"
    record("data_exported", actor=user, target=user, request=request, details={"format": fmt})
    return content, kind, name
