"""Django admin for mentorships and their members.

Mentorships are made by matching (runs, requests, manual pairs) so seats are checked under
lock; the admin can correct one but not add one, and a status change follows the lifecycle.
"""

from django.contrib import admin
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from lodestar.programs.admin import StatusTransitionForm

from .models import Membership, Mentorship
from .states import MENTORSHIP_STATES


class MentorshipForm(StatusTransitionForm):
    state_machine = MENTORSHIP_STATES


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "enrolment", "role", "response", "responded_at", "decline_reason"]
    raw_id_fields = ["user", "enrolment"]


@admin.register(Mentorship)
class MentorshipAdmin(admin.ModelAdmin):
    form = MentorshipForm
    inlines = [MembershipInline]
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
