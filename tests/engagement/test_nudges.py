"""Nudges: time travel through a program's calendar, one run a day — each reminder once, the
second reminder a week later, then the coordinators' flag; quiet hours; causes that resolve."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from lodestar.engagement import notices
from lodestar.engagement.models import CheckIn, Notification, Nudge, PairFlag
from lodestar.engagement.nudges import nudges_run
from lodestar.meetings.models import Meeting
from lodestar.mentorships.models import AgreementSignature, AgreementVersion, Goal
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db

START = date(2027, 1, 4)  # a Monday


@pytest.fixture(autouse=True)
def nudge_kind(monkeypatch):
    """The generic "nudge" notice the lead adds to notices.py (until then, for the tests)."""
    if "nudge" not in notices.NOTICES:
        monkeypatch.setitem(notices.NOTICES, "nudge", "%(title)s")
    category_of = getattr(notices, "CATEGORY_OF", None)
    if category_of is not None and "nudge" not in category_of:
        monkeypatch.setitem(category_of, "nudge", "checkins")


def at(day: int, hour: int = 10) -> datetime:
    """`day` days after START, at `hour` UTC."""
    return datetime.combine(START + timedelta(days=day), time(hour), tzinfo=UTC)


@pytest.fixture
def pair(program, mentor, mentee):
    m = factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(user=mentor, program=program),
        mentees=[Enrolment.objects.get(user=mentee, program=program)],
    )
    m.start_date = START
    m.save(update_fields=["start_date"])
    return m


def sign_agreement(pair, *users):
    version = AgreementVersion.objects.create(mentorship=pair, number=1)
    for user in users:
        AgreementSignature.objects.create(version=version, user=user)
    return version


def levels(user, rule: str) -> list[int]:
    return list(
        Nudge.objects.filter(user=user, rule=rule).order_by("level").values_list("level", flat=True)
    )


def test_no_meeting_reminds_on_day_21_escalates_a_week_later_then_flags_once(
    pair, mentor, mentee, coordinator
):
    pair.program.meeting_cadence = "monthly"  # no check-in ends before day 60
    pair.program.save(update_fields=["meeting_cadence"])
    AgreementVersion.objects.filter(pk=sign_agreement(pair, mentor, mentee).pk).update(
        agreed_at=at(0)
    )
    history = {}
    for day in range(0, 45):
        for _twice in range(2):  # running again the same day changes nothing
            nudges_run(now=at(day))
        history[day] = (
            levels(mentee, "no_meeting"),
            PairFlag.objects.filter(rule="no_meeting").count(),
        )
    assert history[20] == ([], 0)
    assert history[21] == ([1], 0)
    assert history[27] == ([1], 0)
    assert history[28] == ([1, 2], 0)
    assert history[34] == ([1, 2], 0)
    assert history[35] == ([1, 2], 1)
    assert history[44] == ([1, 2], 1)
    assert levels(mentor, "no_meeting") == [1, 2]
    reminders = Notification.objects.filter(user=mentee, kind="nudge").order_by("created_at")
    texts = [n.text for n in reminders if "no meeting" in n.text]
    assert len(texts) == 2
    assert "no meeting for 21 days" in texts[0]
    assert texts[1].startswith("Second reminder:")
    alerts = Notification.objects.filter(user=coordinator, kind="pair_at_risk")
    assert alerts.count() == 1
    assert "Mia Mentee" in alerts.get().text
    assert alerts.get().url == f"/coordinate/{pair.program.slug}/health/"


def test_a_meeting_held_stops_the_chain(pair, mentor, mentee):
    for day in range(0, 22):
        nudges_run(now=at(day))
    assert levels(mentee, "no_meeting") == [1]
    Meeting.objects.create(mentorship=pair, start=at(22, 9), status="completed", proposed_by=mentee)
    for day in range(22, 42):
        nudges_run(now=at(day))
    assert levels(mentee, "no_meeting") == [1]  # no second reminder, no flag
    assert not PairFlag.objects.filter(rule="no_meeting").exists()
    # Three weeks after that meeting, a new cause starts a new chain.
    for day in range(42, 44):
        nudges_run(now=at(day))
    assert Nudge.objects.filter(user=mentee, rule="no_meeting", level=1).count() == 2


def test_a_confirmed_meeting_ahead_counts_as_a_plan(pair, mentee):
    Meeting.objects.create(mentorship=pair, start=at(30), status="confirmed", proposed_by=mentee)
    nudges_run(now=at(25))
    assert levels(mentee, "no_meeting") == []


def test_flag_resolves_when_the_cause_goes(pair, mentor, mentee):
    for day in range(0, 36):
        nudges_run(now=at(day))
    flag = PairFlag.objects.get(rule="no_meeting")
    assert flag.resolved_at is None
    Meeting.objects.create(mentorship=pair, start=at(36, 9), status="completed", proposed_by=mentee)
    nudges_run(now=at(36))
    flag.refresh_from_db()
    assert flag.resolved_at == at(36)


def test_quiet_hours_wait_for_the_morning_in_the_recipients_zone(pair, mentor, mentee):
    mentee.timezone = "Asia/Tokyo"  # UTC+9
    mentee.save(update_fields=["timezone"])
    nudges_run(now=at(21, 14))  # 14:00 UTC: 23:00 in Tokyo
    assert levels(mentor, "no_meeting") == [1]
    assert levels(mentee, "no_meeting") == []
    nudges_run(now=at(21, 22))  # 07:00 in Tokyo: still quiet
    assert levels(mentee, "no_meeting") == []
    nudges_run(now=at(22, 0))  # 09:00 in Tokyo
    assert levels(mentee, "no_meeting") == [1]
    texts = [n.text for n in Notification.objects.filter(user=mentee, kind="nudge")]
    assert len([t for t in texts if "no meeting" in t]) == 1


def test_unsigned_agreement_reminds_whoever_has_not_signed(pair, mentor, mentee):
    nudges_run(now=at(6))
    assert levels(mentee, "agreement_unsigned") == []
    sign_agreement(pair, mentor)
    nudges_run(now=at(7))
    assert levels(mentee, "agreement_unsigned") == [1]
    assert levels(mentor, "agreement_unsigned") == []


def test_no_agreement_at_all_counts_as_unsigned(pair, mentor, mentee):
    nudges_run(now=at(7))
    assert levels(mentee, "agreement_unsigned") == [1]
    assert levels(mentor, "agreement_unsigned") == [1]
    # Starting a draft does not restart the chain: the second reminder still comes on time.
    AgreementVersion.objects.create(mentorship=pair, number=1)
    nudges_run(now=at(14))
    assert levels(mentee, "agreement_unsigned") == [1, 2]


def test_unanswered_request_reminds_the_mentor_after_three_days(program, mentor, mentee):
    request = factories.make_request(
        Enrolment.objects.get(user=mentee, program=program),
        Enrolment.objects.get(user=mentor, program=program),
    )
    type(request).objects.filter(pk=request.pk).update(created_at=at(0), expires_at=at(7))
    nudges_run(now=at(2, 23))
    assert levels(mentor, "request_unanswered") == []
    nudges_run(now=at(3))
    nudges_run(now=at(3, 12))
    assert levels(mentor, "request_unanswered") == [1]
    text = Notification.objects.get(user=mentor, kind="nudge").text
    assert "Mia Mentee has waited 3 days" in text
    assert levels(mentee, "request_unanswered") == []
    type(request).objects.filter(pk=request.pk).update(status="declined")
    nudges_run(now=at(10))
    assert levels(mentor, "request_unanswered") == [1]


def test_overdue_goal_reminds_its_owner_until_achieved(pair, mentor, mentee):
    goal = Goal.objects.create(
        mentorship=pair, owner=mentee, title="Run a 10k", target_date=START + timedelta(days=10)
    )
    nudges_run(now=at(10))
    assert levels(mentee, "goal_overdue") == []
    nudges_run(now=at(11))
    assert levels(mentee, "goal_overdue") == [1]
    texts = [n.text for n in Notification.objects.filter(user=mentee, kind="nudge")]
    assert any("Run a 10k" in text for text in texts)
    assert levels(mentor, "goal_overdue") == []
    goal.status = "achieved"
    goal.save(update_fields=["status"])
    nudges_run(now=at(18))
    assert levels(mentee, "goal_overdue") == [1]


def test_missed_checkin_reminds_the_member_until_they_check_in(pair, mentor, mentee):
    pair.program.meeting_cadence = "weekly"
    pair.program.save(update_fields=["meeting_cadence"])
    # The first period opens on day 7 and ends on day 14.
    nudges_run(now=at(13))
    assert levels(mentee, "checkin_overdue") == []
    CheckIn.objects.create(
        mentorship=pair, user=mentor, period_start=START + timedelta(days=7), mood=4
    )
    nudges_run(now=at(14))
    assert levels(mentee, "checkin_overdue") == [1]
    assert levels(mentor, "checkin_overdue") == []
    CheckIn.objects.create(
        mentorship=pair, user=mentee, period_start=START + timedelta(days=14), mood=3
    )
    nudges_run(now=at(21))  # the second reminder would be due now: the check-in ended it
    assert levels(mentee, "checkin_overdue") == [1]


def test_finished_mentorships_are_left_alone(pair, mentee):
    pair.status = "completed"
    pair.save(update_fields=["status"])
    for day in (7, 21, 28, 35):
        nudges_run(now=at(day))
    assert not Nudge.objects.exists()


def test_run_uses_a_bounded_number_of_queries(
    program, mentor, mentee, django_assert_max_num_queries
):
    mentor_enrolment = Enrolment.objects.get(user=mentor, program=program)
    mentee_enrolment = Enrolment.objects.get(user=mentee, program=program)
    for _i in range(20):
        m = factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[mentee_enrolment])
        m.start_date = START
        m.save(update_fields=["start_date"])
    nudges_run(now=at(21))  # everything sent once
    with django_assert_max_num_queries(12):
        assert nudges_run(now=at(22)) == 0


def test_each_program_sets_its_own_days(pair, mentor, mentee, coordinator):
    program = pair.program
    program.meeting_cadence = "monthly"
    program.nudge_no_meeting_days = 10
    program.nudge_escalate_days = 3
    program.nudge_flag_days = 2
    program.save()
    AgreementVersion.objects.filter(pk=sign_agreement(pair, mentor, mentee).pk).update(
        agreed_at=at(0)
    )
    seen = {}
    for day in range(0, 20):
        nudges_run(now=at(day))
        seen[day] = (levels(mentee, "no_meeting"), PairFlag.objects.count())
    assert seen[9] == ([], 0)
    assert seen[10] == ([1], 0)
    assert seen[12] == ([1], 0)
    assert seen[13] == ([1, 2], 0)
    assert seen[14] == ([1, 2], 0)
    assert seen[15] == ([1, 2], 1)
    assert "no meeting for 10 days" in Notification.objects.filter(user=mentee).last().text


def test_a_reminder_the_program_turned_off_is_never_sent(pair, mentor, mentee, coordinator):
    program = pair.program
    program.meeting_cadence = "monthly"
    program.nudge_rules = ["goal_overdue"]
    program.save()
    Goal.objects.create(
        mentorship=pair, owner=mentee, title="Ship it", target_date=START + timedelta(days=3)
    )
    for day in range(0, 50, 7):
        nudges_run(now=at(day))
    assert set(Nudge.objects.values_list("rule", flat=True)) == {"goal_overdue"}
    assert not PairFlag.objects.exclude(rule="goal_overdue").exists()


def test_a_program_may_give_mentors_longer_to_answer_requests(program, mentor, mentee):
    program.nudge_request_days = 5
    program.save(update_fields=["nudge_request_days"])
    request = factories.make_request(
        Enrolment.objects.get(user=mentee, program=program),
        Enrolment.objects.get(user=mentor, program=program),
    )
    type(request).objects.filter(pk=request.pk).update(created_at=at(0), expires_at=at(9))
    nudges_run(now=at(4, 12))
    assert levels(mentor, "request_unanswered") == []
    nudges_run(now=at(5))
    assert levels(mentor, "request_unanswered") == [1]


def test_a_shared_goal_past_its_date_reminds_the_circles_mentors(pair, mentor, mentee):
    Goal.objects.create(
        mentorship=pair, owner=None, title="Hold a workshop", target_date=START + timedelta(days=5)
    )
    nudges_run(now=at(6))
    assert levels(mentor, "goal_overdue") == [1]
    assert levels(mentee, "goal_overdue") == []
