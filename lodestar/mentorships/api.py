"""Mentorships in the JSON API: the workspace's access rule (policy.get_mentorship_for) and
the same pause/resume services as the pages, with metadata only; and the goals, content that
only the members see, through the goals' pages' own policy, selector and service."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Body, Field, Query, Router, Schema
from ninja.pagination import paginate

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses
from lodestar.programs.policy import get_program_for_coordinator

from . import goals, selectors, services
from .goal_states import GoalStatus
from .models import Goal, Membership, Mentorship
from .policy import get_member_workspace, get_mentorship_for
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


# Goals ---------------------------------------------------------------------------------------
#
# Goals are content the pair wrote: like the goals' pages, only the mentorship's members see
# them (get_member_workspace); coordinators and site admins get the 404 the pages give them.

GoalStatusName = Literal[tuple(value for value, _label in GoalStatus.choices)]


class GoalOwnerOut(Schema):
    user_id: int
    name: str


class GoalOut(Schema):
    id: int
    title: str
    status: str
    progress: int
    target_date: date | None
    owner: GoalOwnerOut | None = Field(
        description="Whose goal it is; null for a goal the whole circle shares."
    )
    accepted: bool = Field(description="False while a suggestion waits for its owner.")
    declined_at: datetime | None
    achieved_at: datetime | None

    @staticmethod
    def resolve_owner(goal: Goal) -> dict | None:
        user = getattr(goal, "owner_user", None)
        return {"user_id": user.pk, "name": user.display_name} if user else None


@router.get(
    "/{mentorship_id}/goals/",
    response=responses({200: list[GoalOut]}, 404, 422),
    operation_id="goals_list",
)
@paginate(PageNumberPagination)
def goals_list(request: HttpRequest, mentorship_id: int):
    """The mentorship's goals, suggestions and declined ones included, oldest first (members)."""
    mentorship = get_member_workspace(request.auth, mentorship_id)
    return selectors.mentorship_goals(mentorship)


@router.post(
    "/{mentorship_id}/goals/{goal_id}/progress/",
    response=responses({200: GoalOut}, 400, 403, 404, 409, 422),
    operation_id="goals_progress",
)
def goals_progress(
    request: HttpRequest,
    mentorship_id: int,
    goal_id: int,
    # Two body fields rather than one schema parameter, so that a problem names the field
    # ("progress"), not the parameter holding it ("body.progress").
    status: Body[GoalStatusName],
    progress: Annotated[int, Body(ge=0, le=100, description="Percent.")],
):
    """Move a goal along: its owner (a circle's mentor, for a shared goal) sets its status and
    progress, as on the goal's page."""
    mentorship = get_member_workspace(request.auth, mentorship_id)
    goal = get_object_or_404(Goal.objects.filter(mentorship=mentorship), pk=goal_id)
    goal.mentorship = mentorship
    goal = goals.goal_update_progress(goal=goal, by=request.auth, status=status, progress=progress)
    return selectors.with_owners([goal], mentorship)[0]
