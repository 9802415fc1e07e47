"""Flash mentoring pages for the people taking part: a mentor's office hours (publishing,
withdrawing, the sessions to come and those waiting for an outcome), the mentors a mentee can
book and booking one session, and each person's sessions across programs.

Views parse and show; every rule lives in services.py. Whoever may not see a page or an object
gets a 404: a program's pages are for its approved mentors or mentees, a mentor's office hours
and sessions for that mentor only.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.accounts.models import Profile, User
from lodestar.accounts.selectors import language_names
from lodestar.core.languages import language_choices
from lodestar.meetings.zones import user_zone
from lodestar.programs.models import Enrolment, Kind, Program, Role
from lodestar.programs.states import EnrolmentStatus

from . import services
from .forms import BookForm, BrowseFilterForm, OfficeHoursForm, ReasonForm, show_service_errors
from .models import Booking, OfficeHours, Repeat, SessionFeedback, Slot
from .policy import flash_program, get_own_office_hours, get_own_slot, my_enrolment, own_booking
from .selectors import NEXT_SLOTS, bookable_mentors, mentor_office_hours, program_topics
from .slots import ACTIVE_PROGRAMS
from .states import BookingStatus

# Mentors on one page of "Book a session"; sessions shown for the one mentor of a follow-up.
PAGE_SIZE = 20
FOLLOW_UP_SLOTS = 10
# Sessions listed on a mentor's page, and past sessions per page of "Your sessions".
UPCOMING = 20
PAST_PAGE_SIZE = 25
# Sessions on the dashboard.
DASHBOARD_SESSIONS = 3


# --- access -----------------------------------------------------------------------------------


# flash_program, my_enrolment and own_booking: policy.py, shared with the booking pages.


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# --- a mentor's office hours ------------------------------------------------------------------


def _upcoming_slots(mentor: Enrolment, now) -> list[Slot]:
    """The mentor's next sessions still on, each with `seated`: who booked, with the question."""
    seated = Booking.objects.seated().select_related("mentee__user").order_by("created_at", "pk")
    return list(
        Slot.objects.open()
        .filter(office_hours__mentor=mentor, end__gt=now)
        .select_related("office_hours")
        .prefetch_related(Prefetch("bookings", queryset=seated, to_attr="seated"))
        .order_by("start", "pk")[:UPCOMING]
    )


def _waiting_for_outcome(mentor: Enrolment, now) -> list[Booking]:
    """Sessions that have started whose outcome the mentor has not recorded yet."""
    return list(
        Booking.objects.filter(
            slot__office_hours__mentor=mentor, status=BookingStatus.BOOKED, slot__start__lte=now
        )
        .select_related("slot", "mentee__user")
        .order_by("slot__start", "pk")[:UPCOMING]
    )


def _office_hours_page(
    request: HttpRequest,
    mentor: Enrolment,
    *,
    form: OfficeHoursForm | None = None,
    failed: tuple[str, int, ReasonForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """`failed`: ("hours" or "slot", its id, the form that failed) to show beside that row."""
    program = mentor.program
    now = timezone.now()
    hours_list = list(mentor_office_hours(mentor))
    for hours in hours_list:
        hours.over = _over(hours, now)
    slots = _upcoming_slots(mentor, now)
    unplaced = failed[2] if failed else None
    for kind, rows in (("hours", hours_list), ("slot", slots)):
        for row in rows:
            if failed and failed[0] == kind and failed[1] == row.pk:
                row.reason_form, unplaced = failed[2], None
            else:
                row.reason_form = ReasonForm(auto_id=f"id_{kind}{row.pk}_%s")
    context = {
        "program": program,
        "mentor": mentor,
        "form": form or OfficeHoursForm(zone=request.user.timezone or "UTC"),
        "can_publish": program.status in ACTIVE_PROGRAMS,
        "hours_list": hours_list,
        "slots": slots,
        "to_record": _waiting_for_outcome(mentor, now),
        "upcoming_limit": UPCOMING,
        "now": now,
        # A failed withdrawal or cancellation of a row the page does not list (any more).
        "unplaced_form": unplaced,
    }
    return render(request, "flash/office_hours.html", context, status=status)


def _over(hours: OfficeHours, now) -> bool:
    """Office hours whose last date has passed (in their own zone): nothing left to withdraw."""
    last = hours.starts_on if hours.repeat == Repeat.ONCE else hours.ends_on
    return last is not None and last < now.astimezone(ZoneInfo(hours.time_zone)).date()


@login_required
@require_http_methods(["GET", "POST"])
def office_hours(request: HttpRequest, slug: str) -> HttpResponse:
    program = flash_program(request.user, slug)
    mentor = my_enrolment(request.user, program, Role.MENTOR)
    if request.method == "GET":
        return _office_hours_page(request, mentor)
    form = OfficeHoursForm(request.POST, zone=request.user.timezone or "UTC")
    if form.is_valid():
        try:
            hours = services.office_hours_publish(
                mentor=mentor, by=request.user, **form.service_arguments()
            )
        except ValidationError as error:
            show_service_errors(form, error, form.error_fields())
        else:
            messages.success(request, _published_text(hours))
            return redirect("flash_office_hours", slug=program.slug)
    return _office_hours_page(request, mentor, form=form, status=400)


def _published_text(hours: OfficeHours) -> str:
    if hours.repeat == Repeat.ONCE:
        return _("Your session is published: mentees can book it now.")
    count = hours.slots.count()
    return ngettext(
        "Your office hours are published: %(count)s session is open for booking.",
        "Your office hours are published: %(count)s sessions are open for booking.",
        count,
    ) % {"count": count}


@login_required
@require_POST
def office_hours_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    hours = get_own_office_hours(request.user, pk)
    form = ReasonForm(request.POST, auto_id=f"id_hours{hours.pk}_%s")
    if form.is_valid():
        try:
            services.office_hours_withdraw(
                hours=hours, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            show_service_errors(form, error, ReasonForm.ERROR_FIELDS)
        else:
            messages.success(
                request,
                _(
                    "Your office hours are withdrawn: their sessions to come are cancelled and "
                    "the people booked are told."
                ),
            )
            return redirect("flash_office_hours", slug=hours.mentor.program.slug)
    return _office_hours_page(request, hours.mentor, failed=("hours", hours.pk, form), status=400)


@login_required
@require_POST
def slot_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    slot = get_own_slot(request.user, pk)
    mentor = slot.office_hours.mentor
    form = ReasonForm(request.POST, auto_id=f"id_slot{slot.pk}_%s")
    if form.is_valid():
        try:
            services.slot_cancel(slot=slot, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            show_service_errors(form, error, ReasonForm.ERROR_FIELDS)
        else:
            messages.success(
                request, _("The session is cancelled. The people booked into it are told.")
            )
            return redirect("flash_office_hours", slug=mentor.program.slug)
    return _office_hours_page(request, mentor, failed=("slot", slot.pk, form), status=400)


# --- booking a session ------------------------------------------------------------------------


def _program_languages(program: Program) -> list[tuple[str, str]]:
    """(code, name) of the languages the program's approved mentors speak, for the filter."""
    codes: set[str] = set()
    for languages in Profile.objects.filter(
        user__enrolments__program=program,
        user__enrolments__role=Role.MENTOR,
        user__enrolments__status=EnrolmentStatus.APPROVED,
    ).values_list("languages", flat=True):
        codes.update(languages or [])
    known = [code for code, _name in language_choices() if code in codes]
    return sorted(zip(known, language_names(known), strict=True), key=lambda p: p[1].casefold())


def _booked_this_month(mentee: Enrolment, now) -> int:
    first, after = services.month_bounds(now, user_zone(mentee.user))
    return (
        Booking.objects.seated()
        .filter(mentee=mentee, slot__start__gte=first, slot__start__lt=after)
        .count()
    )


def _my_upcoming(mentee: Enrolment, now) -> list[Booking]:
    return list(
        Booking.objects.filter(mentee=mentee, status=BookingStatus.BOOKED, slot__end__gt=now)
        .select_related("slot__office_hours__mentor__user")
        .order_by("slot__start", "pk")
    )


@login_required
@require_GET
def browse(request: HttpRequest, slug: str) -> HttpResponse:
    """The mentors the mentee can book, ranked and explained, with their next sessions. With
    `follow_up` (one of the mentee's sessions that was held): only that session's mentor."""
    program = flash_program(request.user, slug)
    mentee = my_enrolment(request.user, program, Role.MENTEE)
    now = timezone.now()
    form = BrowseFilterForm(
        request.GET, topics=program_topics(program), languages=_program_languages(program)
    )
    filters = form.filters()
    follow_up = own_booking(mentee, filters["follow_up"])
    only = follow_up.slot.office_hours.mentor_id if follow_up else filters["mentor"]
    listed = bookable_mentors(
        mentee,
        skill=filters["skill"],
        topic=filters["topic"],
        language=filters["language"],
        time_of_day=filters["time_of_day"],
        per_mentor=FOLLOW_UP_SLOTS if only else NEXT_SLOTS,
        now=now,
    )
    if only:
        listed = [m for m in listed if m.enrolment.pk == only]
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("page"))
    for mentor in page:
        for slot in mentor.slots:
            slot.seats_left = slot.capacity - slot.seats_taken
    context = {
        "program": program,
        "mentee": mentee,
        "form": form,
        "page": page,
        "follow_up": follow_up,
        "filtered": any(filters[k] for k in ("skill", "topic", "language", "time_of_day")),
        "booked_this_month": _booked_this_month(mentee, now),
        "my_upcoming": _my_upcoming(mentee, now),
    }
    return render(request, "flash/browse.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def book(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = flash_program(request.user, slug)
    mentee = my_enrolment(request.user, program, Role.MENTEE)
    slot = get_object_or_404(
        Slot.objects.select_related("office_hours__mentor__user__profile"),
        pk=pk,
        office_hours__program=program,
    )
    if request.method == "POST":
        form = BookForm(request.POST)
        follow_up = own_booking(mentee, _int(request.POST.get("follow_up_of")))
    else:
        follow_up = own_booking(mentee, _int(request.GET.get("follow_up")))
        form = BookForm(initial={"follow_up_of": follow_up.pk if follow_up else None})
    if request.method == "POST" and form.is_valid():
        try:
            booking = services.booking_create(
                slot=slot,
                mentee=mentee,
                question=form.cleaned_data["question"],
                by=request.user,
                follow_up_of=follow_up,
            )
        except ValidationError as error:
            show_service_errors(form, error, BookForm.ERROR_FIELDS)
        else:
            messages.success(
                request,
                _("Booked. You and %(mentor)s each get a calendar invitation by email.")
                % {"mentor": slot.office_hours.mentor.user.display_name},
            )
            return redirect("flash_booking", pk=booking.pk)
    hours = slot.office_hours
    mentor_user = hours.mentor.user
    context = {
        "program": program,
        "slot": slot,
        "hours": hours,
        "mentor_user": mentor_user,
        "mentor_zone": user_zone(mentor_user).key,
        "seats_left": max(0, slot.capacity - slot.bookings.seated().count()),
        "form": form,
        "follow_up": follow_up,
    }
    return render(
        request, "flash/book.html", context, status=400 if request.method == "POST" else 200
    )


# --- each person's sessions -------------------------------------------------------------------


def _sessions_of(user: User) -> QuerySet[Booking]:
    """Every booking the person is in, either side, with `feedback_given` by them."""
    given = SessionFeedback.objects.filter(booking=OuterRef("pk"), author=user)
    return (
        Booking.objects.filter(Q(mentee__user=user) | Q(slot__office_hours__mentor__user=user))
        .select_related(
            "slot__office_hours__program", "slot__office_hours__mentor__user", "mentee__user"
        )
        .annotate(feedback_given=Exists(given))
    )


def upcoming_sessions(user: User, now=None) -> QuerySet[Booking]:
    """The person's booked sessions that have not ended yet, earliest first."""
    now = now or timezone.now()
    return (
        _sessions_of(user)
        .filter(status=BookingStatus.BOOKED, slot__end__gt=now)
        .order_by("slot__start", "pk")
    )


def flash_enrolments(user: User) -> list[Enrolment]:
    return list(
        Enrolment.objects.filter(
            user=user, program__kind=Kind.FLASH, status=EnrolmentStatus.APPROVED
        )
        .select_related("program")
        .order_by("program__name", "role")
    )


def dashboard_sessions(user: User, enrolments: list[Enrolment]) -> dict:
    """The dashboard's "Your sessions": only for people in a flash program (no query else)."""
    if not any(
        e.program.kind == Kind.FLASH and e.status == EnrolmentStatus.APPROVED for e in enrolments
    ):
        return {"flash_sessions": None}
    return {"flash_sessions": list(upcoming_sessions(user)[:DASHBOARD_SESSIONS])}


@login_required
@require_GET
def my_sessions(request: HttpRequest) -> HttpResponse:
    user = request.user
    now = timezone.now()
    past = (
        _sessions_of(user)
        .exclude(status=BookingStatus.BOOKED, slot__end__gt=now)
        .order_by("-slot__start", "-pk")
    )
    context = {
        "upcoming": list(upcoming_sessions(user, now)),
        "page": Paginator(past, PAST_PAGE_SIZE).get_page(request.GET.get("page")),
        "enrolments": flash_enrolments(user),
    }
    return render(request, "flash/my_sessions.html", context)
