"""Django admin for matching: runs (their inputs and metrics are a record, not editable),
proposed pairs, pins, exclusions, mentees' requests with their messages, and next choices."""

from django.contrib import admin

from .models import (
    Choice,
    Exclusion,
    MatchRun,
    MentorshipRequest,
    Pin,
    Proposal,
    RequestMessage,
)

PAIR_RELATED = ["mentee__user", "mentor__user"]


@admin.register(MatchRun)
class MatchRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "solver", "status", "created_at", "finished_at", "published_at"]
    list_filter = ["program", "status", "solver"]
    list_select_related = ["program"]
    search_fields = ["program__name"]
    raw_id_fields = ["created_by", "published_by"]
    readonly_fields = [
        "inputs",
        "metrics",
        "notes",
        "unmatched",
        "prices",
        "error",
        "created_at",
        "started_at",
        "finished_at",
        "published_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # runs are made by the engine, with their inputs recorded


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["__str__", "run", "score", "source"]
    list_filter = ["run__program", "source"]
    list_select_related = [*PAIR_RELATED, "run__program"]
    raw_id_fields = ["run", "mentee", "mentor"]
    readonly_fields = ["breakdown"]


class PairAdmin(admin.ModelAdmin):
    list_select_related = [*PAIR_RELATED, "program"]
    raw_id_fields = ["mentee", "mentor", "created_by"]
    search_fields = [
        "mentee__user__name",
        "mentee__user__email",
        "mentor__user__name",
        "mentor__user__email",
    ]


@admin.register(Pin)
class PinAdmin(PairAdmin):
    list_display = ["__str__", "program", "created_at"]
    list_filter = ["program"]


@admin.register(Exclusion)
class ExclusionAdmin(PairAdmin):
    list_display = ["__str__", "program", "source", "created_at"]
    list_filter = ["program", "source"]


class RequestMessageInline(admin.TabularInline):
    model = RequestMessage
    extra = 0
    fields = ["author", "body", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["author"]


@admin.register(MentorshipRequest)
class MentorshipRequestAdmin(admin.ModelAdmin):
    inlines = [RequestMessageInline]
    list_display = ["__str__", "program", "status", "created_at", "expires_at"]
    list_filter = ["program", "status"]
    list_select_related = [*PAIR_RELATED, "program"]
    search_fields = PairAdmin.search_fields
    raw_id_fields = ["mentee", "mentor", "forwarded_from", "mentorship"]
    readonly_fields = ["created_at"]


@admin.register(Choice)
class ChoiceAdmin(admin.ModelAdmin):
    list_display = ["__str__", "position"]
    list_filter = ["mentee__program"]
    list_select_related = PAIR_RELATED
    raw_id_fields = ["mentee", "mentor"]
