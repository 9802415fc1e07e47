"""Mentorships in the JSON API: the workspace's access rule (policy.get_mentorship_for) and
the same pause/resume services as the pages, with metadata only; and the goals, content that
only the members see, through the goals' pages' own policy, selector and service."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.core.validators import ProhibitNullCharactersValidator
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Body, Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import AfterValidator

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses
from lodestar.programs.models import Role
from lodestar.programs.policy import get_program_for_coordinator

from . import agreements, goals, selectors, services
from .goal_states import GoalStatus
from .models import Goal, Membership, Mentorship
from .policy import get_member_workspace, get_mentorship_for, is_read_only
from .states import MentorshipStatus

router = Router(tags=["mentorships"])

StatusName = Literal[tuple(value for value, _label in MentorshipStatus.choices)]
RoleName = Literal[tuple(Role.values)]


# Shared by the workspace's endpoints (meetings, messages, resources, introductions, check-ins).


def _storable(value: str) -> str:
    """Text a database can keep: the pages' forms refuse NUL characters (Django's CharField
    does), and neither database stores a lone surrogate; the API refuses both with a 422."""
    if "\x00" in value:
        raise ValueError(str(ProhibitNullCharactersValidator.message))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(_("The text is not valid Unicode.")) from None
    return value


# The schema says so too, so that clients (and schema-driven tests) know NUL is refused.
PlainText = Annotated[
    str, AfterValidator(_storable), Field(json_schema_extra={"pattern": "^[^\\u0000]*$"})
]


class PersonRef(Schema):
    """Someone named in a workspace: their user id and the name the pages show."""

    user_id: int
    name: str


def person_ref(user) -> dict | None:
    return {"user_id": user.pk, "name": user.display_name} if user is not None else None


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


# The agreement -------------------------------------------------------------------------------
#
# Like the agreement's page, for the mentorship's members only (coordinators get its 404). A GET
# never writes: before anyone has opened the page or saved the agreement, `number` is null and
# the sections hold the program's template, which the first save (or page visit) makes
# version 1. Editing and signing go through the page's services, with the same rules: an edit
# after anyone signed makes the next version, and a signature names the version it signs.


class AgreementSectionOut(Schema):
    key: str
    title: str
    text: str


class AgreementSignatureOut(Schema):
    user_id: int
    name: str
    role: RoleName
    signed_at: datetime | None = Field(description="Null until this member signs this version.")


class AgreementOut(Schema):
    number: int | None = Field(description="The current version; null before the first draft.")
    sections: list[AgreementSectionOut]
    agreed_at: datetime | None = Field(description="When the last member signed this version.")
    updated_at: datetime | None
    signatures: list[AgreementSignatureOut]
    read_only: bool = Field(description="True once the mentorship has ended.")


# A body of one field is still an object: {"number": 2}. (ninja reads a lone Body parameter as
# the whole body, so these are schemas; a problem names their fields "body.<field>".)


class AgreementIn(Schema):
    sections: dict[str, PlainText] = Field(
        description="Section key → its text; a section left out is left empty."
    )


class AgreementSignatureIn(Schema):
    number: int = Field(ge=1, description="The version you read and sign.")


def _agreement(mentorship: Mentorship) -> dict:
    state = selectors.agreement_state(mentorship)
    version = state.version
    texts = (
        version.sections if version else agreements.template_texts(mentorship.program, mentorship)
    )
    return {
        "number": version.number if version else None,
        "sections": [
            {"key": section.key, "title": str(section.label), "text": texts.get(section.key, "")}
            for section in agreements.sections_for(mentorship.program)
        ],
        "agreed_at": version.agreed_at if version else None,
        "updated_at": version.updated_at if version else None,
        "signatures": [
            {
                "user_id": row["member"].user_id,
                "name": row["member"].user.display_name,
                "role": row["member"].role,
                "signed_at": row["signed_at"],
            }
            for row in state.signatures
        ],
        "read_only": is_read_only(mentorship),
    }


@router.get(
    "/{mentorship_id}/agreement/",
    response=responses({200: AgreementOut}, 404, 422),
    operation_id="agreements_get",
)
def agreements_get(request: HttpRequest, mentorship_id: int):
    """The current version of the mentorship's agreement, section by section, with who signed
    it (members only)."""
    return _agreement(get_member_workspace(request.auth, mentorship_id))


@router.put(
    "/{mentorship_id}/agreement/",
    response=responses({200: AgreementOut}, 400, 403, 404, 422),
    operation_id="agreements_edit",
)
def agreements_edit(
    request: HttpRequest,
    mentorship_id: int,
    body: AgreementIn,
):
    """Propose or edit the agreement. While nobody has signed, the draft changes in place; once
    anyone has, this makes the next version and everybody signs again."""
    mentorship = get_member_workspace(request.auth, mentorship_id)
    agreements.agreement_edit(mentorship=mentorship, by=request.auth, sections=body.sections)
    return _agreement(mentorship)


@router.post(
    "/{mentorship_id}/agreement/sign/",
    response=responses({200: AgreementOut}, 400, 403, 404, 422),
    operation_id="agreements_sign",
)
def agreements_sign(
    request: HttpRequest,
    mentorship_id: int,
    body: AgreementSignatureIn,
):
    """Sign the current version (its number, so that nobody signs a text they did not read).
    When every member has signed, the agreement is agreed."""
    mentorship = get_member_workspace(request.auth, mentorship_id)
    agreements.agreement_sign(mentorship=mentorship, by=request.auth, number=body.number)
    return _agreement(mentorship)
