from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .states import OPEN, Answer, IntroductionStatus


class Scope(models.TextChoices):
    PROGRAM = "program", _("People in my programs")
    SITE = "site", _("Everyone signed in to this site")


class DirectoryListing(models.Model):
    """A person's opt-in entry in the directory. Nobody is listed until they choose to be."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="directory_listing"
    )
    listed = models.BooleanField(_("list me in the directory"), default=False)
    scope = models.CharField(
        _("who can find me"), max_length=10, choices=Scope.choices, default=Scope.PROGRAM
    )
    blurb = models.TextField(_("about me"), blank=True, max_length=1000)
    open_to = models.CharField(
        _("open to"),
        max_length=200,
        blank=True,
        help_text=_("For example: coffee chats, referrals, reviewing CVs."),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("directory listing")
        verbose_name_plural = _("directory listings")
        indexes = [models.Index(fields=["listed", "scope"])]

    def __str__(self) -> str:
        return str(self.user)


class IntroductionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=OPEN)

    def involving(self, user):
        return self.filter(models.Q(introducer=user) | models.Q(mentee=user) | models.Q(other=user))


class Introduction(models.Model):
    """A mentor introduces one of their mentees to a third person; both must say yes."""

    introducer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="introductions_made",
        verbose_name=_("introduced by"),
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="introductions_as_mentee",
        verbose_name=_("mentee"),
    )
    other = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="introductions_as_other",
        verbose_name=_("introduced to"),
    )
    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="introductions"
    )
    note = models.TextField(_("why you should meet"), max_length=2000)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=IntroductionStatus.choices,
        default=IntroductionStatus.PROPOSED,
    )
    mentee_answer = models.CharField(
        _("mentee’s answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    other_answer = models.CharField(
        _("other person’s answer"), max_length=10, choices=Answer.choices, default=Answer.PENDING
    )
    mentee_answered_at = models.DateTimeField(null=True, blank=True)
    other_answered_at = models.DateTimeField(null=True, blank=True)
    connected_at = models.DateTimeField(_("connected"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = IntroductionQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        indexes = [models.Index(fields=["status", "created"])]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(mentee=models.F("other")),
                name="introduction_not_to_oneself",
            ),
            models.CheckConstraint(
                condition=~models.Q(introducer=models.F("other")),
                name="introduction_not_to_introducer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentee} ↔ {self.other}"


class Referral(models.Model):
    """A mentor's note that they recommended their mentee for an opportunity."""

    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="referrals_made",
        verbose_name=_("referred by"),
    )
    mentee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="referrals_received",
        verbose_name=_("mentee"),
    )
    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="referrals"
    )
    title = models.CharField(_("opportunity"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    link = models.URLField(_("link"), blank=True, max_length=500)
    note = models.TextField(_("note"), blank=True, max_length=2000)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return self.title
