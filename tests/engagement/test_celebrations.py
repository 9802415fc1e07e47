"""Celebrations: each milestone once, whatever runs again; and the panel that shows them."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from lodestar.engagement.celebrations import celebrations_update
from lodestar.engagement.checkins import checkin_submit
from lodestar.engagement.kudos import kudos_send
from lodestar.engagement.models import Celebration, Notification
from lodestar.engagement.workspace import panel
from lodestar.meetings.models import Meeting
from lodestar.mentorships.models import Goal
from lodestar.mentorships.policy import get_workspace_for
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program, mentor, mentee):
    return factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(user=mentor, program=program),
        mentees=[Enrolment.objects.get(user=mentee, program=program)],
    )


def held(pair, by, minutes):
    return Meeting.objects.create(
        mentorship=pair,
        proposed_by=by,
        start=timezone.now() - timedelta(days=1),
        status="completed",
        minutes_logged=minutes,
    )


def keys(pair):
    return sorted(Celebration.objects.filter(mentorship=pair).values_list("key", flat=True))


def test_nothing_to_celebrate_yet(pair):
    assert celebrations_update(pair) == []
    assert not Celebration.objects.exists()


def test_each_celebration_is_created_once(pair, mentor, mentee):
    held(pair, mentor, 300)  # exactly 5 hours
    goal = Goal.objects.create(mentorship=pair, owner=mentee, title="Ship it", status="achieved")
    first = celebrations_update(pair)
    assert len(first) == 3
    assert set(keys(pair)) == {"first_meeting", f"goal_achieved:{goal.pk}", "hours_together_5"}
    assert celebrations_update(pair) == []  # a second run: nothing new
    assert Notification.objects.filter(user=mentee, kind="celebration").count() == 3
    texts = set(Notification.objects.filter(user=mentor).values_list("params__title", flat=True))
    assert texts == {"your first meeting together", "goal achieved — “Ship it”", "5 hours together"}
    held(pair, mentor, 900)  # 20 hours in all
    assert {c.kind for c in celebrations_update(pair)} == {"hours_together_10", "hours_together_20"}
    assert celebrations_update(pair) == []
    assert Celebration.objects.count() == 5


def test_a_meeting_not_held_is_not_celebrated(pair, mentor):
    Meeting.objects.create(
        mentorship=pair, proposed_by=mentor, start=timezone.now(), status="confirmed"
    )
    assert celebrations_update(pair) == []


def test_saving_a_held_meeting_or_an_achieved_goal_celebrates_after_commit(
    pair, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        held(pair, mentor, 60)
    assert keys(pair) == ["first_meeting"]
    with django_capture_on_commit_callbacks(execute=True):
        goal = Goal.objects.create(mentorship=pair, owner=mentee, title="Talk", status="achieved")
    assert f"goal_achieved:{goal.pk}" in keys(pair)
    with django_capture_on_commit_callbacks(execute=True):
        goal.save()  # saved again: still one celebration
    assert Celebration.objects.filter(kind="goal_achieved").count() == 1


# --- the workspace panel --------------------------------------------------------------------


def render_panel(pair, user, content):
    mentorship = get_workspace_for(user, pair.pk)
    request = RequestFactory().get("/")
    request.user = user
    context = panel(mentorship, user, content=content)
    return render_to_string("engagement/workspace_panel.html", context, request=request)


@pytest.fixture
def history(pair, mentor, mentee):
    pair.start_date = timezone.localdate() - timedelta(days=20)
    pair.save()
    checkin_submit(mentorship=pair, by=mentee, mood=2, progress="MY-PROGRESS", wants_contact=True)
    kudos_send(mentorship=pair, by=mentor, to=mentee, message="KUDOS-TEXT")
    held(pair, mentor, 60)
    celebrations_update(pair)


def test_members_see_their_check_in_kudos_and_celebrations(pair, mentor, mentee, history):
    mine = render_panel(pair, mentee, True)
    assert "done for this period" in mine and "KUDOS-TEXT" in mine
    assert "Well done: your first meeting together" in mine
    theirs = render_panel(pair, mentor, True)
    assert "Check-in due." in theirs and "MY-PROGRESS" not in theirs


def test_coordinators_see_dates_moods_and_counts_only(pair, coordinator, history):
    seen = render_panel(pair, coordinator, False)
    assert "2 of 5" in seen and "Yes, since" in seen
    assert "MY-PROGRESS" not in seen and "KUDOS-TEXT" not in seen


def test_panel_query_counts(pair, mentor, coordinator, history, django_assert_max_num_queries):
    member_view = get_workspace_for(mentor, pair.pk)
    coordinator_view = get_workspace_for(coordinator, pair.pk)
    with django_assert_max_num_queries(3):
        panel(member_view, mentor, content=True)
    with django_assert_max_num_queries(4):
        panel(coordinator_view, coordinator, content=False)
