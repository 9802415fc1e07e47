"""Surveys and program analytics in the JSON API.

Participants: the surveys sent to them (get_assignment_for: 404 for anyone else, coordinators
included) and answering one through the answering service, which decides what is stored for
each kind of anonymity. Coordinators of a program (get_program_for_coordinator): its surveys
with their counts, each survey's results read ONLY through results.survey_results (the
anonymity thresholds hold: a hidden group's figures are never computed into the answer), and
the dashboard's figures from the dashboard's own selector (analytics.program_figures).
"""

from datetime import date, datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses
from lodestar.mentorships.api import PlainText
from lodestar.mentorships.models import ClosureReason
from lodestar.programs.api import QuestionIdKeys
from lodestar.programs.models import Role
from lodestar.programs.policy import get_program_for_coordinator

from .analytics import STAGES, Figures, program_figures
from .analytics_views import DashboardFilterForm
from .answering import check_open, response_submit
from .models import (
    Anchor,
    Anonymity,
    AssignmentStatus,
    Audience,
    QuestionKind,
    Survey,
    SurveyAssignment,
    SurveyQuestion,
    SurveyStatus,
)
from .results import member_responses, survey_results
from .selectors import assignments_for, get_assignment_for, get_survey_for_coordinator

router = Router(tags=["evaluations"])

RoleName = Literal[tuple(Role.values)]
AnonymityName = Literal[tuple(Anonymity.values)]
AssignmentStatusName = Literal[tuple(AssignmentStatus.values)]
SurveyStatusName = Literal[tuple(SurveyStatus.values)]
QuestionKindName = Literal[tuple(QuestionKind.values)]
# What a person may send as one answer: a number (agreement 1–5, recommendation 0–10), an
# option's position, a list of positions, or a text. Kept lax so that the answering service,
# not the schema, says what is wrong with a value, in the words the survey page uses.
AnswerInput = PlainText | bool | int | float | list[PlainText | int | float] | None


# A participant's surveys -------------------------------------------------------------------------


class SurveyBriefOut(Schema):
    id: int
    title: str
    intro: str
    program: str
    anonymity: AnonymityName


class AssignmentOut(Schema):
    id: int
    survey: SurveyBriefOut
    role: RoleName = Field(description="The role you answer in.")
    mentorship_id: int | None = Field(description="The mentorship the survey is about, if any.")
    status: AssignmentStatusName
    open: bool = Field(description="Whether you may answer it now.")
    sent_at: datetime
    due_at: datetime
    completed_at: datetime | None = Field(
        description="When you answered; for an anonymous survey, the day only."
    )

    @staticmethod
    def resolve_survey(assignment: SurveyAssignment) -> dict:
        survey = assignment.survey
        return {
            "id": survey.pk,
            "title": survey.title,
            "intro": survey.intro,
            "program": survey.program.slug,
            "anonymity": survey.anonymity,
        }

    @staticmethod
    def resolve_open(assignment: SurveyAssignment) -> bool:
        return _closed_reason(assignment) is None


class SurveyQuestionOut(Schema):
    id: int
    kind: QuestionKindName
    text: str
    choices: list[str] = Field(description="For one or several choices: answer with positions.")
    required: bool


class ResponseAnswerOut(Schema):
    question_id: int
    answer: str = Field(description="As the survey page shows it; empty when not answered.")


class MemberResponseOut(Schema):
    author: str
    mine: bool
    day: date
    answers: list[ResponseAnswerOut]


class AssignmentDetailOut(AssignmentOut):
    closed_reason: str | None = Field(description="Why it cannot be answered now, if so.")
    questions: list[SurveyQuestionOut]
    responses: list[MemberResponseOut] = Field(
        description="Once answered: your answers to a named or confidential survey and, in a "
        "named survey about a mentorship, the other members' for the same occasion."
    )

    @staticmethod
    def resolve_questions(assignment: SurveyAssignment) -> list[SurveyQuestion]:
        return assignment.questions_out

    @staticmethod
    def resolve_responses(assignment: SurveyAssignment) -> list[dict]:
        return assignment.responses_out


class AssignmentFilters(Schema):
    status: AssignmentStatusName | None = Field(
        None, description="pending: the surveys waiting for your answer."
    )


def _closed_reason(assignment: SurveyAssignment) -> str | None:
    try:
        check_open(assignment)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def _assignment_detail(request: HttpRequest, assignment_id: int) -> SurveyAssignment:
    """The assignment with its questions and the responses its person may read (results.py)."""
    assignment = get_assignment_for(request.auth, assignment_id)
    questions = list(assignment.survey.questions.all())
    views = member_responses(request.auth, assignment)
    assignment.closed_reason = _closed_reason(assignment)
    assignment.questions_out = questions
    assignment.responses_out = [
        {
            "author": view.author,
            "mine": view.mine,
            "day": view.day,
            "answers": [
                {"question_id": question.pk, "answer": text} for question, text in view.answers
            ],
        }
        for view in views
    ]
    return assignment


@router.get(
    "/surveys/",
    response=responses({200: list[AssignmentOut]}, 404, 422),
    operation_id="surveys_mine",
)
@paginate(PageNumberPagination)
def surveys_mine(request: HttpRequest, filters: Query[AssignmentFilters]):
    """The surveys sent to you: those waiting for your answer first (soonest due first)."""
    assignments = assignments_for(request.auth)
    if filters.status:
        assignments = assignments.filter(status=filters.status)
    return assignments


@router.get(
    "/surveys/{assignment_id}/",
    response=responses({200: AssignmentDetailOut}, 404, 422),
    operation_id="surveys_get",
)
def surveys_get(request: HttpRequest, assignment_id: int):
    """A survey sent to you: its questions, whether you may answer, and what you may read of
    the answers once given."""
    return _assignment_detail(request, assignment_id)


class SurveyAnswersIn(Schema):
    answers: Annotated[dict[int, AnswerInput], QuestionIdKeys] = Field(
        description="Question id → answer: 1–5 for agreement, 0–10 for recommendation, an "
        "option's position (from 0) for one choice, a list of them for several, a text. A "
        "problem names the question as `answers.<id>`.",
    )


@router.post(
    "/surveys/{assignment_id}/response/",
    response=responses({201: AssignmentDetailOut}, 400, 403, 404, 422),
    operation_id="surveys_answer",
)
def surveys_answer(request: HttpRequest, assignment_id: int, body: SurveyAnswersIn):
    """Answer a survey sent to you, once, while it is open, as its page does."""
    assignment = get_assignment_for(request.auth, assignment_id)
    try:
        response_submit(assignment=assignment, by=request.auth, answers=body.answers)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        # The service names a question as its form field ("q12"): here it is answers.12.
        raise ValidationError(
            {
                (f"answers.{key[1:]}" if key.startswith("q") else key): messages
                for key, messages in error.error_dict.items()
            }
        ) from None
    return Status(201, _assignment_detail(request, assignment_id))


# A program's surveys, for its coordinators -------------------------------------------------------


class SurveyOut(Schema):
    id: int
    title: str
    status: SurveyStatusName
    anonymity: AnonymityName
    audience: Literal[tuple(Audience.values)]
    anchor: Literal[tuple(Anchor.values)]
    min_group_size: int
    created_at: datetime
    activated_at: datetime | None
    closed_at: datetime | None
    question_count: int
    sent: int = Field(description="People asked.")
    answered: int


class SurveyFilters(Schema):
    status: SurveyStatusName | None = None


def _count(queryset) -> Subquery:
    """A correlated count per survey: no join between questions and assignments."""
    counted = queryset.filter(survey=OuterRef("pk")).order_by().values("survey")
    return Coalesce(
        Subquery(counted.annotate(n=Count("pk")).values("n"), output_field=IntegerField()), 0
    )


@router.get(
    "/programs/{slug}/surveys/",
    response=responses({200: list[SurveyOut]}, 404, 422),
    operation_id="surveys_list",
)
@paginate(PageNumberPagination)
def surveys_list(request: HttpRequest, slug: str, filters: Query[SurveyFilters]):
    """The program's surveys with how many were asked and answered, as the survey list shows."""
    program = get_program_for_coordinator(request.auth, slug)
    surveys = Survey.objects.filter(program=program)
    if filters.status:
        surveys = surveys.filter(status=filters.status)
    return surveys.annotate(
        question_count=_count(SurveyQuestion.objects.all()),
        sent=_count(SurveyAssignment.objects.all()),
        answered=_count(SurveyAssignment.objects.filter(status=AssignmentStatus.DONE)),
    ).order_by("created_at", "pk")


class BarOut(Schema):
    label: str
    count: int
    percent: int


class TextOut(Schema):
    text: str
    author: str | None = Field(description="Null in anonymous surveys.")
    role: str | None = Field(description="Null in anonymous surveys.")
    day: date | None = Field(description="Null in anonymous surveys.")


class QuestionResultOut(Schema):
    number: int
    question_id: int
    text: str
    kind: QuestionKindName
    hidden: bool = Field(
        description="Too few answers to show in an anonymous survey: no figure is given."
    )
    count: int
    mean: float | None
    nps: int | None = Field(description="Net Promoter Score, for 0–10 questions.")
    bars: list[BarOut]
    texts: list[TextOut] = Field(
        description="Anonymous surveys: in alphabetical order, never in the order given."
    )


class SurveyResultsOut(Schema):
    survey_id: int
    title: str
    anonymity: AnonymityName
    role: RoleName | None = Field(description="The respondents' role shown; null for everyone.")
    min_group_size: int
    named: bool = Field(description="Whether answers come with who gave them.")
    hidden: bool = Field(description="The whole group is too small to show (anonymous only).")
    respondents: int | None
    sent: int
    answered: int
    expired: int
    pending: int
    questions: list[QuestionResultOut]


def _results_out(results) -> dict:
    survey = results.survey
    return {
        "survey_id": survey.pk,
        "title": survey.title,
        "anonymity": survey.anonymity,
        "role": results.role or None,
        "min_group_size": results.min_group_size,
        "named": results.named,
        "hidden": results.hidden,
        "respondents": results.respondents,
        "sent": results.sent,
        "answered": results.answered,
        "expired": results.expired,
        "pending": results.pending,
        "questions": [
            {
                "number": item.number,
                "question_id": item.question.pk,
                "text": item.question.text,
                "kind": item.question.kind,
                "hidden": item.hidden,
                "count": item.count,
                "mean": item.mean,
                "nps": item.nps,
                "bars": [vars(bar) for bar in item.bars],
                "texts": [
                    {
                        "text": text.text,
                        "author": text.author or None,
                        "role": text.role or None,
                        "day": text.day,
                    }
                    for text in item.texts
                ],
            }
            for item in results.questions
        ],
    }


@router.get(
    "/programs/{slug}/surveys/{survey_id}/results/",
    response=responses({200: SurveyResultsOut}, 400, 404, 422),
    operation_id="surveys_results",
)
def surveys_results(
    request: HttpRequest,
    slug: str,
    survey_id: int,
    role: Annotated[
        RoleName | None, Query(description="Only the answers of this role's respondents.")
    ] = None,
):
    """A survey's results, exactly as its results page shows them: anonymous surveys without
    names and only for groups large enough."""
    survey = get_survey_for_coordinator(request.auth, slug, survey_id)
    if role and role not in survey.program.roles:
        raise ValidationError({"role": _("This program has no such role.")})
    return _results_out(survey_results(survey, viewer=request.auth, role=role or ""))


# Program analytics -------------------------------------------------------------------------------


class AnalyticsFilters(Schema):
    # The dashboard's form checks the range (1900 to 9000): outside it, a 400 naming the field.
    date_from: date | None = Field(None, description="From this day (your time zone).")
    date_to: date | None = Field(None, description="Until this day, included.")
    cohort: str | None = Field(
        None, description="role:<role> or department:<name>, as the dashboard offers."
    )


class FunnelRowOut(Schema):
    role: str = Field(description="A role, or “total”.")
    applied: int
    approved: int
    matched: int
    active: int
    completed: int


class MatchingOut(Schema):
    approved: int
    matched: int
    rate: float | None = Field(description="Percent of approved mentees matched.")
    timed: int
    mean_days: float | None
    median_days: float | None


class MeetingMonthOut(Schema):
    month: date
    pairs: int
    meetings: int
    hours: float
    per_pair: float | None


class MeetingsOut(Schema):
    held: int
    hours: float
    pair_months: int
    per_pair_month: float | None
    months: list[MeetingMonthOut]


class GoalMonthOut(Schema):
    month: date
    set: int
    achieved: int


class GoalsOut(Schema):
    total: int
    achieved: int
    dropped: int
    rate: float | None
    months: list[GoalMonthOut]


class MoodMonthOut(Schema):
    month: date
    checkins: int
    mean: float | None
    low: int


class MoodOut(Schema):
    checkins: int
    mean: float | None
    low: int
    months: list[MoodMonthOut]


class RiskOut(Schema):
    at_risk: int
    quiet: int
    healthy: int
    running: int


class EndingOut(Schema):
    reason: Literal[tuple(ClosureReason.values)] | None = Field(
        description="Null when nobody gave one."
    )
    pairs: int


class RetentionOut(Schema):
    completed: int
    ended_early: int
    rate: float | None
    endings: list[EndingOut]


class FairnessGroupOut(Schema):
    department: str = Field(description="Empty for people who gave none.")
    mentees: int
    matched: int
    rate: float | None
    mean: float | None
    lowest: float | None


class FairnessOut(Schema):
    run_number: int
    published_at: datetime | None
    mean: float | None
    median: float | None
    minimum: float | None
    p10: float | None
    groups: list[FairnessGroupOut]


class SurveyFigureOut(Schema):
    survey_id: int
    title: str
    anonymous: bool
    sent: int
    answered: int
    response_rate: float | None
    nps: int | None
    hidden: bool = Field(description="An anonymous survey with too few answers for its score.")


class SurveysFiguresOut(Schema):
    sent: int
    response_rate: float | None
    nps: int | None
    surveys: list[SurveyFigureOut]


class AnalyticsOut(Schema):
    program: str
    date_from: date | None
    date_to: date | None
    cohort: str | None
    funnel: list[FunnelRowOut]
    matching: MatchingOut
    meetings: MeetingsOut
    goals: GoalsOut
    mood: MoodOut
    risk: RiskOut
    retention: RetentionOut
    fairness: FairnessOut | None = Field(description="The latest published run; null if none.")
    surveys: SurveysFiguresOut


def _analytics_out(figures: Figures) -> dict:
    """The dashboard's figures as data: counts, rates and dates, never anyone's words."""
    funnel = figures.funnel
    rows = [{"role": role, **stages} for role, stages in funnel.by_role.items()]
    rows.append({"role": "total", **{stage: funnel.total[stage] for stage in STAGES}})
    matching, meetings, goals, mood = (
        figures.matching,
        figures.meetings,
        figures.goals,
        figures.mood,
    )
    fairness = figures.fairness
    return {
        "program": figures.program.slug,
        "date_from": figures.filters.date_from,
        "date_to": figures.filters.date_to,
        "cohort": figures.filters.cohort or None,
        "funnel": rows,
        "matching": {
            "approved": matching.approved,
            "matched": matching.matched,
            "rate": matching.rate,
            "timed": matching.timed,
            "mean_days": matching.mean_days,
            "median_days": matching.median_days,
        },
        "meetings": {
            "held": meetings.held,
            "hours": meetings.hours,
            "pair_months": meetings.pair_months,
            "per_pair_month": meetings.per_pair_month,
            "months": [
                {
                    "month": m.month,
                    "pairs": m.pairs,
                    "meetings": m.meetings,
                    "hours": m.hours,
                    "per_pair": m.per_pair,
                }
                for m in meetings.months
            ],
        },
        "goals": {
            "total": goals.total,
            "achieved": goals.achieved,
            "dropped": goals.dropped,
            "rate": goals.rate,
            "months": [vars(m) for m in goals.months],
        },
        "mood": {
            "checkins": mood.checkins,
            "mean": mood.mean,
            "low": mood.low,
            "months": [vars(m) for m in mood.months],
        },
        "risk": {
            "at_risk": figures.risk.at_risk,
            "quiet": figures.risk.quiet,
            "healthy": figures.risk.healthy,
            "running": figures.risk.running,
        },
        "retention": {
            "completed": figures.retention.completed,
            "ended_early": figures.retention.ended_early,
            "rate": figures.retention.rate,
            "endings": [
                {"reason": reason or None, "pairs": pairs}
                for reason, pairs in figures.retention.reasons
            ],
        },
        "fairness": None
        if fairness is None
        else {
            "run_number": fairness.run.number,
            "published_at": fairness.run.published_at,
            **{name: fairness.metric(name) for name in ("mean", "median", "minimum", "p10")},
            "groups": [
                {
                    "department": group.label,
                    "mentees": group.mentees,
                    "matched": group.matched,
                    "rate": group.rate,
                    "mean": group.mean,
                    "lowest": group.lowest,
                }
                for group in fairness.groups
            ],
        },
        "surveys": {
            "sent": figures.surveys.sent,
            "response_rate": figures.surveys.response_rate,
            "nps": figures.surveys.nps,
            "surveys": [
                {
                    "survey_id": s.survey_id,
                    "title": s.title,
                    "anonymous": s.anonymous,
                    "sent": s.sent,
                    "answered": s.answered,
                    "response_rate": s.response_rate,
                    "nps": s.nps,
                    "hidden": s.hidden,
                }
                for s in figures.surveys.surveys
            ],
        },
    }


@router.get(
    "/programs/{slug}/analytics/",
    response=responses({200: AnalyticsOut}, 400, 404, 422),
    operation_id="analytics_get",
)
def analytics_get(request: HttpRequest, slug: str, filters: Query[AnalyticsFilters]):
    """The program dashboard's figures, from the dashboard's own selector and with its filters
    (checked by the dashboard's own form): a filter that is not valid is a 400 naming it."""
    program = get_program_for_coordinator(request.auth, slug)
    data = {name: value for name, value in filters.dict().items() if value is not None}
    form = DashboardFilterForm(data, program=program)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return _analytics_out(program_figures(program, form.filters()))
