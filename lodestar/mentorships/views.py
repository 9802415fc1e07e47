"""Mentorship pages: a person's mentorships, one mentorship's workspace, the answers to a
proposal, pausing, resuming and ending early; a program's list for coordinators.

The agreement's pages are in agreement_views, the goals' in goal_views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lodestar.engagement.workspace import panel as engagement_panel
from lodestar.evaluations.workspace import panel as evaluations_panel
from lodestar.growth.workspace import panel as growth_panel
from lodestar.matches.services.rematch import mentorship_rematch
from lodestar.matches.services.responses import proposal_accept, proposal_decline
from lodestar.meetings.workspace import panel as meetings_panel
from lodestar.messaging.workspace import panel as messaging_panel
from lodestar.network.workspace import panel as network_panel
from lodestar.programs.forms import add_service_errors
from lodestar.programs.policy import get_program_for_coordinator, is_coordinator

from . import selectors, services
from .forms import DeclineForm, EndEarlyForm, MentorshipFilterForm
from .models import Mentorship
from .policy import can_read_content, get_mentorship_for, get_workspace_for
from .states import MENTORSHIP_STATES, MentorshipStatus, Response

PAGE_SIZE = 50
CLOSABLE = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)
CLOSURE_SHOWN = (MentorshipStatus.CLOSING, MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY)


@login_required
@require_GET
def my_mentorships(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "mentorships/my_mentorships.html",
        {"mine": selectors.my_mentorships(request.user)},
    )


@login_required
@require_GET
def mentorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_workspace_for(request.user, pk)
    return _detail(request, mentorship)


def _detail(
    request: HttpRequest,
    mentorship: Mentorship,
    *,
    decline_form: DeclineForm | None = None,
    end_form: EndEarlyForm | None = None,
) -> HttpResponse:
    user = request.user
    mine = selectors.membership_of(mentorship, user)
    coordinates = is_coordinator(user, mentorship.program)
    status = mentorship.status
    may_manage = mine is not None or coordinates
    can_answer = (
        mine is not None
        and status == MentorshipStatus.PROPOSED
        and mine.response == Response.PENDING
    )
    # Members leave a proposal by declining it; ending early is for what has started (or, for
    # a coordinator, a proposal to withdraw).
    can_end = may_manage and (
        MENTORSHIP_STATES.can(status, MentorshipStatus.ENDED_EARLY)
        and (status != MentorshipStatus.PROPOSED or coordinates)
    )
    # Members see the workspace's content; coordinators (who are not members) its metadata.
    content = can_read_content(user, mentorship)
    context = {
        **selectors.workspace(mentorship, user, content=content),
        **meetings_panel(mentorship, user, content=content),
        **messaging_panel(mentorship, user, content=content),
        **growth_panel(mentorship, user, content=content),
        **network_panel(mentorship, user, content=content),
        **engagement_panel(mentorship, user, content=content),
        **evaluations_panel(mentorship, user, content=content),
    }
    return render(
        request,
        "mentorships/mentorship_detail.html",
        {
            **context,
            "content": content,
            "mentorship": mentorship,
            "program": mentorship.program,
            "members": selectors.mentors_first(mentorship.memberships.all()),
            "now": timezone.now(),
            "mine": mine,
            "is_coordinator": coordinates,
            "can_answer": can_answer,
            "can_pause": may_manage and MENTORSHIP_STATES.can(status, MentorshipStatus.PAUSED),
            "can_resume": may_manage and status == MentorshipStatus.PAUSED,
            "can_end": can_end,
            # Closing (closure_views.py) is the usual way to end; "end early" the abrupt one.
            "can_close": may_manage and status in CLOSABLE,
            "closure_link": status in CLOSURE_SHOWN,
            "decline_form": decline_form or DeclineForm(),
            "end_form": end_form or EndEarlyForm(),
            # Reasons are for coordinators, and for the person who gave them.
            "show_end_reason": coordinates or mentorship.ended_by_id == user.pk,
        },
    )


def _failed(request: HttpRequest, mentorship: Mentorship, error: ValidationError):
    messages.error(request, " ".join(error.messages))
    return redirect("mentorship_detail", pk=mentorship.pk)


@login_required
@require_POST
def mentorship_accept(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, pk)
    try:
        mentorship = proposal_accept(mentorship=mentorship, user=request.user)
    except ValidationError as error:
        return _failed(request, mentorship, error)
    if mentorship.status == MentorshipStatus.ACTIVE:
        messages.success(request, _("You accepted: your mentorship has started."))
    else:
        messages.success(
            request, _("You accepted. The mentorship starts once everyone has accepted.")
        )
    return redirect("mentorship_detail", pk=mentorship.pk)


@login_required
@require_POST
def mentorship_decline(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            proposal_decline(
                mentorship=mentorship, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _failed(request, mentorship, error)  # not about the reason typed
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("You declined this match. The coordinators will look for a better one.")
            )
            return redirect("mentorship_detail", pk=mentorship.pk)
    return _detail(request, get_mentorship_for(request.user, pk), decline_form=form)


@login_required
@require_POST
def mentorship_pause(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, pk)
    try:
        services.mentorship_pause(mentorship=mentorship, by=request.user)
    except ValidationError as error:
        return _failed(request, mentorship, error)
    messages.success(request, _("The mentorship is paused. Resume it when you are ready."))
    return redirect("mentorship_detail", pk=mentorship.pk)


@login_required
@require_POST
def mentorship_resume(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, pk)
    try:
        services.mentorship_resume(mentorship=mentorship, by=request.user)
    except ValidationError as error:
        return _failed(request, mentorship, error)
    messages.success(request, _("The mentorship is active again."))
    return redirect("mentorship_detail", pk=mentorship.pk)


@login_required
@require_POST
def mentorship_end(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = get_mentorship_for(request.user, pk)
    form = EndEarlyForm(request.POST)
    if form.is_valid():
        end = mentorship_rematch if form.cleaned_data["rematch"] else services.mentorship_end_early
        try:
            end(mentorship=mentorship, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _failed(request, mentorship, error)
            add_service_errors(form, error)
        else:
            if form.cleaned_data["rematch"]:
                messages.success(
                    request,
                    _(
                        "The mentorship has ended. You will not be matched together again; "
                        "the coordinators have been told."
                    ),
                )
            else:
                messages.success(request, _("The mentorship has ended."))
            return redirect("mentorship_detail", pk=mentorship.pk)
    return _detail(request, get_mentorship_for(request.user, pk), end_form=form)


@login_required
@require_GET
def program_mentorships(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    filter_form = MentorshipFilterForm(request.GET)
    filters = filter_form.filters()
    mentorships = selectors.program_mentorships(program, filters)
    page = Paginator(mentorships, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "mentorships/program_mentorships.html",
        {
            "program": program,
            "page": page,
            "filter_form": filter_form,
            "filtered": bool(filters),
        },
    )
