"""The resource library (per program, plus site-wide entries), mentors' recommendations to
their mentees, and requests for feedback on a piece of work with their comments.

Recommendation notes, feedback questions, texts, files and comments belong to the mentorship's
members. Coordinators see counts only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.core.models import Tag
from lodestar.core.uploads import stored_name
from lodestar.mentorships.models import Mentorship
from lodestar.programs.models import Program

from .states import FeedbackStatus, RecommendationStatus

TITLE_MAX = 200
DESCRIPTION_MAX = 2000
URL_MAX = 500
NOTE_MAX = 1000
QUESTION_MAX = 2000
WORK_TEXT_MAX = 20000
COMMENT_MAX = 5000


def _random_path(folder: str, filename: str) -> str:
    """A random file name: the name a person gave their file is kept in `file_name` and never
    reaches the file system or a URL."""
    return stored_name(folder, filename)


def resource_path(resource, filename: str) -> str:
    return _random_path("resources", filename)


def work_path(request, filename: str) -> str:
    return _random_path("feedback", filename)


class ResourceKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    VIDEO = "video", _("Video")
    COURSE = "course", _("Course")
    BOOK = "book", _("Book")
    TEMPLATE = "template", _("Template")
    FILE = "file", _("File")


class ResourceQuerySet(models.QuerySet):
    def for_program(self, program: Program):
        """The program's own resources and the site-wide ones."""
        return self.filter(Q(program=program) | Q(program__isnull=True))

    def shown(self):
        return self.filter(hidden=False)


class Resource(models.Model):
    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("program"),
        help_text=_("Empty: the resource is offered to every program."),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ResourceKind.choices)
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    url = models.URLField(_("link"), max_length=URL_MAX, blank=True)
    file = models.FileField(_("file"), upload_to=resource_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    description = models.TextField(_("description"), max_length=DESCRIPTION_MAX, blank=True)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="resources")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    hidden = models.BooleanField(
        _("hidden"), default=False, help_text=_("Hidden resources are not offered any more.")
    )

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        indexes = [models.Index(fields=["program", "hidden", "-created_at"])]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.Model):
    """A mentor points one of their mentees at a resource; the mentee keeps track of it."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="recommendations")
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="recommendations"
    )
    from_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recommended by"),
    )
    to_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="recommendations",
        verbose_name=_("recommended to"),
    )
    note = models.TextField(_("note"), max_length=NOTE_MAX, blank=True)
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RecommendationStatus.choices,
        default=RecommendationStatus.NEW,
    )
    rating = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    created_at = models.DateTimeField(_("recommended"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        constraints = [
            models.UniqueConstraint(
                fields=["resource", "mentorship", "to_user"], name="recommend_once_per_mentee"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="recommendation_rating_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} → {self.to_user}"


class WorkFeedbackRequest(models.Model):
    mentorship = models.ForeignKey(
        Mentorship, on_delete=models.CASCADE, related_name="feedback_requests"
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    question = models.TextField(_("question"), max_length=QUESTION_MAX)
    link = models.URLField(_("link to the work"), max_length=500, blank=True)
    text = models.TextField(_("the work"), max_length=WORK_TEXT_MAX, blank=True)
    file = models.FileField(_("file"), upload_to=work_path, max_length=200, blank=True)
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_size = models.PositiveBigIntegerField(_("file size"), null=True, blank=True)
    file_type = models.CharField(_("file type"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    created_at = models.DateTimeField(_("asked"), default=timezone.now)
    answered_at = models.DateTimeField(_("first answered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request for feedback")
        verbose_name_plural = _("requests for feedback")

    def __str__(self) -> str:
        return self.title


class FeedbackComment(models.Model):
    request = models.ForeignKey(
        WorkFeedbackRequest, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("author"),
    )
    body = models.TextField(_("comment"), max_length=COMMENT_MAX)
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return _("Comment #%(pk)s") % {"pk": self.pk}
