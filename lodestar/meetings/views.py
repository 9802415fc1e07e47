"""Meeting pages, for the members of a mentorship only (everyone else, coordinators too, gets a
404): planning a meeting from suggested times, one meeting with its notes and action items,
the answers and changes to it, its .ics file; and each person's private calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import get_member_workspace, is_read_only
from lodestar.programs.forms import add_service_errors

from . import calendar, selectors, services
from .forms import (
    OTHER,
    ActionItemForm,
    CompleteForm,
    MeetingEditForm,
    PrivateNoteForm,
    ProposeForm,
    SharedNoteForm,
    TimeForm,
    duration_from,
)
from .models import Meeting, MeetingNote, PrivateNote
from .policy import get_action_item_for_member, get_meeting_for_member
from .states import PLANNED, MeetingStatus

PAGE_SIZE = 50


def _members(mentorship: Mentorship) -> list:
    return [m.user for m in mentorship.memberships.all()]


def _others(mentorship: Mentorship, user) -> list:
    return [u for u in _members(mentorship) if u.pk != user.pk]


def _failed(request: HttpRequest, meeting: Meeting, error: ValidationError) -> HttpResponse:
    messages.error(request, " ".join(error.messages))
    return redirect("meeting_detail", pk=meeting.pk)


def _time_errors(form: TimeForm, error: ValidationError) -> None:
    typed = (form.data.get("slot") or "") in ("", OTHER)
    add_service_errors(form, error, {"start": "when" if typed else "slot"})


# --- planning -------------------------------------------------------------------------------


def _time_page(
    request: HttpRequest,
    mentorship: Mentorship,
    form: TimeForm,
    *,
    duration: int,
    meeting: Meeting | None = None,
) -> HttpResponse:
    suggestions = selectors.suggestions_for(
        mentorship, request.user, duration=duration, exclude=meeting.pk if meeting else None
    )
    cadence = mentorship.program.meeting_cadence
    context = {
        "mentorship": mentorship,
        "program": mentorship.program,
        "meeting": meeting,
        "form": form,
        "duration": duration,
        "suggestions": suggestions,
        "others": _others(mentorship, request.user),
        "zone": request.user.timezone or "UTC",
        "cadence": mentorship.program.get_meeting_cadence_display(),
        "can_repeat": meeting is None and cadence != "as_needed",
        "repeat_count": services.REPEAT_COUNT,
    }
    template = "meetings/meeting_time.html"
    if request.htmx and request.method == "GET" and not request.htmx.history_restore_request:
        template += "#slots"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_new(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    if is_read_only(mentorship):
        messages.error(request, _("This mentorship has ended: no new meetings."))
        return redirect("mentorship_detail", pk=mentorship.pk)
    if request.method == "GET":
        duration = duration_from(request.GET.get("duration"))
        form = ProposeForm(initial={"duration": duration})
        return _time_page(request, mentorship, form, duration=duration)
    form = ProposeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_propose(
                mentorship=mentorship,
                by=request.user,
                start=data["start"],
                duration=data["duration"],
                mode=data["mode"],
                place=data["place"],
                agenda=data["agenda"],
                repeat=data["repeat"],
            )
        except ValidationError as error:
            _time_errors(form, error)
        else:
            series = Meeting.objects.filter(series=meeting.series).count() if meeting.series else 1
            if series > 1:
                messages.success(
                    request,
                    _(
                        "You proposed %(count)s meetings. The other members are asked to "
                        "confirm each one."
                    )
                    % {"count": series},
                )
            else:
                messages.success(
                    request, _("You proposed this meeting. The other members are asked to confirm.")
                )
            return redirect("meeting_detail", pk=meeting.pk)
    return _time_page(
        request, mentorship, form, duration=duration_from(request.POST.get("duration"))
    )


@login_required
@require_http_methods(["GET", "POST"])
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    mentorship = meeting.mentorship
    if request.method == "GET":
        if is_read_only(mentorship) or meeting.status not in PLANNED:
            messages.error(request, _("This meeting can no longer move."))
            return redirect("meeting_detail", pk=meeting.pk)
        duration = duration_from(request.GET.get("duration"), meeting.duration)
        form = TimeForm(initial={"duration": duration})
        return _time_page(request, mentorship, form, duration=duration, meeting=meeting)
    form = TimeForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_reschedule(
                meeting=meeting,
                by=request.user,
                start=form.cleaned_data["start"],
                duration=form.cleaned_data["duration"],
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _failed(request, meeting, error)
            _time_errors(form, error)
        else:
            messages.success(
                request, _("You proposed another time. The other members are asked to confirm.")
            )
            return redirect("meeting_detail", pk=meeting.pk)
    duration = duration_from(request.POST.get("duration"), meeting.duration)
    return _time_page(request, mentorship, form, duration=duration, meeting=meeting)


# --- one meeting ----------------------------------------------------------------------------


def _detail(
    request: HttpRequest,
    meeting: Meeting,
    *,
    note_form: SharedNoteForm | None = None,
    conflict: MeetingNote | None = None,
    private_form: PrivateNoteForm | None = None,
    item_form: ActionItemForm | None = None,
    complete_form: CompleteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    mentorship = meeting.mentorship
    now = timezone.now()
    writable = not is_read_only(mentorship)
    status_now = meeting.status
    note = MeetingNote.objects.select_related("last_edited_by").filter(meeting=meeting).first()
    private = PrivateNote.objects.filter(meeting=meeting, author=user).first()
    items = list(meeting.action_items.select_related("assignee").order_by("done_at", "due", "pk"))
    members = _members(mentorship)
    context = {
        "meeting": meeting,
        "mentorship": mentorship,
        "program": mentorship.program,
        "members": members,
        "other_times": selectors.other_times(meeting, user),
        "note": note,
        "conflict": conflict,
        "items": items,
        "writable": writable,
        "can_confirm": writable
        and status_now == MeetingStatus.PROPOSED
        and meeting.proposed_by_id != user.pk
        and meeting.start > now,
        "waiting_for_others": status_now == MeetingStatus.PROPOSED
        and meeting.proposed_by_id == user.pk,
        "can_move": writable and status_now in PLANNED,
        "can_cancel": writable
        and (
            status_now == MeetingStatus.PROPOSED
            or (status_now == MeetingStatus.CONFIRMED and meeting.start > now)
        ),
        "can_close": writable and status_now == MeetingStatus.CONFIRMED and meeting.start <= now,
        "note_form": note_form
        or SharedNoteForm(
            initial={"text": note.text if note else "", "version": note.version if note else 0}
        ),
        "private_form": private_form
        or PrivateNoteForm(initial={"text": private.text if private else ""}),
        "item_form": item_form or ActionItemForm(members=members, initial={"assignee": user.pk}),
        "complete_form": complete_form or CompleteForm(initial={"minutes": meeting.duration}),
    }
    return render(request, "meetings/meeting_detail.html", context, status=status)


@login_required
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_meeting_for_member(request.user, pk))


@login_required
@require_POST
def meeting_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    try:
        services.meeting_confirm(meeting=meeting, by=request.user)
    except ValidationError as error:
        return _failed(request, meeting, error)
    messages.success(request, _("Confirmed. Everyone gets an invitation for their calendar."))
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    try:
        services.meeting_cancel(meeting=meeting, by=request.user)
    except ValidationError as error:
        return _failed(request, meeting, error)
    messages.success(request, _("The meeting is cancelled. The other members have been told."))
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_POST
def meeting_complete(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.meeting_complete(
                meeting=meeting, by=request.user, minutes=form.cleaned_data["minutes"]
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _failed(request, meeting, error)
            add_service_errors(form, error)
        else:
            messages.success(request, _("Marked as held. Your time together is counted."))
            return redirect("meeting_detail", pk=meeting.pk)
    return _detail(request, meeting, complete_form=form)


@login_required
@require_POST
def meeting_missed(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    try:
        services.meeting_mark_missed(meeting=meeting, by=request.user)
    except ValidationError as error:
        return _failed(request, meeting, error)
    messages.success(request, _("Marked as missed."))
    return redirect("meeting_detail", pk=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    if is_read_only(meeting.mentorship) or meeting.status not in PLANNED:
        messages.error(request, _("This meeting can no longer change."))
        return redirect("meeting_detail", pk=meeting.pk)
    if request.method == "POST":
        form = MeetingEditForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_update(meeting=meeting, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                if not hasattr(error, "error_dict"):
                    return _failed(request, meeting, error)
                add_service_errors(form, error)
            else:
                messages.success(request, _("The meeting’s details are saved."))
                return redirect("meeting_detail", pk=meeting.pk)
    else:
        form = MeetingEditForm(
            initial={"mode": meeting.mode, "place": meeting.place, "agenda": meeting.agenda}
        )
    return render(
        request,
        "meetings/meeting_edit.html",
        {"meeting": meeting, "mentorship": meeting.mentorship, "form": form},
    )


@login_required
@require_POST
def meeting_note(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    form = SharedNoteForm(request.POST)
    if form.is_valid():
        try:
            services.shared_note_save(
                meeting=meeting,
                by=request.user,
                text=form.cleaned_data["text"],
                version=form.cleaned_data["version"],
            )
        except services.NoteConflict as conflict:
            # Keep what they typed, now based on the saved version, and show the saved text
            # beside it to merge.
            form = SharedNoteForm(
                initial={"text": form.cleaned_data["text"], "version": conflict.note.version}
            )
            form.fields["text"].label = _("Your version (not saved yet)")
            messages.error(request, conflict.messages[0])
            return _detail(request, meeting, note_form=form, conflict=conflict.note, status=409)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _failed(request, meeting, error)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The shared note is saved."))
            return redirect(reverse("meeting_detail", args=[meeting.pk]) + "#shared-note")
    return _detail(request, meeting, note_form=form, status=400)


@login_required
@require_POST
def meeting_private_note(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    form = PrivateNoteForm(request.POST)
    if form.is_valid():
        try:
            services.private_note_save(
                meeting=meeting, by=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _failed(request, meeting, error)
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your private note is saved."))
            return redirect(reverse("meeting_detail", args=[meeting.pk]) + "#private-note")
    return _detail(request, meeting, private_form=form, status=400)


@login_required
@require_POST
def action_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    form = ActionItemForm(request.POST, members=_members(meeting.mentorship))
    if form.is_valid():
        try:
            services.action_item_add(
                mentorship=meeting.mentorship,
                by=request.user,
                meeting=meeting,
                **form.cleaned_data,
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _failed(request, meeting, error)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The action item is added."))
            return redirect(reverse("meeting_detail", args=[meeting.pk]) + "#action-items")
    return _detail(request, meeting, item_form=form, status=400)


@login_required
@require_POST
def action_item_done(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_action_item_for_member(request.user, pk)
    done = request.POST.get("done", "1") != "0"
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
        back = ""
    back = back or (
        reverse("meeting_detail", args=[item.meeting_id])
        if item.meeting_id
        else reverse("mentorship_detail", args=[item.mentorship_id])
    )
    try:
        services.action_item_set_done(item=item, by=request.user, done=done)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if done:
            messages.success(request, _("“%(title)s” is done.") % {"title": item.title})
        else:
            messages.success(request, _("“%(title)s” is open again.") % {"title": item.title})
    return redirect(back)


@login_required
@require_GET
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for_member(request.user, pk)
    ics = calendar.invitation(meeting, _members(meeting.mentorship), method=calendar.PUBLISH)
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.pk}.ics"'
    return response


@login_required
@require_GET
def meeting_list(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    meetings = Meeting.objects.filter(mentorship=mentorship).order_by("-start", "-pk")
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(
        mentorship.action_items.select_related("assignee", "meeting").order_by(
            "done_at", "due", "pk"
        )[:200]
    )
    return render(
        request,
        "meetings/meeting_list.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "members": _members(mentorship),
            "page": page,
            "items": items,
            "writable": not is_read_only(mentorship),
            "hours": selectors.hours_together(mentorship),
        },
    )


# --- calendar feed --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def calendar_feed(request: HttpRequest) -> HttpResponse:
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            if services.calendar_feed_revoke(user=request.user):
                messages.success(
                    request, _("Your calendar address is revoked: it no longer works.")
                )
            return redirect("calendar_feed")
        _feed, token = services.calendar_feed_create(user=request.user)
    feed = selectors.active_feed(request.user)
    address = ""
    if token:
        address = request.build_absolute_uri(reverse("calendar_feed_ics", args=[token]))
    return render(
        request,
        "meetings/calendar_feed.html",
        {
            "feed": feed,
            "address": address,
            "webcal": address.replace("https://", "webcal://").replace("http://", "webcal://"),
        },
    )


@require_GET
def calendar_feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    user = selectors.feed_owner(token)
    if user is None:
        raise Http404
    ics = calendar.feed(
        selectors.feed_meetings(user), name=_("Lodestar: %(name)s") % {"name": user.display_name}
    )
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
