"""Engagement in the admin. Nudges and flags are records of what was sent and to whom: read-only
here (deleting one is left possible so that a person, pair or program can still be deleted, but
note that the next nudge run may then send it again)."""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from lodestar.mentorships.models import Membership

from .models import (
    Celebration,
    CheckIn,
    CheckInInvitation,
    Kudos,
    Notification,
    NotificationPreference,
    Nudge,
    PairFlag,
    PairHealth,
    ScheduledJobRun,
)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["user", "text", "kind", "created_at", "read_at"]
    list_filter = ["kind", ("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__name", "kind"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
    date_hierarchy = "created_at"

    @admin.display(description=_("text"))
    def text(self, obj: Notification) -> str:
        return obj.text


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["user", "mentorship", "period_start", "mood", "wants_contact", "handled_at"]
    list_filter = ["wants_contact", "mood"]
    list_select_related = ["user", "mentorship"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user", "mentorship", "handled_by"]
    date_hierarchy = "created_at"


@admin.register(CheckInInvitation)
class CheckInInvitationAdmin(admin.ModelAdmin):
    list_display = ["user", "mentorship", "period_start", "sent_at"]
    list_select_related = ["user", "mentorship"]
    raw_id_fields = ["user", "mentorship"]


@admin.register(Kudos)
class KudosAdmin(admin.ModelAdmin):
    list_display = ["from_user", "to_user", "mentorship", "created_at"]
    list_select_related = ["from_user", "to_user", "mentorship"]
    raw_id_fields = ["from_user", "to_user", "mentorship"]


@admin.register(Celebration)
class CelebrationAdmin(admin.ModelAdmin):
    list_display = ["mentorship", "kind", "key", "created_at"]
    list_filter = ["kind"]
    raw_id_fields = ["mentorship", "goal"]


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "category", "email", "in_app", "updated_at"]
    list_filter = ["category", "email", "in_app"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user"]


class _PairColumnAdmin(admin.ModelAdmin):
    """Rows that name a mentorship: its members and program come in two queries for the whole
    page, not one per row (a mentorship's name lists its members)."""

    def get_queryset(self, request):
        members = Membership.objects.select_related("user").order_by("-role", "id")
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("mentorship__memberships", queryset=members))
        )


class _RecordAdmin(_PairColumnAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Nudge)
class NudgeAdmin(_RecordAdmin):
    list_display = ["user", "rule", "level", "mentorship", "cause", "sent_at"]
    list_filter = ["rule", "level", "sent_at"]
    list_select_related = ["user", "mentorship__program"]
    search_fields = ["user__email", "user__name", "cause"]
    raw_id_fields = ["user", "mentorship"]


@admin.register(PairFlag)
class PairFlagAdmin(_RecordAdmin):
    list_display = ["cause", "program", "mentorship", "rule", "created_at", "resolved_at"]
    list_filter = ["rule", ("resolved_at", admin.EmptyFieldListFilter), "created_at", "program"]
    list_select_related = ["program", "mentorship__program"]
    search_fields = ["cause", "program__name"]
    raw_id_fields = ["program", "mentorship"]


@admin.register(PairHealth)
class PairHealthAdmin(_PairColumnAdmin):
    list_display = ["mentorship", "program", "status", "since", "checked_at"]
    list_filter = ["status", "mentorship__program"]
    list_select_related = ["mentorship__program"]
    search_fields = [
        "mentorship__memberships__user__email",
        "mentorship__memberships__user__name",
        "mentorship__program__name",
    ]
    raw_id_fields = ["mentorship"]

    @admin.display(description=_("program"), ordering="mentorship__program__name")
    def program(self, obj: PairHealth) -> str:
        return obj.mentorship.program.name


@admin.register(ScheduledJobRun)
class ScheduledJobRunAdmin(admin.ModelAdmin):
    list_display = ["name", "last_run_at", "finished_at"]
    search_fields = ["name"]
    ordering = ["name"]
