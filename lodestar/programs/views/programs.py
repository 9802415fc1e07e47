"""Coordinator screens: the programs someone runs, creating and editing one, its lifecycle."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lodestar.engagement.attention import program_attention

from ..forms import add_service_errors
from ..forms.programs import AddCoordinatorForm, ProgramForm
from ..models import Program, Role
from ..policy import can_create_programs, get_program_for_coordinator
from ..services.programs import (
    program_add_coordinator,
    program_create,
    program_remove_coordinator,
    program_transition,
    program_update,
)
from ..states import PROGRAM_STATES, EnrolmentStatus, ProgramStatus


def _approved(role: str) -> Q:
    return Q(enrolments__status=EnrolmentStatus.APPROVED, enrolments__role=role)


def _programs_with_counts(user):
    return (
        Program.objects.coordinated_by(user)
        .annotate(
            applied_count=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.APPLIED)),
            mentor_count=Count("enrolments", filter=_approved(Role.MENTOR)),
            mentee_count=Count("enrolments", filter=_approved(Role.MENTEE)),
            peer_count=Count("enrolments", filter=_approved(Role.PEER)),
        )
        .order_by("-created_at")
    )


def _enrolment_table(program: Program) -> list[dict]:
    """Enrolment counts for each of the program's roles, by status, in one query."""
    counts = {
        (row["role"], row["status"]): row["n"]
        for row in program.enrolments.values("role", "status").annotate(n=Count("id"))
    }
    return [
        {
            "role": Role(role).label,
            "counts": [counts.get((role, status), 0) for status, _label in EnrolmentStatus.choices],
            "total": sum(
                counts.get((role, status), 0) for status, _label in EnrolmentStatus.choices
            ),
        }
        for role in program.roles
    ]


def _next_statuses(program: Program) -> list[tuple[str, str]]:
    allowed = PROGRAM_STATES.allowed(program.status)
    return [(status, label) for status, label in ProgramStatus.choices if status in allowed]


@login_required
@require_http_methods(["GET"])
def coordinator_programs(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programs/coordinator_programs.html",
        {
            "programs": list(_programs_with_counts(request.user)),
            "can_create_programs": can_create_programs(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_create_view(request: HttpRequest) -> HttpResponse:
    if not can_create_programs(request.user):
        raise PermissionDenied
    form = ProgramForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            program = program_create(creator=request.user, data=form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "“%(name)s” is created as a draft. Add the intake questions, then open enrolment."
                )
                % {"name": program.name},
            )
            return redirect("program_manage", slug=program.slug)
    return render(request, "programs/program_form.html", {"form": form, "program": None})


@login_required
@require_http_methods(["GET"])
def program_manage(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    return render(
        request,
        "programs/program_manage.html",
        {
            "program": program,
            "next_statuses": _next_statuses(program),
            "statuses": [label for _status, label in EnrolmentStatus.choices],
            "enrolment_table": _enrolment_table(program),
            "coordinators": list(program.coordinators.order_by("name", "email")),
            "question_count": program.questions.count(),
            "attention": program_attention(program),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_edit(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = ProgramForm(request.POST if request.method == "POST" else None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            program = program_update(program=program, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The program's settings are saved."))
            return redirect("program_manage", slug=program.slug)
    return render(request, "programs/program_form.html", {"form": form, "program": program})


@login_required
@require_POST
def program_transition_view(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    try:
        program_transition(
            program=program, to_status=request.POST.get("to_status", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("“%(name)s” is now %(status)s.")
            % {"name": program.name, "status": program.get_status_display().lower()},
        )
    return redirect("program_manage", slug=program.slug)


@login_required
@require_http_methods(["GET", "POST"])
def program_coordinators(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = AddCoordinatorForm()
    remove_error = None
    if request.method == "POST" and request.POST.get("action") == "remove":
        user_id = request.POST.get("user", "")
        user = get_object_or_404(program.coordinators, pk=int(user_id) if user_id.isdigit() else 0)
        try:
            program_remove_coordinator(program=program, user=user, by=request.user)
        except ValidationError as error:
            remove_error = " ".join(error.messages)
        else:
            messages.success(
                request,
                _("%(name)s no longer coordinates this program.") % {"name": user.display_name},
            )
            if user == request.user and not request.user.is_superuser:
                return redirect("coordinator_programs")
            return redirect("program_coordinators", slug=program.slug)
    elif request.method == "POST":
        form = AddCoordinatorForm(request.POST)
        if form.is_valid():
            try:
                added = program_add_coordinator(
                    program=program, email=form.cleaned_data["email"], by=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    _("%(name)s now coordinates this program.") % {"name": added.display_name},
                )
                return redirect("program_coordinators", slug=program.slug)
    return render(
        request,
        "programs/program_coordinators.html",
        {
            "program": program,
            "coordinators": list(program.coordinators.order_by("name", "email")),
            "form": form,
            "remove_error": remove_error,
        },
    )


urlpatterns = [
    path("coordinate/", coordinator_programs, name="coordinator_programs"),
    path("coordinate/new/", program_create_view, name="program_create"),
    path("coordinate/<slug:slug>/", program_manage, name="program_manage"),
    path("coordinate/<slug:slug>/edit/", program_edit, name="program_edit"),
    path("coordinate/<slug:slug>/status/", program_transition_view, name="program_transition"),
    path("coordinate/<slug:slug>/coordinators/", program_coordinators, name="program_coordinators"),
]
