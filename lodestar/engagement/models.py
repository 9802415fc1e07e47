from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a person should know, shown in the app (and usually emailed too).

    The text is not stored: `kind` names an entry of notices.NOTICES and `params` fills it, so
    each reader sees it in their own language.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        from .notices import render

        return render(self.kind, self.params)


# Support and encouragement (issue 5) ---------------------------------------------------------


class Mood(models.IntegerChoices):
    VERY_BADLY = 1, _("1 — very badly")
    BADLY = 2, _("2 — badly")
    SO_SO = 3, _("3 — so-so")
    WELL = 4, _("4 — well")
    VERY_WELL = 5, _("5 — very well")


class CheckIn(models.Model):
    """One member's check-in for one period of their mentorship (the program's cadence cuts
    the mentorship into periods from its start date). Private to its author; the program's
    coordinators see the mood and the help flag, and the words only when help was asked for."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="checkins"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField(_("period starting"))
    mood = models.PositiveSmallIntegerField(_("how it is going"), choices=Mood.choices)
    progress = models.TextField(_("progress"), blank=True, max_length=2000)
    blockers = models.TextField(_("what is in the way"), blank=True, max_length=2000)
    wants_contact = models.BooleanField(
        _("I would like the coordinator to get in touch"), default=False
    )
    created_at = models.DateTimeField(_("checked in"), default=timezone.now)
    handled_at = models.DateTimeField(_("help request handled"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        indexes = [models.Index(fields=["mentorship", "user", "period_start"])]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "user", "period_start"], name="one_checkin_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(mood__gte=1, mood__lte=5), name="checkin_mood_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.period_start} · {self.mood}"

    @property
    def help_open(self) -> bool:
        return self.wants_contact and self.handled_at is None


class CheckInInvitation(models.Model):
    """That a member was invited to check in for a period: sent once, whatever runs again."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField(_("period starting"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        verbose_name = _("check-in invitation")
        verbose_name_plural = _("check-in invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "user", "period_start"], name="one_checkin_invitation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.period_start}"


KUDOS_MAX = 280


class Kudos(models.Model):
    """A word of thanks or praise from one member of a mentorship to another."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="kudos"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("from")
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("to")
    )
    message = models.CharField(_("message"), max_length=KUDOS_MAX)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("kudos")
        verbose_name_plural = _("kudos")
        indexes = [models.Index(fields=["mentorship", "created_at"])]

    def __str__(self) -> str:
        return self.message


class CelebrationKind(models.TextChoices):
    FIRST_MEETING = "first_meeting", _("First meeting")
    GOAL_ACHIEVED = "goal_achieved", _("Goal achieved")
    HOURS_5 = "hours_together_5", _("5 hours together")
    HOURS_10 = "hours_together_10", _("10 hours together")
    HOURS_20 = "hours_together_20", _("20 hours together")


class Celebration(models.Model):
    """A milestone of a mentorship, noticed by the app: each one once (its `key`)."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="celebrations"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=CelebrationKind.choices)
    key = models.CharField(_("key"), max_length=60)
    goal = models.ForeignKey(
        "mentorships.Goal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("celebration")
        verbose_name_plural = _("celebrations")
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "key"], name="one_celebration_per_key")
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """What members read (names a goal's title: not for coordinators' eyes)."""
        if self.kind == CelebrationKind.FIRST_MEETING:
            return str(_("your first meeting together"))
        if self.kind == CelebrationKind.GOAL_ACHIEVED:
            if self.goal is not None:
                return str(_("goal achieved — “%(title)s”") % {"title": self.goal.title})
            return str(_("a goal achieved"))
        return str(_("%(hours)s hours together") % {"hours": self.kind.rsplit("_", 1)[-1]})


# Notification preferences (issue 5 item 7) ---------------------------------------------------


class NotificationPreference(models.Model):
    """How one person wants one category of notices (notices.CATEGORIES): no row means both on."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(_("category"), max_length=30)
    email = models.BooleanField(_("by email"), default=True)
    in_app = models.BooleanField(_("in the app"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "category"], name="one_preference_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.category}"


# Nudges, flags, health and the scheduler (issue 5) --------------------------------------------


class NudgeLevel(models.IntegerChoices):
    REMINDER = 1, _("reminder")
    ESCALATION = 2, _("second reminder")


class Nudge(models.Model):
    """One reminder sent to one person for one cause, at one level: never twice.

    `cause` names what is wrong and since when ("no_meeting:<mentorship>:<since>"), so a cause
    that resolves and comes back later is a new cause with its own chain."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(_("rule"), max_length=30)
    cause = models.CharField(_("cause"), max_length=120)
    level = models.PositiveSmallIntegerField(_("level"), choices=NudgeLevel.choices)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("nudge")
        verbose_name_plural = _("nudges")
        indexes = [models.Index(fields=["cause"])]
        constraints = [
            models.UniqueConstraint(fields=["user", "cause", "level"], name="one_nudge_per_level")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.cause} · {self.level}"


class PairFlag(models.Model):
    """A cause that outlived both reminders: the program's coordinators should step in.
    Resolved (resolved_at) by the first run that finds the cause gone."""

    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="+")
    mentorship = models.ForeignKey(
        "mentorships.Mentorship",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="flags",
    )
    rule = models.CharField(_("rule"), max_length=30)
    cause = models.CharField(_("cause"), max_length=120, unique=True)
    created_at = models.DateTimeField(_("flagged"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        indexes = [models.Index(fields=["program", "resolved_at"])]

    def __str__(self) -> str:
        return self.cause


class HealthStatus(models.TextChoices):
    AT_RISK = "at_risk", _("At risk")
    QUIET = "quiet", _("Quiet")
    HEALTHY = "healthy", _("Healthy")


class PairHealth(models.Model):
    """The latest hourly health of a mentorship, kept to know since when it is so."""

    mentorship = models.OneToOneField(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="health"
    )
    status = models.CharField(_("health"), max_length=10, choices=HealthStatus.choices)
    since = models.DateTimeField(_("since"), default=timezone.now)
    checked_at = models.DateTimeField(_("checked"), default=timezone.now)

    class Meta:
        verbose_name = _("pair health")
        verbose_name_plural = _("pair health")

    def __str__(self) -> str:
        return f"{self.mentorship_id} · {self.status}"


class ScheduledJobRun(models.Model):
    """When the scheduler last started each periodic job (claimed with a conditional update,
    so two schedulers never both start it) and when a run last finished (a run that never
    finished is started again soon, without waiting for the whole interval)."""

    name = models.CharField(_("job"), max_length=60, unique=True)
    last_run_at = models.DateTimeField(_("last run"), null=True, blank=True)
    finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")

    def __str__(self) -> str:
        return self.name
