"""Meetings in the JSON API: like the meetings' pages, for a mentorship's members only
(get_member_workspace; coordinators see counts on the workspace page, never the meetings).
When, how long, how and where it stands: never an agenda, a place or a note."""

from datetime import datetime

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses
from lodestar.mentorships.policy import get_member_workspace

from .models import Meeting

router = Router(tags=["meetings"])


class MeetingOut(Schema):
    id: int
    start: datetime = Field(description="UTC, ISO 8601.")
    duration: int = Field(description="Minutes.")
    mode: str
    status: str


@router.get(
    "/{mentorship_id}/meetings/",
    response=responses({200: list[MeetingOut]}, 404, 422),
    operation_id="meetings_list",
)
@paginate(PageNumberPagination)
def meetings_list(request: HttpRequest, mentorship_id: int):
    """The mentorship's meetings, latest first, in the meetings page's order."""
    mentorship = get_member_workspace(request.auth, mentorship_id)
    return Meeting.objects.filter(mentorship=mentorship).order_by("-start", "-pk")
