"""Django admin for programs, their intake questions, enrolments, answers and invitations.

Site admins can fix anything here, but not in ways the rest of the system cannot follow: status
changes obey the same state machines as the coordinator screens, answers pass the same checks
as the intake form, and an invitation's token (even its hash) is never shown.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .answers import clean_answer
from .models import Answer, Enrolment, Invitation, Program, Question
from .states import ENROLMENT_STATES, PROGRAM_STATES


class StatusTransitionForm(forms.ModelForm):
    """Refuses a status change the state machine does not allow (a new row may start anywhere)."""

    state_machine = PROGRAM_STATES

    def clean_status(self):
        status = self.cleaned_data["status"]
        if self.instance.pk is not None:
            current = (
                type(self.instance)
                .objects.values_list("status", flat=True)
                .get(pk=self.instance.pk)
            )
            if status != current:
                self.state_machine.check(current, status)
        return status


class ProgramForm(StatusTransitionForm):
    state_machine = PROGRAM_STATES


class EnrolmentForm(StatusTransitionForm):
    state_machine = ENROLMENT_STATES


class AnswerForm(forms.ModelForm):
    """Stores what the intake form would store for the same answer, or shows why not."""

    def clean(self):
        cleaned = super().clean()
        question = cleaned.get("question")
        enrolment = cleaned.get("enrolment") or (
            self.instance.enrolment if self.instance.enrolment_id else None
        )
        if question is None or enrolment is None:
            return cleaned
        if question.program_id != enrolment.program_id or question.role != enrolment.role:
            self.add_error(
                "question",
                _("This question is not asked of this person in this program."),
            )
            return cleaned
        try:
            cleaned["value"] = clean_answer(question, cleaned.get("value"))
        except ValidationError as error:
            self.add_error("value", error)
        return cleaned


def enrolments_link(program: Program, count: int) -> str:
    url = (
        reverse("admin:programs_enrolment_changelist")
        + "?"
        + urlencode({"program__id__exact": program.pk})
    )
    label = ngettext("%(count)d enrolment", "%(count)d enrolments", count) % {"count": count}
    return format_html('<a href="{}">{}</a>', url, label)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = [
        "role",
        "position",
        "label",
        "kind",
        "required",
        "is_criterion",
        "rule",
        "paired_with",
        "weight",
        "match_required",
    ]
    autocomplete_fields = ["paired_with"]
    show_change_link = True
    ordering = ["role", "position", "id"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    form = ProgramForm
    list_display = [
        "name",
        "slug",
        "kind",
        "status",
        "enrolment_mode",
        "matching_mode",
        "start_date",
        "end_date",
        "enrolments",
    ]
    list_filter = ["status", "kind", "enrolment_mode", "matching_mode"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["coordinators"]
    autocomplete_fields = ["created_by"]
    readonly_fields = ["enrolments", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "description", "kind", "status"]}),
        (_("Dates"), {"fields": ["start_date", "end_date", "meeting_cadence"]}),
        (
            _("Enrolment and matching"),
            {
                "fields": [
                    "enrolment_mode",
                    "matching_mode",
                    "default_mentor_capacity",
                    "enrolments",
                ]
            },
        ),
        (_("People"), {"fields": ["coordinators", "created_by", "created_at", "updated_at"]}),
    ]
    # Enrolments can number thousands: a link to their own filtered list, not an inline.
    inlines = [QuestionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(enrolment_count=Count("enrolments"))

    @admin.display(description=_("enrolments"), ordering="enrolment_count")
    def enrolments(self, program: Program) -> str:
        if program.pk is None:
            return "—"
        return enrolments_link(program, program.enrolment_count)


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = [
        "label",
        "program",
        "role",
        "kind",
        "position",
        "required",
        "is_criterion",
        "rule",
        "weight",
    ]
    list_filter = ["role", "kind", "is_criterion", "rule", "program"]
    list_select_related = ["program"]
    search_fields = ["label", "program__name", "program__slug"]
    autocomplete_fields = ["program", "paired_with"]
    ordering = ["program", "role", "position", "id"]


class AnswerInline(admin.TabularInline):
    model = Answer
    form = AnswerForm
    extra = 0
    fields = ["question", "value", "updated_at"]
    readonly_fields = ["updated_at"]
    autocomplete_fields = ["question"]


@admin.register(Enrolment)
class EnrolmentAdmin(admin.ModelAdmin):
    form = EnrolmentForm
    list_display = [
        "user",
        "program",
        "role",
        "status",
        "capacity",
        "intake_completed_at",
        "created_at",
    ]
    list_filter = ["status", "role", "program"]
    list_select_related = ["user", "program"]
    search_fields = ["user__email", "user__name", "program__name", "program__slug"]
    autocomplete_fields = ["user", "program", "decided_by"]
    readonly_fields = ["created_at"]
    inlines = [AnswerInline]


@admin.register(Answer)
class AnswerAdmin(admin.ModelAdmin):
    form = AnswerForm
    list_display = ["question", "value", "enrolment", "updated_at"]
    list_filter = ["question__role", "enrolment__program"]
    list_select_related = ["question", "enrolment__user", "enrolment__program"]
    search_fields = ["enrolment__user__email", "enrolment__user__name", "question__label"]
    autocomplete_fields = ["enrolment", "question"]
    readonly_fields = ["updated_at"]


class InvitationStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("Pending")),
            ("accepted", _("Accepted")),
            ("revoked", _("Revoked")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "accepted":
            return queryset.filter(accepted_at__isnull=False)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    # token_hash is not editable, so no form shows it; it stays out of every list too.
    list_display = ["email", "program", "role", "status_label", "created_at", "expires_at"]
    list_filter = [InvitationStatusFilter, "role", "program"]
    list_select_related = ["program"]
    search_fields = ["email", "program__name", "program__slug"]
    autocomplete_fields = ["program"]
    fields = [
        "program",
        "email",
        "role",
        "capacity",
        "created_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    readonly_fields = ["created_by", "created_at", "accepted_at", "accepted_by"]

    def has_add_permission(self, request) -> bool:
        # An invitation is only useful with the link emailed to its recipient, which only the
        # coordinators' invitation screen sends.
        return False

    @admin.display(description=_("status"))
    def status_label(self, invitation: Invitation) -> str:
        return invitation.get_status_display()
