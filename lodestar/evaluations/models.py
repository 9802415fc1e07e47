"""Evaluation: surveys (built by coordinators, sent on a schedule, answered named, for the
coordinators only, or anonymously), mutual feedback between the members of a mentorship, and
progress reviews that walk through each goal.

Anonymity is a property of what is stored, not of what is shown: an anonymous survey's
response keeps no link to its respondent or their mentorship (only the program, the survey and
the respondent's role), and its time is kept to the day. The assignment (who was asked, and
whether they answered) is stored apart, so reminders work without knowing what anybody said.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.mentorships.goal_states import GoalStatus


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    CLOSED = "closed", _("Closed")


class Anonymity(models.TextChoices):
    NAMED = "named", _("Named: coordinators and the pair see who answered what")
    CONFIDENTIAL = "confidential", _("Confidential: only coordinators see who answered what")
    ANONYMOUS = "anonymous", _("Anonymous: results only, for groups large enough")


class Audience(models.TextChoices):
    MENTEES = "mentees", _("Mentees (and peers)")
    MENTORS = "mentors", _("Mentors")
    EVERYONE = "everyone", _("Everyone in a mentorship")


class Anchor(models.TextChoices):
    PROGRAM_START = "program_start", _("Days after the program starts")
    MENTORSHIP_START = "mentorship_start", _("Days after each mentorship starts")
    MEETING_HELD = "meeting_held", _("After each meeting held")
    CLOSURE = "closure", _("When a mentorship closes")


class Survey(models.Model):
    program = models.ForeignKey(
        "programs.Program", on_delete=models.CASCADE, related_name="surveys"
    )
    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True, max_length=2000)
    template = models.CharField(_("made from template"), max_length=40, blank=True)
    audience = models.CharField(
        _("who is asked"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    anonymity = models.CharField(
        _("anonymity"), max_length=20, choices=Anonymity.choices, default=Anonymity.CONFIDENTIAL
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("smallest group shown"),
        default=5,
        validators=[MinValueValidator(3), MaxValueValidator(50)],
        help_text=_("Anonymous results of fewer respondents than this are never shown."),
    )
    anchor = models.CharField(
        _("when it is sent"), max_length=20, choices=Anchor.choices, default=Anchor.MENTORSHIP_START
    )
    offset_days = models.PositiveSmallIntegerField(
        _("after how many days"), default=30, validators=[MaxValueValidator(730)]
    )
    repeat_days = models.PositiveSmallIntegerField(
        _("then again every … days"),
        null=True,
        blank=True,
        validators=[MinValueValidator(7), MaxValueValidator(365)],
    )
    open_days = models.PositiveSmallIntegerField(
        _("days to answer"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("After this, an unanswered survey expires."),
    )
    remind_after_days = models.PositiveSmallIntegerField(
        _("reminder after … days"),
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # Meeting pulses are sent for meetings from this moment on, not for earlier ones.
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["program", "created_at", "id"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.title


class QuestionKind(models.TextChoices):
    LIKERT = "likert", _("Agreement, 1 to 5")
    NPS = "nps", _("Likelihood to recommend, 0 to 10")
    SINGLE = "single", _("One choice")
    MULTIPLE = "multiple", _("Several choices")
    TEXT = "text", _("Text")


class SurveyQuestion(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    text = models.CharField(_("question"), max_length=300)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["survey", "position", "id"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self) -> str:
        return self.text


class AssignmentStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    DONE = "done", _("Answered")
    EXPIRED = "expired", _("Expired")


class SurveyAssignment(models.Model):
    """One person asked to answer one survey once (about one mentorship, when it has one).
    `key` names the occasion (survey, person, mentorship, occurrence) so that the scheduler
    never asks twice for the same one."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="survey_assignments"
    )
    mentorship = models.ForeignKey(
        "mentorships.Mentorship",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="survey_assignments",
    )
    role = models.CharField(_("role"), max_length=10)
    key = models.CharField(_("occasion"), max_length=120, unique=True)
    # What the survey is about in time: the day counted from, the meeting held, the closure.
    occasion_at = models.DateTimeField(_("occasion date"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    due_at = models.DateTimeField(_("due"))
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.PENDING,
    )
    completed_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("survey assignment")
        verbose_name_plural = _("survey assignments")
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return self.key


class SurveyResponse(models.Model):
    """The answers of one respondent. Anonymous: no assignment, no mentorship, the day only."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    assignment = models.OneToOneField(
        SurveyAssignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="response",
    )
    mentorship = models.ForeignKey(
        "mentorships.Mentorship",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_responses",
    )
    role = models.CharField(_("role"), max_length=10)
    submitted_on = models.DateField(_("answered on"), default=timezone.localdate)

    class Meta:
        ordering = ["survey", "submitted_on", "id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.survey} ({self.submitted_on})"


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    number = models.SmallIntegerField(_("number"), null=True, blank=True)
    chosen = models.JSONField(_("choices"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True, max_length=5000)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(fields=["response", "question"], name="one_answer_a_question")
        ]

    def __str__(self) -> str:
        return f"{self.question_id}: {self.number if self.number is not None else self.text[:30]}"


class FeedbackPoint(models.TextChoices):
    MIDPOINT = "midpoint", _("Mid-point")
    END = "end", _("End")
    ANYTIME = "anytime", _("Any time")


class Visibility(models.TextChoices):
    SHARED = "shared", _("Shared with the person it is about")
    COORDINATORS = "coordinators", _("For the coordinators only")


class MutualFeedback(models.Model):
    """What one member thinks of the relationship and tells (or not) the other."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="feedback_given"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    about = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    point = models.CharField(_("when"), max_length=20, choices=FeedbackPoint.choices)
    rating = models.PositiveSmallIntegerField(
        _("how the relationship goes"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    went_well = models.TextField(_("what went well"), blank=True, max_length=3000)
    could_improve = models.TextField(_("what could be better"), blank=True, max_length=3000)
    visibility = models.CharField(
        _("who may read it"), max_length=20, choices=Visibility.choices, default=Visibility.SHARED
    )
    created_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        ordering = ["mentorship", "-created_at", "-id"]
        verbose_name = _("mutual feedback")
        verbose_name_plural = _("mutual feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "author", "about", "point"],
                condition=~models.Q(point="anytime"),
                name="feedback_once_per_point",
            )
        ]

    def __str__(self) -> str:
        return f"{self.author} → {self.about} ({self.point})"


class ProgressReview(models.Model):
    """A walk through each goal of a mentorship at one moment: where it stands, what changed."""

    mentorship = models.ForeignKey(
        "mentorships.Mentorship", on_delete=models.CASCADE, related_name="progress_reviews"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    summary = models.TextField(_("summary"), blank=True, max_length=5000)
    created_at = models.DateTimeField(_("reviewed"), default=timezone.now)

    class Meta:
        ordering = ["mentorship", "-created_at", "-id"]
        verbose_name = _("progress review")
        verbose_name_plural = _("progress reviews")

    def __str__(self) -> str:
        return f"{self.mentorship_id} @ {self.created_at:%Y-%m-%d}"


class ProgressReviewItem(models.Model):
    review = models.ForeignKey(ProgressReview, on_delete=models.CASCADE, related_name="items")
    goal = models.ForeignKey("mentorships.Goal", on_delete=models.CASCADE, related_name="+")
    status_before = models.CharField(_("status before"), max_length=20)
    status_after = models.CharField(_("status after"), max_length=20)
    progress_before = models.PositiveSmallIntegerField(_("progress before"))
    progress_after = models.PositiveSmallIntegerField(
        _("progress after"), validators=[MaxValueValidator(100)]
    )
    note = models.TextField(_("what changed"), blank=True, max_length=2000)

    class Meta:
        verbose_name = _("progress review item")
        verbose_name_plural = _("progress review items")
        constraints = [models.UniqueConstraint(fields=["review", "goal"], name="one_item_a_goal")]

    def __str__(self) -> str:
        return f"{self.goal_id}: {self.status_before} → {self.status_after}"

    @property
    def status_before_label(self) -> str:
        return dict(GoalStatus.choices).get(self.status_before, self.status_before)

    @property
    def status_after_label(self) -> str:
        return dict(GoalStatus.choices).get(self.status_after, self.status_after)

    @property
    def changed(self) -> bool:
        before = (self.status_before, self.progress_before)
        return before != (self.status_after, self.progress_after)
