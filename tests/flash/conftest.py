"""Flash personas: `program` is here a running flash program (12 hours' notice to book, 4 hours
to cancel, 2 bookings a month); Max the mentor keeps office hours in Paris, Mia the mentee lives
in New York; a clock tests can set; helpers that make office hours, slots and bookings, and
one that checks a refused call changed nothing."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from icalendar import Calendar

from lodestar.core.models import OutgoingEmail
from lodestar.engagement.models import Notification
from lodestar.flash import services
from lodestar.flash.models import Booking, OfficeHours, SessionFeedback, Slot
from lodestar.matches.models import MentorshipRequest
from lodestar.programs.models import Enrolment
from tests import factories

# Monday 1 March 2027, 08:00 UTC: 09:00 in Paris, 03:00 in New York (both in winter time).
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
PARIS = "Europe/Paris"
NEW_YORK = "America/New_York"


@pytest.fixture
def clock(monkeypatch):
    """Set the time: `clock.set(datetime)`, `clock.advance(hours=…)`; starts at NOW."""

    class Clock:
        now = NOW

        def set(self, moment):
            self.now = moment

        def advance(self, **delta):
            self.now += timedelta(**delta)

    fixed = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


@pytest.fixture
def program(coordinator):
    return factories.make_program(
        coordinator=coordinator,
        name="Flash Week",
        slug="flash-week",
        kind="flash",
        status="running",
        flash_min_notice_hours=12,
        flash_cancel_hours=4,
        flash_bookings_per_month=2,
    )


@pytest.fixture
def mentor(program):
    user = factories.make_user("mentor@example.com", name="Max Mentor", timezone=PARIS)
    factories.make_enrolment(program, user, role="mentor")
    return user


@pytest.fixture
def mentee(program):
    user = factories.make_user("mentee@example.com", name="Mia Mentee", timezone=NEW_YORK)
    factories.make_enrolment(program, user, role="mentee")
    return user


@pytest.fixture
def max_e(program, mentor) -> Enrolment:
    return Enrolment.objects.get(program=program, user=mentor)


@pytest.fixture
def mia_e(program, mentee) -> Enrolment:
    return Enrolment.objects.get(program=program, user=mentee)


def add_person(program, name: str, role: str = "mentee", zone: str = NEW_YORK, **fields):
    user = factories.make_user(
        f"{slugify(name)}@{program.slug}.example.com", name=name, timezone=zone
    )
    return factories.make_enrolment(program, user, role=role, **fields)


def publish(mentor: Enrolment, **fields) -> OfficeHours:
    """Office hours through the service: by default every Tuesday at 17:00 in Paris from
    2 March 2027, an hour long, one person, on CVs and interviews."""
    values = {
        "repeat": "weekly",
        "starts_on": date(2027, 3, 2),
        "start_time": time(17, 0),
        "time_zone": PARIS,
        "duration": 60,
        "capacity": 1,
        "topics": ["CV review", "Interviews"],
        "mode": "video",
        "place": "https://meet.example.com/max",
    }
    values.update(fields)
    return services.office_hours_publish(mentor=mentor, by=mentor.user, **values)


def make_slot(
    mentor: Enrolment, start: datetime, *, capacity: int = 1, minutes: int = 60, **fields
) -> Slot:
    """A one-off office hours and its slot written directly (no checks): for sessions in the
    past, or at a time the services would refuse."""
    local = start.astimezone(timezone.get_fixed_timezone(0))
    hours = OfficeHours.objects.create(
        program=mentor.program,
        mentor=mentor,
        repeat="once",
        starts_on=local.date(),
        start_time=local.time(),
        time_zone="UTC",
        duration=minutes,
        capacity=capacity,
        topics=fields.pop("topics", ["Careers"]),
        place="Room 4",
    )
    return Slot.objects.create(
        office_hours=hours,
        start=start,
        end=start + timedelta(minutes=minutes),
        capacity=capacity,
        **fields,
    )


def make_booking(slot: Slot, mentee: Enrolment, *, status: str = "booked", **fields) -> Booking:
    """A booking written directly (no checks, no notices)."""
    fields.setdefault("question", "How do I prepare?")
    return Booking.objects.create(slot=slot, mentee=mentee, status=status, **fields)


def book(slot: Slot, mentee: Enrolment, question: str = "Could you look at my CV?", **kw):
    return services.booking_create(
        slot=slot, mentee=mentee, question=question, by=mentee.user, **kw
    )


def state() -> dict:
    """Everything a flash service may write, to compare before and after a refused call."""
    models = [
        OfficeHours,
        Slot,
        Booking,
        SessionFeedback,
        Notification,
        OutgoingEmail,
        MentorshipRequest,
    ]
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in models}


@pytest.fixture
def refused(django_capture_on_commit_callbacks):
    """`refused(call, code=…, says=…)`: the call raises a ValidationError with that code and
    words, and leaves the database, the outbox and the mail as they were."""

    def check(call, *, code: str, says: str) -> ValidationError:
        before = state()
        sent = len(mail.outbox)
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(ValidationError) as caught,
        ):
            call()
        error = caught.value
        assert getattr(error, "code", None) == code, (error.code, error.messages)
        assert says in " ".join(error.messages), error.messages
        assert state() == before
        assert callbacks == [] and len(mail.outbox) == sent
        return error

    return check


def calendar_parts(messages=None) -> list[tuple[str, str, Calendar]]:
    """(recipient, method, parsed calendar) of every text/calendar attachment sent."""
    found = []
    for message in mail.outbox if messages is None else messages:
        for part in message.attachments:
            if getattr(part, "get_content_type", lambda: "")() == "text/calendar":
                parsed = Calendar.from_ical(part.get_payload(decode=True))
                found.append((message.to[0], part.get_param("method"), parsed))
    return found


def event_of(parsed: Calendar):
    [event] = parsed.walk("VEVENT")
    return event


def attendees(event) -> list[str]:
    values = event.get("ATTENDEE")
    values = values if isinstance(values, list) else [values]
    return sorted(str(a).removeprefix("mailto:") for a in values)
