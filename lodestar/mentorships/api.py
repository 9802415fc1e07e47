"""Mentorships in the JSON API: the workspace's access rule (policy.get_mentorship_for) and
the same pause/resume services as the pages. Only metadata: nothing the pair wrote."""

from datetime import date, datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses
from lodestar.programs.policy import get_program_for_coordinator

from . import services
from .models import Membership, Mentorship
from .policy import get_mentorship_for
from .states import MentorshipStatus

router = Router(tags=["mentorships"])

StatusName = Literal[tuple(value for value, _label in MentorshipStatus.choices)]


class MemberOut(Schema):
    user_id: int
    name: str
    role: str
    response: str

    @staticmethod
    def resolve_name(membership: Membership) -> str:
        return membership.user.display_name


class MentorshipOut(Schema):
    id: int
    program: str
    status: str
    origin: str
    start_date: date | None
    planned_end_date: date | None
    ended_at: datetime | None
    created_at: datetime
    members: list[MemberOut]

    @staticmethod
    def resolve_program(mentorship: Mentorship) -> str:
        return mentorship.program.slug

    @staticmethod
    def resolve_members(mentorship: Mentorship) -> list[Membership]:
        return list(mentorship.memberships.all())


class MentorshipFilters(Schema):
    program: str | None = None
    status: StatusName | None = None


@router.get(
    "/", response=responses({200: list[MentorshipOut]}, 404, 422), operation_id="mentorships_list"
)
@paginate(PageNumberPagination)
def mentorships_list(request: HttpRequest, filters: Query[MentorshipFilters]):
    """Your own mentorships; with `program`, every mentorship of a program you coordinate."""
    user = request.auth
    if filters.program:
        program = get_program_for_coordinator(user, filters.program)
        mentorships = Mentorship.objects.in_program(program)
    else:
        mentorships = Mentorship.objects.filter(
            pk__in=Mentorship.objects.for_user(user).values("pk")
        )
    if filters.status:
        mentorships = mentorships.filter(status=filters.status)
    return (
        mentorships.select_related("program")
        .prefetch_related("memberships__user")
        .order_by("-created_at", "-pk")
    )


@router.get(
    "/{mentorship_id}/",
    response=responses({200: MentorshipOut}, 404, 422),
    operation_id="mentorships_get",
)
def mentorships_get(request: HttpRequest, mentorship_id: int):
    return get_mentorship_for(request.auth, mentorship_id)


@router.post(
    "/{mentorship_id}/pause/",
    response=responses({200: MentorshipOut}, 400, 403, 404, 409, 422),
    operation_id="mentorships_pause",
)
def mentorships_pause(request: HttpRequest, mentorship_id: int):
    """Pause an active mentorship (a member or a coordinator of its program)."""
    mentorship = get_mentorship_for(request.auth, mentorship_id)
    services.mentorship_pause(mentorship=mentorship, by=request.auth)
    return get_mentorship_for(request.auth, mentorship_id)


@router.post(
    "/{mentorship_id}/resume/",
    response=responses({200: MentorshipOut}, 400, 403, 404, 409, 422),
    operation_id="mentorships_resume",
)
def mentorships_resume(request: HttpRequest, mentorship_id: int):
    """Resume a paused mentorship."""
    mentorship = get_mentorship_for(request.auth, mentorship_id)
    services.mentorship_resume(mentorship=mentorship, by=request.auth)
    return get_mentorship_for(request.auth, mentorship_id)
