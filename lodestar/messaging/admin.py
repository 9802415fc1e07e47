"""Messages in the admin, for support and moderation. The admin never shows what people
wrote in a message (no body, no search inside them): a site admin who must read a
conversation for a reported concern goes through privacy/access.py, which asks for a reason,
records it and tells the pair. A concern's change page shows what its reporter chose to share.
Messages and read marks are read-only here — only the services write them, with their checks."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Concern, Conversation, DigestState, Message, ReadMark


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Conversation)
class ConversationAdmin(ReadOnlyAdmin):
    list_display = ["id", "mentorship", "program", "created_at"]
    list_select_related = ["mentorship__program"]
    raw_id_fields = ["mentorship"]
    date_hierarchy = "created_at"

    @admin.display(description=_("program"), ordering="mentorship__program__name")
    def program(self, obj: Conversation) -> str:
        return obj.mentorship.program.name

    def get_queryset(self, request):
        # The mentorship's __str__ lists its members: fetch them with the page, not per row.
        return super().get_queryset(request).prefetch_related("mentorship__memberships__user")


@admin.register(Message)
class MessageAdmin(ReadOnlyAdmin):
    # No body here, nor on the change page: privacy (reading goes through privacy/access.py).
    list_display = [
        "id",
        "conversation",
        "author",
        "created_at",
        "edited_at",
        "deleted_at",
        "attachment_size",
    ]
    list_select_related = ["author", "conversation"]
    list_filter = [
        ("deleted_at", admin.EmptyFieldListFilter),
        ("edited_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["author__email", "=conversation__mentorship__id"]
    date_hierarchy = "created_at"
    fields = [
        "conversation",
        "author",
        "created_at",
        "edited_at",
        "deleted_at",
        "attachment_name",
        "attachment_size",
        "attachment_type",
    ]


@admin.register(ReadMark)
class ReadMarkAdmin(ReadOnlyAdmin):
    list_display = ["conversation", "user", "last_read_id", "read_at"]
    list_select_related = ["conversation", "user"]
    search_fields = ["user__email"]


@admin.register(DigestState)
class DigestStateAdmin(admin.ModelAdmin):
    list_display = ["user", "last_sent_at", "last_message_id", "sent_count"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__name"]
    raw_id_fields = ["user"]


@admin.register(Concern)
class ConcernAdmin(admin.ModelAdmin):
    # No concern text nor quoted message in the list; both are on the change page.
    list_display = ["id", "program", "reporter", "created_at", "handled_at"]
    list_select_related = ["mentorship__program", "reporter"]
    list_filter = [("handled_at", admin.EmptyFieldListFilter)]
    search_fields = ["reporter__email", "mentorship__program__name"]
    raw_id_fields = ["mentorship", "reporter", "message", "handled_by"]
    readonly_fields = ["quoted_author", "quoted_at", "quoted_body", "created_at"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False  # members report concerns; the coordinators are told by the service

    @admin.display(description=_("program"), ordering="mentorship__program__name")
    def program(self, obj: Concern) -> str:
        return obj.mentorship.program.name
