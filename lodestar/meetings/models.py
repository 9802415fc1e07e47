"""Meetings of a mentorship, their notes (one shared, one private per person), action items,
and each person's private calendar feed."""

import hashlib
import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .states import PLANNED, MeetingStatus

MIN_DURATION = 15
MAX_DURATION = 8 * 60


def new_ical_uid() -> str:
    return f"{uuid.uuid4()}@lodestar"


class Mode(models.TextChoices):
    VIDEO = "video", _("Video call")
    PHONE = "phone", _("Phone call")
    IN_PERSON = "in_person", _("In person")
    MESSAGING = "messaging", _("Messages (chat)")


class MeetingQuerySet(models.QuerySet):
    def planned(self):
        return self.filter(status__in=PLANNED)

    def for_user(self, user):
        return self.filter(mentorship__memberships__user=user)


class Meeting(models.Model):
    """One meeting of a mentorship's members. Its start is UTC; every page shows it in the
    viewer's zone. `ical_uid` and `sequence` identify it in calendars: the UID never changes,
    the sequence grows with every change calendars must take in."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="meetings"
    )
    start = models.DateTimeField(_("start"))
    duration = models.PositiveSmallIntegerField(
        _("length in minutes"),
        default=60,
        validators=[MinValueValidator(MIN_DURATION), MaxValueValidator(MAX_DURATION)],
    )
    mode = models.CharField(_("how"), max_length=20, choices=Mode.choices, default=Mode.VIDEO)
    place = models.CharField(
        _("place or link"),
        max_length=500,
        blank=True,
        help_text=_("An address, a room, a video-call link or a phone number."),
    )
    agenda = models.TextField(_("agenda"), blank=True, max_length=5000)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    # When calendar invitations first went out (on the first confirmation): from then on every
    # change is sent to calendars as an update or a cancellation.
    invited_at = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    ical_uid = models.CharField(
        _("calendar UID"), max_length=120, unique=True, default=new_ical_uid
    )
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)
    series = models.UUIDField(_("series"), null=True, blank=True, db_index=True)
    minutes_logged = models.PositiveIntegerField(_("minutes met"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        indexes = [models.Index(fields=["mentorship", "status", "start"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration__gte=MIN_DURATION), name="meeting_duration_positive"
            )
        ]

    def __str__(self) -> str:
        return f"{self.start:%Y-%m-%d %H:%M} UTC · {self.get_status_display()}"

    @property
    def end(self):
        from datetime import timedelta

        return self.start + timedelta(minutes=self.duration)

    @property
    def place_is_link(self) -> bool:
        return self.place.startswith(("https://", "http://"))


class MeetingNote(models.Model):
    """The note the members write together. `version` grows with every save: a save made from
    an older version is refused rather than overwriting what someone else wrote meanwhile."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="shared_note")
    text = models.TextField(_("shared note"), blank=True, max_length=20000)
    version = models.PositiveIntegerField(_("version"), default=0)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("shared note")
        verbose_name_plural = _("shared notes")

    def __str__(self) -> str:
        return f"note on meeting {self.meeting_id} (v{self.version})"


class PrivateNote(models.Model):
    """One person's own note on a meeting: shown to its author only, to nobody else ever."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="private_notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="private_meeting_notes"
    )
    text = models.TextField(_("private note"), blank=True, max_length=20000)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("private note")
        verbose_name_plural = _("private notes")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "author"], name="one_private_note_each")
        ]

    def __str__(self) -> str:
        return f"private note on meeting {self.meeting_id}"


class ActionItemQuerySet(models.QuerySet):
    def open(self):
        return self.filter(done_at__isnull=True)


class ActionItem(models.Model):
    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="action_items"
    )
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="action_items"
    )
    title = models.CharField(_("what to do"), max_length=200)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="action_items",
        verbose_name=_("who"),
    )
    due = models.DateField(_("by when"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["done_at", "due", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["mentorship", "done_at"])]

    def __str__(self) -> str:
        # Not the title: that is the pair's own words (the admin lists items without it).
        return f"action item {self.pk}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarFeed(models.Model):
    """A person's private calendar address. Only a SHA-256 hash of its secret token is kept:
    the address is shown once, when made; a new one revokes the old."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"
