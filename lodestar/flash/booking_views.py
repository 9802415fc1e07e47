"""One booked session, for its two people only (everyone else, coordinators too, gets a 404:
the question and the feedback are theirs): the time in each one's zone, cancelling, the
mentor's record of whether it was held, each side's feedback, and the mentee's next steps — a
follow-up session or, where the program allows, a longer mentorship with the same mentor."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lodestar.accounts.models import User
from lodestar.matches.models import MentorshipRequest
from lodestar.matches.states import RequestStatus
from lodestar.meetings.zones import local_times

from . import services
from .forms import (
    FeedbackForm,
    LongerMentorshipForm,
    OutcomeForm,
    ReasonForm,
    show_service_errors,
)
from .links import BOOKING_ROUTE
from .models import Booking, SessionFeedback
from .policy import get_booking_for
from .states import BookingStatus

MENTEE, MENTOR = "mentee", "mentor"


def _side(user: User, booking: Booking) -> str:
    return MENTEE if booking.mentee.user_id == user.pk else MENTOR


def _booking_page(
    request: HttpRequest,
    booking: Booking,
    *,
    cancel_form: ReasonForm | None = None,
    outcome_form: OutcomeForm | None = None,
    feedback_form: FeedbackForm | None = None,
    request_form: LongerMentorshipForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    slot = booking.slot
    hours = slot.office_hours
    program = hours.program
    mentor_user, mentee_user = hours.mentor.user, booking.mentee.user
    side = _side(user, booking)
    now = timezone.now()
    started = slot.start <= now
    state = booking.status
    mine = SessionFeedback.objects.filter(booking=booking, author=user).first()
    held = state == BookingStatus.HELD
    context = {
        "booking": booking,
        "slot": slot,
        "hours": hours,
        "program": program,
        "side": side,
        "other": mentee_user if side == MENTOR else mentor_user,
        "mentor_user": mentor_user,
        "mentee_user": mentee_user,
        "other_times": local_times(slot.start, user, [mentor_user, mentee_user]),
        "seats_taken": slot.bookings.seated().count(),
        "started": started,
        "can_cancel": state == BookingStatus.BOOKED and not started,
        "cancel_deadline": slot.start - timedelta(hours=program.flash_cancel_hours),
        "can_record": side == MENTOR and started and state != BookingStatus.CANCELLED,
        "my_feedback": mine,
        "can_give_feedback": started
        and mine is None
        and state != BookingStatus.CANCELLED
        and not (side == MENTEE and state == BookingStatus.NO_SHOW),
        "can_follow_up": side == MENTEE and held,
        "can_ask_longer": side == MENTEE and held and program.takes_requests_after_sessions,
        "cancel_form": cancel_form or ReasonForm(),
        "outcome_form": outcome_form,
        "feedback_form": feedback_form or FeedbackForm(),
        "request_form": request_form or LongerMentorshipForm(),
    }
    longer = None
    if context["can_ask_longer"]:
        longer = (
            MentorshipRequest.objects.filter(mentee=booking.mentee, mentor=hours.mentor)
            .order_by("-created_at", "-pk")
            .first()
        )
    context["longer_request"] = longer
    context["unplaced_form"] = _unplaced(
        context,
        cancel_form=cancel_form,
        outcome_form=outcome_form,
        feedback_form=feedback_form,
        request_form=request_form,
        asked=longer is not None and longer.status == RequestStatus.OPEN,
    )
    return render(request, "flash/booking_detail.html", context, status=status)


def _unplaced(context: dict, *, asked: bool, **forms) -> FeedbackForm | None:
    """A form that failed although the page no longer offers it (the session started, the
    feedback was given...): its errors are shown on top of the page instead."""
    shown = {
        "cancel_form": context["can_cancel"],
        "outcome_form": context["can_record"],
        "feedback_form": context["can_give_feedback"],
        "request_form": context["can_ask_longer"] and not asked,
    }
    for name, form in forms.items():
        if form is not None and form.errors and not shown[name]:
            return form
    return None


def _back(request: HttpRequest, booking: Booking) -> HttpResponse:
    """To the page the form was on (the mentor's office hours, say), else the booking."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(BOOKING_ROUTE, pk=booking.pk)


@login_required
@require_GET
def booking_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _booking_page(request, get_booking_for(request.user, pk))


@login_required
@require_POST
def booking_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_booking_for(request.user, pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            services.booking_cancel(
                booking=booking, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            show_service_errors(form, error, ReasonForm.ERROR_FIELDS)
        else:
            messages.success(
                request,
                _("The booking is cancelled: the seat is free again and %(name)s is told.")
                % {"name": _other_name(request.user, booking)},
            )
            return redirect(BOOKING_ROUTE, pk=booking.pk)
    return _booking_page(request, booking, cancel_form=form, status=400)


def _other_name(user: User, booking: Booking) -> str:
    if _side(user, booking) == MENTEE:
        return booking.slot.office_hours.mentor.user.display_name
    return booking.mentee.user.display_name


@login_required
@require_POST
def booking_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_booking_for(request.user, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            services.booking_record_outcome(
                booking=booking, by=request.user, status=form.cleaned_data["status"]
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            if form.cleaned_data["status"] == BookingStatus.HELD:
                text = _("Recorded: the session was held.")
            else:
                text = _("Recorded: %(name)s did not come.") % {
                    "name": booking.mentee.user.display_name
                }
            messages.success(request, text)
            return _back(request, booking)
    return _booking_page(request, booking, outcome_form=form, status=400)


@login_required
@require_POST
def booking_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_booking_for(request.user, pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_submit(
                booking=booking,
                by=request.user,
                rating=data["rating"],
                useful=data["useful"],
                follow_up=data["follow_up"],
                comment=data["comment"],
            )
        except ValidationError as error:
            show_service_errors(form, error, FeedbackForm.ERROR_FIELDS)
        else:
            text = _("Thank you for your feedback.")
            if data["follow_up"]:
                text += " " + _("%(name)s is told that you would like a follow-up.") % {
                    "name": _other_name(request.user, booking)
                }
            messages.success(request, text)
            return redirect(BOOKING_ROUTE, pk=booking.pk)
    return _booking_page(request, booking, feedback_form=form, status=400)


@login_required
@require_POST
def booking_longer_mentorship(request: HttpRequest, pk: int) -> HttpResponse:
    booking = get_booking_for(request.user, pk)
    form = LongerMentorshipForm(request.POST)
    if form.is_valid():
        try:
            sent = services.mentorship_request_from_session(
                booking=booking, by=request.user, message=form.cleaned_data["message"]
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("Your request is sent. %(name)s is asked to answer it.")
                % {"name": booking.slot.office_hours.mentor.user.display_name},
            )
            return redirect(reverse("request_detail", args=[sent.pk]))
    return _booking_page(request, booking, request_form=form, status=400)
