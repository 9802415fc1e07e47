"""Sending surveys on their schedule, by time travel: each anchor's occasions, each person once
per occasion, one reminder, expiry — and a bounded number of queries per run."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lodestar.engagement.models import Notification
from lodestar.evaluations.models import SurveyAssignment
from lodestar.evaluations.scheduling import (
    surveys_assign_due,
    surveys_expire_due,
    surveys_remind_due,
)
from lodestar.evaluations.surveys import survey_close
from lodestar.meetings.models import Meeting
from lodestar.mentorships.models import Closure, Mentorship
from lodestar.programs.models import Enrolment
from tests import factories
from tests.evaluations.survey_helpers import START, at, day, make_pair, make_survey, more_pairs

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


def notices(user, kind="survey_due") -> list[Notification]:
    return list(Notification.objects.filter(user=user, kind=kind).order_by("id"))


def keys() -> set[str]:
    return set(SurveyAssignment.objects.values_list("key", flat=True))


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(program, mentor, mentee)


@pytest.fixture
def day30(program, coordinator):
    """Day 30 of each mentorship, then every 60 days."""
    return make_survey(
        program,
        coordinator,
        anchor="mentorship_start",
        offset_days=30,
        repeat_days=60,
        activate_at=day(0),
    )


# --- counted from each mentorship's start -------------------------------------------------------


def test_day_30_then_every_60_days(day30, pair, mentor, mentee):
    assert surveys_assign_due(now=day(29)) == 0
    assert surveys_assign_due(now=day(30)) == 2
    assert surveys_assign_due(now=day(30) + HOUR) == 0  # the next run finds them asked
    assert surveys_assign_due(now=day(89)) == 0
    assert surveys_assign_due(now=day(90)) == 2
    assert surveys_assign_due(now=day(150)) == 2
    assert len(notices(mentee)) == len(notices(mentor)) == 3
    mine = SurveyAssignment.objects.filter(user=mentee).order_by("sent_at")
    assert [a.occasion_at for a in mine] == [
        at(START + timedelta(days=n), 0) for n in (30, 90, 150)
    ]
    assert all(a.mentorship == pair and a.role == "mentee" for a in mine)
    assert all(a.due_at == a.sent_at + timedelta(days=day30.open_days) for a in mine)


def test_the_notice_names_the_program_the_survey_and_the_last_day(day30, pair, mentee):
    surveys_assign_due(now=day(30))
    (notice,) = notices(mentee)
    assignment = SurveyAssignment.objects.get(user=mentee)
    assert notice.params["program"] == "Spring Cohort"
    assert notice.params["title"] == "Pulse"
    assert notice.params["when"]  # the due day, in the person's zone
    assert notice.url == f"/surveys/{assignment.pk}/"


@pytest.mark.parametrize(
    "audience, asked",
    [("mentees", {"mentee"}), ("mentors", {"mentor"}), ("everyone", {"mentee", "mentor"})],
)
def test_only_the_audience_is_asked(day30, pair, audience, asked):
    day30.__class__.objects.filter(pk=day30.pk).update(audience=audience)
    surveys_assign_due(now=day(30))
    assert set(SurveyAssignment.objects.values_list("role", flat=True)) == asked


def test_an_occasion_missed_by_more_than_its_open_days_is_not_sent_late(program, coordinator, pair):
    late = make_survey(
        program, coordinator, anchor="mentorship_start", offset_days=30, activate_at=day(50)
    )
    assert surveys_assign_due(now=day(50)) == 0
    SurveyAssignment.objects.all().delete()
    late.__class__.objects.filter(pk=late.pk).update(activated_at=day(40))
    assert surveys_assign_due(now=day(40)) == 2  # day 30 is still open until day 44


def test_a_repeating_survey_sends_its_latest_occasion_only(program, coordinator, pair, mentee):
    make_survey(
        program,
        coordinator,
        anchor="mentorship_start",
        offset_days=30,
        repeat_days=60,
        activate_at=day(95),
    )
    surveys_assign_due(now=day(95))
    (assignment,) = SurveyAssignment.objects.filter(user=mentee)
    assert assignment.occasion_at == at(START + timedelta(days=90), 0)


@pytest.mark.parametrize("status", ["proposed", "completed", "ended_early", "declined"])
def test_mentorships_not_running_are_not_asked(program, coordinator, mentor, mentee, status):
    make_pair(program, mentor, mentee, status=status)
    make_survey(program, coordinator, anchor="mentorship_start", offset_days=30, activate_at=day(0))
    assert surveys_assign_due(now=day(30)) == 0


def test_a_paused_mentorship_is_still_asked(day30, pair):
    Mentorship.objects.filter(pk=pair.pk).update(status="paused")
    assert surveys_assign_due(now=day(30)) == 2


def test_a_deactivated_account_is_not_asked(day30, pair, mentor):
    mentor.is_active = False
    mentor.save()
    assert surveys_assign_due(now=day(30)) == 1


def test_draft_and_closed_surveys_and_archived_programs_send_nothing(
    day30, program, coordinator, pair
):
    make_survey(program, coordinator, anchor="mentorship_start", offset_days=30)  # a draft
    survey_close(survey=day30, by=coordinator)
    assert surveys_assign_due(now=day(30)) == 0
    day30.__class__.objects.filter(pk=day30.pk).update(status="active")
    program.status = "archived"
    program.save()
    assert surveys_assign_due(now=day(30)) == 0


def test_a_person_already_asked_for_an_occasion_is_never_asked_again(day30, pair, mentee):
    surveys_assign_due(now=day(30))
    SurveyAssignment.objects.filter(user=mentee).update(status="expired")
    assert surveys_assign_due(now=day(35)) == 0
    assert len(notices(mentee)) == 1


# --- counted from the program's start -----------------------------------------------------------


def test_program_start_asks_the_approved_participants(program, coordinator, mentor, mentee):
    program.start_date = START
    program.end_date = START + timedelta(days=100)
    program.save()
    waiting = factories.make_user("waiting@example.com")
    factories.make_enrolment(program, waiting, status="waitlisted")
    make_survey(
        program,
        coordinator,
        anchor="program_start",
        offset_days=10,
        repeat_days=60,
        activate_at=day(0),
    )
    assert surveys_assign_due(now=day(9)) == 0
    assert surveys_assign_due(now=day(10)) == 2
    assert {a.user for a in SurveyAssignment.objects.all()} == {mentor, mentee}
    assert all(a.mentorship is None for a in SurveyAssignment.objects.all())
    assert surveys_assign_due(now=day(70)) == 2
    # Day 130 is after the program's end date: no more.
    assert surveys_assign_due(now=day(130)) == 0


# --- after each meeting held ------------------------------------------------------------------


@pytest.fixture
def pulse(program, coordinator):
    return make_survey(
        program, coordinator, anchor="meeting_held", offset_days=0, open_days=7, activate_at=day(0)
    )


def meeting(pair, when, status="completed") -> Meeting:
    return Meeting.objects.create(mentorship=pair, start=when, status=status)


def test_a_pulse_after_each_meeting_held_once(pulse, pair, mentor, mentee):
    first = meeting(pair, day(5))
    assert surveys_assign_due(now=day(5) + 2 * HOUR) == 2
    assert surveys_assign_due(now=day(6)) == 0
    meeting(pair, day(12))
    meeting(pair, day(13), status="cancelled")
    meeting(pair, day(13) + HOUR, status="missed")
    assert surveys_assign_due(now=day(13) + 2 * HOUR) == 2
    assert len(notices(mentee)) == len(notices(mentor)) == 2
    assert f"survey{pulse.pk}-meeting{first.pk}-user{mentee.pk}" in keys()


def test_meetings_held_before_the_pulse_was_activated_get_none(pulse, pair):
    meeting(pair, day(-1))
    assert surveys_assign_due(now=day(0) + HOUR) == 0


def test_a_meeting_marked_held_late_still_gets_its_pulse_within_the_open_days(pulse, pair):
    meeting(pair, day(5))
    assert surveys_assign_due(now=day(11)) == 2


def test_a_meeting_marked_held_after_the_open_days_gets_none(pulse, pair):
    meeting(pair, day(5))
    assert surveys_assign_due(now=day(13)) == 0


# --- at closure -----------------------------------------------------------------------------------


@pytest.fixture
def final(program, coordinator):
    return make_survey(program, coordinator, anchor="closure", offset_days=0, activate_at=day(0))


def close(pair, when, status="closing") -> Closure:
    Mentorship.objects.filter(pk=pair.pk).update(status=status)
    return Closure.objects.create(
        mentorship=pair, started_at=when, reason="goals_achieved", outcome="completed"
    )


def test_the_closure_survey_is_sent_when_a_closure_starts(final, pair, mentor, mentee):
    assert surveys_assign_due(now=day(40)) == 0
    closure = close(pair, day(40))
    assert surveys_assign_due(now=day(40) + HOUR) == 2
    assert surveys_assign_due(now=day(41)) == 0
    assert f"survey{final.pk}-closure{closure.pk}-user{mentor.pk}" in keys()


def test_a_mentorship_that_ended_early_gets_the_closure_survey(final, pair):
    close(pair, day(40), status="ended_early")
    assert surveys_assign_due(now=day(40) + HOUR) == 2


def test_a_reopened_closure_gets_no_survey(final, pair):
    close(pair, day(40))
    Mentorship.objects.filter(pk=pair.pk).update(status="active")
    assert surveys_assign_due(now=day(40) + HOUR) == 0


def test_a_closure_long_past_is_not_surveyed_late(program, coordinator, pair):
    close(pair, day(-30))
    make_survey(program, coordinator, anchor="closure", offset_days=0, activate_at=day(0))
    assert surveys_assign_due(now=day(0) + HOUR) == 0


# --- reminders and expiry -------------------------------------------------------------------------


def test_one_reminder_after_the_set_days_to_those_who_have_not_answered(
    day30, pair, mentor, mentee
):
    surveys_assign_due(now=day(30))
    SurveyAssignment.objects.filter(user=mentor).update(status="done")
    assert surveys_remind_due(now=day(33)) == 0
    assert surveys_remind_due(now=day(34)) == 1
    assert surveys_remind_due(now=day(35)) == 0
    assert surveys_remind_due(now=day(40)) == 0
    (reminder,) = notices(mentee, "survey_reminder")
    assert reminder.params["title"] == "Pulse" and reminder.params["when"]
    assert notices(mentor, "survey_reminder") == []


def test_no_reminder_for_a_closed_survey(day30, pair, coordinator):
    surveys_assign_due(now=day(30))
    day30.__class__.objects.filter(pk=day30.pk).update(status="closed")
    assert surveys_remind_due(now=day(35)) == 0


def test_what_is_not_answered_in_time_expires(day30, pair):
    surveys_assign_due(now=day(30))
    assert surveys_expire_due(now=day(44) - HOUR) == 0
    assert surveys_expire_due(now=day(44)) == 2
    assert set(SurveyAssignment.objects.values_list("status", flat=True)) == {"expired"}
    assert surveys_remind_due(now=day(44)) == 0


# --- bounded --------------------------------------------------------------------------------------


def test_a_run_does_a_bounded_number_of_queries_whatever_the_number_of_pairs(
    program, coordinator, pair
):
    """A run that finds nothing new to send reads all it needs in a fixed number of queries."""
    for anchor in ("mentorship_start", "meeting_held", "closure"):
        make_survey(program, coordinator, anchor=anchor, offset_days=0, activate_at=day(0))
    program.start_date = START
    program.save()
    make_survey(program, coordinator, anchor="program_start", offset_days=0, activate_at=day(0))

    def run_twice():
        surveys_assign_due(now=day(2))
        with CaptureQueriesContext(connection) as queries:
            assert surveys_assign_due(now=day(2) + HOUR) == 0
        return len(queries)

    def add_activity(pairs):
        for p in pairs:
            meeting(p, day(1))
            close(p, day(1))

    add_activity([pair])
    few = run_twice()
    add_activity(more_pairs(program, 6))
    many = run_twice()
    assert many == few <= 10
    assert Enrolment.objects.filter(program=program).count() == 14
