"""Flash mentoring: a mentor's open hours, the slots they offer, the bookings of those slots,
and the feedback both sides leave after a session.

Office hours are what the mentor publishes (a weekly time in their own zone, or one date);
slots are the concrete sessions, stored in UTC and generated a few weeks ahead, so that a
weekly 17:00 in Paris stays 17:00 in Paris across a change of daylight-saving time. A booking
takes a seat in a slot; a slot never holds more bookings than its capacity (services.py locks
the slot row while counting).
"""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.meetings.models import Mode

from .states import BookingStatus

MIN_DURATION = 15
MAX_DURATION = 180
MAX_CAPACITY = 10


def new_ical_uid() -> str:
    return f"{uuid.uuid4()}@lodestar"


class Repeat(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    ONCE = "once", _("Once")


class OfficeHours(models.Model):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="office_hours"
    )
    mentor = models.ForeignKey(
        "programs.Enrolment", on_delete=models.CASCADE, related_name="office_hours"
    )
    repeat = models.CharField(_("repeat"), max_length=10, choices=Repeat.choices)
    # The first (or only) date, and for weekly hours the last date (none: until withdrawn).
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    start_time = models.TimeField(_("start time"))
    time_zone = models.CharField(_("time zone"), max_length=64)
    duration = models.PositiveSmallIntegerField(
        _("length in minutes"),
        default=30,
        validators=[MinValueValidator(MIN_DURATION), MaxValueValidator(MAX_DURATION)],
    )
    capacity = models.PositiveSmallIntegerField(
        _("people per session"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)],
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    mode = models.CharField(_("how"), max_length=20, choices=Mode.choices, default=Mode.VIDEO)
    place = models.CharField(
        _("place or link"),
        max_length=500,
        blank=True,
        help_text=_("An address, a room, a video-call link or a phone number."),
    )
    note = models.TextField(_("about these sessions"), blank=True, max_length=2000)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["starts_on", "start_time", "id"]
        verbose_name = _("office hours")
        verbose_name_plural = _("office hours")

    def __str__(self) -> str:
        return f"{self.mentor} {self.get_repeat_display()} {self.start_time}"


class SlotQuerySet(models.QuerySet):
    def open(self):
        return self.filter(cancelled_at__isnull=True, office_hours__withdrawn_at__isnull=True)


class Slot(models.Model):
    office_hours = models.ForeignKey(OfficeHours, on_delete=models.CASCADE, related_name="slots")
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    capacity = models.PositiveSmallIntegerField(_("people per session"))
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    ical_uid = models.CharField(
        _("calendar UID"), max_length=120, unique=True, default=new_ical_uid
    )
    sequence = models.PositiveIntegerField(_("calendar sequence"), default=0)

    objects = SlotQuerySet.as_manager()

    class Meta:
        ordering = ["start", "id"]
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        constraints = [
            models.UniqueConstraint(fields=["office_hours", "start"], name="flash_slot_once")
        ]
        indexes = [models.Index(fields=["start"])]

    def __str__(self) -> str:
        return f"{self.office_hours_id} @ {self.start:%Y-%m-%d %H:%M}"


class BookingQuerySet(models.QuerySet):
    def seated(self):
        return self.exclude(status=BookingStatus.CANCELLED)


class Booking(models.Model):
    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="bookings")
    mentee = models.ForeignKey(
        "programs.Enrolment", on_delete=models.CASCADE, related_name="flash_bookings"
    )
    question = models.TextField(_("your question"), max_length=1000)
    status = models.CharField(
        _("status"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    created_at = models.DateTimeField(_("booked"), default=timezone.now)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("reason"), max_length=300, blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    # When both sides were asked for feedback (once, after the session).
    feedback_invited_at = models.DateTimeField(_("feedback asked"), null=True, blank=True)
    follow_up_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["slot__start", "id"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            # One seat per person per session (a cancelled booking may be made again).
            models.UniqueConstraint(
                fields=["slot", "mentee"],
                condition=~Q(status=BookingStatus.CANCELLED),
                name="flash_one_seat_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentee} → {self.slot}"


class SessionFeedback(models.Model):
    """What one side thought of a session: given once per person and booking."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="feedback")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    useful = models.BooleanField(_("it was useful"))
    follow_up = models.BooleanField(_("a follow-up would help"), default=False)
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    created_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("session feedback")
        verbose_name_plural = _("session feedback")
        constraints = [
            models.UniqueConstraint(fields=["booking", "author"], name="flash_feedback_once")
        ]

    def __str__(self) -> str:
        return f"{self.author} on {self.booking}: {self.rating}/5"
