"""Scenarios for the mutual feedback and progress review tests: a pair whose mentorship started
some days ago and runs for some days, and a group program's circle."""

from datetime import timedelta

from django.utils import timezone

from lodestar.mentorships.models import Mentorship
from lodestar.programs.models import Enrolment
from tests import factories


def timed(mentorship: Mentorship, *, started_days_ago: int, lasts_days: int | None) -> Mentorship:
    """Set when the mentorship started and for how long it is planned (None: no end date)."""
    start = timezone.localdate() - timedelta(days=started_days_ago)
    end = start + timedelta(days=lasts_days) if lasts_days is not None else None
    Mentorship.objects.filter(pk=mentorship.pk).update(start_date=start, planned_end_date=end)
    return fresh(mentorship)


def fresh(mentorship: Mentorship) -> Mentorship:
    return (
        Mentorship.objects.select_related("program")
        .prefetch_related("memberships__user")
        .get(pk=mentorship.pk)
    )


def make_pair(program, mentor, mentee, **fields) -> Mentorship:
    mentorship = factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(program=program, user=mentor),
        mentees=[Enrolment.objects.get(program=program, user=mentee)],
        **fields,
    )
    return timed(mentorship, started_days_ago=60, lasts_days=100)


def make_circle(coordinator):
    """A group program's circle: a mentor and two mentees. Returns (mentorship, mentor, a, b)."""
    program = factories.make_program(
        coordinator=coordinator, name="Circles", slug="circles", kind="group"
    )
    mentor = factories.make_user("guide@example.com", name="Gil Guide")
    first = factories.make_user("ana@example.com", name="Ana First")
    second = factories.make_user("ben@example.com", name="Ben Second")
    mentorship = factories.make_mentorship(
        program,
        mentor=factories.make_enrolment(program, mentor, role="mentor", capacity=3),
        mentees=[factories.make_enrolment(program, u) for u in (first, second)],
    )
    return timed(mentorship, started_days_ago=60, lasts_days=100), mentor, first, second
