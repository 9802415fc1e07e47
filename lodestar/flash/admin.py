"""Django admin for flash mentoring.

Office hours, slots and bookings are made through their services (publishing, booking): the
admin looks and corrects, it does not add. A booking's status follows its lifecycle. Feedback
is the participants' own words: read-only. Questions and comments are not listed in the
changelists (they open on the row itself, for a site admin who needs them).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from lodestar.programs.admin import StatusTransitionForm

from .models import Booking, OfficeHours, SessionFeedback, Slot
from .states import BOOKING_STATES


class NoAddAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False


@admin.register(OfficeHours)
class OfficeHoursAdmin(NoAddAdmin):
    list_display = ["pk", "program", "mentor", "repeat", "starts_on", "start_time", "time_zone"]
    list_select_related = ["program", "mentor__user", "mentor__program"]
    list_filter = ["repeat", "mode", "program"]
    raw_id_fields = ["program", "mentor"]
    readonly_fields = ["created_at"]
    search_fields = ["mentor__user__email", "mentor__user__name"]


@admin.register(Slot)
class SlotAdmin(NoAddAdmin):
    list_display = ["start", "end", "office_hours_id", "capacity", "cancelled_at"]
    list_filter = [("cancelled_at", admin.EmptyFieldListFilter)]
    raw_id_fields = ["office_hours"]
    readonly_fields = ["ical_uid", "sequence"]
    date_hierarchy = "start"


class BookingForm(StatusTransitionForm):
    state_machine = BOOKING_STATES


@admin.register(Booking)
class BookingAdmin(NoAddAdmin):
    form = BookingForm
    list_display = ["pk", "session_start", "mentee", "mentor", "status", "created_at"]
    list_select_related = [
        "slot__office_hours__mentor__user",
        "slot__office_hours__mentor__program",
        "mentee__user",
        "mentee__program",
    ]
    list_filter = [
        "status",
        "slot__office_hours__program",
        ("follow_up_of", admin.EmptyFieldListFilter),
    ]
    raw_id_fields = ["slot", "mentee", "cancelled_by", "follow_up_of"]
    readonly_fields = ["created_at", "cancelled_at", "outcome_at", "feedback_invited_at"]
    search_fields = ["mentee__user__email", "slot__office_hours__mentor__user__email"]
    date_hierarchy = "created_at"

    @admin.display(ordering="slot__start", description=_("session"))
    def session_start(self, booking: Booking):
        return booking.slot.start

    @admin.display(description=_("mentor"))
    def mentor(self, booking: Booking):
        return booking.slot.office_hours.mentor


@admin.register(SessionFeedback)
class SessionFeedbackAdmin(admin.ModelAdmin):
    list_display = ["booking_id", "author", "rating", "useful", "follow_up", "created_at"]
    list_select_related = ["author"]
    list_filter = ["rating", "useful", "follow_up"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
