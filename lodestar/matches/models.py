from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from lodestar.programs.models import Enrolment, Program

from .states import RequestStatus, RunStatus


class Solver(models.TextChoices):
    OPTIMAL = "optimal", _("Optimal — the largest total score")
    FAIR = "fair", _("Fair — the best lowest score for at most 0.01 % of the total")
    STABLE = "stable", _("Stable — nobody would both rather swap")
    GREEDY = "greedy", _("Greedy — each mentee in turn takes the best mentor left")


class MatchRun(models.Model):
    """One run of the matching engine over a program, with everything needed to audit it:
    the inputs as they were (criteria, weights, solver, participants, pins, exclusions), the
    metrics, the proposals, and the unmatched with their reasons."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="match_runs")
    number = models.PositiveIntegerField(_("run number"))
    solver = models.CharField(_("method"), max_length=20, choices=Solver.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    notes = models.JSONField(_("notes"), default=list, blank=True)
    # [{"enrolment": id, "reason": text}] for each mentee left without a mentor.
    unmatched = models.JSONField(_("unmatched"), default=list, blank=True)
    # {mentor enrolment id: scarcity price}: how contested each mentor's seats were.
    prices = models.JSONField(_("scarcity prices"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_at = models.DateTimeField(_("running since"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["program", "-number"]
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="run_number_unique")
        ]

    def __str__(self) -> str:
        return _("Run %(number)s of %(program)s") % {"number": self.number, "program": self.program}


class ProposalSource(models.TextChoices):
    SOLVER = "solver", _("Proposed by the engine")
    PINNED = "pinned", _("Pinned")
    EDITED = "edited", _("Changed by hand")


class Proposal(models.Model):
    """A pair a run proposes, with its score and each criterion's points."""

    run = models.ForeignKey(MatchRun, on_delete=models.CASCADE, related_name="proposals")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField(_("score"))
    breakdown = models.JSONField(_("points by criterion"), default=dict, blank=True)
    source = models.CharField(
        _("source"), max_length=10, choices=ProposalSource.choices, default=ProposalSource.SOLVER
    )

    class Meta:
        ordering = ["run", "-score", "id"]
        verbose_name = _("proposed pair")
        verbose_name_plural = _("proposed pairs")
        constraints = [
            models.UniqueConstraint(fields=["run", "mentee"], name="one_proposal_per_mentee")
        ]

    def __str__(self) -> str:
        return f"{self.mentee.user} ↔ {self.mentor.user} ({self.score:.0f})"


class Pin(models.Model):
    """“Keep this pair”: every run of the program proposes it."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="pins")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pinned pair")
        verbose_name_plural = _("pinned pairs")
        constraints = [
            models.UniqueConstraint(fields=["program", "mentee"], name="one_pin_per_mentee")
        ]

    def __str__(self) -> str:
        return f"{self.mentee.user} ↔ {self.mentor.user} (pinned)"


class ExclusionSource(models.TextChoices):
    COORDINATOR = "coordinator", _("Excluded by a coordinator")
    REMATCH = "rematch", _("Ended early")
    DECLINED = "declined", _("Declined")


class Exclusion(models.Model):
    """“Never match these two” in this program, remembered across runs and requests."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="exclusions")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    source = models.CharField(
        _("why"),
        max_length=12,
        choices=ExclusionSource.choices,
        default=ExclusionSource.COORDINATOR,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("excluded pair")
        verbose_name_plural = _("excluded pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "mentee", "mentor"], name="one_exclusion_per_pair"
            )
        ]

    def __str__(self) -> str:
        return f"{self.mentee.user} ≠ {self.mentor.user}"


class MentorshipRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=RequestStatus.OPEN)


class MentorshipRequest(models.Model):
    """A mentee asking a mentor, in a program where mentees choose."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="requests")
    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="requests_sent")
    mentor = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="requests_received"
    )
    message = models.TextField(_("message"), max_length=2000)
    status = models.CharField(
        _("status"), max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # Why it was withdrawn, when the system withdrew it (the mentee was matched elsewhere).
    closed_note = models.CharField(max_length=200, blank=True)
    forwarded_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mentorship = models.ForeignKey(
        "mentorships.Mentorship",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )

    objects = MentorshipRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("mentorship request")
        verbose_name_plural = _("mentorship requests")
        constraints = [
            # A mentee has at most one open request to a given mentor.
            models.UniqueConstraint(
                fields=["mentee", "mentor"],
                condition=models.Q(status=RequestStatus.OPEN),
                name="one_open_request_per_pair",
            )
        ]
        indexes = [models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.mentee.user} → {self.mentor.user} ({self.get_status_display()})"


class RequestMessage(models.Model):
    """A question the mentor asks about a request before deciding, or the mentee's answer."""

    request = models.ForeignKey(
        MentorshipRequest, on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    body = models.TextField(_("message"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("request message")
        verbose_name_plural = _("request messages")

    def __str__(self) -> str:
        return f"{self.author}: {self.body[:40]}"


class Choice(models.Model):
    """A mentor on a mentee's ordered list of next choices: where a declined or expired request
    goes next, when the program forwards requests."""

    mentee = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="choices")
    mentor = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(_("position"))

    class Meta:
        ordering = ["mentee", "position", "id"]
        verbose_name = _("next choice")
        verbose_name_plural = _("next choices")
        constraints = [
            models.UniqueConstraint(fields=["mentee", "mentor"], name="one_choice_per_mentor")
        ]

    def __str__(self) -> str:
        return f"{self.mentee.user}: {self.position}. {self.mentor.user}"
