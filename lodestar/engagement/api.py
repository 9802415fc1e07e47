"""Check-ins and notifications in the JSON API, with the pages' rules.

Check-ins: a member checks in on their mentorship through the page's service, and reads their
own check-ins — never another member's. The program's coordinators (and site admins) read what
the workspace and the program's check-in pages show them: each member's latest check-in with
its date, mood and help flag, and its words only while it is an open request to be contacted.

Notifications: each person's own (anybody else's is a 404), read and marked read through the
same service as the notifications page."""

from datetime import date, datetime
from typing import Annotated, Literal

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Body, Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses
from lodestar.mentorships.api import PersonRef, PlainText, person_ref
from lodestar.mentorships.policy import can_read_content, get_member_workspace, get_workspace_for

from .checkins import checkin_submit
from .models import CheckIn, Mood, Notification
from .services import notifications_mark_read
from .views import is_local

router = Router(tags=["engagement"])

MoodValue = Literal[tuple(Mood.values)]


# Check-ins -----------------------------------------------------------------------------------


class CheckInOut(Schema):
    id: int
    member: PersonRef
    period_start: date
    mood: MoodValue = Field(description="1 (very badly) to 5 (very well).")
    progress: str | None = Field(description="Null where you may not read the words.")
    blockers: str | None = Field(description="Null where you may not read the words.")
    wants_contact: bool = Field(description="The member asked the coordinators to get in touch.")
    handled_at: datetime | None = Field(description="When a coordinator dealt with that request.")
    created_at: datetime

    @staticmethod
    def resolve_member(checkin: CheckIn) -> dict:
        return person_ref(checkin.user)

    @staticmethod
    def resolve_progress(checkin: CheckIn, context) -> str | None:
        return checkin.progress if _words_shown(checkin, context) else None

    @staticmethod
    def resolve_blockers(checkin: CheckIn, context) -> str | None:
        return checkin.blockers if _words_shown(checkin, context) else None


def _words_shown(checkin: CheckIn, context) -> bool:
    """Its author reads it; a coordinator, only while it asks to be contacted."""
    return checkin.user_id == context["request"].auth.pk or checkin.help_open


@router.get(
    "/mentorships/{mentorship_id}/check-ins/",
    response=responses({200: list[CheckInOut]}, 404, 422),
    operation_id="checkins_list",
)
@paginate(PageNumberPagination)
def checkins_list(request: HttpRequest, mentorship_id: int):
    """A member: their own check-ins on the mentorship, latest first. A coordinator of its
    program: each member's latest check-in."""
    user = request.auth
    mentorship = get_workspace_for(user, mentorship_id)
    checkins = CheckIn.objects.filter(mentorship=mentorship)
    if can_read_content(user, mentorship):
        checkins = checkins.filter(user=user)
    else:
        latest = (
            CheckIn.objects.filter(mentorship=mentorship, user=OuterRef("user"))
            .order_by("-period_start", "-id")
            .values("pk")[:1]
        )
        checkins = checkins.filter(pk=Subquery(latest))
    return checkins.select_related("user").order_by("-period_start", "-id")


@router.post(
    "/mentorships/{mentorship_id}/check-ins/",
    response=responses({201: CheckInOut}, 400, 403, 404, 422),
    operation_id="checkins_create",
)
def checkins_create(
    request: HttpRequest,
    mentorship_id: int,
    mood: Annotated[MoodValue, Body(description="1 (very badly) to 5 (very well).")],
    progress: Annotated[PlainText, Body("", description="What went well.")],
    blockers: Annotated[PlainText, Body("", description="Anything in the way.")],
    wants_contact: Annotated[
        bool,
        Body(
            False,
            description="Ask the coordinators to get in touch: they are told at once and may "
            "then read this check-in.",
        ),
    ],
):
    """Check in for the current period (once per period), as on the check-in page."""
    user = request.auth
    mentorship = get_member_workspace(user, mentorship_id)
    checkin = checkin_submit(
        mentorship=mentorship,
        by=user,
        mood=mood,
        progress=progress,
        blockers=blockers,
        wants_contact=wants_contact,
    )
    checkin.user = user
    return Status(201, checkin)


# Notifications -------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: str = Field(description="What it is about, e.g. meeting_proposed.")
    text: str = Field(description="In your language.")
    url: str = Field(description="The page it is about; empty if none.")
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_url(notification: Notification) -> str:
        if not is_local(notification.url):
            return ""
        return settings.SITE_URL.rstrip("/") + notification.url


class NotificationFilters(Schema):
    unread: bool | None = Field(None, description="true: only unread; false: only read.")


@router.get(
    "/notifications/",
    response=responses({200: list[NotificationOut]}, 404, 422),
    operation_id="notifications_list",
)
@paginate(PageNumberPagination)
def notifications_list(request: HttpRequest, filters: Query[NotificationFilters]):
    """Your notifications, newest first."""
    notifications = Notification.objects.filter(user=request.auth)
    if filters.unread is not None:
        notifications = notifications.filter(read_at__isnull=filters.unread)
    return notifications.order_by("-created_at", "-id")


@router.post(
    "/notifications/{notification_id}/read/",
    response=responses({200: NotificationOut}, 403, 404, 422),
    operation_id="notifications_read",
)
def notifications_read(request: HttpRequest, notification_id: int):
    """Mark one of your notifications read."""
    notification = get_object_or_404(Notification, pk=notification_id, user=request.auth)
    notifications_mark_read(user=request.auth, ids=[notification.pk])
    notification.refresh_from_db(fields=["read_at"])
    return notification


class MarkedOut(Schema):
    marked: int = Field(description="How many notifications were unread and are now read.")


@router.post(
    "/notifications/read/",
    response=responses({200: MarkedOut}, 403),
    operation_id="notifications_read_all",
)
def notifications_read_all(request: HttpRequest):
    """Mark all your notifications read."""
    return {"marked": notifications_mark_read(user=request.auth)}
