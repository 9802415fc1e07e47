"""The demo's flash program at work: its mentors keep weekly office hours, and the demo pair
has met there already. Priya, the mentor login, is open every Tuesday at noon and, for a small
group, every Thursday evening (New York time); Lucas, the mentee login, had a session with her
last Tuesday (held, with feedback from both) and has booked its follow-up for next week. Other
mentees have sessions behind and ahead of them — held, missed, cancelled — so that the
coordinators' figures have something to say.

The office hours go through the publishing service, so they obey its rules (it sends nothing).
Past sessions, bookings, outcomes and feedback are written directly: loading the demo sends no
email, notification or calendar invitation, and the feedback job has nothing to ask about.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from lodestar.flash.models import Booking, OfficeHours, SessionFeedback, Slot
from lodestar.flash.services import office_hours_publish
from lodestar.flash.slots import occurrences
from lodestar.flash.states import BookingStatus
from lodestar.meetings.models import Mode
from lodestar.programs.models import Enrolment, Program, Role
from lodestar.programs.states import EnrolmentStatus

from . import data
from .people import Person

# Weekdays and local times other mentors open their hours at.
TIMES = (time(8, 0), time(12, 30), time(17, 30), time(19, 0))
# What became of the other mentees' past sessions.
OUTCOMES = (
    BookingStatus.HELD,
    BookingStatus.HELD,
    BookingStatus.HELD,
    BookingStatus.NO_SHOW,
    BookingStatus.CANCELLED,
)
WEEKS_BACK = 4


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _publish(mentor: Enrolment, *, weekday: int, at: time, now: datetime, **fields) -> OfficeHours:
    """Weekly hours that began WEEKS_BACK weeks ago (their past sessions are added later)."""
    zone = mentor.user.timezone or "UTC"
    today = now.astimezone(ZoneInfo(zone)).date()
    return office_hours_publish(
        mentor=mentor,
        by=mentor.user,
        repeat="weekly",
        starts_on=_weekday_on_or_after(today - timedelta(weeks=WEEKS_BACK), weekday),
        start_time=at,
        time_zone=zone,
        mode=Mode.VIDEO,
        place=f"https://meet.example.com/{mentor.user.email.split('@')[0]}",
        now=now,
        **fields,
    )


def _past_time(hours: OfficeHours, weeks_ago: int, now: datetime) -> tuple[datetime, datetime]:
    """The (start, end) of the session of `hours` about `weeks_ago` weeks ago (it has ended)."""
    zone = ZoneInfo(hours.time_zone)
    today = now.astimezone(zone).date()
    past = [
        (start, end)
        for start, end in occurrences(hours, today - timedelta(weeks=WEEKS_BACK), today)
        if end < now
    ]
    return past[-min(weeks_ago, len(past))]


def _past_slot(hours: OfficeHours, weeks_ago: int, now: datetime) -> Slot:
    start, end = _past_time(hours, weeks_ago, now)
    return Slot.objects.create(office_hours=hours, start=start, end=end, capacity=hours.capacity)


def _next_slot(hours: OfficeHours, now: datetime) -> Slot:
    """The first session of `hours` at least a day ahead (well past the notice to book)."""
    return hours.slots.filter(start__gt=now + timedelta(days=1)).order_by("start").first()


def _booking(slot: Slot, mentee: Enrolment, question: str, status: str, now: datetime, **fields):
    """A booking as it would be by now (not saved)."""
    past = slot.end <= now
    cancelled = status == BookingStatus.CANCELLED
    return Booking(
        slot=slot,
        mentee=mentee,
        question=question,
        status=status,
        created_at=slot.start - timedelta(days=3),
        outcome_at=slot.end if past and not cancelled else None,
        cancelled_at=slot.start - timedelta(days=1) if cancelled else None,
        cancelled_by=mentee.user if cancelled else None,
        # Asked already: the worker's feedback job leaves the demo's past sessions alone.
        feedback_invited_at=slot.end if past else None,
        **fields,
    )


def flash_sessions(
    program: Program, people: dict[str, Person], rng: random.Random, now: datetime | None = None
) -> None:
    """Office hours for every mentor of the flash program, and sessions past and to come."""
    now = now or timezone.now()
    enrolments = list(
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.APPROVED)
        .select_related("user", "program")
        .order_by("pk")
    )
    mentors = [e for e in enrolments if e.role == Role.MENTOR]
    mentees = [e for e in enrolments if e.role == Role.MENTEE]
    hours = {}
    for mentor in mentors:
        if mentor.user.email == data.MENTOR.email:
            continue
        topics = people[mentor.user.email].topics[:3]
        hours[mentor.pk] = _publish(
            mentor,
            weekday=rng.randrange(5),
            at=rng.choice(TIMES),
            now=now,
            duration=rng.choice((30, 45, 60)),
            capacity=rng.choice((1, 1, 1, 3)),
            topics=topics,
        )
    demo_mentor = next((m for m in mentors if m.user.email == data.MENTOR.email), None)
    demo_mentee = next((m for m in mentees if m.user.email == data.MENTEE.email), None)
    if demo_mentor is not None:
        tuesdays = _demo_mentor_hours(demo_mentor, now)
        if demo_mentee is not None:
            _demo_pair(tuesdays, demo_mentee, demo_mentor, now)
    others = [m for m in mentees if m.user.email != data.MENTEE.email]
    _other_sessions(list(hours.values()), others, rng, now)


def _demo_mentor_hours(mentor: Enrolment, now: datetime) -> OfficeHours:
    tuesdays = _publish(
        mentor,
        weekday=1,
        at=time(12, 0),
        now=now,
        duration=45,
        topics=["Career change", "Data analysis", "Python code review"],
        note="Send me your CV or a link to your code the day before, and I will have read it.",
    )
    _publish(
        mentor,
        weekday=3,
        at=time(18, 0),
        now=now,
        duration=60,
        capacity=3,
        topics=["Breaking into tech", "Public speaking"],
        note="A small group: three people, one question each, and we all learn from the others.",
    )
    return tuesdays


def _demo_pair(tuesdays: OfficeHours, lucas: Enrolment, priya: Enrolment, now: datetime) -> None:
    """Last Tuesday's session, held, with feedback from both; its follow-up next week."""
    held = _booking(
        _past_slot(tuesdays, 1, now),
        lucas,
        "I want to move from retail analytics into data engineering. Which skills should I "
        "learn first, and how do I show them without the job title?",
        BookingStatus.HELD,
        now,
    )
    held.save()
    SessionFeedback.objects.bulk_create(
        [
            SessionFeedback(
                booking=held,
                author=lucas.user,
                rating=5,
                useful=True,
                follow_up=True,
                comment="Priya gave me a six-week plan: one pipeline project, end to end.",
                created_at=held.slot.end + timedelta(hours=2),
            ),
            SessionFeedback(
                booking=held,
                author=priya.user,
                rating=5,
                useful=True,
                comment="Well prepared; we agreed he brings the pipeline's design next time.",
                created_at=held.slot.end + timedelta(hours=5),
            ),
        ]
    )
    _booking(
        _next_slot(tuesdays, now),
        lucas,
        "Here is the design of my first pipeline: could we go through it together?",
        BookingStatus.BOOKED,
        now,
        follow_up_of=held,
    ).save()


def _other_sessions(
    hours: list[OfficeHours], mentees: list[Enrolment], rng: random.Random, now: datetime
) -> None:
    """A session behind each of a few mentees, and one ahead for some others, each in the
    first of the mentors (in a random order) with a seat left. Written in bulk: the same few
    queries whoever the people are."""
    if not hours or not mentees:
        return
    past: dict[tuple[int, datetime], Slot] = {}
    seats: dict[tuple[int, datetime], int] = {}

    def seat(office: OfficeHours, start: datetime, make) -> Slot | None:
        key = (office.pk, start)
        if seats.get(key, 0) >= office.capacity:
            return None
        seats[key] = seats.get(key, 0) + 1
        return make()

    wanted = []
    for k, mentee in enumerate(mentees[:12]):
        for office in rng.sample(hours, len(hours)):
            start, end = _past_time(office, 1 + k % 3, now)
            slot = seat(
                office,
                start,
                lambda o=office, s=start, e=end: past.setdefault(
                    (o.pk, s), Slot(office_hours=o, start=s, end=e, capacity=o.capacity)
                ),
            )
            if slot is not None:
                wanted.append((slot, mentee, OUTCOMES[k % len(OUTCOMES)]))
                break
    Slot.objects.bulk_create(past.values())
    coming = list(
        Slot.objects.filter(office_hours__in=hours, start__gt=now + timedelta(days=1))
        .select_related("office_hours")
        .order_by("start", "pk")
    )
    for mentee in mentees[12:18]:
        for office in rng.sample(hours, len(hours)):
            first = next(s for s in coming if s.office_hours_id == office.pk)
            slot = seat(office, first.start, lambda first=first: first)
            if slot is not None:
                wanted.append((slot, mentee, BookingStatus.BOOKED))
                break
    bookings = [
        _booking(slot, mentee, rng.choice(data.FLASH_QUESTIONS), status, now)
        for slot, mentee, status in wanted
    ]
    Booking.objects.bulk_create(bookings)
    SessionFeedback.objects.bulk_create(_feedback(bookings, rng))


def _feedback(bookings: list[Booking], rng: random.Random) -> list[SessionFeedback]:
    """The mentees' feedback on every session held, and the mentors' on about half."""
    given = []
    for booking in bookings:
        if booking.status != BookingStatus.HELD:
            continue
        rating = rng.choice((3, 4, 4, 5, 5))
        given.append(
            SessionFeedback(
                booking=booking,
                author=booking.mentee.user,
                rating=rating,
                useful=rating >= 4,
                follow_up=rng.random() < 0.3,
                created_at=booking.slot.end + timedelta(hours=1),
            )
        )
        if rng.random() < 0.5:
            given.append(
                SessionFeedback(
                    booking=booking,
                    author=booking.slot.office_hours.mentor.user,
                    rating=rng.choice((4, 5)),
                    useful=True,
                    created_at=booking.slot.end + timedelta(hours=3),
                )
            )
    return given
