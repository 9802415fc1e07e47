from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Celebration, CheckIn, CheckInInvitation, Kudos, Notification


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
