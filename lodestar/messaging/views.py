"""Message pages: a mentorship's thread (members only — coordinators get a 404, as does
everyone else), its poll for new messages, editing and deleting one's own messages,
attachments, the inbox and the navigation's unread count; reporting a concern, and the
coordinators' view of concerns (the concern and the message it quotes, nothing else)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.audit.services import record
from lodestar.core.uploads import download_response
from lodestar.mentorships.policy import get_member_workspace, is_read_only
from lodestar.mentorships.selectors import membership_of
from lodestar.privacy.access import is_site_admin
from lodestar.programs.forms import add_service_errors
from lodestar.programs.policy import get_program_for_coordinator

from . import selectors, services
from .forms import ConcernForm, EditForm, MessageForm
from .models import Concern, Message
from .policy import get_concern_for_coordinator, get_member_message

POLL_SECONDS = 5
NAV_POLL_SECONDS = 20
STOP_POLLING = 286  # htmx: stop polling this element


def poll_login_required(view):
    """A poll from a page whose session has ended stops quietly, instead of swapping the
    login page into the navigation; a plain visit is sent to log in as usual."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            if request.htmx:
                return HttpResponse(status=STOP_POLLING)
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def _annotate(page_messages, user, *, writable: bool, now=None) -> None:
    now = now or timezone.now()
    for message in page_messages:
        message.mine = message.author_id == user.pk
        message.may_edit = writable and services.can_edit(message, user, now)
        message.may_delete = writable and message.mine and not message.is_deleted


# The thread ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_member_workspace(request.user, pk)
    read_only = is_read_only(mentorship)
    form = MessageForm()
    if request.method == "POST":
        if read_only:
            flash.error(request, _("This mentorship has ended: its messages are kept as history."))
            return redirect("messages", pk=mentorship.pk)
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                sent = services.message_send(
                    mentorship=mentorship,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    attachment=form.cleaned_data["attachment"] or None,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                flash.success(request, _("Message sent."))
                return redirect(f"{services.thread_url(mentorship)}#message-{sent.pk}")

    before = _int(request.GET.get("before"))
    conversation = selectors.conversation_of(mentorship)
    page = selectors.thread_page(conversation, before=before)
    _annotate(page.messages, request.user, writable=not read_only)
    if page.is_latest and page.messages:
        services.conversation_mark_read(
            mentorship=mentorship, user=request.user, up_to=page.last_id, conversation=conversation
        )
    others = [m for m in mentorship.memberships.all() if m.user_id != request.user.pk]
    return render(
        request,
        "messaging/thread.html",
        {
            "mentorship": mentorship,
            "program": mentorship.program,
            "names": ", ".join(m.user.display_name for m in others),
            "mine": membership_of(mentorship, request.user),
            "page": page,
            "form": None if read_only else form,
            "read_only": read_only,
            "poll_seconds": POLL_SECONDS,
            "edit_minutes": int(services.edit_window().total_seconds() // 60),
        },
        status=400 if form.errors else 200,
    )


def _int(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


@poll_login_required
@require_GET
def thread_poll(request: HttpRequest, pk: int) -> HttpResponse:
    """The messages newer than `after` (the last one the page shows), marked read since the
    page is open; nothing new: 204, and htmx leaves the page alone."""
    mentorship = get_member_workspace(request.user, pk)
    after = _int(request.GET.get("after")) or 0
    conversation = selectors.conversation_of(mentorship)
    new = selectors.messages_after(conversation, after)
    if not new:
        return HttpResponse(status=204)
    _annotate(new, request.user, writable=not is_read_only(mentorship))
    services.conversation_mark_read(
        mentorship=mentorship, user=request.user, up_to=new[-1].pk, conversation=conversation
    )
    return _fragment(
        request,
        "messaging/thread.html#new-messages",
        {
            "mentorship": mentorship,
            "new_messages": new,
            "last_id": new[-1].pk,
            "poll_seconds": POLL_SECONDS,
        },
    )


def _fragment(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """A polled fragment, rendered without the context processors: they feed the page's
    navigation (a few queries), which a fragment polled every few seconds never shows."""
    context = {**context, "csrf_token": get_token(request)}
    return HttpResponse(render_to_string(template, context))


@login_required
@require_http_methods(["GET", "POST"])
def message_edit(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_member_message(request.user, pk)
    mentorship = message.conversation.mentorship
    if message.author_id != request.user.pk:
        raise Http404
    back = f"{services.thread_url(mentorship)}#message-{message.pk}"
    if request.method == "POST":
        form = EditForm(request.POST)
        if form.is_valid():
            try:
                services.message_edit(
                    message=message, by=request.user, body=form.cleaned_data["body"]
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    add_service_errors(form, error)
                else:
                    flash.error(request, " ".join(error.messages))
                    return redirect(back)
            else:
                flash.success(request, _("Message updated."))
                return redirect(back)
    else:
        if message.is_deleted or not services.can_edit(message, request.user):
            flash.error(
                request, _("This message can no longer be edited. You can delete it instead.")
            )
            return redirect(back)
        form = EditForm(initial={"body": message.body})
    return render(
        request,
        "messaging/message_edit.html",
        {"mentorship": mentorship, "message": message, "form": form, "back": back},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def message_delete(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_member_message(request.user, pk)
    mentorship = message.conversation.mentorship
    if message.author_id != request.user.pk:
        raise Http404
    try:
        services.message_delete(message=message, by=request.user)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    else:
        flash.success(request, _("Message deleted."))
    return redirect(f"{services.thread_url(mentorship)}#message-{message.pk}")


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """A message's file, for the mentorship's members only, always as a download: never a
    public media URL, never rendered by the browser."""
    message = get_member_message(request.user, pk)
    if not message.has_attachment:
        raise Http404
    return download_response(message.attachment, message.attachment_name, message.attachment_type)


# Unread counts and the inbox ------------------------------------------------------------------


@poll_login_required
@require_GET
def unread(request: HttpRequest) -> HttpResponse:
    """The navigation's "Messages (2 unread)", polled; 204 when the count shown is still
    right, so screen readers hear only changes."""
    count = selectors.unread_count(request.user)
    if request.htmx and _int(request.GET.get("shown")) == (count or None):
        return HttpResponse(status=204)
    return _fragment(
        request,
        "messaging/nav_unread.html",
        {"unread_message_count": count, "nav_poll_seconds": NAV_POLL_SECONDS},
    )


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    return render(request, "messaging/inbox.html", {"mentorships": selectors.inbox(request.user)})


# Concerns -----------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def concern_report(request: HttpRequest, pk: int) -> HttpResponse:
    """A member reports a concern about the mentorship or, with ?message=<id>, one message."""
    mentorship = get_member_workspace(request.user, pk)
    message = None
    message_id = _int(request.POST.get("message") or request.GET.get("message"))
    if message_id is not None:
        message = get_object_or_404(
            Message.objects.select_related("author"),
            pk=message_id,
            conversation__mentorship=mentorship,
            deleted_at__isnull=True,
        )
    form = ConcernForm(request.POST) if request.method == "POST" else ConcernForm()
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_report(
                mentorship=mentorship,
                by=request.user,
                text=form.cleaned_data["text"],
                message=message,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            flash.success(
                request,
                _("Thank you. The coordinators of %(program)s have been told and will be in touch.")
                % {"program": mentorship.program.name},
            )
            return redirect("messages", pk=mentorship.pk)
    return render(
        request,
        "messaging/concern_report.html",
        {"mentorship": mentorship, "reported_message": message, "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@require_GET
def concern_detail(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_concern_for_coordinator(request.user, pk)
    record("concern_viewed", target=concern, program=concern.mentorship.program, request=request)
    return render(
        request,
        "messaging/concern_detail.html",
        {
            "concern": concern,
            "program": concern.mentorship.program,
            "may_open_conversation": is_site_admin(request.user),
        },
    )


@login_required
@require_POST
def concern_handle(request: HttpRequest, pk: int) -> HttpResponse:
    concern = get_concern_for_coordinator(request.user, pk)
    try:
        services.concern_handle(concern=concern, by=request.user)
    except ValidationError as error:
        flash.error(request, " ".join(error.messages))
    else:
        flash.success(request, _("Concern marked as handled."))
    return redirect("concern_detail", pk=concern.pk)


@login_required
@require_GET
def program_concerns(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    concerns = Concern.objects.filter(mentorship__program=program).select_related("reporter")
    page = Paginator(concerns, 50).get_page(request.GET.get("page"))
    return render(request, "messaging/program_concerns.html", {"program": program, "page": page})
