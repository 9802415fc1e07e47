"""Joining programs, withdrawing, and the coordinators' review of applications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.accounts.models import Seniority, User

from ..forms import add_service_errors
from ..forms.enrolment import DecisionForm, JoinForm, ParticipantFilterForm
from ..models import Enrolment, EnrolmentMode, ProfileField, Program, QuestionKind, Role
from ..policy import (
    get_program_for_coordinator,
    get_program_for_participant,
    is_coordinator,
    open_to_self_enrolment,
)
from ..services import enrolment as enrolment_services
from ..states import ENROLMENT_STATES, EnrolmentStatus

PAGE_SIZE = 50


@login_required
@require_GET
def program_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    programs = Program.objects.visible_to(user).prefetch_related(
        Prefetch("enrolments", queryset=Enrolment.objects.filter(user=user), to_attr="mine"),
        Prefetch("coordinators", queryset=User.objects.filter(pk=user.pk), to_attr="me"),
    )
    page = Paginator(programs, PAGE_SIZE).get_page(request.GET.get("page"))
    for program in page:
        program.my_enrolment = program.mine[0] if program.mine else None
        program.i_coordinate = bool(program.me) or user.is_superuser
        program.can_join = open_to_self_enrolment(program) and (
            program.my_enrolment is None or program.my_enrolment.status == EnrolmentStatus.WITHDRAWN
        )
    return render(request, "programs/program_list.html", {"page": page})


@login_required
@require_GET
def program_detail(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_participant(request.user, slug)
    enrolment = Enrolment.objects.filter(program=program, user=request.user).first()
    can_join = open_to_self_enrolment(program) and (
        enrolment is None or enrolment.status == EnrolmentStatus.WITHDRAWN
    )
    return render(
        request,
        "programs/program_detail.html",
        {
            "program": program,
            "enrolment": enrolment,
            "taking_part": enrolment is not None and enrolment.status != EnrolmentStatus.WITHDRAWN,
            "can_withdraw": enrolment is not None
            and ENROLMENT_STATES.can(enrolment.status, EnrolmentStatus.WITHDRAWN),
            "join_forms": [
                (
                    role,
                    Role(role).label,
                    JoinForm(program=program, role=role, auto_id=f"id_{role}_%s"),
                )
                for role in program.roles
            ]
            if can_join
            else [],
            "is_coordinator": is_coordinator(request.user, program),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def program_join(request: HttpRequest, slug: str, role: str) -> HttpResponse:
    program = get_program_for_participant(request.user, slug)
    if role not in program.roles:
        raise Http404
    # A mentee's form has no fields: an empty POST is still a submission.
    data = request.POST if request.method == "POST" else None
    form = JoinForm(data, program=program, role=role)
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = enrolment_services.enrolment_apply(
                program=program,
                user=request.user,
                role=role,
                capacity=form.cleaned_data.get("capacity"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if enrolment.status == EnrolmentStatus.APPROVED:
                messages.success(
                    request,
                    _("Welcome to %(program)s! Answer the intake form so we can match you well.")
                    % {"program": program.name},
                )
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: your application to %(program)s is in. Answer the intake "
                        "form; the coordinators will review your application and email you."
                    )
                    % {"program": program.name},
                )
            return redirect("intake_form", slug=program.slug)
    return render(
        request,
        "programs/enrolment_join.html",
        {
            "program": program,
            "role": role,
            "role_label": Role(role).label,
            "form": form,
            "blocked": enrolment_services.why_cannot_join(program=program, user=request.user),
            "is_application": program.enrolment_mode == EnrolmentMode.APPLICATION,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def enrolment_withdraw(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_participant(request.user, slug)
    enrolment = get_object_or_404(Enrolment, program=program, user=request.user)
    if request.method == "POST":
        try:
            enrolment_services.enrolment_withdraw(enrolment=enrolment, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("You have withdrawn from %(program)s.") % {"program": program.name},
            )
        return redirect("program_detail", slug=program.slug)
    return render(
        request,
        "programs/enrolment_withdraw.html",
        {
            "program": program,
            "enrolment": enrolment,
            "can_withdraw": ENROLMENT_STATES.can(enrolment.status, EnrolmentStatus.WITHDRAWN),
        },
    )


@login_required
@require_GET
def participant_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    filter_form = ParticipantFilterForm(request.GET, program=program)
    filters = filter_form.filters()
    enrolments = program.enrolments.select_related("user").order_by("created_at", "pk")
    if "role" in filters:
        enrolments = enrolments.filter(role=filters["role"])
    if "status" in filters:
        enrolments = enrolments.filter(status=filters["status"])
    if "q" in filters:
        enrolments = enrolments.filter(
            Q(user__name__icontains=filters["q"]) | Q(user__email__icontains=filters["q"])
        )
    page = Paginator(enrolments, PAGE_SIZE).get_page(request.GET.get("page"))
    for enrolment in page:
        _attach_decisions(enrolment)
    return render(
        request,
        "programs/participant_list.html",
        {
            "program": program,
            "page": page,
            "filter_form": filter_form,
            "filtered": bool(filters),
            "next_url": request.get_full_path(),
        },
    )


@login_required
@require_GET
def participant_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    enrolment = get_object_or_404(
        program.enrolments.select_related("user__profile", "decided_by").prefetch_related(
            "user__profile__skills", "user__profile__interests"
        ),
        pk=pk,
    )
    _attach_decisions(enrolment)
    answers = {answer.question_id: answer.value for answer in enrolment.answers.all()}
    questions = program.questions.filter(role=enrolment.role).order_by("position", "id")
    return render(
        request,
        "programs/participant_detail.html",
        {
            "program": program,
            "enrolment": enrolment,
            "person": enrolment.user,
            "profile": enrolment.user.profile,
            "answers": [
                (question.label, _answer_text(question, answers.get(question.pk)))
                for question in questions
                if not question.sensitive
            ],
            "sensitive_hidden": any(question.sensitive for question in questions),
            "next_url": request.get_full_path(),
        },
    )


@login_required
@require_POST
def enrolment_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    enrolment = get_object_or_404(program.enrolments.select_related("user", "program"), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            enrolment_services.enrolment_decide(
                enrolment=enrolment,
                decision=form.cleaned_data["decision"],
                by=request.user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            enrolment.refresh_from_db()
        else:
            messages.success(request, _decided_message(enrolment))
    else:
        messages.error(
            request, " ".join(message for errors in form.errors.values() for message in errors)
        )
    next_url = _safe_next(request) or reverse("participant_list", kwargs={"slug": program.slug})
    if request.htmx:
        _attach_decisions(enrolment)
        return render(
            request,
            "programs/participant_list.html#decided",
            {"program": program, "enrolment": enrolment, "next_url": next_url},
        )
    return redirect(next_url)


def _decided_message(enrolment: Enrolment) -> str:
    name = enrolment.user.display_name
    if enrolment.status == EnrolmentStatus.APPROVED:
        return _("%(name)s is approved; we emailed them.") % {"name": name}
    if enrolment.status == EnrolmentStatus.WAITLISTED:
        return _("%(name)s is on the waiting list; we emailed them.") % {"name": name}
    return _("%(name)s's application is declined; we emailed them.") % {"name": name}


def _attach_decisions(enrolment: Enrolment) -> None:
    """The decisions a coordinator can still take on this enrolment, as button values."""
    allowed = ENROLMENT_STATES.allowed(enrolment.status)
    enrolment.decisions = [
        decision for decision in enrolment_services.DECISIONS if decision in allowed
    ]


def _safe_next(request: HttpRequest) -> str | None:
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return None


def _answer_text(question, value) -> str | None:
    """An intake answer as a coordinator reads it; None when there is no answer."""
    if value is None or value == "" or value == []:
        return None
    if question.kind == QuestionKind.PROFILE and question.profile_field == ProfileField.SENIORITY:
        try:
            return str(Seniority(int(value)).label)
        except (TypeError, ValueError):
            return str(value)
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    return str(value)


urlpatterns = [
    path("programs/", program_list, name="program_list"),
    path("programs/<slug:slug>/", program_detail, name="program_detail"),
    path("programs/<slug:slug>/join/<str:role>/", program_join, name="program_join"),
    path("programs/<slug:slug>/withdraw/", enrolment_withdraw, name="enrolment_withdraw"),
    path("coordinate/<slug:slug>/participants/", participant_list, name="participant_list"),
    path(
        "coordinate/<slug:slug>/participants/<int:pk>/",
        participant_detail,
        name="participant_detail",
    ),
    path(
        "coordinate/<slug:slug>/participants/<int:pk>/decide/",
        enrolment_decide,
        name="enrolment_decide",
    ),
]
