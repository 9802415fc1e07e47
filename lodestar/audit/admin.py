from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The trail, read-only: nobody adds, changes or deletes an event here."""

    list_display = ["at", "verb", "actor_label", "target_label", "program", "ip"]
    list_filter = ["verb", "at"]
    search_fields = ["actor_label", "target_label", "ip"]
    list_select_related = ["program"]
    date_hierarchy = "at"
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
