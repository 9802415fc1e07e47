"""Reads of flash mentoring: open sessions, the mentors a mentee can book (ranked and
explained by the matching engine), each side's bookings, and a program's figures.

Every function here runs a fixed number of queries, whatever the number of mentors, slots or
bookings (tests/flash/test_selectors.py counts them).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, ExtractHour, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lodestar.accounts.models import Profile
from lodestar.matches.recommendations import MentorOption, explain_options, recommend_mentors
from lodestar.meetings.zones import user_zone
from lodestar.programs.models import Enrolment, Kind, Program, Role
from lodestar.programs.states import EnrolmentStatus

from .models import Booking, OfficeHours, SessionFeedback, Slot
from .slots import ACTIVE_PROGRAMS
from .states import BookingStatus

# Local hours [from, to) of each time of day, in the mentee's own zone.
TIMES_OF_DAY = {
    "morning": (0, 12),
    "afternoon": (12, 17),
    "evening": (17, 24),
}
TIME_OF_DAY_CHOICES = [
    ("morning", _("Morning (before noon)")),
    ("afternoon", _("Afternoon (noon to 5 p.m.)")),
    ("evening", _("Evening (from 5 p.m.)")),
]
# Sessions shown per mentor on the list of mentors to book.
NEXT_SLOTS = 3
# Topics and mentors in the coordinators' figures.
TOP = 5


def _seats_taken() -> Coalesce:
    """The seats taken in the outer query's slot, as a subquery (usable beside a window)."""
    seated = (
        Booking.objects.seated()
        .filter(slot=OuterRef("pk"))
        .order_by()
        .values("slot")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(seated), Value(0))


def open_slots(
    program: Program, *, now: datetime | None = None, mentor: Enrolment | None = None
) -> QuerySet[Slot]:
    """The program's sessions still to come with a seat left (optionally one mentor's),
    earliest first, each annotated with `seats_taken`; one query."""
    now = now or timezone.now()
    slots = Slot.objects.open().filter(office_hours__program=program, start__gt=now)
    if mentor is not None:
        slots = slots.filter(office_hours__mentor=mentor)
    return (
        slots.annotate(seats_taken=_seats_taken())
        .filter(seats_taken__lt=F("capacity"))
        .select_related("office_hours__mentor__user")
        .order_by("start", "pk")
    )


@dataclass
class BookableMentor:
    """A mentor on a mentee's list of people to book: the engine's view of them (score,
    reasons) and their next sessions the mentee can book."""

    option: MentorOption
    slots: list[Slot]  # each with seats_taken; at most NEXT_SLOTS
    topics: list[str] = field(default_factory=list)  # of the office hours of these slots

    @property
    def enrolment(self) -> Enrolment:
        return self.option.enrolment

    @property
    def user(self):
        return self.option.user

    @property
    def reasons(self):
        return self.option.reasons


def bookable_mentors(
    mentee: Enrolment,
    *,
    skill: str | None = None,
    topic: str | None = None,
    language: str | None = None,
    time_of_day: str | None = None,
    now: datetime | None = None,
    per_mentor: int = NEXT_SLOTS,
) -> list[BookableMentor]:
    """The mentors of the mentee's program with a session the mentee can book now (a seat left,
    not booked by them already, at least the program's minimum notice ahead), in the order the
    matching engine recommends them for this mentee (recommend_mentors: its score less its
    scarcity price; mentors a required criterion or an exclusion rules out are not listed),
    each with its reasons and next `per_mentor` sessions.

    Filters: `skill` (a tag's slug or name the mentor lists), `topic` (one of the topics of the
    office hours, any case), `language` (a code the mentor speaks), `time_of_day` (a key of
    TIMES_OF_DAY: sessions starting then in the mentee's own zone; another value is ignored).
    Nobody is listed for an enrolment that cannot book (not an approved mentee, or a program
    that is not a flash program taking bookings)."""
    now = now or timezone.now()
    if not _can_book(mentee):
        return []
    recommendations = recommend_mentors(mentee=mentee)
    mentee = recommendations.mentee
    program = recommendations.program
    options = {o.enrolment.pk: o for o in recommendations.options}
    if language:
        options = {k: o for k, o in options.items() if language in (o.profile.languages or [])}
    if skill:
        options = _with_skill(options, skill)
    hours = _office_hours(program, list(options), topic)
    slots = _next_slots(
        list(hours), mentee=mentee, now=now, time_of_day=time_of_day, per_mentor=per_mentor
    )
    by_mentor: dict[int, list[Slot]] = {}
    for slot in slots:
        slot.office_hours = hours[slot.office_hours_id]
        by_mentor.setdefault(hours[slot.office_hours_id].mentor_id, []).append(slot)
    listed = [
        BookableMentor(
            option=option,
            slots=by_mentor[option.enrolment.pk],
            topics=_topics(by_mentor[option.enrolment.pk]),
        )
        for option in recommendations.options
        if option.enrolment.pk in options and option.enrolment.pk in by_mentor
    ]
    explain_options(recommendations, [m.option for m in listed])
    return listed


def _can_book(mentee: Enrolment) -> bool:
    program = mentee.program
    return (
        mentee.role == Role.MENTEE
        and mentee.status == EnrolmentStatus.APPROVED
        and program.kind == Kind.FLASH
        and program.status in ACTIVE_PROGRAMS
    )


def _with_skill(options: dict[int, MentorOption], skill: str) -> dict[int, MentorOption]:
    users = set(
        Profile.objects.filter(user_id__in=[o.user.pk for o in options.values()])
        .filter(Q(skills__slug=skill) | Q(skills__name__iexact=skill))
        .values_list("user_id", flat=True)
    )
    return {k: o for k, o in options.items() if o.user.pk in users}


def _office_hours(program: Program, mentor_ids: list[int], topic: str | None) -> dict:
    """{id: office hours} open in the program for these mentors (with the topic, if asked)."""
    found = OfficeHours.objects.filter(
        program=program, withdrawn_at__isnull=True, mentor_id__in=mentor_ids
    )
    wanted = (topic or "").strip().casefold()
    return {
        hours.pk: hours
        for hours in found
        if not wanted or wanted in (t.casefold() for t in hours.topics or [])
    }


def _next_slots(
    hours_ids: list[int],
    *,
    mentee: Enrolment,
    now: datetime,
    time_of_day: str | None,
    per_mentor: int,
) -> list[Slot]:
    """The next `per_mentor` bookable sessions of each mentor, in one query."""
    if not hours_ids:
        return []
    earliest = now + timedelta(hours=mentee.program.flash_min_notice_hours)
    mine = Booking.objects.seated().filter(slot=OuterRef("pk"), mentee=mentee)
    slots = (
        Slot.objects.filter(
            office_hours_id__in=hours_ids, cancelled_at__isnull=True, start__gte=earliest
        )
        .annotate(seats_taken=_seats_taken())
        .filter(seats_taken__lt=F("capacity"))
        .exclude(Exists(mine))
    )
    if time_of_day in TIMES_OF_DAY:
        low, high = TIMES_OF_DAY[time_of_day]
        slots = slots.annotate(local_hour=ExtractHour("start", tzinfo=user_zone(mentee.user)))
        slots = slots.filter(local_hour__gte=low, local_hour__lt=high)
    ranked = slots.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("office_hours__mentor_id")],
            order_by=[F("start").asc(), F("pk").asc()],
        )
    ).filter(rank__lte=per_mentor)
    return list(ranked.order_by("start", "pk"))


def _topics(slots: list[Slot]) -> list[str]:
    seen: dict[str, str] = {}
    for slot in slots:
        for topic in slot.office_hours.topics or []:
            seen.setdefault(topic.casefold(), topic)
    return list(seen.values())


def program_topics(program: Program) -> list[str]:
    """Every topic of the program's open office hours, once each (for the topic filter)."""
    seen: dict[str, str] = {}
    for topics in OfficeHours.objects.filter(
        program=program, withdrawn_at__isnull=True
    ).values_list("topics", flat=True):
        for topic in topics or []:
            seen.setdefault(topic.casefold(), topic)
    return sorted(seen.values(), key=str.casefold)


# --- each side's bookings ---------------------------------------------------------------------


def _with_feedback_by(bookings: QuerySet[Booking], user_id: int) -> QuerySet[Booking]:
    given = SessionFeedback.objects.filter(booking=OuterRef("pk"), author_id=user_id)
    return bookings.annotate(feedback_given=Exists(given))


def mentee_bookings(mentee: Enrolment) -> QuerySet[Booking]:
    """The mentee's bookings, earliest session first, with the session, the office hours and
    the mentor, and `feedback_given` (by the mentee); one query."""
    bookings = Booking.objects.filter(mentee=mentee).select_related(
        "slot__office_hours__mentor__user"
    )
    return _with_feedback_by(bookings, mentee.user_id).order_by("slot__start", "pk")


def mentor_bookings(mentor: Enrolment) -> QuerySet[Booking]:
    """The bookings of the mentor's office hours, earliest session first, with the session and
    the mentee, and `feedback_given` (by the mentor); one query."""
    bookings = Booking.objects.filter(slot__office_hours__mentor=mentor).select_related(
        "slot__office_hours", "mentee__user"
    )
    return _with_feedback_by(bookings, mentor.user_id).order_by("slot__start", "pk")


def mentor_office_hours(mentor: Enrolment) -> QuerySet[OfficeHours]:
    """The mentor's office hours, open ones first; one query."""
    return OfficeHours.objects.filter(mentor=mentor).order_by(
        F("withdrawn_at").asc(nulls_first=True), "starts_on", "start_time", "pk"
    )


# --- the coordinators' figures ----------------------------------------------------------------


@dataclass
class ProgramStats:
    total: int  # bookings made, whatever became of them
    by_status: dict[str, int]  # BookingStatus value → bookings
    held_hours: float  # the length of the sessions held (a group session counts once)
    top_topics: list[tuple[str, int]]  # (topic, bookings not cancelled), most first
    top_mentors: list[tuple[str, int, int]]  # (name, bookings not cancelled, held), most first
    mentee_rating: float | None  # mentees' average rating (1–5)
    mentor_rating: float | None  # mentors' average rating (1–5)
    useful_share: float | None  # share of mentees' feedback saying it was useful (0–1)
    feedback_count: int

    @property
    def booked(self) -> int:
        return self.by_status.get(BookingStatus.BOOKED, 0)

    @property
    def held(self) -> int:
        return self.by_status.get(BookingStatus.HELD, 0)

    @property
    def cancelled(self) -> int:
        return self.by_status.get(BookingStatus.CANCELLED, 0)

    @property
    def no_shows(self) -> int:
        return self.by_status.get(BookingStatus.NO_SHOW, 0)


def program_stats(
    program: Program, *, since: datetime | None = None, until: datetime | None = None
) -> ProgramStats:
    """The program's flash figures for sessions starting in [since, until) (either open);
    aggregated in the database, a fixed number of queries."""
    bookings = Booking.objects.filter(slot__office_hours__program=program)
    if since is not None:
        bookings = bookings.filter(slot__start__gte=since)
    if until is not None:
        bookings = bookings.filter(slot__start__lt=until)
    counts = bookings.aggregate(
        total=Count("pk"),
        **{status: Count("pk", filter=Q(status=status)) for status in BookingStatus.values},
    )
    total = counts.pop("total")
    seated = bookings.seated()
    return ProgramStats(
        total=total,
        by_status=counts,
        held_hours=_held_hours(bookings),
        top_topics=_top_topics(seated),
        top_mentors=_top_mentors(seated),
        **_feedback_figures(bookings),
    )


def _held_hours(bookings: QuerySet[Booking]) -> float:
    held = bookings.filter(status=BookingStatus.HELD, slot=OuterRef("pk"))
    length = ExpressionWrapper(F("end") - F("start"), output_field=DurationField())
    total = Slot.objects.filter(Exists(held)).aggregate(total=Sum(length))["total"]
    return round(total.total_seconds() / 3600, 2) if total else 0.0


def _top_topics(seated: QuerySet[Booking]) -> list[tuple[str, int]]:
    per_hours = dict(
        seated.order_by()
        .values("slot__office_hours")
        .annotate(n=Count("pk"))
        .values_list("slot__office_hours", "n")
    )
    counts: Counter[str] = Counter()
    names: dict[str, str] = {}
    for pk, topics in OfficeHours.objects.filter(pk__in=list(per_hours)).values_list(
        "pk", "topics"
    ):
        for topic in topics or []:
            names.setdefault(topic.casefold(), topic)
            counts[topic.casefold()] += per_hours[pk]
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP]
    return [(names[key], n) for key, n in ranked]


def _top_mentors(seated: QuerySet[Booking]) -> list[tuple[str, int, int]]:
    rows = (
        seated.order_by()
        .values(
            "slot__office_hours__mentor",
            "slot__office_hours__mentor__user__name",
            "slot__office_hours__mentor__user__email",
        )
        .annotate(n=Count("pk"), held=Count("pk", filter=Q(status=BookingStatus.HELD)))
        .order_by("-n", "-held", "slot__office_hours__mentor")[:TOP]
    )
    return [
        (
            row["slot__office_hours__mentor__user__name"]
            or row["slot__office_hours__mentor__user__email"].split("@")[0],
            row["n"],
            row["held"],
        )
        for row in rows
    ]


def _feedback_figures(bookings: QuerySet[Booking]) -> dict:
    by_mentee = Q(author=F("booking__mentee__user"))
    figures = SessionFeedback.objects.filter(booking__in=bookings.values("pk")).aggregate(
        feedback_count=Count("pk"),
        mentee_rating=Avg("rating", filter=by_mentee),
        mentor_rating=Avg("rating", filter=~by_mentee),
        mentee_count=Count("pk", filter=by_mentee),
        useful_count=Count("pk", filter=by_mentee & Q(useful=True)),
    )
    mentees, useful = figures.pop("mentee_count"), figures.pop("useful_count")
    for key in ("mentee_rating", "mentor_rating"):
        if figures[key] is not None:
            figures[key] = round(float(figures[key]), 2)
    figures["useful_share"] = round(useful / mentees, 3) if mentees else None
    return figures
