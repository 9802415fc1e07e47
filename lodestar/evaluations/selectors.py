"""Reads for the survey pages: each access helper raises 404 for anyone who may not see."""

from django.db.models import Case, DateTimeField, F, IntegerField, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.programs.policy import get_program_for_coordinator

from .models import AssignmentStatus, Survey, SurveyAssignment, SurveyStatus

DASHBOARD_LIMIT = 5


def get_survey_for_coordinator(user: User, slug: str, pk: int) -> Survey:
    """A survey of a program the user coordinates; 404 for everyone else."""
    program = get_program_for_coordinator(user, slug)
    survey = get_object_or_404(Survey.objects.select_related("program"), pk=pk, program=program)
    survey.program = program  # the same object: its coordinators were just checked
    return survey


def get_assignment_for(user: User, pk: int) -> SurveyAssignment:
    """A survey sent to this user; 404 for everyone else, coordinators included."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        SurveyAssignment.objects.select_related("survey__program", "mentorship"),
        pk=pk,
        user=user,
    )


def assignments_for(user: User):
    """A person's surveys: those waiting for an answer first (soonest due first), then the
    others, newest first."""
    waiting = Case(
        When(status=AssignmentStatus.PENDING, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    due = Case(
        When(status=AssignmentStatus.PENDING, then=F("due_at")), output_field=DateTimeField()
    )
    return (
        SurveyAssignment.objects.filter(user=user)
        .select_related("survey__program")
        .annotate(waiting=waiting, waiting_due=due)
        .order_by("waiting", F("waiting_due").asc(nulls_last=True), "-sent_at", "-id")
    )


def dashboard_surveys(user: User) -> dict:
    """The surveys waiting for the person's answer, for the dashboard (one query)."""
    pending = list(
        SurveyAssignment.objects.filter(
            user=user,
            status=AssignmentStatus.PENDING,
            due_at__gt=timezone.now(),
            survey__status=SurveyStatus.ACTIVE,
        )
        .select_related("survey__program")
        .order_by("due_at", "id")[: DASHBOARD_LIMIT + 1]
    )
    return {
        "surveys_waiting": pending[:DASHBOARD_LIMIT],
        "surveys_waiting_more": len(pending) > DASHBOARD_LIMIT,
    }
