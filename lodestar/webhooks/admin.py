from django.contrib import admin
from django.db import models

from .models import Delivery, DeliveryAttempt, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "program", "active", "created_at", "created_by"]
    list_filter = ["active"]
    search_fields = ["url", "description", "program__name", "program__slug"]
    list_select_related = ["program", "created_by"]
    raw_id_fields = ["program", "created_by"]
    readonly_fields = ["secret_rotated_at"]
    # A URL typed without a scheme is taken as https, as Django 6 will and the form does.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ["number", "started_at", "status_code", "duration_ms", "error", "response"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The webhook outbox, read-only: what went out, what waits for a retry, what failed."""

    list_display = [
        "uuid",
        "event",
        "endpoint",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
    ]
    list_filter = ["status", "event"]
    search_fields = ["uuid", "endpoint__url"]
    list_select_related = ["endpoint"]
    date_hierarchy = "created_at"
    inlines = [DeliveryAttemptInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
