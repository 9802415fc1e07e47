"""Survey pages.

Coordinators of a program: its surveys, creating one (blank or ready-made), the builder
(settings and questions), activating and closing, the results and their CSV export.
Participants: their surveys, and the form to answer one (then their answers, when the survey
lets them read them). Everyone else gets a 404. What results show is decided in results.py.
"""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.audit.services import record
from lodestar.programs.forms import add_service_errors
from lodestar.programs.models import Role
from lodestar.programs.policy import get_program_for_coordinator
from lodestar.programs.services.imports import FORMULA_STARTS

from .answering import check_open, response_submit
from .models import Anonymity, AssignmentStatus, SurveyAssignment, SurveyQuestion, SurveyStatus
from .results import member_responses, results_rows, survey_results
from .selectors import assignments_for, get_assignment_for, get_survey_for_coordinator
from .survey_forms import (
    AnswerForm,
    QuestionForm,
    RoleFilterForm,
    SurveyCreateForm,
    SurveySettingsForm,
)
from .surveys import (
    question_add,
    question_delete,
    question_move,
    question_update,
    survey_activate,
    survey_close,
    survey_create,
    survey_delete,
    survey_update,
)

PAGE_SIZE = 50
BOM = "\ufeff"


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def _cell(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (answers are written by participants);
    numbers, a negative Net Promoter Score among them, stay numbers."""
    if value.startswith(FORMULA_STARTS):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


# --- coordinators: the list, creating ---------------------------------------------------------


def _list_page(request: HttpRequest, program, form: SurveyCreateForm, status: int = 200):
    surveys = list(program.surveys.all())
    ids = [s.pk for s in surveys]
    questions = dict(
        SurveyQuestion.objects.filter(survey_id__in=ids)
        .values_list("survey_id")
        .annotate(n=Count("id"))
    )
    counts = {}
    for survey_id, status_value, n in (
        SurveyAssignment.objects.filter(survey_id__in=ids)
        .values_list("survey_id", "status")
        .annotate(n=Count("id"))
    ):
        counts.setdefault(survey_id, {})[status_value] = n
    for survey in surveys:
        survey.question_count = questions.get(survey.pk, 0)
        by_status = counts.get(survey.pk, {})
        survey.sent_count = sum(by_status.values())
        survey.answered_count = by_status.get(AssignmentStatus.DONE, 0)
    return render(
        request,
        "evaluations/survey_list.html",
        {"program": program, "surveys": surveys, "form": form},
        status=status,
    )


@login_required
@require_GET
def survey_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    return _list_page(request, program, SurveyCreateForm())


@login_required
@require_POST
def survey_new(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = SurveyCreateForm(request.POST)
    if form.is_valid():
        try:
            survey = survey_create(program=program, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The survey is ready for you to shape: it is a draft."))
            return redirect("survey_detail", slug=program.slug, pk=survey.pk)
    return _list_page(request, program, form, status=400)


# --- coordinators: the builder ----------------------------------------------------------------


def _detail_page(request, survey, question_form=None, status=200):
    questions = list(survey.questions.all())
    return render(
        request,
        "evaluations/survey_detail.html",
        {
            "program": survey.program,
            "survey": survey,
            "questions": questions,
            "question_form": question_form or QuestionForm(),
            "is_draft": survey.status == SurveyStatus.DRAFT,
            "is_active": survey.status == SurveyStatus.ACTIVE,
            "anonymous": survey.anonymity == Anonymity.ANONYMOUS,
        },
        status=status,
    )


@login_required
@require_GET
def survey_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _detail_page(request, get_survey_for_coordinator(request.user, slug, pk))


@login_required
@require_http_methods(["GET", "POST"])
def survey_settings(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = get_survey_for_coordinator(request.user, slug, pk)
    form = SurveySettingsForm(request.POST or None, survey=survey)
    if request.method == "POST" and form.is_valid():
        try:
            survey_update(survey=survey, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The survey’s settings are saved."))
            return redirect("survey_detail", slug=slug, pk=survey.pk)
    return render(
        request,
        "evaluations/survey_settings.html",
        {"program": survey.program, "survey": survey, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def survey_question_add(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = get_survey_for_coordinator(request.user, slug, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            question_add(survey=survey, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The question is added."))
            return redirect("survey_detail", slug=slug, pk=survey.pk)
    return _detail_page(request, survey, question_form=form, status=400)


def _question(survey, qid: int) -> SurveyQuestion:
    return get_object_or_404(SurveyQuestion, pk=qid, survey=survey)


@login_required
@require_http_methods(["GET", "POST"])
def survey_question_edit(request: HttpRequest, slug: str, pk: int, qid: int) -> HttpResponse:
    survey = get_survey_for_coordinator(request.user, slug, pk)
    question = _question(survey, qid)
    locked = survey.status != SurveyStatus.DRAFT
    form = QuestionForm(request.POST or None, question=question, locked=locked)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            question_update(
                question=question,
                by=request.user,
                text=data["text"],
                kind=data["kind"],
                choices=data.get("choices"),
                required=data["required"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The question is saved."))
            return redirect("survey_detail", slug=slug, pk=survey.pk)
    return render(
        request,
        "evaluations/survey_question_edit.html",
        {
            "program": survey.program,
            "survey": survey,
            "question": question,
            "form": form,
            "locked": locked,
        },
        status=400 if request.method == "POST" else 200,
    )


def _act(request, survey, action, success: str) -> HttpResponse:
    try:
        action()
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, success)
    return redirect("survey_detail", slug=survey.program.slug, pk=survey.pk)


@login_required
@require_POST
def survey_question_delete(request: HttpRequest, slug: str, pk: int, qid: int) -> HttpResponse:
    survey = get_survey_for_coordinator(request.user, slug, pk)
    question = _question(survey, qid)
    return _act(
        request,
        survey,
        lambda: question_delete(question=question, by=request.user),
        _("The question is deleted."),
    )


@login_required
@require_POST
def survey_question_move(request: HttpRequest, slug: str, pk: int, qid: int) -> HttpResponse:
    survey = get_survey_for_coordinator(request.user, slug, pk)
    question = _question(survey, qid)
    up = request.POST.get("direction") == "up"
    return _act(
        request,
        survey,
        lambda: question_move(question=question, by=request.user, up=up),
        _("The question moved up.") if up else _("The question moved down."),
    )


@login_required
@require_POST
def survey_activate_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = get_survey_for_coordinator(request.user, slug, pk)
    return _act(
        request,
        survey,
        lambda: survey_activate(survey=survey, by=request.user),
        _("The survey is active: it is sent on its schedule."),
    )


@login_required
@require_POST
def survey_close_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = get_survey_for_coordinator(request.user, slug, pk)
    return _act(
        request,
        survey,
        lambda: survey_close(survey=survey, by=request.user),
        _("The survey is closed: it is no longer sent or answered. Its results stay."),
    )


@login_required
@require_POST
def survey_delete_view(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = get_survey_for_coordinator(request.user, slug, pk)
    try:
        survey_delete(survey=survey, by=request.user)
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("survey_detail", slug=slug, pk=survey.pk)
    messages.success(request, _("The draft is deleted."))
    return redirect("survey_list", slug=slug)


# --- coordinators: results ----------------------------------------------------------------------


def _results_for(request: HttpRequest, survey):
    roles = [(r, str(Role(r).label)) for r in survey.program.roles]
    form = RoleFilterForm(request.GET or None, roles=roles)
    role = form.cleaned_data["role"] if form.is_valid() else ""
    return form, survey_results(survey, viewer=request.user, role=role)


@login_required
@require_GET
def survey_results_page(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = get_survey_for_coordinator(request.user, slug, pk)
    form, results = _results_for(request, survey)
    return render(
        request,
        "evaluations/survey_results.html",
        {"program": survey.program, "survey": survey, "form": form, "results": results},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@login_required
@require_GET
def survey_results_csv(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    survey = get_survey_for_coordinator(request.user, slug, pk)
    form, results = _results_for(request, survey)
    if form.is_bound and not form.is_valid():
        return HttpResponse(_error_text(ValidationError(form.errors["role"])), status=400)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in results_rows(results):
        writer.writerow([_cell(cell) for cell in row])
    filename = f"{survey.program.slug}-survey-{survey.pk}-{timezone.localdate():%Y-%m-%d}.csv"
    record("exported", target=survey, request=request, details={"report": "survey_results"})
    response = HttpResponse(BOM + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- participants ---------------------------------------------------------------------------------


@login_required
@require_GET
def my_surveys(request: HttpRequest) -> HttpResponse:
    page = Paginator(assignments_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "evaluations/survey_mine.html", {"page": page, "now": timezone.now()})


@login_required
@require_http_methods(["GET", "POST"])
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = get_assignment_for(request.user, pk)
    survey = assignment.survey
    try:
        check_open(assignment)
    except ValidationError as error:
        closed_reason = _error_text(error)
    else:
        closed_reason = ""
    form = None
    if not closed_reason:
        form = AnswerForm(request.POST or None, questions=list(survey.questions.all()))
        if request.method == "POST" and form.is_valid():
            try:
                response_submit(assignment=assignment, by=request.user, answers=form.answers())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you: your answers are sent."))
                return redirect("survey_answer", pk=assignment.pk)
    elif request.method == "POST":
        messages.error(request, closed_reason)
        return redirect("survey_answer", pk=assignment.pk)
    return render(
        request,
        "evaluations/survey_answer.html",
        {
            "assignment": assignment,
            "survey": survey,
            "program": survey.program,
            "form": form,
            "closed_reason": closed_reason,
            "responses": member_responses(request.user, assignment) if not form else [],
        },
        status=400 if request.method == "POST" else 200,
    )
