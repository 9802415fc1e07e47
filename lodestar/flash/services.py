"""Every write of flash mentoring: publishing and withdrawing office hours, cancelling a session,
booking and cancelling a seat, recording whether a session was held, feedback, the feedback
invitations after a session, and asking for a longer mentorship after one.

Each function is atomic and checks everything before it writes: a broken rule raises a
ValidationError with a clear message and a `code`, and nothing changes.

Seats are counted under a lock: booking locks the mentee's enrolment (the monthly limit), then
the slot row (its seats), in that order everywhere, so that two people booking the last seat at
the same instant — or one person booking two sessions past their monthly limit — cannot both
win: the second waits for the first to commit and then counts its booking. Cancelling locks the
slot only (never an enrolment after a slot, so no two writers wait on each other in a circle).

People who get a calendar email about a change (emails.py) are told in the app only, as with
meetings: one email per change, the one their calendar reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lodestar.accounts.models import User
from lodestar.core.timezones import validate_timezone
from lodestar.engagement.services import notify
from lodestar.matches.models import MentorshipRequest
from lodestar.matches.services.requests import request_create
from lodestar.meetings.models import Mode
from lodestar.meetings.services import when_text
from lodestar.meetings.zones import user_zone
from lodestar.programs.models import Enrolment, Kind, Program, Role
from lodestar.programs.policy import is_coordinator
from lodestar.programs.states import EnrolmentStatus

from .emails import calendar_email
from .links import booking_url
from .models import (
    MAX_CAPACITY,
    MAX_DURATION,
    MIN_DURATION,
    Booking,
    OfficeHours,
    Repeat,
    SessionFeedback,
    Slot,
)
from .slots import ACTIVE_PROGRAMS, horizon_end, occurrences, slots_extend, to_utc
from .states import BOOKING_STATES, BookingStatus

MAX_TOPICS = 10
TOPIC_MAX = 60
QUESTION_MAX = 1000
REASON_MAX = 300
PLACE_MAX = 500
NOTE_MAX = 2000
COMMENT_MAX = 2000
# How far ahead office hours may start.
MAX_AHEAD = timedelta(days=366)
# Feedback is asked for sessions that ended within this time (a job that was stopped for a
# while does not ask about sessions from months ago).
FEEDBACK_WINDOW = timedelta(days=7)
# The notice about a new booking quotes this much of the question.
TITLE_CHARS = 80


# --- small helpers ----------------------------------------------------------------------------


def _error(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def _clean_text(value: str, *, label: str, limit: int, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise _error(_("Please write %(what)s.") % {"what": label}, "required")
    if len(value) > limit:
        raise _error(
            _("%(what)s is too long: at most %(limit)s characters, please.")
            % {"what": label[:1].upper() + label[1:], "limit": limit},
            "too_long",
        )
    return value


def clean_topics(topics: Iterable[str] | None) -> list[str]:
    """Topics as stored: trimmed, inner spaces collapsed, empty ones dropped, duplicates
    (ignoring case) dropped keeping the first spelling; at most MAX_TOPICS of TOPIC_MAX
    characters each."""
    cleaned: list[str] = []
    seen: set[str] = set()
    for topic in topics or []:
        topic = " ".join(str(topic).split())
        if not topic or topic.casefold() in seen:
            continue
        if len(topic) > TOPIC_MAX:
            raise _error(
                _("The topic “%(topic)s…” is too long: at most %(limit)s characters, please.")
                % {"topic": topic[:20], "limit": TOPIC_MAX},
                "topic_too_long",
            )
        seen.add(topic.casefold())
        cleaned.append(topic)
    if len(cleaned) > MAX_TOPICS:
        raise _error(
            _("List at most %(limit)s topics.") % {"limit": MAX_TOPICS},
            "too_many_topics",
        )
    return cleaned


def _mentor_user(hours: OfficeHours) -> User:
    return hours.mentor.user


def _may_manage(user: User, hours: OfficeHours) -> bool:
    """The mentor of the office hours, or a coordinator of their program."""
    return user.pk == hours.mentor.user_id or is_coordinator(user, hours.program)


def _locked_slot(slot: Slot) -> Slot:
    return (
        Slot.objects.select_for_update(of=("self",))
        .select_related("office_hours__program", "office_hours__mentor__user")
        .get(pk=slot.pk)
    )


def _locked_booking(booking: Booking) -> tuple[Slot, Booking]:
    """The booking's slot, then the booking, both locked (slot first, as everywhere)."""
    slot_id = Booking.objects.values_list("slot_id", flat=True).get(pk=booking.pk)
    slot = _locked_slot(Slot(pk=slot_id))
    current = (
        Booking.objects.select_for_update(of=("self",))
        .select_related("mentee__user", "mentee__program")
        .get(pk=booking.pk)
    )
    current.slot = slot
    return slot, current


def _seated(slot: Slot) -> list[Booking]:
    return list(slot.bookings.seated().select_related("mentee__user").order_by("created_at", "pk"))


def _when(slot: Slot, user: User) -> str:
    return when_text(slot.start, user)


def _tell(
    user: User, kind: str, *, slot: Slot, booking: Booking | None, email: bool, **params: str
) -> None:
    notify(
        user=user,
        kind=kind,
        url=booking_url(booking.pk) if booking else "",
        email=email,
        when=_when(slot, user),
        program=slot.office_hours.program.name,
        **params,
    )


# --- office hours -----------------------------------------------------------------------------


@transaction.atomic
def office_hours_publish(
    *,
    mentor: Enrolment,
    by: User,
    repeat: str,
    starts_on: date,
    start_time: time,
    time_zone: str,
    ends_on: date | None = None,
    duration: int = 30,
    capacity: int = 1,
    topics: list[str] | None = None,
    mode: str = Mode.VIDEO,
    place: str = "",
    note: str = "",
    now: datetime | None = None,
) -> OfficeHours:
    """A mentor opens office hours: one session (`repeat` ONCE, on `starts_on`) or one every
    week on the weekday of `starts_on`, from then until `ends_on` (included; None: until
    withdrawn), at `start_time` in `time_zone`. The slots up to the horizon (slots.HORIZON)
    are made at once; the daily job makes the later ones."""
    now = now or timezone.now()
    program = mentor.program
    if by.pk != mentor.user_id:
        raise _error(_("Only the mentor can publish their own office hours."), "not_mentor")
    if mentor.role != Role.MENTOR or mentor.status != EnrolmentStatus.APPROVED:
        raise _error(
            _("Only approved mentors of the program can publish office hours."), "not_mentor"
        )
    _check_flash_program(program)
    hours = OfficeHours(
        program=program,
        mentor=mentor,
        repeat=repeat,
        starts_on=starts_on,
        ends_on=ends_on if repeat == Repeat.WEEKLY else None,
        start_time=start_time,
        time_zone=time_zone,
        duration=duration,
        capacity=capacity,
        topics=clean_topics(topics),
        mode=mode,
        place=_clean_text(place, label=_("the place or link"), limit=PLACE_MAX),
        note=_clean_text(note, label=_("the note"), limit=NOTE_MAX),
        created_at=now,
    )
    _check_hours(hours, now)
    hours.save()
    until = hours.starts_on if hours.repeat == Repeat.ONCE else horizon_end(now)
    slots_extend(hours=hours, until=until, now=now)
    return hours


def _check_flash_program(program: Program) -> None:
    if program.kind != Kind.FLASH:
        raise _error(
            _("%(program)s is not a flash program: it has no office hours.")
            % {"program": program.name},
            "not_flash",
        )
    if program.status not in ACTIVE_PROGRAMS:
        raise _error(
            _("%(program)s has no office hours while it is %(status)s.")
            % {"program": program.name, "status": program.get_status_display().lower()},
            "program_closed",
        )


def _check_hours(hours: OfficeHours, now: datetime) -> None:
    """Every rule about the shape of office hours; a clear error for the first one broken."""
    if hours.repeat not in Repeat.values:
        raise _error(_("Choose whether the session happens once or every week."), "repeat")
    validate_timezone(hours.time_zone)
    if not MIN_DURATION <= (hours.duration or 0) <= MAX_DURATION:
        raise _error(
            _("A session lasts from %(low)s to %(high)s minutes.")
            % {"low": MIN_DURATION, "high": MAX_DURATION},
            "duration",
        )
    if not 1 <= (hours.capacity or 0) <= MAX_CAPACITY:
        raise _error(
            _("A session takes from 1 to %(high)s people.") % {"high": MAX_CAPACITY}, "capacity"
        )
    if hours.mode not in Mode.values:
        raise _error(_("Choose how the session takes place."), "mode")
    if hours.ends_on is not None and hours.ends_on < hours.starts_on:
        raise _error(_("The last date comes before the first one."), "dates")
    zone = ZoneInfo(hours.time_zone)
    today = now.astimezone(zone).date()
    if hours.starts_on > today + MAX_AHEAD:
        raise _error(_("Office hours can start at most a year from now."), "too_far")
    if hours.repeat == Repeat.ONCE:
        if to_utc(hours.starts_on, hours.start_time, zone) <= now:
            raise _error(_("This session would start in the past."), "past")
    elif hours.ends_on is not None and not any(
        start > now for start, _end in occurrences(hours, today, hours.ends_on)
    ):
        raise _error(_("Every session of these office hours would be in the past."), "past")
    _check_no_overlap(hours, now)


def _check_no_overlap(hours: OfficeHours, now: datetime) -> None:
    """The new sessions must not overlap the mentor's open sessions (up to the horizon)."""
    zone = ZoneInfo(hours.time_zone)
    until = hours.starts_on if hours.repeat == Repeat.ONCE else horizon_end(now)
    new = [(s, e) for s, e in occurrences(hours, now.astimezone(zone).date(), until) if s > now]
    if not new:
        return
    taken = list(
        Slot.objects.open()
        .filter(office_hours__mentor=hours.mentor, start__lt=new[-1][1], end__gt=new[0][0])
        .values_list("start", "end")
    )
    for start, end in new:
        for other_start, other_end in taken:
            if start < other_end and other_start < end:
                raise _error(
                    _("These office hours overlap your session on %(when)s.")
                    % {"when": when_text(other_start, hours.mentor.user)},
                    "overlap",
                )


@transaction.atomic
def office_hours_withdraw(
    *, hours: OfficeHours, by: User, reason: str = "", now: datetime | None = None
) -> OfficeHours:
    """The mentor (or a coordinator) closes office hours: no more sessions are made, every
    future session is cancelled, and the people booked into them are told, with a calendar
    cancellation. Sessions that have started stay as they are."""
    now = now or timezone.now()
    hours = (
        OfficeHours.objects.select_for_update(of=("self",))
        .select_related("program", "mentor__user")
        .get(pk=hours.pk)
    )
    if not _may_manage(by, hours):
        raise _error(
            _("Only the mentor or a coordinator can withdraw these office hours."), "not_allowed"
        )
    if hours.withdrawn_at is not None:
        raise _error(_("These office hours are already withdrawn."), "withdrawn")
    reason = _clean_text(reason, label=_("the reason"), limit=REASON_MAX)
    hours.withdrawn_at = now
    hours.save(update_fields=["withdrawn_at"])
    future = (
        Slot.objects.select_for_update(of=("self",))
        .select_related("office_hours__program", "office_hours__mentor__user")
        .filter(office_hours=hours, cancelled_at__isnull=True, start__gt=now)
    )
    for slot in future:
        # A coordinator's withdrawal: the mentor hears about the sessions people had booked.
        _cancel_slot(slot, by=by, reason=reason, now=now, tell_mentor_if_empty=False)
    mentor = hours.mentor.user
    if by.pk != mentor.pk:
        notify(
            user=mentor,
            kind="office_hours_withdrawn",
            url=reverse("flash_office_hours", args=[hours.program.slug]),
            person=by.display_name,
            program=hours.program.name,
            title=reason or _("no reason given"),
        )
    return hours


@transaction.atomic
def slot_cancel(*, slot: Slot, by: User, reason: str = "", now: datetime | None = None) -> Slot:
    """The mentor (or a coordinator) calls off one session before it starts; everyone booked
    is told and their calendars get a cancellation."""
    now = now or timezone.now()
    slot = _locked_slot(slot)
    hours = slot.office_hours
    if not _may_manage(by, hours):
        raise _error(_("Only the mentor or a coordinator can cancel this session."), "not_allowed")
    if slot.cancelled_at is not None or hours.withdrawn_at is not None:
        raise _error(_("This session is already cancelled."), "cancelled")
    if slot.start <= now:
        raise _error(
            _("This session has already started: it can no longer be cancelled."), "started"
        )
    reason = _clean_text(reason, label=_("the reason"), limit=REASON_MAX)
    _cancel_slot(slot, by=by, reason=reason, now=now, tell_mentor_if_empty=True)
    return slot


def _cancel_slot(
    slot: Slot, *, by: User, reason: str, now: datetime, tell_mentor_if_empty: bool
) -> None:
    """Cancel the slot and its bookings; tell the mentees, and the mentor when somebody else
    (a coordinator) did it."""
    seated = _seated(slot)
    slot.cancelled_at = now
    slot.sequence += 1
    slot.save(update_fields=["cancelled_at", "sequence"])
    Booking.objects.filter(pk__in=[b.pk for b in seated]).update(
        status=BookingStatus.CANCELLED, cancelled_at=now, cancelled_by=by, cancel_reason=reason
    )
    mentor = _mentor_user(slot.office_hours)
    for booking in seated:
        booking.status = BookingStatus.CANCELLED
        _tell(
            booking.mentee.user,
            "session_cancelled",
            slot=slot,
            booking=booking,
            email=False,
            person=by.display_name,
            other=mentor.display_name,
        )
        calendar_email(
            recipient=booking.mentee.user,
            slot=slot,
            mentor=mentor,
            bookings=[booking],
            kind="cancelled",
            actor=by,
            reason=reason,
            url=booking_url(booking.pk),
        )
    if seated:
        calendar_email(
            recipient=mentor, slot=slot, mentor=mentor, bookings=seated, kind="cancelled", actor=by
        )
    if by.pk != mentor.pk and (seated or tell_mentor_if_empty):
        _tell(
            mentor,
            "session_cancelled",
            slot=slot,
            booking=None,
            email=not seated,
            person=by.display_name,
            other=by.display_name,
        )


# --- booking ----------------------------------------------------------------------------------


@transaction.atomic
def booking_create(
    *,
    slot: Slot,
    mentee: Enrolment,
    question: str,
    by: User,
    now: datetime | None = None,
    follow_up_of: Booking | None = None,
) -> Booking:
    """The mentee takes a seat in a session, with a short question for the mentor. Both are
    told and both get a calendar invitation.

    The monthly limit counts the mentee's bookings that are not cancelled (held and no-shows
    count) whose session starts in the same calendar month as this one — the month as the
    mentee reads it, in their own time zone."""
    now = now or timezone.now()
    if by.pk != mentee.user_id:
        raise _error(_("Only the mentee can book a session for themselves."), "not_mentee")
    mentee = (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("user", "program")
        .get(pk=mentee.pk)
    )
    slot = _locked_slot(slot)
    _check_can_book(slot, mentee, now)
    question = _clean_text(question, label=_("your question"), limit=QUESTION_MAX, required=True)
    if follow_up_of is not None:
        _check_follow_up(follow_up_of, slot, mentee)
    _check_seat(slot, mentee)
    booking = Booking.objects.create(
        slot=slot, mentee=mentee, question=question, created_at=now, follow_up_of=follow_up_of
    )
    slot.sequence += 1  # one more attendee: calendars take the new version
    slot.save(update_fields=["sequence"])
    _tell_booked(slot, booking)
    return booking


def _check_can_book(slot: Slot, mentee: Enrolment, now: datetime) -> None:
    hours = slot.office_hours
    program = hours.program
    if mentee.program_id != program.pk:
        raise _error(
            _("These office hours belong to %(program)s, a program you are not a mentee of.")
            % {"program": program.name},
            "wrong_program",
        )
    if hours.mentor.user_id == mentee.user_id:
        raise _error(_("You cannot book your own office hours."), "own_hours")
    if mentee.role != Role.MENTEE or mentee.status != EnrolmentStatus.APPROVED:
        raise _error(_("Only approved mentees of the program can book sessions."), "not_mentee")
    _check_flash_program(program)
    if hours.withdrawn_at is not None:
        raise _error(_("These office hours were withdrawn: pick another session."), "withdrawn")
    if slot.cancelled_at is not None:
        raise _error(_("This session was cancelled: pick another one."), "cancelled")
    if slot.start <= now:
        raise _error(_("This session has already started."), "started")
    notice = program.flash_min_notice_hours
    if slot.start < now + timedelta(hours=notice):
        raise _error(
            ngettext(
                "Sessions must be booked at least %(hours)s hour ahead: this one starts too soon.",
                "Sessions must be booked at least %(hours)s hours ahead: this one starts too soon.",
                notice,
            )
            % {"hours": notice},
            "notice",
        )


def _check_follow_up(earlier: Booking, slot: Slot, mentee: Enrolment) -> None:
    earlier = Booking.objects.select_related("slot__office_hours").get(pk=earlier.pk)
    if (
        earlier.mentee_id != mentee.pk
        or earlier.slot.office_hours.mentor_id != slot.office_hours.mentor_id
        or earlier.status != BookingStatus.HELD
    ):
        raise _error(
            _("A follow-up continues a session you had with the same mentor."), "follow_up"
        )


def _check_seat(slot: Slot, mentee: Enrolment) -> None:
    """Runs with the mentee's enrolment and the slot locked: the counts cannot change under it."""
    if slot.bookings.seated().filter(mentee=mentee).exists():
        raise _error(_("You have already booked this session."), "already_booked")
    limit = mentee.program.flash_bookings_per_month
    zone = user_zone(mentee.user)
    first, after = month_bounds(slot.start, zone)
    booked = (
        Booking.objects.seated()
        .filter(mentee=mentee, slot__start__gte=first, slot__start__lt=after)
        .count()
    )
    if booked >= limit:
        month = formats.date_format(slot.start.astimezone(zone), "YEAR_MONTH_FORMAT")
        raise _error(
            ngettext(
                "You have already booked %(count)s session in %(month)s, the most this program "
                "allows in a month.",
                "You have already booked %(count)s sessions in %(month)s, the most this program "
                "allows in a month.",
                booked,
            )
            % {"count": booked, "month": month},
            "monthly_limit",
        )
    if slot.bookings.seated().count() >= slot.capacity:
        raise _error(_("This session is full: pick another one."), "full")


def month_bounds(moment: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC start and end of the calendar month, in `zone`, that `moment` falls in."""
    first = moment.astimezone(zone).date().replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return to_utc(first, time(0), zone), to_utc(following, time(0), zone)


def _tell_booked(slot: Slot, booking: Booking) -> None:
    mentor = _mentor_user(slot.office_hours)
    mentee = booking.mentee.user
    url = booking_url(booking.pk)
    _tell(
        mentor,
        "session_booked",
        slot=slot,
        booking=booking,
        email=False,
        person=mentee.display_name,
        other=mentee.display_name,
        title=Truncator(booking.question).chars(TITLE_CHARS),
    )
    _tell(
        mentee,
        "session_booking_confirmed",
        slot=slot,
        booking=booking,
        email=False,
        person=mentee.display_name,
        other=mentor.display_name,
    )
    calendar_email(
        recipient=mentee, slot=slot, mentor=mentor, bookings=[booking], kind="booked", url=url
    )
    calendar_email(
        recipient=mentor,
        slot=slot,
        mentor=mentor,
        bookings=_seated(slot),
        kind="new_booking",
        actor=mentee,
        url=url,
    )


@transaction.atomic
def booking_cancel(
    *, booking: Booking, by: User, reason: str = "", now: datetime | None = None
) -> Booking:
    """The mentee (until the program's cancellation window before the start) or the mentor
    (until the start) cancels one booking. The seat is free again; the other side is told, the
    mentee's calendar gets a cancellation and the mentor's an update (or a cancellation when
    nobody is left)."""
    now = now or timezone.now()
    slot, booking = _locked_booking(booking)
    mentor = _mentor_user(slot.office_hours)
    mentee = booking.mentee.user
    if by.pk not in (mentee.pk, mentor.pk):
        raise _error(
            _("Only the mentee or the mentor of this session can cancel it."), "not_allowed"
        )
    _check_cancellable(booking, slot, by=by, mentee=mentee, now=now)
    reason = _clean_text(reason, label=_("the reason"), limit=REASON_MAX)
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = by
    booking.cancel_reason = reason
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason"])
    slot.sequence += 1
    slot.save(update_fields=["sequence"])
    _tell_cancelled(slot, booking, by=by, reason=reason)
    return booking


def _check_cancellable(
    booking: Booking, slot: Slot, *, by: User, mentee: User, now: datetime
) -> None:
    if booking.status == BookingStatus.CANCELLED:
        raise _error(_("This booking is already cancelled."), "cancelled")
    if booking.status != BookingStatus.BOOKED:
        raise _error(_("This session has taken place: it can no longer be cancelled."), "finished")
    if slot.start <= now:
        raise _error(
            _("This session has already started: it can no longer be cancelled."), "started"
        )
    if by.pk == mentee.pk:
        window = slot.office_hours.program.flash_cancel_hours
        deadline = slot.start - timedelta(hours=window)
        if now > deadline:
            raise _error(
                ngettext(
                    "Bookings can be cancelled until %(hours)s hour before the session, that "
                    "is until %(deadline)s: that time has passed.",
                    "Bookings can be cancelled until %(hours)s hours before the session, that "
                    "is until %(deadline)s: that time has passed.",
                    window,
                )
                % {"hours": window, "deadline": when_text(deadline, mentee)},
                "cancel_window",
            )


def _tell_cancelled(slot: Slot, booking: Booking, *, by: User, reason: str) -> None:
    mentor = _mentor_user(slot.office_hours)
    mentee = booking.mentee.user
    url = booking_url(booking.pk)
    other = mentor if by.pk == mentee.pk else mentee
    _tell(
        other,
        "session_cancelled",
        slot=slot,
        booking=booking,
        email=False,
        person=by.display_name,
        other=by.display_name,
    )
    calendar_email(
        recipient=mentee,
        slot=slot,
        mentor=mentor,
        bookings=[booking],
        kind="cancelled",
        actor=by,
        reason=reason,
        url=url,
    )
    remaining = _seated(slot)
    calendar_email(
        recipient=mentor,
        slot=slot,
        mentor=mentor,
        # With nobody left, the mentor's event is cancelled as the mentee's was.
        bookings=remaining or [booking],
        kind="update" if remaining else "cancelled",
        actor=mentee if remaining else by,
        reason=reason,
        url=url,
    )


@transaction.atomic
def booking_record_outcome(
    *, booking: Booking, by: User, status: str, now: datetime | None = None
) -> Booking:
    """The mentor records, once the session has started, whether it was held or the mentee did
    not show up; a wrong record may be corrected. Recording the same outcome again changes
    nothing."""
    now = now or timezone.now()
    slot, booking = _locked_booking(booking)
    if by.pk != slot.office_hours.mentor.user_id:
        raise _error(_("Only the mentor records whether a session was held."), "not_mentor")
    if status not in (BookingStatus.HELD, BookingStatus.NO_SHOW):
        raise _error(_("Record the session as held or as a no-show."), "invalid_status")
    if slot.start > now:
        raise _error(_("The session has not started yet."), "not_started")
    if booking.status == status:
        return booking
    BOOKING_STATES.check(booking.status, status)
    booking.status = status
    booking.outcome_at = now
    booking.save(update_fields=["status", "outcome_at"])
    return booking


# --- after the session ------------------------------------------------------------------------


@transaction.atomic
def feedback_submit(
    *,
    booking: Booking,
    by: User,
    rating: int,
    useful: bool,
    follow_up: bool = False,
    comment: str = "",
    now: datetime | None = None,
) -> SessionFeedback:
    """One side's feedback on a session, once each, from its start on.

    There is no feedback on a cancelled booking, and a mentee recorded as a no-show gives none
    (the mentor still may, e.g. to say the time did not suit). Asking for a follow-up tells the
    other side: the mentor, who may then open a session; or the mentee, who may book one."""
    now = now or timezone.now()
    slot, booking = _locked_booking(booking)
    mentor = _mentor_user(slot.office_hours)
    mentee = booking.mentee.user
    if by.pk not in (mentee.pk, mentor.pk):
        raise _error(_("Only the people of this session can give feedback on it."), "not_allowed")
    if booking.status == BookingStatus.CANCELLED:
        raise _error(
            _("This booking was cancelled: there is no session to give feedback on."),
            "cancelled",
        )
    if slot.start > now:
        raise _error(_("You can give feedback once the session has started."), "not_started")
    if booking.status == BookingStatus.NO_SHOW and by.pk == mentee.pk:
        raise _error(
            _("You were recorded as absent from this session, so there is no feedback to give."),
            "no_show",
        )
    if SessionFeedback.objects.filter(booking=booking, author=by).exists():
        raise _error(_("You have already given feedback on this session."), "already_given")
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise _error(_("Rate the session from 1 to 5."), "rating")
    feedback = SessionFeedback.objects.create(
        booking=booking,
        author=by,
        rating=rating,
        useful=bool(useful),
        follow_up=bool(follow_up),
        comment=_clean_text(comment, label=_("the comment"), limit=COMMENT_MAX),
        created_at=now,
    )
    if follow_up:
        other = mentor if by.pk == mentee.pk else mentee
        _tell(
            other,
            "session_follow_up",
            slot=slot,
            booking=booking,
            email=True,
            person=by.display_name,
            other=by.display_name,
        )
    return feedback


def feedback_invitations_due(now: datetime | None = None) -> int:
    """Ask both sides of every session that ended (within FEEDBACK_WINDOW) for feedback, once
    per booking: not for cancelled bookings or no-shows, and not anyone who already gave it.
    Each booking is claimed with a conditional update, so two runs at once ask only once.
    Returns how many bookings were handled."""
    now = now or timezone.now()
    due = (
        Booking.objects.filter(
            status__in=(BookingStatus.BOOKED, BookingStatus.HELD),
            feedback_invited_at__isnull=True,
            slot__end__lte=now,
            slot__end__gt=now - FEEDBACK_WINDOW,
        )
        .select_related(
            "mentee__user", "slot__office_hours__mentor__user", "slot__office_hours__program"
        )
        .prefetch_related("feedback")
        .order_by("pk")
    )
    handled = 0
    for booking in due:
        with transaction.atomic():
            claimed = Booking.objects.filter(
                pk=booking.pk, feedback_invited_at__isnull=True
            ).update(feedback_invited_at=now)
            if not claimed:
                continue
            _ask_feedback(booking)
            handled += 1
    return handled


def _ask_feedback(booking: Booking) -> None:
    slot = booking.slot
    mentor = _mentor_user(slot.office_hours)
    mentee = booking.mentee.user
    given = {feedback.author_id for feedback in booking.feedback.all()}
    for user, other in ((mentee, mentor), (mentor, mentee)):
        if user.pk in given:
            continue
        _tell(
            user,
            "session_feedback_due",
            slot=slot,
            booking=booking,
            email=True,
            person=user.display_name,
            other=other.display_name,
        )


@transaction.atomic
def mentorship_request_from_session(
    *, booking: Booking, by: User, message: str
) -> MentorshipRequest:
    """After a session that was held, the mentee asks the same mentor for a longer mentorship,
    where the program allows it. It is an ordinary mentorship request (matches'
    `request_create`): every rule of requests applies, and the mentor answers it as any other."""
    booking = Booking.objects.select_related(
        "mentee__user", "mentee__program", "slot__office_hours__mentor__user"
    ).get(pk=booking.pk)
    if by.pk != booking.mentee.user_id:
        raise _error(
            _("Only the mentee of this session can ask for a longer mentorship."), "not_mentee"
        )
    program = booking.mentee.program
    if not program.takes_requests_after_sessions:
        raise _error(
            _("%(program)s does not offer longer mentorships after a session.")
            % {"program": program.name},
            "no_requests",
        )
    if booking.status != BookingStatus.HELD:
        raise _error(
            _("You can ask for a longer mentorship after a session that took place."),
            "not_held",
        )
    return request_create(
        mentee=booking.mentee, mentor=booking.slot.office_hours.mentor, message=message, by=by
    )
