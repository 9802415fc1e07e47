"""A message thread per mentorship (a group circle is one mentorship, so one thread), what
each member has read, when each person last got an email digest, and concerns reported to the
program's coordinators.

Message bodies are for the members only. Coordinators see counts and dates; a concern shows
them what its reporter chose to share (their text and, for a message, that message's words).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.core.uploads import stored_name
from lodestar.mentorships.models import Mentorship

BODY_MAX = 5000
CONCERN_MAX = 2000
FIRST_LINE_MAX = 120


def attachment_path(message: "Message", filename: str) -> str:
    """A random file name under messages/<year>/<month>/: the name a person gave their file is
    kept in attachment_name and never reaches the file system or a URL."""
    return stored_name("messages", filename)


def first_line(text: str, limit: int = FIRST_LINE_MAX) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


class Conversation(models.Model):
    """The one thread of a mentorship, made with its first message."""

    mentorship = models.OneToOneField(
        Mentorship, on_delete=models.CASCADE, related_name="conversation"
    )
    created_at = models.DateTimeField(_("started"), default=timezone.now)

    class Meta:
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")

    def __str__(self) -> str:
        return _("Conversation of mentorship #%(pk)s") % {"pk": self.mentorship_id}


class MessageQuerySet(models.QuerySet):
    def visible(self):
        """Not deleted."""
        return self.filter(deleted_at__isnull=True)


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    # A person who leaves the platform leaves their words with the others, unsigned.
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("message"), max_length=BODY_MAX, blank=True)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # Deleting wipes the words and the file; the row stays so the thread shows "message deleted".
    deleted_at = models.DateTimeField(_("deleted"), null=True, blank=True)
    attachment = models.FileField(
        _("attachment"), upload_to=attachment_path, max_length=200, blank=True
    )
    attachment_name = models.CharField(_("file name"), max_length=200, blank=True)
    attachment_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    attachment_type = models.CharField(_("file type"), max_length=100, blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        # Ids grow with time: "newer than the last one shown" is `id > last`.
        ordering = ["id"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["conversation", "id"]),
            models.Index(fields=["created_at"]),
        ]

    def __str__(self) -> str:
        return _("Message #%(pk)s") % {"pk": self.pk}

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def has_attachment(self) -> bool:
        return bool(self.attachment_name) and not self.is_deleted

    @property
    def first_line(self) -> str:
        if self.is_deleted:
            return ""
        return first_line(self.body) or self.attachment_name


class ReadMark(models.Model):
    """How far a member has read their mentorship's thread: every message up to
    `last_read_id` (ids only grow, so the mark only moves forward)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="read_marks"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read_id = models.PositiveBigIntegerField(default=0)
    read_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("read mark")
        verbose_name_plural = _("read marks")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "user"], name="one_read_mark_each")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.conversation_id} · {self.last_read_id}"


class DigestState(models.Model):
    """The email digest of unread messages, per person: when the last one went out (at most
    one an hour) and the newest message it listed (no message is listed twice)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="message_digest"
    )
    last_sent_at = models.DateTimeField(_("last digest sent"), null=True, blank=True)
    last_message_id = models.PositiveBigIntegerField(_("newest message listed"), default=0)
    sent_count = models.PositiveIntegerField(_("digests sent"), default=0)

    class Meta:
        verbose_name = _("message digest")
        verbose_name_plural = _("message digests")

    def __str__(self) -> str:
        return str(self.user)


class ConcernQuerySet(models.QuerySet):
    def open(self):
        return self.filter(handled_at__isnull=True)


class Concern(models.Model):
    """A member tells the program's coordinators that something worries them, about the
    mentorship or about one message. `quoted_body` keeps that message's words as they stood
    when reported, so an edit or a deletion afterwards does not erase what was shared."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="concerns")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reported by"),
    )
    message = models.ForeignKey(
        Message,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="concerns",
        verbose_name=_("message"),
    )
    quoted_author = models.CharField(_("message written by"), max_length=150, blank=True)
    quoted_at = models.DateTimeField(_("message sent"), null=True, blank=True)
    quoted_body = models.TextField(_("message as reported"), blank=True)
    text = models.TextField(_("concern"), max_length=CONCERN_MAX)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )

    objects = ConcernQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("concern")
        verbose_name_plural = _("concerns")

    def __str__(self) -> str:
        return _("Concern #%(pk)s") % {"pk": self.pk}

    @property
    def about_message(self) -> bool:
        return self.quoted_at is not None
