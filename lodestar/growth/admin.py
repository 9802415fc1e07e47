"""Resources in the admin (site admins add site-wide resources here: leave the program empty).
Recommendations and feedback requests are listed without what people wrote, and read-only:
only the services write them, with their checks."""

from django.contrib import admin
from django.db import models

from .models import Recommendation, Resource, WorkFeedbackRequest


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    # Links typed without a scheme are read as https, as Django 6 will do.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "kind", "program", "hidden", "created_at"]
    list_filter = ["kind", "hidden"]
    list_select_related = ["program"]
    search_fields = ["title", "description"]
    raw_id_fields = ["program", "added_by"]
    filter_horizontal = ["tags"]
    readonly_fields = ["file_name", "file_size", "file_type"]
    exclude = ["file"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Recommendation)
class RecommendationAdmin(ReadOnlyAdmin):
    list_display = ["id", "resource", "mentorship", "status", "rating", "created_at"]
    list_filter = ["status"]
    list_select_related = ["resource", "mentorship"]
    exclude = ["note"]


@admin.register(WorkFeedbackRequest)
class WorkFeedbackRequestAdmin(ReadOnlyAdmin):
    list_display = ["id", "mentorship", "status", "created_at", "answered_at", "closed_at"]
    list_filter = ["status"]
    list_select_related = ["mentorship"]
    fields = ["mentorship", "status", "created_at", "answered_at", "closed_at"]
