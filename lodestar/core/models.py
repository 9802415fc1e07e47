from datetime import datetime

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _


class TagQuerySet(models.QuerySet):
    def named(self, names: list[str]) -> list["Tag"]:
        """The tags for these names, created on first use; case and spacing are normalised."""
        tags = []
        for name in names:
            clean = " ".join(name.split())[:60]
            if not clean:
                continue
            tag = self.filter(name__iexact=clean).first()
            if tag is None:
                tag = self.create(name=clean, slug=Tag.unique_slug(clean))
            tags.append(tag)
        return tags


class Tag(models.Model):
    """A skill or interest label shared across the site (e.g. "Python", "Public speaking")."""

    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)

    objects = TagQuerySet.as_manager()

    class Meta:
        ordering = [Lower("name")]
        constraints = [models.UniqueConstraint(Lower("name"), name="tag_name_ci_unique")]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def unique_slug(cls, name: str) -> str:
        base = slugify(name)[:70] or "tag"
        slug, n = base, 1
        while cls.objects.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug


class OutgoingEmailQuerySet(models.QuerySet):
    def sent(self) -> "OutgoingEmailQuerySet":
        return self.filter(sent_at__isnull=False)

    def unsent(self) -> "OutgoingEmailQuerySet":
        return self.filter(sent_at__isnull=True)

    def unclaimed(self, now: datetime) -> "OutgoingEmailQuerySet":
        """Not being sent right now: never claimed, or the claimant's lease has run out."""
        return self.filter(models.Q(claimed_until__isnull=True) | models.Q(claimed_until__lte=now))

    def given_up(self, max_attempts: int, now: datetime) -> "OutgoingEmailQuerySet":
        return self.unsent().unclaimed(now).filter(attempts__gte=max_attempts)

    def due(self, max_attempts: int, now: datetime) -> "OutgoingEmailQuerySet":
        """Unsent messages to hand to the worker (again): their first task never ran, a send
        failed and its back-off is over, or a worker died holding them and its lease ran out."""
        return (
            self.unsent()
            .unclaimed(now)
            .filter(attempts__lt=max_attempts, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
        )


class OutgoingEmail(models.Model):
    """One email in the outbox, written in the same transaction as the change it tells about,
    and sent by the task worker (core/emails.py), with retries, at most once at a time.

    Exactly once is not possible with SMTP: if the server accepts the message and the worker
    dies before recording `sent_at`, the message goes out again once the lease runs out. The
    `message_id`, fixed when the row is written and sent as the Message-ID header on every
    attempt, lets the receiving side recognise that duplicate (many servers and clients drop a
    second message with the same Message-ID)."""

    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True, editable=False)
    to = models.EmailField(_("to"))
    subject = models.TextField(_("subject"))
    text = models.TextField(_("text"))
    html = models.TextField(_("HTML"))
    headers = models.JSONField(_("headers"), default=dict, blank=True)
    # A calendar invitation or cancellation travels as a text/calendar part (RFC 6047).
    calendar = models.TextField(_("calendar attachment"), blank=True)
    calendar_method = models.CharField(_("calendar method"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the retry job should next look at it unless it has been sent by then.
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    # A worker sending it holds it until then; after that it is taken for dead.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    # Account emails carry a secret (a password reset link, a verification key or code): once
    # sent, their body has done its job and is not kept in the database or its backups.
    forget_body_once_sent = models.BooleanField(_("body emptied once sent"), default=False)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # Only unsent rows: the index stays as small as the backlog however many went out.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outgoing_email_due",
            ),
            models.Index(fields=["-created_at"], name="outgoing_email_created"),
        ]
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing emails")

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


class WorkerHeartbeat(models.Model):
    """One row: when the task worker last ran the scheduler's heartbeat job (core/health.py).

    A recent beat proves the whole chain alive: the scheduler enqueued, the queue held, the
    worker ran."""

    beat_at = models.DateTimeField(_("last beat at"))

    class Meta:
        verbose_name = _("worker heartbeat")
        verbose_name_plural = _("worker heartbeats")

    def __str__(self) -> str:
        return f"{self.beat_at:%Y-%m-%d %H:%M:%S}"


class IdempotencyRecord(models.Model):
    """A write that must happen once (core/idempotency.py): an API call's Idempotency-Key or a
    form's submission token, the request it came with and, once done, the response to replay.

    While `status` is empty the request is in progress, held by `attempt` until `locked_until`;
    the view's writes and the stored response commit in one transaction, so a held record whose
    holder died has written nothing and may be taken over after the lock."""

    scope = models.CharField(_("scope"), max_length=10)  # "api" or "form"
    owner = models.CharField(_("owner"), max_length=80)  # "user:<pk>" or "token:<digest>"
    key = models.CharField(_("key"), max_length=300)
    fingerprint = models.CharField(_("request fingerprint"), max_length=64)
    attempt = models.UUIDField(_("attempt"))
    locked_until = models.DateTimeField(_("locked until"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    status = models.PositiveSmallIntegerField(_("response status"), null=True, blank=True)
    headers = models.JSONField(_("response headers"), default=dict, blank=True)
    body = models.BinaryField(_("response body"), default=b"", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "owner", "key"], name="idempotency_record_unique"
            )
        ]
        indexes = [models.Index(fields=["created_at"], name="idempotency_record_created")]
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")

    def __str__(self) -> str:
        return f"{self.scope} {self.owner} {self.key}"
