"""Evaluation in the admin: surveys, who was asked, what they answered, feedback and reviews.

Surveys are built, sent and closed by their program's coordinators through the services, which
keep every answer given to the same questions on the same terms (surveys.py): here only their
wording and timing can be fixed, and their questions are shown, not edited. Responses, feedback
and reviews are records of what people said: read-only. Deleting stays possible, so that a
person or a program can still be deleted.

Anonymous survey responses hold no link to their respondent (models.py); the admin shows none
either, not even the column, so that nothing invites looking for one.
"""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from lodestar.mentorships.models import Membership

from .models import (
    Anonymity,
    MutualFeedback,
    ProgressReview,
    ProgressReviewItem,
    Survey,
    SurveyAnswer,
    SurveyAssignment,
    SurveyQuestion,
    SurveyResponse,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


def _with_members(path: str) -> Prefetch:
    """The members of the mentorship at `path`, for a "pair" column in one more query."""
    members = Membership.objects.select_related("user").order_by("-role", "id")
    return Prefetch(f"{path}__memberships", queryset=members)


def _pair(mentorship) -> str:
    if mentorship is None:
        return "—"
    return ", ".join(m.user.display_name for m in mentorship.memberships.all())


# Surveys -----------------------------------------------------------------------------------------


class SurveyQuestionInline(ReadOnlyInline):
    model = SurveyQuestion
    fields = ["position", "kind", "text", "choices", "required"]
    readonly_fields = fields


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    inlines = [SurveyQuestionInline]
    list_display = ["title", "program", "template", "anonymity", "anchor", "status", "activated_at"]
    list_filter = ["status", "anonymity", "anchor", "program"]
    list_select_related = ["program"]
    search_fields = ["title", "program__name"]
    raw_id_fields = ["program", "created_by"]
    # Who is asked, how anonymously, when, and the state: the services' to change (surveys.py).
    readonly_fields = [
        "program",
        "template",
        "audience",
        "anonymity",
        "min_group_size",
        "anchor",
        "offset_days",
        "repeat_days",
        "status",
        "created_by",
        "created_at",
        "activated_at",
        "closed_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # coordinators make surveys, from a template or blank


@admin.register(SurveyAssignment)
class SurveyAssignmentAdmin(admin.ModelAdmin):
    list_display = ["survey", "user", "role", "status", "sent_at", "due_at", "completed_at"]
    list_filter = ["status", "role", "survey__program"]
    list_select_related = ["survey", "user"]
    search_fields = ["user__email", "user__name", "survey__title", "key"]
    raw_id_fields = ["survey", "user", "mentorship"]
    # A due date may be moved; the rest is the scheduler's and the respondent's record.
    readonly_fields = [
        "survey",
        "user",
        "mentorship",
        "role",
        "key",
        "occasion_at",
        "sent_at",
        "reminded_at",
        "status",
        "completed_at",
    ]
    date_hierarchy = "sent_at"

    def has_add_permission(self, request) -> bool:
        return False


class SurveyAnswerInline(ReadOnlyInline):
    model = SurveyAnswer
    fields = ["question", "number", "chosen", "text"]
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("question")
            .order_by("question__position", "question_id")
        )


@admin.register(SurveyResponse)
class SurveyResponseAdmin(ReadOnlyAdmin):
    inlines = [SurveyAnswerInline]
    list_display = ["survey", "program", "anonymity", "role", "submitted_on"]
    list_filter = ["survey__anonymity", "role", "survey__program"]
    list_select_related = ["survey__program"]
    search_fields = ["survey__title"]

    def get_fields(self, request, obj=None):
        fields = ["survey", "role", "submitted_on"]
        if obj is not None and obj.survey.anonymity != Anonymity.ANONYMOUS:
            fields += ["respondent", "mentorship"]
        return fields

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj)

    @admin.display(description=_("program"))
    def program(self, obj: SurveyResponse) -> str:
        return obj.survey.program.name

    @admin.display(description=_("anonymity"))
    def anonymity(self, obj: SurveyResponse) -> str:
        return obj.survey.get_anonymity_display().split(":")[0]

    @admin.display(description=_("respondent"))
    def respondent(self, obj: SurveyResponse) -> str:
        return str(obj.assignment.user) if obj.assignment_id else "—"


# Feedback and reviews ----------------------------------------------------------------------------


@admin.register(MutualFeedback)
class MutualFeedbackAdmin(ReadOnlyAdmin):
    list_display = ["author", "about", "program", "point", "rating", "visibility", "created_at"]
    list_filter = ["point", "visibility", "rating", "mentorship__program"]
    list_select_related = ["author", "about", "mentorship__program"]
    search_fields = ["author__email", "author__name", "about__email", "about__name"]
    fields = [
        "mentorship",
        "author",
        "about",
        "point",
        "rating",
        "visibility",
        "went_well",
        "could_improve",
        "created_at",
    ]
    readonly_fields = fields
    date_hierarchy = "created_at"

    @admin.display(description=_("program"))
    def program(self, obj: MutualFeedback) -> str:
        return obj.mentorship.program.name


class ProgressReviewItemInline(ReadOnlyInline):
    model = ProgressReviewItem
    fields = [
        "goal",
        "status_before",
        "status_after",
        "progress_before",
        "progress_after",
        "note",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("goal")


@admin.register(ProgressReview)
class ProgressReviewAdmin(ReadOnlyAdmin):
    inlines = [ProgressReviewItemInline]
    list_display = ["pair", "program", "author", "created_at"]
    list_filter = ["mentorship__program"]
    list_select_related = ["author", "mentorship__program"]
    search_fields = ["author__email", "author__name", "summary"]
    fields = ["mentorship", "author", "summary", "created_at"]
    readonly_fields = fields
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related(_with_members("mentorship"))

    @admin.display(description=_("pair"))
    def pair(self, obj: ProgressReview) -> str:
        return _pair(obj.mentorship)

    @admin.display(description=_("program"))
    def program(self, obj: ProgressReview) -> str:
        return obj.mentorship.program.name
