import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .states import EnrolmentStatus, ProgramStatus


class Kind(models.TextChoices):
    ONE_TO_ONE = "one_to_one", _("One-to-one")
    GROUP = "group", _("Group")
    PEER = "peer", _("Peer")
    REVERSE = "reverse", _("Reverse")
    FLASH = "flash", _("Flash")


class Cadence(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    FORTNIGHTLY = "fortnightly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")
    AS_NEEDED = "as_needed", _("As needed")


class MatchingMode(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator matches")
    MENTEE_CHOICE = "mentee_choice", _("Mentees choose")
    HYBRID = "hybrid", _("Hybrid")


class EnrolmentMode(models.TextChoices):
    OPEN = "open", _("Open")
    APPLICATION = "application", _("Application with approval")
    INVITATION = "invitation", _("Invitation only")


class Role(models.TextChoices):
    MENTOR = "mentor", _("Mentor")
    MENTEE = "mentee", _("Mentee")
    PEER = "peer", _("Peer")


class NudgeRule(models.TextChoices):
    """The reminders a program can send when a mentorship stalls (engagement/nudges.py)."""

    NO_MEETING = "no_meeting", _("No meeting for a while")
    REQUEST_UNANSWERED = "request_unanswered", _("A mentorship request left unanswered")
    AGREEMENT_UNSIGNED = "agreement_unsigned", _("The agreement not signed")
    CHECKIN_OVERDUE = "checkin_overdue", _("A check-in missed")
    GOAL_OVERDUE = "goal_overdue", _("A goal past its target date")


def _all_nudge_rules() -> list[str]:
    return list(NudgeRule.values)


def validate_nudge_rules(value) -> None:
    if not isinstance(value, list) or any(rule not in NudgeRule.values for rule in value):
        raise ValidationError(_("Choose reminders from the list."))


def _days(default: int, low: int, high: int, label, help_text) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        label,
        default=default,
        validators=[MinValueValidator(low), MaxValueValidator(high)],
        help_text=help_text,
    )


class ProgramQuerySet(models.QuerySet):
    def coordinated_by(self, user):
        if user.is_superuser:
            return self
        return self.filter(coordinators=user)

    def visible_to(self, user):
        """Programs a person may see: open ones, their own, and those they coordinate."""
        q = models.Q(status=ProgramStatus.ENROLLING) & ~models.Q(
            enrolment_mode=EnrolmentMode.INVITATION
        )
        if user.is_authenticated:
            if user.is_superuser:
                return self
            mine = models.Q(coordinators=user) | models.Q(enrolments__user=user)
            return self.filter(pk__in=self.model.objects.filter(q | mine).values("pk"))
        return self.filter(q)


class Program(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(
        _("short name"),
        max_length=60,
        unique=True,
        help_text=_("Used in the program's web address."),
    )
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.ONE_TO_ONE)
    status = models.CharField(
        _("status"), max_length=20, choices=ProgramStatus.choices, default=ProgramStatus.DRAFT
    )
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    meeting_cadence = models.CharField(
        _("expected meeting cadence"),
        max_length=20,
        choices=Cadence.choices,
        default=Cadence.FORTNIGHTLY,
    )
    default_mentor_capacity = models.PositiveSmallIntegerField(
        _("default mentor capacity"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many mentees a mentor takes unless they say otherwise."),
    )
    matching_mode = models.CharField(
        _("matching mode"),
        max_length=20,
        choices=MatchingMode.choices,
        default=MatchingMode.COORDINATOR,
    )
    enrolment_mode = models.CharField(
        _("enrolment mode"),
        max_length=20,
        choices=EnrolmentMode.choices,
        default=EnrolmentMode.APPLICATION,
    )
    max_open_requests = models.PositiveSmallIntegerField(
        _("open requests per mentee"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("In programs where mentees choose: how many mentors a mentee may ask at once."),
    )
    request_expiry_days = models.PositiveSmallIntegerField(
        _("days before a request expires"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("A request a mentor has not answered by then expires, and both are told."),
    )
    forward_requests = models.BooleanField(
        _("pass requests on to the next choice"),
        default=True,
        help_text=_(
            "When a request is declined or expires, send it on to the next mentor on the "
            "mentee’s list of choices, if they made one."
        ),
    )
    agreement_template = models.JSONField(
        _("agreement template"),
        default=dict,
        blank=True,
        help_text=_(
            "The text each mentorship's agreement starts from, by section; a section left out "
            "uses the default wording."
        ),
    )
    alert_webhook_url = models.URLField(
        _("alert webhook"),
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_(
            "An incoming webhook (Slack, Microsoft Teams, Mattermost…) that also receives "
            "coordinator alerts: requests for help, concerns, pairs at risk. Leave empty for none."
        ),
    )
    # Reminders: which ones are sent, after how long, and when the coordinators are told.
    nudge_rules = models.JSONField(
        _("reminders"),
        default=_all_nudge_rules,
        blank=True,
        validators=[validate_nudge_rules],
        help_text=_("The reminders sent to participants when a mentorship stalls."),
    )
    nudge_no_meeting_days = _days(
        21,
        7,
        180,
        _("days without a meeting"),
        _("Remind a pair after this many days without a meeting (7 to 180)."),
    )
    nudge_request_days = _days(
        3,
        1,
        60,
        _("days a request waits"),
        _("Remind a mentor of a request unanswered for this many days (1 to 60)."),
    )
    nudge_agreement_days = _days(
        7,
        1,
        90,
        _("days to sign the agreement"),
        _("Remind the members who have not signed this many days after the start (1 to 90)."),
    )
    nudge_escalate_days = _days(
        7,
        1,
        60,
        _("days before a second reminder"),
        _("Send a second reminder if nothing changed this many days later (1 to 60)."),
    )
    nudge_flag_days = _days(
        7,
        1,
        60,
        _("days before the coordinators are told"),
        _(
            "Flag the pair for the coordinators if nothing changed this many days after the "
            "second reminder (1 to 60)."
        ),
    )
    # Closure (mentorships/closure.py): how long before the end date each pair hears of it.
    closure_notice_days = _days(
        14,
        1,
        60,
        _("days of notice before the end"),
        _(
            "Tell each pair this many days before the end date that their mentorship will "
            "close then (1 to 60)."
        ),
    )
    # Flash programs: the booking rules of office hours (flash/services.py).
    flash_bookings_per_month = _days(
        2,
        1,
        31,
        _("bookings per mentee per month"),
        _("How many sessions a mentee may book in one calendar month (1 to 31)."),
    )
    flash_min_notice_hours = _days(
        12,
        0,
        168,
        _("minimum notice in hours"),
        _("A session can be booked until this many hours before it starts (0 to 168)."),
    )
    flash_cancel_hours = _days(
        4,
        0,
        168,
        _("cancellation window in hours"),
        _("A booking can be cancelled until this many hours before the session (0 to 168)."),
    )
    flash_mentorship_requests = models.BooleanField(
        _("mentees may ask for a longer mentorship"),
        default=False,
        help_text=_(
            "After a session, the mentee may ask the mentor for a longer mentorship; the "
            "mentor answers the request as in any program where mentees choose."
        ),
    )
    # Privacy (privacy/retention.py): months after archiving before the pairs' private content
    # (messages, notes, free text) is purged; empty keeps it.
    retention_months = models.PositiveSmallIntegerField(
        _("months to keep private content after archiving"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text=_(
            "Messages, meeting notes and the free text of check-ins and feedback are deleted this "
            "many months after the program is archived; counts and ratings stay. Leave empty to "
            "keep them."
        ),
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    content_purged_at = models.DateTimeField(
        _("private content purged"), null=True, blank=True, editable=False
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        related_name="coordinated_programs",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgramQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="program_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": _("The end date must be on or after the start date.")}
            )

    @property
    def mentees_choose(self) -> bool:
        return self.matching_mode in (MatchingMode.MENTEE_CHOICE, MatchingMode.HYBRID)

    @property
    def takes_requests_after_sessions(self) -> bool:
        """A flash program whose mentees may ask a mentor they met for a longer mentorship."""
        return self.kind == Kind.FLASH and self.flash_mentorship_requests

    @property
    def coordinator_matches(self) -> bool:
        return self.matching_mode in (MatchingMode.COORDINATOR, MatchingMode.HYBRID)

    @property
    def roles(self) -> list[str]:
        """The roles people take in this kind of program."""
        if self.kind == Kind.PEER:
            return [Role.PEER]
        return [Role.MENTOR, Role.MENTEE]


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    SCALE = "scale", _("Scale 1–5")
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    PROFILE = "profile", _("Profile field")


class ProfileField(models.TextChoices):
    SKILLS = "skills", _("Skills")
    INTERESTS = "interests", _("Interests")
    SENIORITY = "seniority", _("Seniority level")
    TIMEZONE = "timezone", _("Time zone")
    LANGUAGES = "languages", _("Languages")
    LOCATION = "location", _("Location")
    ORGANISATION = "organisation", _("Organisation")
    DEPARTMENT = "department", _("Department")
    JOB_TITLE = "job_title", _("Job title")
    AVAILABILITY = "availability", _("Weekly availability")


class Rule(models.TextChoices):
    SAME = "same", _("Same")
    OVERLAP = "overlap", _("Overlap")
    DIFFERENT = "different", _("Different")
    ABOVE = "above", _("Mentor above mentee")
    NEAR = "near", _("Near")
    AVAILABILITY = "availability", _("Availability overlap")
    TEXT = "text", _("Text similarity")


class Question(models.Model):
    """One question of a program's intake form, asked of one role.

    A question may also be a matching criterion: it is paired with a question asked of the
    other role, compared by a rule, weighted, and possibly required (a pair scoring 0 on a
    required criterion is never matched).
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="questions")
    role = models.CharField(_("asked of"), max_length=10, choices=Role.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=QuestionKind.choices)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    min_value = models.FloatField(_("minimum"), null=True, blank=True)
    max_value = models.FloatField(_("maximum"), null=True, blank=True)
    profile_field = models.CharField(
        _("profile field"), max_length=20, choices=ProfileField.choices, blank=True
    )
    required = models.BooleanField(_("answer required"), default=False)
    is_criterion = models.BooleanField(_("use for matching"), default=False)
    paired_with = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compared with"),
        help_text=_("The question asked of the other role that this answer is compared with."),
    )
    rule = models.CharField(_("matching rule"), max_length=20, choices=Rule.choices, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=5, validators=[MaxValueValidator(10)]
    )
    match_required = models.BooleanField(
        _("required for a match"),
        default=False,
        help_text=_("Never match a pair that scores zero on this criterion."),
    )
    tolerance = models.FloatField(
        _("tolerance"),
        null=True,
        blank=True,
        help_text=_("For the “near” rule: the distance at which the score reaches zero."),
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "Answers are used only in aggregate, to check that no group is matched worse; "
            "they are never shown person by person."
        ),
    )

    class Meta:
        ordering = ["program", "role", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "role", "label"], name="question_label_unique_per_role"
            ),
            models.CheckConstraint(
                condition=models.Q(weight__lte=10), name="question_weight_max_10"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class EnrolmentQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status__in=[EnrolmentStatus.DECLINED, EnrolmentStatus.WITHDRAWN])

    def approved(self):
        return self.filter(status=EnrolmentStatus.APPROVED)


class Enrolment(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many mentees you can take on."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=EnrolmentStatus.choices, default=EnrolmentStatus.APPLIED
    )
    intake_completed_at = models.DateTimeField(_("intake form completed"), null=True, blank=True)
    created_at = models.DateTimeField(_("applied"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.TextField(_("note to the applicant"), blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        ordering = ["program", "role", "created_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["program", "user"], name="one_enrolment_per_person_per_program"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.program}"


class Answer(models.Model):
    """An answer to an intake question; `value` is a string, number or list as the question asks."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    value = models.JSONField(_("answer"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "question"], name="one_answer_per_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question}: {self.value}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )

    def by_token(self, token: str):
        return self.filter(token_hash=hash_token(token))


class Invitation(models.Model):
    """A link that lets one email address join a program in a given role, until it expires.

    Only a hash of the token is stored, so a leaked database does not leak working links.
    """

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    capacity = models.PositiveSmallIntegerField(_("capacity"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="accepted_invitations",
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.program}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def status(self) -> str:
        """pending, accepted, revoked or expired: what a coordinator sees in the list."""
        if self.accepted_at is not None:
            return "accepted"
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.is_expired else "pending"

    def get_status_display(self) -> str:
        return {
            "accepted": _("Accepted"),
            "revoked": _("Revoked"),
            "expired": _("Expired"),
            "pending": _("Pending"),
        }[self.status]
