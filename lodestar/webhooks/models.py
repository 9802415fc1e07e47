"""Webhook endpoints (per program) and the outbox of their deliveries."""

import secrets
import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.core.encryption import EncryptedTextField


class Event(models.TextChoices):
    ENROLMENT_CREATED = "enrolment.created", _("Someone enrolled")
    MATCH_RUN_PUBLISHED = "match_run.published", _("Matches published")
    MENTORSHIP_STARTED = "mentorship.started", _("Mentorship started")
    MEETING_COMPLETED = "meeting.completed", _("Meeting held")
    CHECKIN_FLAGGED = "checkin.flagged", _("Check-in asked for help")
    MENTORSHIP_CLOSED = "mentorship.closed", _("Mentorship closed")
    # Sent on request only, to every endpoint whatever it subscribes to.
    PING = "ping", _("Test ping")


SUBSCRIBABLE = [value for value in Event.values if value != Event.PING]


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class Endpoint(models.Model):
    """A URL of a program's that hears of the events it subscribes to, signed with its secret."""

    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    # Encrypted, not hashed: every delivery is signed with it (an HMAC needs the key itself).
    secret = EncryptedTextField(_("secret"), default=new_secret, editable=False)
    active = models.BooleanField(_("active"), default=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    secret_rotated_at = models.DateTimeField(_("secret rotated at"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return self.url

    def subscribes_to(self, event: str) -> bool:
        return event == Event.PING or event in self.events

    def event_labels(self) -> list[str]:
        labels = dict(Event.choices)
        return [str(labels.get(event, event)) for event in self.events]


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")


class DeliveryQuerySet(models.QuerySet):
    def unclaimed(self, now: datetime) -> "DeliveryQuerySet":
        """Not being sent right now: never claimed, or the claimant's lease has run out."""
        return self.filter(models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lte=now))

    def due(self, now: datetime) -> "DeliveryQuerySet":
        """Pending deliveries to hand to the worker (again): their first task never ran, an
        attempt failed and its back-off is over, or a worker died holding them and its lease
        ran out. A disabled endpoint's deliveries wait until it is enabled again."""
        return (
            self.filter(
                status=DeliveryStatus.PENDING, next_attempt_at__lte=now, endpoint__active=True
            )
            .unclaimed(now)
            .order_by("next_attempt_at")
        )


class Delivery(models.Model):
    """One event for one endpoint, written in the same transaction as the change it tells
    about, and posted by the task worker (tasks.py) with retries, never twice at the same time.

    Exactly once cannot be promised over HTTP: if the receiver takes the request and the worker
    dies before recording the answer, the delivery goes again once its lease runs out. `uuid`,
    fixed when the row is written and sent as Lodestar-Delivery on every attempt, lets the
    receiver recognise that duplicate."""

    uuid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.ForeignKey(
        Endpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event = models.CharField(_("event"), max_length=40, choices=Event.choices)
    payload = models.JSONField(_("payload"))
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the retry job should next look at it, unless it was delivered by then.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # A worker sending it holds it until then; after that it is taken for dead.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last attempt at"), null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_response = models.TextField(_("response excerpt"), blank=True)
    last_error = models.TextField(_("error"), blank=True)
    last_duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Only pending rows: the index stays as small as the backlog.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="webhook_delivery_due",
            ),
            models.Index(fields=["endpoint", "-created_at"], name="webhook_delivery_recent"),
            models.Index(fields=["created_at"], name="webhook_delivery_created"),
        ]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint_id} ({self.uuid})"

    @property
    def can_redeliver(self) -> bool:
        return self.status == DeliveryStatus.FAILED


class DeliveryAttempt(models.Model):
    """One try of a delivery and what the receiver answered: the log an integrator reads."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveSmallIntegerField(_("attempt"))
    started_at = models.DateTimeField(_("started at"))
    status_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response = models.TextField(_("response excerpt"), blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)

    class Meta:
        ordering = ["delivery", "number", "pk"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"#{self.number} {self.status_code or self.error[:40]}"
