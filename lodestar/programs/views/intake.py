"""The intake form: coordinators build it question by question; participants fill it in."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lodestar.accounts.models import User

from ..forms import add_service_errors
from ..forms.intake import IntakeForm, QuestionForm
from ..models import Enrolment, Program, Question, Role
from ..policy import get_program_for_coordinator
from ..services.intake import (
    answers_save,
    intake_questions,
    question_create,
    question_delete,
    question_dependants,
    question_move,
    question_update,
)


def _question_groups(program: Program) -> list[dict]:
    """The program's questions, by role in the order they are asked, in one query."""
    questions = list(
        program.questions.select_related("paired_with")
        .annotate(answer_count=Count("answers"))
        .order_by("position", "id")
    )
    return [
        {
            "role": role,
            "label": Role(role).label,
            "questions": [question for question in questions if question.role == role],
        }
        for role in program.roles
    ]


def _get_question(program: Program, pk: int) -> Question:
    return get_object_or_404(Question.objects.select_related("program"), pk=pk, program=program)


@login_required
@require_http_methods(["GET"])
def question_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    return render(
        request,
        "programs/question_list.html",
        {"program": program, "groups": _question_groups(program)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_create_view(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = QuestionForm(request.POST if request.method == "POST" else None, program=program)
    if request.method == "POST" and form.is_valid():
        try:
            question = question_create(program=program, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The question “%(label)s” is added.") % {"label": question.label}
            )
            return redirect("question_list", slug=program.slug)
    return render(
        request, "programs/question_form.html", {"program": program, "form": form, "question": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    question = _get_question(program, pk)
    form = QuestionForm(
        request.POST if request.method == "POST" else None, program=program, question=question
    )
    if request.method == "POST" and form.is_valid():
        try:
            question = question_update(question=question, data=form.cleaned_data, by=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The question “%(label)s” is saved.") % {"label": question.label}
            )
            return redirect("question_list", slug=program.slug)
    return render(
        request,
        "programs/question_form.html",
        {"program": program, "form": form, "question": question},
    )


@login_required
@require_http_methods(["GET", "POST"])
def question_delete_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    question = _get_question(program, pk)
    if request.method == "POST":
        question_delete(question=question, by=request.user)
        messages.success(
            request, _("The question “%(label)s” is deleted.") % {"label": question.label}
        )
        return redirect("question_list", slug=program.slug)
    return render(
        request,
        "programs/question_confirm_delete.html",
        {
            "program": program,
            "question": question,
            "answer_count": question.answers.count(),
            "dependants": list(question_dependants(question)),
        },
    )


@login_required
@require_POST
def question_move_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    question = _get_question(program, pk)
    try:
        question_move(question=question, direction=request.POST.get("direction", ""))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if request.htmx:
        return render(
            request,
            "programs/question_list.html#question-groups",
            {"program": program, "groups": _question_groups(program)},
        )
    return redirect("question_list", slug=program.slug)


@login_required
@require_http_methods(["GET", "POST"])
def intake_form(request: HttpRequest, slug: str) -> HttpResponse:
    user = (
        User.objects.select_related("profile")
        .prefetch_related("profile__skills", "profile__interests", "availability")
        .get(pk=request.user.pk)
    )
    enrolment = get_object_or_404(
        Enrolment.objects.active().select_related("program").prefetch_related("answers"),
        program__slug=slug,
        user=user,
    )
    enrolment.user = user
    questions = list(intake_questions(enrolment))
    form = IntakeForm(
        request.POST if request.method == "POST" else None, enrolment=enrolment, questions=questions
    )
    if request.method == "POST" and form.is_valid():
        try:
            answers_save(
                enrolment=enrolment,
                raw_answers=form.answer_values(),
                capacity=form.cleaned_data.get("capacity"),
            )
        except ValidationError as error:
            add_service_errors(form, error, field_names=form.error_field_names())
        else:
            messages.success(request, _("Your answers are saved."))
            return redirect("dashboard")
    return render(
        request,
        "programs/intake_form.html",
        {"program": enrolment.program, "enrolment": enrolment, "form": form},
    )


urlpatterns = [
    path("coordinate/<slug:slug>/questions/", question_list, name="question_list"),
    path("coordinate/<slug:slug>/questions/new/", question_create_view, name="question_create"),
    path("coordinate/<slug:slug>/questions/<int:pk>/edit/", question_edit, name="question_edit"),
    path(
        "coordinate/<slug:slug>/questions/<int:pk>/delete/",
        question_delete_view,
        name="question_delete",
    ),
    path(
        "coordinate/<slug:slug>/questions/<int:pk>/move/", question_move_view, name="question_move"
    ),
    path("programs/<slug:slug>/intake/", intake_form, name="intake_form"),
]
