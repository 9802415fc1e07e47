"""A site admin's access to a pair's conversation, for a reported concern: an explicit act with
a stated reason, told to the pair, and limited in time (privacy/access.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

REASON_MAX = 1000


class ConversationAccessQuerySet(models.QuerySet):
    def current(self, now):
        return self.filter(expires_at__gt=now)


class ConversationAccess(models.Model):
    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="admin_accesses"
    )
    admin = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("site admin"),
    )
    concern = models.ForeignKey(
        "messaging.Concern",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("concern"),
    )
    reason = models.TextField(_("reason"), max_length=REASON_MAX)
    created_at = models.DateTimeField(_("opened"))
    expires_at = models.DateTimeField(_("readable until"))

    objects = ConversationAccessQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("conversation access")
        verbose_name_plural = _("conversation accesses")
        indexes = [models.Index(fields=["mentorship", "admin", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.mentorship_id} · {self.created_at:%Y-%m-%d %H:%M}"
