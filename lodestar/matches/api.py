"""Matching in the JSON API.

Runs, for a program's coordinators (get_program_for_coordinator; 404 for anyone else): the
runs of a program, starting one with a solver, one run with its figures and criteria, its
proposed pairs with their scores and points by criterion, and publishing it, through the same
services as the matching pages.

Mentorship requests, in programs where mentees choose: a person's own requests (sent as a
mentee, received as a mentor), sending one, and answering or withdrawing one, through the
request services and the request pages' access rule (`get_request_for`).
"""

from datetime import datetime
from typing import Literal

from django.db.models import Q
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses
from lodestar.mentorships.api import PlainText
from lodestar.programs.models import Enrolment, Role
from lodestar.programs.policy import get_program_for_coordinator, get_program_for_participant
from lodestar.programs.states import EnrolmentStatus

from .models import MatchRun, MentorshipRequest, Proposal, ProposalSource, Solver
from .recommendations import open_first
from .services import requests as request_services
from .services.publish import run_publish
from .services.requests import MESSAGE_MAX
from .services.runs import reason_text, run_start
from .states import RequestStatus, RunStatus
from .views.requests import get_request_for

router = Router(tags=["matches"])

RunStatusName = Literal[tuple(value for value, _label in RunStatus.choices)]
SolverName = Literal[tuple(Solver.values)]
SourceName = Literal[tuple(ProposalSource.values)]
RequestStatusName = Literal[tuple(value for value, _label in RequestStatus.choices)]


class PersonOut(Schema):
    enrolment_id: int
    name: str


def _person(enrolment: Enrolment) -> dict:
    return {"enrolment_id": enrolment.pk, "name": enrolment.user.display_name}


# Runs --------------------------------------------------------------------------------------------


class RunMetricsOut(Schema):
    matched: int
    unmatched: int
    total: float
    mean: float
    median: float
    minimum: float
    p10: float
    blocking_pairs: int | None = Field(description="Null when the method does not count them.")
    seconds: float


class RunOut(Schema):
    number: int = Field(description="The run's number in its program, from 1.")
    solver: SolverName
    status: RunStatusName
    started_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    published_at: datetime | None
    error: str = Field(description="Why a failed run failed; empty otherwise.")
    metrics: RunMetricsOut | None = Field(description="Null until the run is done.")

    @staticmethod
    def resolve_started_by(run: MatchRun) -> str | None:
        return run.created_by.display_name if run.created_by else None

    @staticmethod
    def resolve_metrics(run: MatchRun) -> dict | None:
        return run.metrics or None


class CriterionOut(Schema):
    name: str
    rule: str
    weight: float
    required: bool


class UnmatchedOut(Schema):
    enrolment_id: int
    name: str | None = Field(description="Null when the person has left the program since.")
    reason: str


class RunDetailOut(RunOut):
    notes: list[str]
    criteria: list[CriterionOut] = Field(
        description="The criteria as they were when the run was made; each pair's `points` "
        "are keyed by their names."
    )
    unmatched: list[UnmatchedOut]

    @staticmethod
    def resolve_criteria(run: MatchRun) -> list[dict]:
        return [
            {
                "name": criterion["name"],
                "rule": criterion.get("rule", ""),
                "weight": criterion.get("weight", 0),
                "required": bool(criterion.get("required")),
            }
            for criterion in (run.inputs or {}).get("criteria", [])
        ]

    @staticmethod
    def resolve_unmatched(run: MatchRun) -> list[dict]:
        """Each unmatched mentee with their name and the reason in the reader's language."""
        entries = list(run.unmatched or [])
        names = {
            enrolment.pk: enrolment.user.display_name
            for enrolment in Enrolment.objects.filter(
                pk__in=[entry["enrolment"] for entry in entries]
            ).select_related("user")
        }
        return [
            {
                "enrolment_id": entry["enrolment"],
                "name": names.get(entry["enrolment"]),
                "reason": reason_text(entry),
            }
            for entry in entries
        ]


class RunFilters(Schema):
    status: RunStatusName | None = None


class RunIn(Schema):
    solver: SolverName = Field(Solver.OPTIMAL, description="The matching method.")


class ProposalOut(Schema):
    id: int
    mentee: PersonOut
    mentor: PersonOut
    score: float = Field(description="0 to 100: the weighted mean of the criteria.")
    source: SourceName
    points: dict[str, float] = Field(
        description="Each criterion's share of the score, by criterion name."
    )

    @staticmethod
    def resolve_mentee(proposal: Proposal) -> dict:
        return _person(proposal.mentee)

    @staticmethod
    def resolve_mentor(proposal: Proposal) -> dict:
        return _person(proposal.mentor)

    @staticmethod
    def resolve_points(proposal: Proposal) -> dict:
        return proposal.breakdown or {}


class ProposalFilters(Schema):
    source: SourceName | None = None
    max_score: float | None = Field(
        None, allow_inf_nan=False, description="Only pairs scoring this much or less."
    )
    mentor: int | None = Field(None, description="Only the pairs of this mentor (enrolment id).")


def _run(program, number: int) -> MatchRun:
    return get_object_or_404(
        MatchRun.objects.select_related("program", "created_by"), program=program, number=number
    )


@router.get(
    "/programs/{slug}/runs/",
    response=responses({200: list[RunOut]}, 404, 422),
    operation_id="runs_list",
)
@paginate(PageNumberPagination)
def runs_list(request: HttpRequest, slug: str, filters: Query[RunFilters]):
    """The program's matching runs, newest first (its coordinators)."""
    program = get_program_for_coordinator(request.auth, slug)
    runs = MatchRun.objects.filter(program=program).select_related("created_by")
    if filters.status:
        runs = runs.filter(status=filters.status)
    # Figures only: the inputs snapshot and the unmatched list are the detail's.
    return runs.defer("inputs", "unmatched", "prices", "notes").order_by("-number")


@router.post(
    "/programs/{slug}/runs/",
    response=responses({201: RunOut}, 400, 403, 404, 409, 422),
    operation_id="runs_start",
)
def runs_start(request: HttpRequest, slug: str, body: RunIn):
    """Start a matching run with a solver, as the matching page does. The run is queued and the
    worker executes it: poll `GET …/runs/{number}/` until it is `done` (or `failed`)."""
    program = get_program_for_coordinator(request.auth, slug)
    run = run_start(program=program, solver=body.solver, by=request.auth)
    return Status(201, _run(program, run.number))


@router.get(
    "/programs/{slug}/runs/{number}/",
    response=responses({200: RunDetailOut}, 404, 422),
    operation_id="runs_get",
)
def runs_get(request: HttpRequest, slug: str, number: int):
    """One run: its figures, notes, criteria, and the mentees it left unmatched with why."""
    program = get_program_for_coordinator(request.auth, slug)
    return _run(program, number)


@router.get(
    "/programs/{slug}/runs/{number}/proposals/",
    response=responses({200: list[ProposalOut]}, 404, 422),
    operation_id="runs_proposals",
)
@paginate(PageNumberPagination)
def runs_proposals(request: HttpRequest, slug: str, number: int, filters: Query[ProposalFilters]):
    """The run's proposed pairs, lowest score first as on the review page, each with its points
    by criterion."""
    program = get_program_for_coordinator(request.auth, slug)
    run = _run(program, number)
    proposals = Proposal.objects.filter(run=run).select_related("mentee__user", "mentor__user")
    if filters.source:
        proposals = proposals.filter(source=filters.source)
    if filters.max_score is not None:
        proposals = proposals.filter(score__lte=filters.max_score)
    if filters.mentor is not None:
        proposals = proposals.filter(mentor_id=filters.mentor)
    return proposals.order_by("score", "pk")


@router.post(
    "/programs/{slug}/runs/{number}/publish/",
    response=responses({200: RunOut}, 400, 403, 404, 409, 422),
    operation_id="runs_publish",
)
def runs_publish(request: HttpRequest, slug: str, number: int):
    """Publish a finished run: every pair becomes a proposed mentorship and each person is told,
    all or nothing (a 400 names anyone whose seat was taken since the run)."""
    program = get_program_for_coordinator(request.auth, slug)
    run_publish(run=_run(program, number), by=request.auth)
    return _run(program, number)


# Mentorship requests -----------------------------------------------------------------------------


class RequestOut(Schema):
    id: int
    program: str
    mentee: PersonOut
    mentor: PersonOut
    status: RequestStatusName
    acceptable: bool = Field(
        description="Open and not past its expiry: the mentor may still accept it."
    )
    message: str = Field(description="The mentee's message to the mentor.")
    decline_reason: str = Field(description="The mentor's reason, when declined; empty otherwise.")
    created_at: datetime
    expires_at: datetime
    responded_at: datetime | None
    mentorship_id: int | None = Field(description="The mentorship an accepted request started.")

    @staticmethod
    def resolve_program(found: MentorshipRequest) -> str:
        return found.program.slug

    @staticmethod
    def resolve_mentee(found: MentorshipRequest) -> dict:
        return _person(found.mentee)

    @staticmethod
    def resolve_mentor(found: MentorshipRequest) -> dict:
        return _person(found.mentor)

    @staticmethod
    def resolve_acceptable(found: MentorshipRequest) -> bool:
        return request_services.is_acceptable(found)


class RequestFilters(Schema):
    side: Literal["sent", "received"] | None = Field(
        None, description="sent: your requests as a mentee; received: those to you as a mentor."
    )
    status: RequestStatusName | None = None
    program: str | None = Field(None, description="A program's slug.")


# A body of one field is still an object ({"message": "…"}): ninja reads a lone Body parameter
# as the whole body, so these are schemas (a 422 names their field "body.<field>").


class RequestIn(Schema):
    message: PlainText = Field(
        max_length=MESSAGE_MAX,
        description="Who you are, what you hope to learn, and why this mentor.",
    )


class DeclineIn(Schema):
    reason: PlainText = Field(
        max_length=MESSAGE_MAX, description="Why you decline: the mentee reads it."
    )


def _request_out(pk: int) -> MentorshipRequest:
    return MentorshipRequest.objects.select_related("program", "mentee__user", "mentor__user").get(
        pk=pk
    )


@router.get(
    "/requests/",
    response=responses({200: list[RequestOut]}, 404, 422),
    operation_id="requests_list",
)
@paginate(PageNumberPagination)
def requests_list(request: HttpRequest, filters: Query[RequestFilters]):
    """Your mentorship requests, sent and received, open ones first, then newest first."""
    user = request.auth
    sides = {"sent": Q(mentee__user=user), "received": Q(mentor__user=user)}
    found = MentorshipRequest.objects.filter(
        sides[filters.side] if filters.side else sides["sent"] | sides["received"]
    )
    if filters.status:
        found = found.filter(status=filters.status)
    if filters.program:
        found = found.filter(program__slug=filters.program)
    return found.select_related("program", "mentee__user", "mentor__user").order_by(
        open_first(), "-created_at", "-pk"
    )


@router.post(
    "/programs/{slug}/mentors/{mentor_id}/requests/",
    response=responses({201: RequestOut}, 400, 403, 404, 409, 422),
    operation_id="requests_create",
)
def requests_create(request: HttpRequest, slug: str, mentor_id: int, body: RequestIn):
    """Ask a mentor (their enrolment id, as in the recommendations) to mentor you, in a
    program where mentees choose; the mentor is told, and the request expires after the
    program's number of days unless answered."""
    program = get_program_for_participant(request.auth, slug)
    mentee = get_object_or_404(
        Enrolment.objects.select_related("program", "user"), program=program, user=request.auth
    )
    mentor = get_object_or_404(
        Enrolment.objects.select_related("user", "program"),
        program=program,
        role=Role.MENTOR,
        status=EnrolmentStatus.APPROVED,
        pk=mentor_id,
    )
    sent = request_services.request_create(
        mentee=mentee, mentor=mentor, message=body.message, by=request.auth
    )
    return Status(201, _request_out(sent.pk))


@router.post(
    "/requests/{request_id}/accept/",
    response=responses({200: RequestOut}, 400, 403, 404, 409, 422),
    operation_id="requests_accept",
)
def requests_accept(request: HttpRequest, request_id: int):
    """The mentor accepts: the mentorship starts at once (its id is in `mentorship_id`), and
    the mentee's other open requests are withdrawn."""
    found = get_request_for(request.auth, request_id)
    request_services.request_accept(request=found, by=request.auth)
    return _request_out(found.pk)


@router.post(
    "/requests/{request_id}/decline/",
    response=responses({200: RequestOut}, 400, 403, 404, 409, 422),
    operation_id="requests_decline",
)
def requests_decline(request: HttpRequest, request_id: int, body: DeclineIn):
    """The mentor declines, saying why (the mentee reads it)."""
    found = get_request_for(request.auth, request_id)
    request_services.request_decline(request=found, by=request.auth, reason=body.reason)
    return _request_out(found.pk)


@router.post(
    "/requests/{request_id}/withdraw/",
    response=responses({200: RequestOut}, 400, 403, 404, 409, 422),
    operation_id="requests_withdraw",
)
def requests_withdraw(request: HttpRequest, request_id: int):
    """The mentee takes their request back."""
    found = get_request_for(request.auth, request_id)
    request_services.request_withdraw(request=found, by=request.auth)
    return _request_out(found.pk)
