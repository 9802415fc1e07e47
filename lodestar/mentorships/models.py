from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lodestar.programs.models import Enrolment, Program, Role

from .states import HOLDS_A_SEAT, MentorshipStatus, Response


class Origin(models.TextChoices):
    ALGORITHM = "algorithm", _("Matching run")
    SELF_MATCH = "self_match", _("Mentee’s request")
    MANUAL = "manual", _("Coordinator")


class MentorshipQuerySet(models.QuerySet):
    def holding_seats(self):
        return self.filter(status__in=HOLDS_A_SEAT)

    def for_user(self, user):
        return self.filter(memberships__user=user).distinct()

    def in_program(self, program):
        return self.filter(program=program)


class Mentorship(models.Model):
    """A mentoring relationship: one mentor and one mentee usually; one mentor and several
    mentees in a group program's circle; two peers in a peer program."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="mentorships")
    origin = models.CharField(_("how it was made"), max_length=20, choices=Origin.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=MentorshipStatus.choices,
        default=MentorshipStatus.PROPOSED,
    )
    match_run = models.ForeignKey(
        "matches.MatchRun",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mentorships",
        verbose_name=_("matching run"),
    )
    score = models.FloatField(_("match score"), null=True, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    planned_end_date = models.DateField(_("planned end date"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    end_reason = models.TextField(_("why it ended"), blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override_reason = models.TextField(
        _("why the warnings were overridden"),
        blank=True,
        help_text=_(
            "Recorded when a coordinator made a pair despite a capacity or criterion warning."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mentorship")
        verbose_name_plural = _("mentorships")
        indexes = [models.Index(fields=["program", "status"])]

    def __str__(self) -> str:
        names = ", ".join(m.user.display_name for m in self.memberships.all())
        return f"{names} ({self.program})"

    def members_in(self, role: str) -> list["Membership"]:
        return [m for m in self.memberships.all() if m.role == role]

    @property
    def mentors(self) -> list["Membership"]:
        return self.members_in(Role.MENTOR)

    @property
    def mentees(self) -> list["Membership"]:
        return self.members_in(Role.MENTEE)


class Membership(models.Model):
    """One person's place in a mentorship, and their answer when it was proposed to them."""

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="memberships")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    response = models.CharField(
        _("answer"), max_length=10, choices=Response.choices, default=Response.PENDING
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)

    class Meta:
        ordering = ["mentorship", "role", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["mentorship", "user"], name="one_membership_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"
