from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.programs.models import Enrolment, Program, Role

from .goal_states import GoalStatus
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


class FormerMember(models.Model):
    """Someone who left a circle before it ended: removed or moved by a coordinator.

    Their Membership row is deleted when they leave, and this row keeps the history. Deleting
    rather than marking the membership (a `left_at`) is deliberate: every page, feed, digest and
    unread count decides who belongs to a mentorship by its memberships, so a former member loses
    the workspace, the conversation and the calendar everywhere at once, with no query left to
    forget a filter. What they wrote (messages, comments, notes) stays with the circle.
    """

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="former_members"
    )
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    left_at = models.DateTimeField(_("left"), default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("removed by"),
    )
    reason = models.TextField(_("why they left"), blank=True)
    moved_to = models.ForeignKey(
        Mentorship,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("moved to"),
    )

    class Meta:
        ordering = ["mentorship", "left_at", "id"]
        verbose_name = _("former member")
        verbose_name_plural = _("former members")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.left_at:%Y-%m-%d})"


# The agreement -------------------------------------------------------------------------------


class AgreementVersion(models.Model):
    """One version of a mentorship's agreement: the text of each section, keyed by section.

    Versions are numbered from 1 and the highest is the current one. While nobody has signed
    it, the current version is a draft that edits change in place; once anyone has signed, an
    edit makes the next version and everybody signs again. Earlier versions stay as they were.
    """

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="agreement_versions"
    )
    number = models.PositiveIntegerField(_("version"))
    sections = models.JSONField(_("sections"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    agreed_at = models.DateTimeField(
        _("agreed"),
        null=True,
        blank=True,
        help_text=_("When the last member signed this version."),
    )

    class Meta:
        ordering = ["mentorship", "number"]
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "number"], name="agreement_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentorship_id} v{self.number}"


class AgreementSignature(models.Model):
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="signatures"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)

    class Meta:
        ordering = ["version", "signed_at", "id"]
        verbose_name = _("agreement signature")
        verbose_name_plural = _("agreement signatures")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"], name="one_signature_per_person_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — v{self.version.number}"


# Goals ---------------------------------------------------------------------------------------


class GoalQuerySet(models.QuerySet):
    def accepted(self):
        return self.filter(accepted=True)

    def suggestions(self):
        """Goals a member suggested that their owner has not answered yet."""
        return self.filter(accepted=False, declined_at__isnull=True)


class Goal(models.Model):
    """A goal of one mentee (or peer) in a mentorship, written the SMART way; or, in a group
    program's circle, a goal the whole circle shares (no owner).

    A goal the mentee writes is theirs at once. A goal another member suggests waits
    (accepted=False) until its owner accepts it, or declines it (declined_at). A shared goal is
    set by a mentor of the circle and never waits.
    """

    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="goals")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("whose goal"),
        help_text=_("Empty for a goal the whole circle shares."),
    )
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("why it matters and how"), blank=True)
    measure = models.TextField(_("measure of success"), blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=GoalStatus.choices, default=GoalStatus.NOT_STARTED
    )
    progress = models.PositiveSmallIntegerField(
        _("progress"), default=0, validators=[MaxValueValidator(100)], help_text=_("Percent.")
    )
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suggested by"),
    )
    accepted = models.BooleanField(_("accepted"), default=True)
    declined_at = models.DateTimeField(_("suggestion declined"), null=True, blank=True)
    achieved_at = models.DateTimeField(_("achieved"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = GoalQuerySet.as_manager()

    class Meta:
        ordering = ["mentorship", "created_at", "id"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        indexes = [models.Index(fields=["mentorship", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="goal_progress_at_most_100"
            ),
            # Only a person answers a suggestion: a shared goal is never one.
            models.CheckConstraint(
                condition=models.Q(owner__isnull=False) | models.Q(accepted=True),
                name="shared_goal_is_accepted",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_suggestion(self) -> bool:
        return not self.accepted and self.declined_at is None

    @property
    def is_shared(self) -> bool:
        return self.owner_id is None


class Milestone(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["goal", models.F("due_date").asc(nulls_last=True), "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class GoalComment(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        ordering = ["goal", "created_at", "id"]
        verbose_name = _("comment on a goal")
        verbose_name_plural = _("comments on goals")

    def __str__(self) -> str:
        return f"{self.author} on {self.goal_id}"


# Closure and transition (issue 6) ---------------------------------------------------------------


class ClosureReason(models.TextChoices):
    GOALS_ACHIEVED = "goals_achieved", _("Goals achieved")
    PROGRAM_ENDED = "program_ended", _("The program ended")
    MISMATCH = "mismatch", _("Not a good match")
    AVAILABILITY = "availability", _("No time or availability")
    OTHER = "other", _("Another reason")


class Outcome(models.TextChoices):
    COMPLETED = "completed", _("Completed")
    ENDED_EARLY = "ended_early", _("Ended early")


class Transition(models.TextChoices):
    CONTINUE_INFORMALLY = "continue_informally", _("Keep in touch informally")
    NEW_GOALS = "new_goals", _("New goals in a new cycle")
    NEW_MENTOR = "new_mentor", _("Ask for a new mentor")
    DONE = "done", _("Done for now")


class ClosureQuerySet(models.QuerySet):
    def open(self):
        """Closures still waiting for reflections: their mentorship is "closing". (A reopened
        closure is not open: its mentorship is active again.)"""
        return self.filter(mentorship__status=MentorshipStatus.CLOSING)


class Closure(models.Model):
    """The end of a mentorship, while its members reflect (mentorship "closing"), and after.
    Started by a member, a coordinator, or the program's end date (started_by empty). Reopened
    by a coordinator who closed it by mistake: the same row, finished_at cleared, reopened_at
    set, and the mentorship active again; a later closure starts this row over (closure.py)."""

    mentorship = models.OneToOneField(Mentorship, on_delete=models.CASCADE, related_name="closure")
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    reason = models.CharField(_("why it ends"), max_length=30, choices=ClosureReason.choices)
    reason_note = models.TextField(_("more about the reason"), blank=True, max_length=2000)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    reopened_at = models.DateTimeField(_("reopened"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminded_at = models.DateTimeField(
        _("reminder sent"),
        null=True,
        blank=True,
        help_text=_("When the members who had not reflected yet were reminded (once)."),
    )

    objects = ClosureQuerySet.as_manager()

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")

    def __str__(self) -> str:
        return f"{self.mentorship_id}: {self.get_outcome_display()}"


class Reflection(models.Model):
    """One member's look back: what they accomplished and learned, what they would do
    differently (read by that member and the coordinators), a gratitude note that the other
    members read, and what comes next."""

    closure = models.ForeignKey(Closure, on_delete=models.CASCADE, related_name="reflections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    accomplishments = models.TextField(_("what you accomplished"), max_length=5000)
    learned = models.TextField(_("what you learned"), blank=True, max_length=5000)
    differently = models.TextField(_("what you would do differently"), blank=True, max_length=5000)
    gratitude = models.TextField(_("a note of thanks"), blank=True, max_length=3000)
    transition = models.CharField(_("what comes next"), max_length=30, choices=Transition.choices)
    submitted_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["closure", "submitted_at", "id"]
        verbose_name = _("reflection")
        verbose_name_plural = _("reflections")
        constraints = [
            models.UniqueConstraint(fields=["closure", "user"], name="one_reflection_each")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.closure}"


class ClosureNotice(models.Model):
    """The notice that a mentorship will close at its program's end date, sent once for that
    date: the row is the claim, so two schedulers never send it twice. A program whose end date
    moves gets a notice for the new date."""

    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="closure_notices"
    )
    end_date = models.DateField(_("announced end date"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    class Meta:
        ordering = ["mentorship", "end_date"]
        verbose_name = _("closure notice")
        verbose_name_plural = _("closure notices")
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "end_date"], name="one_closure_notice_per_end_date"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentorship_id}: {self.end_date:%Y-%m-%d}"
