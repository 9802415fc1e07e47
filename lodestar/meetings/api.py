"""Meetings in the JSON API: like the meetings' pages, for a mentorship's members only
(get_member_workspace; coordinators see counts on the workspace page, never the meetings).

The list says when, how long, how and where it stands: never an agenda, a place or a note.
One meeting's page (and its endpoint) shows the members the rest: agenda, place, action items,
the shared note, and the caller's own private note (nobody else's, ever). Every change goes
through the meeting services the pages use, with their rules and their notices."""

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Body, Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AfterValidator, AwareDatetime

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import problem, responses
from lodestar.mentorships.api import PersonRef, PlainText, person_ref
from lodestar.mentorships.policy import get_member_workspace

from . import services
from .models import Meeting, MeetingNote, Mode, PrivateNote
from .policy import get_meeting_for_member
from .states import MeetingStatus

router = Router(tags=["meetings"])

ModeName = Literal[tuple(Mode.values)]
MeetingStatusName = Literal[tuple(value for value, _label in MeetingStatus.choices)]
# Far enough for any series the services may add after the start (months at most).
HEADROOM = timedelta(days=400)


def _in_utc(value: datetime) -> datetime:
    try:
        value = value.astimezone(UTC)
        value + HEADROOM
    except OverflowError:
        raise ValueError(_("Choose a time in the next few years.")) from None
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_in_utc)]


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


# One meeting -----------------------------------------------------------------------------------


class MeetingNoteOut(Schema):
    text: str
    version: int = Field(description="Send it back when you save, to not overwrite others.")
    updated_at: datetime
    last_edited_by: PersonRef | None


class PrivateNoteOut(Schema):
    text: str
    updated_at: datetime


class ActionItemOut(Schema):
    id: int
    title: str
    assignee: PersonRef
    due: date | None
    done_at: datetime | None


class MeetingDetailOut(Schema):
    id: int
    start: datetime = Field(description="UTC, ISO 8601.")
    duration: int = Field(description="Minutes.")
    mode: ModeName
    status: MeetingStatusName
    place: str
    agenda: str
    proposed_by: PersonRef | None
    confirmed_at: datetime | None
    minutes_logged: int | None = Field(description="Minutes met, once it is marked held.")
    series: str | None = Field(description="Shared by the meetings proposed together.")
    shared_note: MeetingNoteOut | None = Field(description="The note the members write together.")
    private_note: PrivateNoteOut | None = Field(
        description="Your own note: nobody else ever sees it."
    )
    action_items: list[ActionItemOut]


def _meeting(request: HttpRequest, mentorship_id: int, meeting_id: int) -> Meeting:
    """The meeting, for a member of its mentorship, under that mentorship; 404 otherwise."""
    meeting = get_meeting_for_member(request.auth, meeting_id)
    if meeting.mentorship_id != mentorship_id:
        raise Http404
    return meeting


def _detail(meeting_id: int, user) -> dict:
    # Read afresh: the services lock and change their own copy.
    meeting = get_meeting_for_member(user, meeting_id)
    note = MeetingNote.objects.select_related("last_edited_by").filter(meeting=meeting).first()
    private = PrivateNote.objects.filter(meeting=meeting, author=user).first()
    items = meeting.action_items.select_related("assignee").order_by("done_at", "due", "pk")
    return {
        "id": meeting.pk,
        "start": meeting.start,
        "duration": meeting.duration,
        "mode": meeting.mode,
        "status": meeting.status,
        "place": meeting.place,
        "agenda": meeting.agenda,
        "proposed_by": person_ref(meeting.proposed_by),
        "confirmed_at": meeting.confirmed_at,
        "minutes_logged": meeting.minutes_logged,
        "series": str(meeting.series) if meeting.series else None,
        "shared_note": {
            "text": note.text,
            "version": note.version,
            "updated_at": note.updated_at,
            "last_edited_by": person_ref(note.last_edited_by),
        }
        if note
        else None,
        "private_note": {"text": private.text, "updated_at": private.updated_at}
        if private
        else None,
        "action_items": [
            {
                "id": item.pk,
                "title": item.title,
                "assignee": person_ref(item.assignee),
                "due": item.due,
                "done_at": item.done_at,
            }
            for item in items
        ],
    }


WRITE_STATUSES = (400, 403, 404, 409, 422)


# A body of one field is still an object ({"minutes": 50}); ninja reads a lone Body parameter
# as the whole body, so these are schemas, and a problem names their field "body.<field>".


class MeetingHeldIn(Schema):
    minutes: int | None = Field(
        None, description="How long you met; the planned length if left out."
    )


class PrivateNoteIn(Schema):
    text: PlainText


@router.post(
    "/{mentorship_id}/meetings/",
    response=responses({201: MeetingDetailOut}, *WRITE_STATUSES),
    operation_id="meetings_create",
)
def meetings_create(
    request: HttpRequest,
    mentorship_id: int,
    start: Annotated[Moment, Body(description="With its offset; kept in UTC.")],
    duration: Annotated[int, Body(60, description="Minutes, from 15 to 480.")],
    mode: Annotated[ModeName, Body(Mode.VIDEO.value)],
    place: Annotated[PlainText, Body("", description="An address, a room, a link.")],
    agenda: Annotated[PlainText, Body("")],
    repeat: Annotated[
        bool, Body(False, description="Also propose the next meetings at the program's cadence.")
    ],
):
    """Propose a meeting; the other members are asked to confirm it. With `repeat`, the next
    meetings of a series are proposed too, and the first one is returned."""
    mentorship = get_member_workspace(request.auth, mentorship_id)
    meeting = services.meeting_propose(
        mentorship=mentorship,
        by=request.auth,
        start=start,
        duration=duration,
        mode=mode,
        place=place,
        agenda=agenda,
        repeat=repeat,
    )
    return Status(201, _detail(meeting.pk, request.auth))


@router.get(
    "/{mentorship_id}/meetings/{meeting_id}/",
    response=responses({200: MeetingDetailOut}, 404, 422),
    operation_id="meetings_get",
)
def meetings_get(request: HttpRequest, mentorship_id: int, meeting_id: int):
    """One meeting with its agenda, place, action items, the shared note and your private note."""
    return _detail(_meeting(request, mentorship_id, meeting_id).pk, request.auth)


@router.post(
    "/{mentorship_id}/meetings/{meeting_id}/confirm/",
    response=responses({200: MeetingDetailOut}, *WRITE_STATUSES),
    operation_id="meetings_confirm",
)
def meetings_confirm(request: HttpRequest, mentorship_id: int, meeting_id: int):
    """Agree to a proposed time (a member other than whoever proposed it); everyone's calendar
    gets the invitation."""
    meeting = _meeting(request, mentorship_id, meeting_id)
    services.meeting_confirm(meeting=meeting, by=request.auth)
    return _detail(meeting.pk, request.auth)


@router.post(
    "/{mentorship_id}/meetings/{meeting_id}/reschedule/",
    response=responses({200: MeetingDetailOut}, *WRITE_STATUSES),
    operation_id="meetings_reschedule",
)
def meetings_reschedule(
    request: HttpRequest,
    mentorship_id: int,
    meeting_id: int,
    start: Body[Moment],
    duration: Annotated[int | None, Body(None, description="Minutes; unchanged if left out.")],
):
    """Propose another time for a proposed or confirmed meeting: it waits for another member's
    confirmation again."""
    meeting = _meeting(request, mentorship_id, meeting_id)
    services.meeting_reschedule(meeting=meeting, by=request.auth, start=start, duration=duration)
    return _detail(meeting.pk, request.auth)


@router.post(
    "/{mentorship_id}/meetings/{meeting_id}/cancel/",
    response=responses({200: MeetingDetailOut}, *WRITE_STATUSES),
    operation_id="meetings_cancel",
)
def meetings_cancel(request: HttpRequest, mentorship_id: int, meeting_id: int):
    """Call off a meeting that has not started; calendars that have it get a cancellation."""
    meeting = _meeting(request, mentorship_id, meeting_id)
    services.meeting_cancel(meeting=meeting, by=request.auth)
    return _detail(meeting.pk, request.auth)


@router.post(
    "/{mentorship_id}/meetings/{meeting_id}/complete/",
    response=responses({200: MeetingDetailOut}, *WRITE_STATUSES),
    operation_id="meetings_complete",
)
def meetings_complete(
    request: HttpRequest,
    mentorship_id: int,
    meeting_id: int,
    body: MeetingHeldIn | None = None,
):
    """Record that a confirmed meeting that has started was held."""
    meeting = _meeting(request, mentorship_id, meeting_id)
    minutes = body.minutes if body else None
    services.meeting_complete(meeting=meeting, by=request.auth, minutes=minutes)
    return _detail(meeting.pk, request.auth)


@router.post(
    "/{mentorship_id}/meetings/{meeting_id}/missed/",
    response=responses({200: MeetingDetailOut}, *WRITE_STATUSES),
    operation_id="meetings_missed",
)
def meetings_missed(request: HttpRequest, mentorship_id: int, meeting_id: int):
    """Record that a confirmed meeting did not take place."""
    meeting = _meeting(request, mentorship_id, meeting_id)
    services.meeting_mark_missed(meeting=meeting, by=request.auth)
    return _detail(meeting.pk, request.auth)


@router.put(
    "/{mentorship_id}/meetings/{meeting_id}/note/",
    response=responses({200: MeetingDetailOut}, *WRITE_STATUSES),
    operation_id="meetings_shared_note",
)
def meetings_shared_note(
    request: HttpRequest,
    mentorship_id: int,
    meeting_id: int,
    text: Body[PlainText],
    version: Annotated[
        int, Body(ge=0, description="The note's version you edited (0 before the first save).")
    ],
):
    """Save the note the members share. If someone saved it since your version, nothing is
    saved and the answer is 409: read it again, merge, and save with its new version."""
    meeting = _meeting(request, mentorship_id, meeting_id)
    try:
        services.shared_note_save(meeting=meeting, by=request.auth, text=text, version=version)
    except services.NoteConflict as conflict:
        message = conflict.messages[0]
        return problem(409, message, [{"field": "version", "message": message}])
    return _detail(meeting.pk, request.auth)


@router.put(
    "/{mentorship_id}/meetings/{meeting_id}/private-note/",
    response=responses({200: MeetingDetailOut}, *WRITE_STATUSES),
    operation_id="meetings_private_note",
)
def meetings_private_note(
    request: HttpRequest, mentorship_id: int, meeting_id: int, body: PrivateNoteIn
):
    """Save your own note on the meeting: nobody else ever reads it."""
    meeting = _meeting(request, mentorship_id, meeting_id)
    services.private_note_save(meeting=meeting, by=request.auth, text=body.text)
    return _detail(meeting.pk, request.auth)
