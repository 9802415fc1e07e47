"""Programs in the JSON API: the same visibility rules as the pages (policy.py)."""

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses

from .models import Enrolment, Kind, Program
from .policy import get_program_for_coordinator, get_program_for_participant
from .states import ProgramStatus

router = Router(tags=["programs"])

StatusName = Literal[tuple(value for value, _label in ProgramStatus.choices)]
KindName = Literal[tuple(Kind.values)]


class ProgramOut(Schema):
    slug: str
    name: str
    description: str
    kind: str
    status: str
    start_date: date | None
    end_date: date | None
    matching_mode: str
    enrolment_mode: str


class ProgramFilters(Schema):
    status: StatusName | None = None
    kind: KindName | None = None


class EnrolmentOut(Schema):
    id: int
    user_id: int
    name: str
    role: str
    status: str
    capacity: int | None
    created_at: datetime

    @staticmethod
    def resolve_name(enrolment: Enrolment) -> str:
        return enrolment.user.display_name


@router.get(
    "/", response=responses({200: list[ProgramOut]}, 404, 422), operation_id="programs_list"
)
@paginate(PageNumberPagination)
def programs_list(request: HttpRequest, filters: Query[ProgramFilters]):
    """Programs you may see: open for enrolment, yours, or coordinated by you."""
    programs = Program.objects.visible_to(request.auth).order_by("name", "pk")
    if filters.status:
        programs = programs.filter(status=filters.status)
    if filters.kind:
        programs = programs.filter(kind=filters.kind)
    return programs


@router.get("/{slug}/", response=responses({200: ProgramOut}, 404), operation_id="programs_get")
def programs_get(request: HttpRequest, slug: str):
    return get_program_for_participant(request.auth, slug)


@router.get(
    "/{slug}/enrolments/",
    response=responses({200: list[EnrolmentOut]}, 404, 422),
    operation_id="programs_enrolments",
)
@paginate(PageNumberPagination)
def programs_enrolments(request: HttpRequest, slug: str):
    """Everyone enrolled in the program. For its coordinators only; 404 for anyone else."""
    program = get_program_for_coordinator(request.auth, slug)
    return (
        Enrolment.objects.filter(program=program)
        .select_related("user")
        .order_by("role", "created_at", "pk")
    )
