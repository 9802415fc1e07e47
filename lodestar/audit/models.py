"""The audit trail: one row per sensitive action, never changed, never deleted.

Append-only twice over: the model and its manager refuse updates and deletes, and database
triggers (see triggers.py, installed by a migration) abort an UPDATE or DELETE that reaches the
table by any other road, raw SQL included. The one change the triggers allow is a foreign key
set to NULL when the user, program or content type it points at is deleted (Django's SET_NULL):
the event keeps `actor_label` and `target_label`, written with the event, so nothing it says is
lost.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LABEL_MAX = 300


class AppendOnlyError(Exception):
    """An attempt to change or delete an audit event."""


class Verb(models.TextChoices):
    LOGIN_FAILED = "login_failed", _("Failed login")
    SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong two-factor code")
    ROLE_CHANGED = "role_changed", _("Role changed")
    MATCH_OVERRIDDEN = "match_overridden", _("Match overridden")
    MATCH_PUBLISHED = "match_published", _("Matches published")
    EXPORTED = "exported", _("Report exported")
    DATA_EXPORTED = "data_exported", _("Personal data exported")
    ERASED = "erased", _("Account erased")
    CONCERN_VIEWED = "concern_viewed", _("Concern viewed")
    TOKEN_CREATED = "token_created", _("API token created")
    TOKEN_REFUSED = "token_refused", _("API token refused")
    CONVERSATION_ACCESSED = "conversation_accessed", _("Conversation accessed")
    RETENTION_PURGED = "retention_purged", _("Old data purged")


class _Encoder(DjangoJSONEncoder):
    """Dates, decimals and UUIDs as DjangoJSONEncoder writes them; anything else as its text, so
    that an odd value in `details` never costs the event."""

    def default(self, o):
        try:
            return super().default(o)
        except TypeError:
            return str(o)


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("Audit events are append-only: they cannot be updated.")

    def delete(self):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")

    update.queryset_only = True
    delete.queryset_only = True

    def for_program(self, program) -> AuditEventQuerySet:
        return self.filter(program=program)


class AuditEvent(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who acted, as they were named then: survives the user's deletion. For a failed login, the
    # address that was tried.
    actor_label = models.CharField(_("actor"), max_length=LABEL_MAX, blank=True)
    verb = models.CharField(_("action"), max_length=32, choices=Verb.choices)
    target_type = models.ForeignKey(
        ContentType,
        verbose_name=_("object type"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_label = models.CharField(_("object"), max_length=LABEL_MAX, blank=True)
    program = models.ForeignKey(
        "programs.Program",
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="audit_events",
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True, unpack_ipv4=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=_Encoder)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["-at", "-id"], name="audit_at"),
            models.Index(fields=["program", "-at"], name="audit_program_at"),
            models.Index(fields=["verb", "-at"], name="audit_verb_at"),
            models.Index(fields=["actor", "-at"], name="audit_actor_at"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.verb} {self.target_label}".strip()

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Audit events are append-only: they cannot be changed.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Audit events are append-only: they cannot be deleted.")
