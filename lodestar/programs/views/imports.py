"""Coordinator screens for participants in bulk: import a CSV (upload, preview, confirm), export one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from lodestar.accounts.models import Seniority
from lodestar.audit.services import record

from ..forms.imports import ImportConfirmForm, ImportUploadForm
from ..models import ProfileField, Program, Question, QuestionKind, Role
from ..policy import get_program_for_coordinator
from ..services.exports import participants_export_csv
from ..services.imports import (
    ImportPreview,
    ImportResult,
    import_commit,
    import_preview,
    import_template_csv,
    question_columns,
)

# Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
BOM = "\ufeff"


@login_required
@require_http_methods(["GET", "POST"])
def participants_import(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    if request.method == "GET" and request.GET.get("template"):
        return _csv_download(
            import_template_csv(program=program), f"{program.slug}-participants-template.csv"
        )
    if request.method == "POST" and "csv_text" in request.POST:
        return _confirm(request, program)
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else None
    if form is not None and form.is_valid():
        preview = import_preview(program=program, file_bytes=form.cleaned_data["file"])
        return _render_preview(request, program, preview)
    return render(
        request,
        "programs/import_upload.html",
        {
            "program": program,
            "form": form or ImportUploadForm(),
            "person_columns": _person_columns(program),
            "question_groups": _question_groups(program),
        },
    )


def _confirm(request: HttpRequest, program: Program) -> HttpResponse:
    form = ImportConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The file to import was missing. Upload it again."))
        return redirect("participants_import", slug=program.slug)
    text = form.cleaned_data["csv_text"]
    try:
        result = import_commit(program=program, text=text, by=request.user)
    except ValidationError as error:
        preview = import_preview(program=program, text=text)
        if not preview.has_errors:  # what changed since the preview is not in the file itself
            preview.file_errors.extend(error.messages)
        messages.error(request, _("Nothing was imported: the file has errors."))
        return _render_preview(request, program, preview)
    messages.success(request, _result_summary(result))
    return redirect("program_manage", slug=program.slug)


def _render_preview(request: HttpRequest, program: Program, preview: ImportPreview) -> HttpResponse:
    return render(
        request,
        "programs/import_preview.html",
        {
            "program": program,
            "preview": preview,
            "confirm_form": None
            if preview.has_errors
            else ImportConfirmForm(initial={"csv_text": preview.text}),
            "upload_form": ImportUploadForm() if preview.has_errors else None,
        },
    )


def _result_summary(result: ImportResult) -> str:
    parts = [
        ngettext(
            "%(count)d participant enrolled.", "%(count)d participants enrolled.", result.enrolled
        )
        % {"count": result.enrolled},
        ngettext("%(count)d invitation sent.", "%(count)d invitations sent.", result.invited)
        % {"count": result.invited},
    ]
    if result.added:
        parts.append(
            ngettext(
                "%(count)d person who already had an account was told by email.",
                "%(count)d people who already had an account were told by email.",
                result.added,
            )
            % {"count": result.added}
        )
    if result.profile_fields_kept:
        parts.append(
            ngettext(
                "Profile fields were kept as they were for %(count)d existing person.",
                "Profile fields were kept as they were for %(count)d existing people.",
                result.profile_fields_kept,
            )
            % {"count": result.profile_fields_kept}
        )
    return " ".join(parts)


@login_required
@require_GET
def participants_export(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    filename = f"{program.slug}-participants-{timezone.localdate():%Y-%m-%d}.csv"
    record("exported", target=program, request=request, details={"report": "participants"})
    return _csv_download(participants_export_csv(program=program), filename)


def _csv_download(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(BOM + text, content_type="text/csv; charset=utf-8")
    # Slugs are letters, digits and hyphens, so the name needs no quoting beyond this.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# What the upload page explains


def _person_columns(program: Program) -> list[dict]:
    roles = ", ".join(program.roles)
    columns = [
        {"heading": "email", "required": True, "hint": _("An email address, one row per person.")},
        {
            "heading": "name",
            "required": False,
            "hint": _("The name for a new account; people who already have one keep theirs."),
        },
        {"heading": "role", "required": True, "hint": _("One of: %(roles)s.") % {"roles": roles}},
    ]
    if Role.MENTOR in program.roles:
        columns.append(
            {
                "heading": "capacity",
                "required": False,
                "hint": _("Mentors only: how many mentees, from 1 to 20. Blank means %(default)d.")
                % {"default": program.default_mentor_capacity},
            }
        )
    return columns


def _question_groups(program: Program) -> list[dict]:
    by_role: dict[str, list[dict]] = {}
    for _label, questions in question_columns(program):
        for question in questions:
            by_role.setdefault(question.role, []).append(
                {"heading": question.label, "required": question.required, "hint": _hint(question)}
            )
    return [
        {"role": role, "role_label": Role(role).label, "columns": by_role[role]}
        for role in (*program.roles, *sorted(set(by_role) - set(program.roles)))
        if role in by_role
    ]


def _hint(question: Question) -> str:
    kind = question.kind
    if kind == QuestionKind.SINGLE_CHOICE:
        return _("One of: %(options)s.") % {"options": ", ".join(question.choices)}
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return _("Any of: %(options)s, separated by semicolons.") % {
            "options": ", ".join(question.choices)
        }
    if kind == QuestionKind.SCALE:
        return _("A whole number from 1 to 5.")
    if kind == QuestionKind.NUMBER:
        return _number_hint(question)
    if kind == QuestionKind.PROFILE:
        return _profile_hint(question.profile_field)
    return _("Text.")


def _number_hint(question: Question) -> str:
    low, high = question.min_value, question.max_value
    if low is not None and high is not None:
        return _("A number from %(min)g to %(max)g.") % {"min": low, "max": high}
    if low is not None:
        return _("A number of at least %(min)g.") % {"min": low}
    if high is not None:
        return _("A number of at most %(max)g.") % {"max": high}
    return _("A number.")


def _profile_hint(field: str) -> str:
    if field in (ProfileField.SKILLS, ProfileField.INTERESTS, ProfileField.LANGUAGES):
        return _("A list separated by semicolons (fills in a new person's profile).")
    if field == ProfileField.SENIORITY:
        return _("One of: %(options)s.") % {
            "options": ", ".join(str(label) for _value, label in Seniority.choices)
        }
    if field == ProfileField.TIMEZONE:
        return _("A time zone such as Europe/Paris.")
    if field == ProfileField.AVAILABILITY:
        return _("Leave blank: people set their weekly availability on their profile.")
    return _("Text (fills in a new person's profile).")


urlpatterns = [
    path("coordinate/<slug:slug>/import/", participants_import, name="participants_import"),
    path("coordinate/<slug:slug>/export.csv", participants_export, name="participants_export"),
]
