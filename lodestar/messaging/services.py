"""Writes on a mentorship's messages: sending (with a checked attachment), editing within a
short window, deleting, marking read, and reporting a concern to the program's coordinators.

Only members write, and only while the mentorship still takes changes
(`require_writable_member`); a finished mentorship's thread is read-only history. Times come
from `now` when given, so tests (and commands) control the clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lodestar.accounts.models import User
from lodestar.core.uploads import check_attachment, clean_name
from lodestar.engagement.services import alert_coordinators
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import is_member, require_writable_member
from lodestar.programs.policy import is_coordinator

from . import digests
from .models import BODY_MAX, CONCERN_MAX, Concern, Conversation, Message, ReadMark
from .selectors import conversation_of, latest_id


def thread_url(mentorship: Mentorship | int) -> str:
    return reverse("messages", args=[getattr(mentorship, "pk", mentorship)])


def concern_url(concern: Concern) -> str:
    return reverse("concern_detail", args=[concern.pk])


def edit_window() -> timedelta:
    return timedelta(minutes=getattr(settings, "MESSAGE_EDIT_MINUTES", 15))


def can_edit(message: Message, user, now: datetime | None = None) -> bool:
    """The author, while the message is fresh (the thread's writability is checked apart)."""
    return (
        message.author_id == user.pk
        and not message.is_deleted
        and (now or timezone.now()) <= message.created_at + edit_window()
    )


def _check_body(body: str, *, has_attachment: bool) -> str:
    body = (body or "").strip()
    if len(body) > BODY_MAX:
        raise ValidationError(
            {
                "body": ngettext(
                    "A message can be at most %(max)d character long (this one has %(count)d).",
                    "A message can be at most %(max)d characters long (this one has %(count)d).",
                    BODY_MAX,
                )
                % {"max": BODY_MAX, "count": len(body)}
            },
            code="too_long",
        )
    if not body and not has_attachment:
        raise ValidationError({"body": _("Write a message or attach a file.")}, code="empty")
    return body


# Sending ----------------------------------------------------------------------------------


@transaction.atomic
def message_send(
    *,
    mentorship: Mentorship,
    author: User,
    body: str = "",
    attachment=None,
    now: datetime | None = None,
) -> Message:
    """Post a message (text, a file, or both) to the mentorship's thread."""
    require_writable_member(author, mentorship)
    errors: dict[str, list[str]] = {}
    try:
        body = _check_body(body, has_attachment=attachment is not None)
    except ValidationError as error:
        errors.update(error.message_dict)
    kind = None
    if attachment is not None:
        try:
            kind = check_attachment(attachment)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)

    now = now or timezone.now()
    conversation, _created = Conversation.objects.get_or_create(
        mentorship=mentorship, defaults={"created_at": now}
    )
    message = Message(conversation=conversation, author=author, body=body, created_at=now)
    if attachment is not None:
        name = clean_name(attachment.name)
        message.attachment_name = name
        message.attachment_size = attachment.size
        message.attachment_type = kind.content_type
        message.attachment.save(name, attachment, save=False)
    try:
        message.save()
    except Exception:
        if message.attachment:
            message.attachment.storage.delete(message.attachment.name)
        raise
    digests.schedule_checks(mentorship=mentorship, author=author, now=now)
    return message


# Editing and deleting ------------------------------------------------------------------------


def _locked_own(message: Message, by: User) -> tuple[Message, Mentorship]:
    locked = (
        Message.objects.select_for_update(of=("self",))
        .select_related("conversation__mentorship")
        .get(pk=message.pk)
    )
    mentorship = locked.conversation.mentorship
    require_writable_member(by, mentorship)
    if locked.author_id != by.pk:
        raise ValidationError(_("You can only change your own messages."), code="not_author")
    if locked.is_deleted:
        raise ValidationError(_("This message was deleted."), code="deleted")
    return locked, mentorship


@transaction.atomic
def message_edit(*, message: Message, by: User, body: str, now: datetime | None = None) -> Message:
    """The author corrects a message within the edit window (15 minutes unless configured)."""
    now = now or timezone.now()
    locked, _mentorship = _locked_own(message, by)
    if not can_edit(locked, by, now):
        minutes = int(edit_window().total_seconds() // 60)
        raise ValidationError(
            ngettext(
                "A message can be edited for %(minutes)d minute after it is sent, and this one "
                "is older. You can delete it, or send a new message.",
                "A message can be edited for %(minutes)d minutes after it is sent, and this one "
                "is older. You can delete it, or send a new message.",
                minutes,
            )
            % {"minutes": minutes},
            code="edit_window",
        )
    body = _check_body(body, has_attachment=bool(locked.attachment_name))
    if body != locked.body:
        locked.body = body
        locked.edited_at = now
        locked.save(update_fields=["body", "edited_at"])
    return locked


@transaction.atomic
def message_delete(*, message: Message, by: User, now: datetime | None = None) -> Message:
    """The author deletes a message: its words and file are gone, the thread shows "message
    deleted" in its place. (A concern reported earlier keeps the words it quoted.)"""
    locked, _mentorship = _locked_own(message, by)
    if locked.attachment:
        storage, name = locked.attachment.storage, locked.attachment.name
        transaction.on_commit(lambda: storage.delete(name))
    locked.body = ""
    locked.attachment = ""
    locked.attachment_name = ""
    locked.attachment_size = None
    locked.attachment_type = ""
    locked.deleted_at = now or timezone.now()
    locked.save()
    return locked


# Reading ------------------------------------------------------------------------------------


def conversation_mark_read(
    *,
    mentorship: Mentorship,
    user: User,
    up_to: int | None = None,
    conversation: Conversation | None = None,
    now: datetime | None = None,
) -> None:
    """The member has read the thread up to message `up_to` (default: the newest). The mark
    only moves forward; finished mentorships can still be read. Pass the `conversation` when
    it is at hand, to save a query."""
    if not is_member(user, mentorship):
        raise ValidationError(_("You are not part of this mentorship."), code="not_member")
    if conversation is None:
        conversation = conversation_of(mentorship)
    elif conversation.mentorship_id != mentorship.pk:
        raise ValueError("the conversation of another mentorship")
    if conversation is None:
        return
    if up_to is None:
        up_to = latest_id(conversation)
    if not up_to:
        return
    marks = ReadMark.objects.filter(conversation=conversation, user=user)
    # Rereading a thread with nothing new is the common case: a read, not a write, so that it
    # does not wait for (or hold) SQLite's write lock.
    if marks.filter(last_read_id__gte=up_to).exists():
        return
    now = now or timezone.now()
    with transaction.atomic():
        # The mark only moves forward, whatever another request did since the check above.
        moved = marks.filter(last_read_id__lt=up_to).update(last_read_id=up_to, read_at=now)
        if not moved:
            ReadMark.objects.get_or_create(
                conversation=conversation,
                user=user,
                defaults={"last_read_id": up_to, "read_at": now},
            )


# Concerns -----------------------------------------------------------------------------------


@transaction.atomic
def concern_report(
    *,
    mentorship: Mentorship,
    by: User,
    text: str,
    message: Message | None = None,
    now: datetime | None = None,
) -> Concern:
    """A member tells the coordinators that something worries them. The coordinators get the
    `concern_reported` notice; the concern page shows them the text and, for a message, that
    message as it stood (the reporter chose to share it) — nothing else of the thread."""
    if not is_member(by, mentorship):
        raise ValidationError(_("You are not part of this mentorship."), code="not_member")
    text = (text or "").strip()
    if not text:
        raise ValidationError(
            {"text": _("Tell the coordinators what worries you.")}, code="required"
        )
    if len(text) > CONCERN_MAX:
        raise ValidationError(
            {
                "text": _("Please keep it under %(max)d characters (this has %(count)d).")
                % {"max": CONCERN_MAX, "count": len(text)}
            },
            code="too_long",
        )
    concern = Concern(
        mentorship=mentorship, reporter=by, text=text, created_at=now or timezone.now()
    )
    if message is not None:
        message = Message.objects.select_related("author", "conversation").get(pk=message.pk)
        if message.conversation.mentorship_id != mentorship.pk:
            raise ValidationError(
                _("That message is not part of this mentorship."), code="wrong_message"
            )
        if message.is_deleted:
            raise ValidationError(
                _("That message was deleted: report a concern about the mentorship instead."),
                code="deleted",
            )
        concern.message = message
        concern.quoted_author = message.author.display_name if message.author else ""
        concern.quoted_at = message.created_at
        concern.quoted_body = message.body or message.attachment_name
    concern.save()
    program = mentorship.program
    url = concern_url(concern)
    alert_coordinators(
        program=program,
        kind="concern_reported",
        url=url,
        users=_concern_recipients(program),
        person=by.display_name,
    )
    return concern


def _concern_recipients(program) -> list[User]:
    """The program's coordinators; a program without any falls back to the site's admins, so
    that a concern never goes unread."""
    coordinators = list(program.coordinators.filter(is_active=True))
    if coordinators:
        return coordinators
    return list(User.objects.filter(is_superuser=True, is_active=True))


@transaction.atomic
def concern_handle(*, concern: Concern, by: User, now: datetime | None = None) -> Concern:
    """A coordinator marks a concern as dealt with."""
    locked = (
        Concern.objects.select_for_update(of=("self",))
        .select_related("mentorship__program")
        .get(pk=concern.pk)
    )
    if not is_coordinator(by, locked.mentorship.program):
        raise ValidationError(
            _("Only the program’s coordinators handle concerns."), code="not_coordinator"
        )
    if locked.handled_at is not None:
        raise ValidationError(_("This concern was already marked as handled."), code="handled")
    locked.handled_at = now or timezone.now()
    locked.handled_by = by
    locked.save(update_fields=["handled_at", "handled_by"])
    return locked
