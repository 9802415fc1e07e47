"""Django admin for mentorships, their members, agreements and goals.

Mentorships are made by matching (runs, requests, manual pairs) so seats are checked under
lock; the admin can correct one but not add one, and a status change follows the lifecycle.
"""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from lodestar.programs.admin import StatusTransitionForm

from .models import (
    AgreementSignature,
    AgreementVersion,
    Closure,
    ClosureNotice,
    FormerMember,
    Goal,
    GoalComment,
    Membership,
    Mentorship,
    Milestone,
    Reflection,
)
from .states import MENTORSHIP_STATES


class MentorshipForm(StatusTransitionForm):
    state_machine = MENTORSHIP_STATES


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "enrolment", "role", "response", "responded_at", "decline_reason"]
    raw_id_fields = ["user", "enrolment"]


class AgreementVersionInline(admin.TabularInline):
    model = AgreementVersion
    extra = 0
    fields = ["number", "created_by", "created_at", "agreed_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["created_by"]
    show_change_link = True


class GoalInline(admin.TabularInline):
    model = Goal
    extra = 0
    fields = ["title", "owner", "status", "progress", "accepted", "target_date"]
    raw_id_fields = ["owner"]
    show_change_link = True


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    form = MentorshipForm
    inlines = [MembershipInline, AgreementVersionInline, GoalInline]
    list_display = ["members", "program", "status", "origin", "score", "start_date", "created_at"]
    list_filter = ["program", "status", "origin"]
    list_select_related = ["program"]
    search_fields = ["memberships__user__name", "memberships__user__email", "program__name"]
    raw_id_fields = ["match_run", "created_by", "ended_by"]
    readonly_fields = ["created_at", "updated_at"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        members = Membership.objects.select_related("user").order_by("-role", "id")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("memberships", queryset=members))
        )

    @admin.display(description=_("members"))
    def members(self, obj: Mentorship) -> str:
        return ", ".join(
            f"{m.user.display_name} ({m.get_role_display()})" for m in obj.memberships.all()
        )

    def has_add_permission(self, request) -> bool:
        return False


class AgreementSignatureInline(admin.TabularInline):
    model = AgreementSignature
    extra = 0
    fields = ["user", "signed_at"]
    raw_id_fields = ["user"]


@admin.register(AgreementVersion)
class AgreementVersionAdmin(admin.ModelAdmin):
    inlines = [AgreementSignatureInline]
    list_display = ["__str__", "program", "number", "created_at", "agreed_at"]
    list_select_related = ["mentorship__program"]
    list_filter = ["mentorship__program"]
    raw_id_fields = ["mentorship", "created_by", "edited_by"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("program"))
    def program(self, obj: AgreementVersion) -> str:
        return obj.mentorship.program.name

    def has_add_permission(self, request) -> bool:
        return False  # members draft agreements; the numbering follows their edits


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ["title", "due_date", "done_at", "done_by"]
    raw_id_fields = ["done_by"]


class GoalCommentInline(admin.TabularInline):
    model = GoalComment
    extra = 0
    fields = ["author", "body", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["author"]


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    inlines = [MilestoneInline, GoalCommentInline]
    list_display = ["title", "owner", "program", "status", "progress", "accepted", "created_at"]
    list_filter = ["status", "accepted", "mentorship__program"]
    list_select_related = ["owner", "mentorship__program"]
    search_fields = ["title", "owner__name", "owner__email"]
    raw_id_fields = ["mentorship", "owner", "suggested_by"]
    readonly_fields = ["created_at", "updated_at"]

    @admin.display(description=_("program"))
    def program(self, obj: Goal) -> str:
        return obj.mentorship.program.name


@admin.register(FormerMember)
class FormerMemberAdmin(admin.ModelAdmin):
    """The history of who left a circle: a record, read-only."""

    list_display = ["user", "mentorship", "role", "left_at", "removed_by", "moved_to"]
    list_filter = ["role"]
    list_select_related = ["user", "mentorship", "removed_by", "moved_to"]
    search_fields = ["user__name", "user__email", "reason"]
    raw_id_fields = ["mentorship", "enrolment", "user", "removed_by", "moved_to"]
    date_hierarchy = "left_at"

    def get_queryset(self, request):
        # A mentorship is named by its members: fetched once for the page, not per row.
        return (
            super()
            .get_queryset(request)
            .select_related("mentorship__program", "moved_to__program")
            .prefetch_related("mentorship__memberships__user", "moved_to__memberships__user")
        )

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


# Closure ------------------------------------------------------------------------------------------


class ReflectionInline(admin.StackedInline):
    """What each member wrote at the end: their words, read here, never rewritten."""

    model = Reflection
    extra = 0
    can_delete = False
    fields = [
        "user",
        "submitted_at",
        "transition",
        "accomplishments",
        "learned",
        "differently",
        "gratitude",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    """A closure is started, finished and reopened by its services (closure.py), which free
    seats, cancel meetings and tell the members: a record here."""

    inlines = [ReflectionInline]
    list_display = [
        "pair",
        "program",
        "reason",
        "outcome",
        "started_at",
        "finished_at",
        "reopened_at",
    ]
    list_filter = ["outcome", "reason", "mentorship__program"]
    list_select_related = ["mentorship__program"]
    search_fields = [
        "mentorship__memberships__user__name",
        "mentorship__memberships__user__email",
        "reason_note",
    ]
    fields = [
        "mentorship",
        "reason",
        "reason_note",
        "outcome",
        "started_by",
        "started_at",
        "reminded_at",
        "finished_at",
        "reopened_by",
        "reopened_at",
    ]
    readonly_fields = fields
    date_hierarchy = "started_at"

    def get_queryset(self, request):
        members = Membership.objects.select_related("user").order_by("-role", "id")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("mentorship__memberships", queryset=members))
        )

    @admin.display(description=_("pair"))
    def pair(self, obj: Closure) -> str:
        return ", ".join(m.user.display_name for m in obj.mentorship.memberships.all())

    @admin.display(description=_("program"))
    def program(self, obj: Closure) -> str:
        return obj.mentorship.program.name

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ClosureNotice)
class ClosureNoticeAdmin(admin.ModelAdmin):
    """The claim that a mentorship's members were told of its program's end date: deleting one
    lets the scheduler tell them again."""

    list_display = ["mentorship_id", "program", "end_date", "sent_at"]
    list_filter = ["end_date", "mentorship__program"]
    list_select_related = ["mentorship__program"]
    search_fields = ["mentorship__memberships__user__email", "mentorship__program__name"]
    raw_id_fields = ["mentorship"]
    readonly_fields = ["mentorship", "end_date", "sent_at"]
    date_hierarchy = "sent_at"

    @admin.display(description=_("program"))
    def program(self, obj: ClosureNotice) -> str:
        return obj.mentorship.program.name

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
