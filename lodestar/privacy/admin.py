"""Recorded accesses to conversations, read-only: the record of who read what, and why."""

from django.contrib import admin

from .models import ConversationAccess


@admin.register(ConversationAccess)
class ConversationAccessAdmin(admin.ModelAdmin):
    list_display = ["id", "mentorship", "admin", "concern", "created_at", "expires_at"]
    list_select_related = ["admin", "concern"]
    raw_id_fields = ["mentorship", "admin", "concern"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("mentorship__memberships__user")

    def has_add_permission(self, request):
        return False  # opened through the privacy page, which tells the pair

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
