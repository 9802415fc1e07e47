"""Django admin for meetings, action items and calendar feeds.

Meetings are made by their members (the admin corrects one, not adds one) and a status change
follows the meeting's lifecycle. Notes, shared and private, are not in the admin: they are the
pair's own words. A calendar feed shows only when it was made or revoked, never its token.
"""

from django.contrib import admin

from lodestar.programs.admin import StatusTransitionForm

from .models import ActionItem, CalendarFeed, Meeting
from .states import MEETING_STATES


class MeetingForm(StatusTransitionForm):
    state_machine = MEETING_STATES


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    form = MeetingForm
    list_display = ["start", "mentorship_id", "status", "mode", "duration", "minutes_logged"]
    list_filter = ["status", "mode"]
    raw_id_fields = ["mentorship", "proposed_by"]
    readonly_fields = ["ical_uid", "sequence", "series", "created_at", "updated_at", "invited_at"]
    exclude = ["agenda", "place"]
    date_hierarchy = "start"

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ["pk", "mentorship_id", "assignee", "due", "done_at"]
    list_select_related = ["assignee"]
    list_filter = ["done_at"]
    raw_id_fields = ["mentorship", "meeting", "assignee", "created_by"]
    exclude = ["title"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "revoked_at"]
    list_select_related = ["user"]
    raw_id_fields = ["user"]
    readonly_fields = ["created_at"]
    search_fields = ["user__email"]

    def has_add_permission(self, request) -> bool:
        return False
