"""Meeting personas: the spring program's mentor (Max, Los Angeles) and mentee (Mia, Auckland)
in an active mentorship, another pair of the same program, and a clock that tests can set."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from lodestar.meetings.models import Meeting
from lodestar.programs.models import Enrolment
from tests import factories

# A fixed "now" for tests that care about dates: a Monday in January 2027, NZ and US in their
# January offsets (Auckland UTC+13, Los Angeles UTC−8).
JAN_2027 = datetime(2027, 1, 11, 0, 0, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """Set the time: `clock.set(datetime)`; `clock.now` is it. Starts at JAN_2027."""

    class Clock:
        now = JAN_2027

        def set(self, moment):
            self.now = moment

        def advance(self, **delta):
            self.now += timedelta(**delta)

    fixed = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


@pytest.fixture
def pair(program, mentor, mentee):
    mentor.timezone = "America/Los_Angeles"
    mentor.save(update_fields=["timezone"])
    mentee.timezone = "Pacific/Auckland"
    mentee.save(update_fields=["timezone"])
    return factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(user=mentor, program=program),
        mentees=[Enrolment.objects.get(user=mentee, program=program)],
    )


@pytest.fixture
def other_pair_mentor(program):
    """The mentor of another pair in the same program."""
    user = factories.make_user("omar@example.com", name="Omar Other")
    mentor = factories.make_enrolment(program, user, role="mentor")
    mentee = factories.make_enrolment(program, factories.make_user("olga@example.com"))
    factories.make_mentorship(program, mentor=mentor, mentees=[mentee])
    return user


def make_meeting(mentorship, *, by, start, status="proposed", duration=60, **fields) -> Meeting:
    """A meeting written directly (no checks, no notices, no emails)."""
    if status != "proposed":
        fields.setdefault("confirmed_at", start - timedelta(days=1))
        fields.setdefault("invited_at", start - timedelta(days=1))
    return Meeting.objects.create(
        mentorship=mentorship,
        proposed_by=by,
        start=start,
        duration=duration,
        status=status,
        **fields,
    )


def soon(**delta) -> datetime:
    """A moment after now (the real now, or the clock's)."""
    return timezone.now() + timedelta(**delta)
