"""Program analytics on a hand-built program whose every figure is known in advance.

The story (all in 2026, UTC): three mentors and seven mentees apply; five mentees are approved,
one of whom (Eve) withdraws after her pair ended early. Four pairs form and start, a fifth
proposal is declined. Six meetings are held in February and March, five goals are accepted, six
check-ins are written, three pairs end (one completed, two early), and the second of two
published matching runs is the latest.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from lodestar.accounts.models import Profile
from lodestar.engagement.models import CheckIn
from lodestar.evaluations import analytics
from lodestar.evaluations.analytics import Filters
from lodestar.matches.models import MatchRun, Proposal
from lodestar.meetings.models import Meeting
from lodestar.mentorships.models import Closure, Goal, Mentorship
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db

UTC = dt.UTC
FIRST_HALF = Filters(date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 6, 30))


def at(day: str, hour: int = 9) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=UTC)


def _person(program, email, name, *, role, status, applied, decided=None, department=""):
    user = factories.make_user(email, name=name)
    Profile.objects.filter(user=user).update(department=department)
    enrolment = factories.make_enrolment(program, user, role=role, status=status)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        created_at=at(applied), decided_at=at(decided) if decided else None
    )
    return enrolment


def _pair(program, mentor, mentee, *, made, status, start=None, ended=None, reason=None):
    pair = factories.make_mentorship(program, mentor=mentor, mentees=[mentee], status=status)
    Mentorship.objects.filter(pk=pair.pk).update(
        created_at=at(made),
        start_date=dt.date.fromisoformat(start) if start else None,
        ended_at=at(ended) if ended else None,
    )
    if reason:
        Closure.objects.create(
            mentorship=pair,
            reason=reason,
            outcome="completed" if status == "completed" else "ended_early",
            started_at=at(ended),
            finished_at=at(ended),
        )
    return pair


def _meeting(pair, day, duration=60, status="completed", logged=None):
    Meeting.objects.create(
        mentorship=pair, start=at(day, 14), duration=duration, status=status, minutes_logged=logged
    )


def _goal(pair, owner, created, status="in_progress", achieved=None, accepted=True):
    goal = Goal.objects.create(
        mentorship=pair,
        owner=owner.user,
        title=f"Goal set {created}",
        status=status,
        accepted=accepted,
        achieved_at=at(achieved) if achieved else None,
    )
    Goal.objects.filter(pk=goal.pk).update(created_at=at(created))


def _checkin(pair, member, day, mood):
    CheckIn.objects.create(
        mentorship=pair,
        user=member.user,
        period_start=dt.date.fromisoformat(day),
        mood=mood,
        created_at=at(day),
    )


def build_story(program) -> SimpleNamespace:
    """The hand-built program described in the module docstring."""
    p = program
    m1 = _person(p, "m1@example.com", "Mona", role="mentor", status="approved",
                 applied="2026-01-05", decided="2026-01-06", department="Sales")  # fmt: skip
    m2 = _person(p, "m2@example.com", "Milo", role="mentor", status="approved",
                 applied="2026-01-05", decided="2026-01-06", department="Data")  # fmt: skip
    _person(p, "m3@example.com", "Mei", role="mentor", status="applied",
            applied="2026-02-10", department="Data")  # fmt: skip
    e1 = _person(p, "e1@example.com", "Ann", role="mentee", status="approved",
                 applied="2026-01-10", decided="2026-01-12", department="Sales")  # fmt: skip
    e2 = _person(p, "e2@example.com", "Bo", role="mentee", status="approved",
                 applied="2026-01-10", decided="2026-01-12", department="Data")  # fmt: skip
    e3 = _person(p, "e3@example.com", "Cy", role="mentee", status="approved",
                 applied="2026-01-20", decided="2026-01-22", department="Data")  # fmt: skip
    e4 = _person(p, "e4@example.com", "Di", role="mentee", status="approved",
                 applied="2026-01-20", decided="2026-01-22")  # fmt: skip
    _person(p, "e5@example.com", "Ed", role="mentee", status="waitlisted",
            applied="2026-03-01", decided="2026-03-02")  # fmt: skip
    _person(p, "e6@example.com", "Flo", role="mentee", status="declined",
            applied="2026-03-01", decided="2026-03-02")  # fmt: skip
    e7 = _person(p, "e7@example.com", "Eve", role="mentee", status="withdrawn",
                 applied="2026-01-10", decided="2026-01-12")  # fmt: skip

    # Waits from approval to the pair: Ann 10 days, Bo 4, Cy 16, Eve 2.
    p1 = _pair(p, m1, e1, made="2026-01-22", status="completed", start="2026-02-01",
               ended="2026-06-15", reason="goals_achieved")  # fmt: skip
    p2 = _pair(p, m2, e2, made="2026-01-16", status="active", start="2026-02-01")
    p3 = _pair(p, m1, e3, made="2026-02-07", status="ended_early", start="2026-02-10",
               ended="2026-04-20", reason="mismatch")  # fmt: skip
    p4 = _pair(p, m2, e7, made="2026-01-14", status="ended_early", start="2026-02-01",
               ended="2026-03-10")  # fmt: skip
    _pair(p, m1, e4, made="2026-01-25", status="declined")

    _meeting(p1, "2026-02-05")
    _meeting(p1, "2026-02-19", duration=45, logged=30)
    _meeting(p1, "2026-03-05")
    _meeting(p2, "2026-02-10")
    _meeting(p2, "2026-03-12", duration=90)
    _meeting(p2, "2026-03-20", status="cancelled")
    _meeting(p3, "2026-03-01", duration=30)

    _goal(p1, e1, "2026-02-05", status="achieved", achieved="2026-04-10")
    _goal(p1, e1, "2026-02-05", status="achieved", achieved="2026-05-02")
    _goal(p2, e2, "2026-02-12")
    _goal(p2, e2, "2026-03-01", status="dropped")
    _goal(p3, e3, "2026-02-15", status="not_started")
    _goal(p2, e2, "2026-02-20", status="not_started", accepted=False)  # a suggestion

    _checkin(p1, e1, "2026-02-10", 4)
    _checkin(p1, e1, "2026-03-10", 5)
    _checkin(p1, m1, "2026-02-11", 3)
    _checkin(p2, e2, "2026-02-15", 2)
    _checkin(p2, e2, "2026-03-15", 3)
    _checkin(p3, e3, "2026-03-20", 2)

    older = MatchRun.objects.create(
        program=p, number=1, solver="optimal", status="published",
        metrics={"matched": 1, "unmatched": 3, "mean": 10.0, "median": 10.0,
                 "minimum": 10.0, "p10": 10.0},
        inputs={"mentees": [e1.pk]}, published_at=at("2026-01-13"),
    )  # fmt: skip
    latest = MatchRun.objects.create(
        program=p, number=2, solver="fair", status="published",
        metrics={"matched": 3, "unmatched": 1, "mean": 63.33, "median": 60.0,
                 "minimum": 50.0, "p10": 52.0},
        inputs={"mentees": [e1.pk, e2.pk, e3.pk, e4.pk]}, published_at=at("2026-01-20"),
    )  # fmt: skip
    MatchRun.objects.create(program=p, number=3, solver="greedy", status="done")
    Proposal.objects.create(run=older, mentee=e1, mentor=m2, score=10)
    Proposal.objects.create(run=latest, mentee=e1, mentor=m1, score=80)
    Proposal.objects.create(run=latest, mentee=e2, mentor=m2, score=60)
    Proposal.objects.create(run=latest, mentee=e3, mentor=m1, score=50)
    return SimpleNamespace(program=p, pairs=[p1, p2, p3, p4], latest=latest)


@pytest.fixture
def story(program):
    return build_story(program)


def figures(story, filters=FIRST_HALF):
    return analytics.program_figures(story.program, filters)


# ---- the funnel -------------------------------------------------------------------------------


def test_funnel_counts_each_stage_by_role(story):
    funnel = figures(story).funnel
    assert funnel.by_role["mentor"] == {
        "applied": 3,
        "approved": 2,
        "matched": 2,
        "active": 2,
        "completed": 1,
    }
    assert funnel.by_role["mentee"] == {
        "applied": 7,
        "approved": 5,  # four approved, and Eve who was matched before she withdrew
        "matched": 4,
        "active": 4,
        "completed": 1,
    }
    assert funnel.total == {
        "applied": 10,
        "approved": 7,
        "matched": 6,
        "active": 6,
        "completed": 2,
    }


def test_funnel_counts_only_people_who_applied_within_the_dates(story):
    funnel = figures(story, Filters(date_from=dt.date(2026, 2, 1))).funnel
    assert funnel.by_role["mentor"]["applied"] == 1
    assert funnel.by_role["mentee"] == {
        "applied": 2,
        "approved": 0,
        "matched": 0,
        "active": 0,
        "completed": 0,
    }


def test_funnel_of_a_department_counts_its_people_only(story):
    funnel = figures(story, Filters(cohort="department:Data")).funnel
    assert funnel.by_role["mentor"] == {
        "applied": 2,
        "approved": 1,
        "matched": 1,
        "active": 1,
        "completed": 0,
    }
    assert funnel.by_role["mentee"]["matched"] == 2


def test_funnel_of_one_role_leaves_the_other_role_at_zero(story):
    funnel = figures(story, Filters(cohort="role:mentor")).funnel
    assert funnel.total["applied"] == 3
    assert funnel.by_role["mentee"]["applied"] == 0


# ---- matching ---------------------------------------------------------------------------------


def test_match_rate_is_matched_mentees_over_approved_mentees(story):
    matching = figures(story).matching
    assert (matching.approved, matching.matched) == (5, 4)
    assert matching.rate == 80.0


def test_time_to_match_runs_from_approval_to_the_pair_being_made(story):
    matching = figures(story).matching
    assert matching.timed == 4
    assert matching.mean_days == 8.0  # (10 + 4 + 16 + 2) / 4
    assert matching.median_days == 7.0  # between 4 and 10


def test_median_time_to_match_of_an_odd_number_is_the_middle_wait(story):
    # The Data department's mentees waited 4 and 16 days; without Eve, everyone 4, 10 and 16.
    matching = figures(story, Filters(cohort="department:Data")).matching
    assert matching.median_days == 10.0
    Mentorship.objects.filter(pk=story.pairs[3].pk).update(status="declined")  # Eve's pair
    matching = figures(story).matching
    assert (matching.matched, matching.timed) == (3, 3)
    assert matching.median_days == 10.0


def test_a_program_without_matches_has_no_rate_nor_time(coordinator):
    empty = factories.make_program(coordinator=coordinator, name="Empty")
    matching = analytics.program_figures(empty, Filters()).matching
    assert (matching.rate, matching.mean_days, matching.median_days) == (None, None, None)


# ---- meetings ---------------------------------------------------------------------------------


def test_meetings_held_and_hours_count_completed_meetings_with_their_logged_minutes(story):
    meetings = figures(story).meetings
    assert meetings.held == 6
    assert meetings.hours == 5.5  # 60 + 30 (logged) + 60 + 60 + 90 + 30 minutes


def test_meetings_per_pair_per_month_divide_by_the_pairs_running_that_month(story):
    meetings = figures(story).meetings
    months = {m.month: (m.pairs, m.meetings, m.hours, m.per_pair) for m in meetings.months}
    assert list(months) == [dt.date(2026, month, 1) for month in range(1, 7)]
    assert months[dt.date(2026, 1, 1)] == (0, 0, 0.0, None)
    assert months[dt.date(2026, 2, 1)] == (4, 3, 2.5, 0.75)
    assert months[dt.date(2026, 3, 1)] == (4, 3, 3.0, 0.75)
    assert months[dt.date(2026, 4, 1)] == (3, 0, 0.0, 0.0)
    assert months[dt.date(2026, 5, 1)] == (2, 0, 0.0, 0.0)
    assert months[dt.date(2026, 6, 1)] == (2, 0, 0.0, 0.0)
    assert meetings.pair_months == 15
    assert meetings.per_pair_month == 0.4


def test_meeting_months_of_an_open_range_start_with_the_first_pair(story):
    months = figures(story, Filters()).meetings.months
    assert months[0].month == dt.date(2026, 2, 1)
    assert months[-1].month == timezone.localdate().replace(day=1)


def test_meetings_of_a_department_are_those_of_pairs_with_a_member_in_it(story):
    meetings = figures(story, Filters(cohort="department:Data", **_first_half())).meetings
    assert meetings.held == 3  # Bo's pair twice, Cy's once
    assert [m.pairs for m in meetings.months[:4]] == [0, 3, 3, 2]


def _first_half() -> dict:
    return {"date_from": FIRST_HALF.date_from, "date_to": FIRST_HALF.date_to}


# ---- goals ------------------------------------------------------------------------------------


def test_goal_completion_is_achieved_over_accepted_goals(story):
    goals = figures(story).goals
    assert (goals.total, goals.achieved, goals.dropped) == (5, 2, 1)
    assert goals.rate == 40.0


def test_goals_by_month_count_goals_set_and_goals_achieved(story):
    months = [(m.month.month, m.set, m.achieved) for m in figures(story).goals.months]
    assert months == [(1, 0, 0), (2, 4, 0), (3, 1, 0), (4, 0, 1), (5, 0, 1), (6, 0, 0)]


def test_goals_set_before_the_range_are_left_out(story):
    goals = figures(story, Filters(date_from=dt.date(2026, 3, 1))).goals
    assert (goals.total, goals.achieved, goals.dropped) == (1, 0, 1)


# ---- mood -------------------------------------------------------------------------------------


def test_mood_per_month_is_the_mean_and_count_of_checkins(story):
    mood = figures(story).mood
    assert (mood.checkins, mood.mean, mood.low) == (6, 3.17, 2)
    months = {m.month: (m.checkins, m.mean, m.low) for m in mood.months}
    assert months[dt.date(2026, 2, 1)] == (3, 3.0, 1)
    assert months[dt.date(2026, 3, 1)] == (3, 3.33, 1)
    assert months[dt.date(2026, 4, 1)] == (0, None, 0)
    assert len(months) == 6


def test_mood_of_a_role_counts_the_checkins_its_members_wrote(story):
    assert figures(story, Filters(cohort="role:mentor")).mood.checkins == 1
    mentees = figures(story, Filters(cohort="role:mentee")).mood
    assert (mentees.checkins, mentees.mean) == (5, 3.2)


# ---- pairs at risk ----------------------------------------------------------------------------


def test_pairs_at_risk_counts_the_running_pairs_by_health_now(story):
    risk = figures(story).risk
    # Bo's pair last met in March: at risk. The others have ended.
    assert (risk.at_risk, risk.quiet, risk.healthy, risk.running) == (1, 0, 0, 1)
    assert figures(story, Filters(cohort="department:Sales")).risk.running == 0


# ---- retention and endings --------------------------------------------------------------------


def test_retention_is_the_share_of_ended_pairs_that_completed(story):
    retention = figures(story).retention
    assert (retention.completed, retention.ended_early) == (1, 2)
    assert retention.rate == 33.3


def test_early_endings_by_reason_say_not_given_without_a_closure(story):
    assert figures(story).retention.reasons == [("", 1), ("mismatch", 1)]


def test_endings_outside_the_dates_are_left_out(story):
    retention = figures(story, Filters(date_to=dt.date(2026, 3, 31))).retention
    assert (retention.completed, retention.ended_early, retention.reasons) == (0, 1, [("", 1)])


# ---- fairness ---------------------------------------------------------------------------------


def test_fairness_reads_the_latest_published_run(story):
    fairness = figures(story).fairness
    assert fairness.run.number == 2
    assert fairness.metric("minimum") == 50.0
    assert fairness.metric("p10") == 52.0
    assert fairness.metric("mean") == 63.33


def test_fairness_groups_the_runs_mentees_by_department(story):
    groups = [
        (g.label, g.mentees, g.matched, g.rate, g.mean, g.lowest)
        for g in figures(story).fairness.groups
    ]
    assert groups == [
        ("Data", 2, 2, 100.0, 55.0, 50.0),
        ("", 1, 0, 0.0, None, None),
        ("Sales", 1, 1, 100.0, 80.0, 80.0),
    ]


def test_a_program_never_published_has_no_fairness_figures(coordinator):
    empty = factories.make_program(coordinator=coordinator, name="Empty")
    assert analytics.program_figures(empty, Filters()).fairness is None


# ---- several programs at once -----------------------------------------------------------------


def test_figures_of_several_programs_keep_each_programs_own(story, other_program):
    mine, other = analytics.figures_for([story.program, other_program], FIRST_HALF)
    assert mine.funnel.total["applied"] == 10
    assert mine.meetings.held == 6
    assert other.funnel.total["applied"] == 0
    assert other.meetings.held == 0
    assert other.fairness is None


def test_cohort_choices_are_the_roles_then_the_departments(story):
    assert [value for value, _kind, _label in analytics.cohort_choices(story.program)] == [
        "role:mentor",
        "role:mentee",
        "department:Data",
        "department:Sales",
    ]
