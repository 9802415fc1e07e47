"""The resource library and recommendations in the JSON API, with the pages' rules.

- A program's library: for its approved participants and its coordinators (404 for everyone
  else), site-wide resources included; hidden ones only for its coordinators.
- A mentorship's recommendations: its members only (coordinators get the page's 404 and see
  counts on the program's resource statistics). A mentor recommends a resource of the program's
  library to a mentee of the mentorship, through the page's service."""

from datetime import datetime
from typing import Annotated, Literal

from django.core.exceptions import ValidationError
from django.forms import ModelChoiceField
from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses
from lodestar.mentorships.api import PersonRef, PlainText, person_ref
from lodestar.mentorships.policy import get_member_workspace
from lodestar.programs.models import Role

from . import selectors, services
from .models import Recommendation, Resource, ResourceKind
from .policy import get_program_for_library
from .states import RecommendationStatus

router = Router(tags=["growth"])

KindName = Literal[tuple(ResourceKind.values)]
RecommendationStatusName = Literal[tuple(RecommendationStatus.values)]


class ResourceTagOut(Schema):
    name: str
    slug: str


class ResourceOut(Schema):
    id: int
    kind: KindName
    title: str
    url: str = Field(description="A link to it; empty for a file.")
    description: str
    tags: list[ResourceTagOut]
    file_name: str = Field(description="The file's name; empty for a link.")
    site_wide: bool = Field(description="Offered to every program.")
    hidden: bool = Field(description="Hidden resources are listed to coordinators only.")
    added_by: PersonRef | None
    created_at: datetime

    @staticmethod
    def resolve_tags(resource: Resource) -> list:
        return list(resource.tags.all())

    @staticmethod
    def resolve_site_wide(resource: Resource) -> bool:
        return resource.program_id is None

    @staticmethod
    def resolve_added_by(resource: Resource) -> dict | None:
        return person_ref(resource.added_by)


class ResourceFilters(Schema):
    q: PlainText | None = Field(
        None, max_length=100, description="Words in the title, text or tags."
    )
    kind: KindName | None = None
    tag: PlainText | None = Field(None, max_length=80, description="A skill or tag, by its slug.")


@router.get(
    "/programs/{slug}/resources/",
    response=responses({200: list[ResourceOut]}, 404, 422),
    operation_id="resources_list",
)
@paginate(PageNumberPagination)
def resources_list(request: HttpRequest, slug: PlainText, filters: Query[ResourceFilters]):
    """The program's library, newest first, with a search, a kind and a skill filter."""
    program, rights = get_program_for_library(request.auth, slug)
    return selectors.library(
        program,
        query=filters.q or "",
        kind=filters.kind or "",
        tag=filters.tag or "",
        with_hidden=rights.coordinates,
    )


# Recommendations -----------------------------------------------------------------------------


class RecommendedResourceOut(Schema):
    id: int
    kind: KindName
    title: str
    url: str


class RecommendationOut(Schema):
    id: int
    resource: RecommendedResourceOut
    recommended_by: PersonRef | None
    recommended_to: PersonRef
    note: str
    status: RecommendationStatusName
    rating: int | None = Field(description="1 to 5, from the mentee.")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_recommended_by(recommendation: Recommendation) -> dict | None:
        return person_ref(recommendation.from_user)

    @staticmethod
    def resolve_recommended_to(recommendation: Recommendation) -> dict | None:
        return person_ref(recommendation.to_user)


@router.get(
    "/mentorships/{mentorship_id}/recommendations/",
    response=responses({200: list[RecommendationOut]}, 404, 422),
    operation_id="recommendations_list",
)
@paginate(PageNumberPagination)
def recommendations_list(request: HttpRequest, mentorship_id: int):
    """What the mentors recommended in this mentorship, newest first (members only)."""
    mentorship = get_member_workspace(request.auth, mentorship_id)
    return selectors.pair_recommendations(mentorship)


# The pages offer these as choices; the API says what their forms say of anything else.
NOT_A_CHOICE = ModelChoiceField.default_error_messages["invalid_choice"]


@router.post(
    "/mentorships/{mentorship_id}/recommendations/",
    response=responses({201: RecommendationOut}, 400, 403, 404, 422),
    operation_id="recommendations_create",
)
def recommendations_create(
    request: HttpRequest,
    mentorship_id: int,
    resource: Annotated[int, Body(description="A resource of the program's library (its id).")],
    to: Annotated[int, Body(description="The user id of a mentee of this mentorship.")],
    note: Annotated[PlainText, Body("", description="Why it would help, up to 1,000 characters.")],
):
    """A mentor of the mentorship recommends a resource to one of its mentees, who is told."""
    mentorship = get_member_workspace(request.auth, mentorship_id)
    chosen = selectors.program_resource(mentorship.program, resource)
    mentee = next(
        (m.user for m in mentorship.memberships.all() if m.user_id == to and m.role == Role.MENTEE),
        None,
    )
    errors = {}
    if chosen is None or chosen.hidden:
        errors["resource"] = NOT_A_CHOICE
    if mentee is None:
        errors["to"] = NOT_A_CHOICE
    if errors:
        raise ValidationError(errors)
    recommendation = services.recommendation_create(
        resource=chosen, mentorship=mentorship, by=request.auth, to=mentee, note=note
    )
    return Status(201, recommendation)
