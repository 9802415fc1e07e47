"""Check-ins in the API: a member checks in once per period through the page's service and
reads their own check-ins, never the other member's; coordinators read what their pages show —
each member's latest check-in, its words only while it asks to be contacted."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from lodestar.engagement.checkins import checkin_submit
from lodestar.engagement.models import CheckIn, Notification
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.states import MentorshipStatus

from .conftest import assert_problem, bearer, call


@pytest.fixture
def started(pair):
    """Began a month ago: a check-in is open (the program meets monthly or more often)."""
    Mentorship.objects.filter(pk=pair.pk).update(
        start_date=timezone.localdate() - timedelta(days=31)
    )
    pair.refresh_from_db()
    return pair


def url(pair):
    return f"/api/v1/mentorships/{pair.pk}/check-ins/"


def earlier(pair, user, days, **fields):
    """A check-in of an earlier period, written directly."""
    return CheckIn.objects.create(
        mentorship=pair,
        user=user,
        period_start=timezone.localdate() - timedelta(days=days),
        **{"mood": 3, **fields},
    )


def test_a_member_checks_in(client, started, mentee):
    body = {"mood": 4, "progress": "Sent my CV", "blockers": "Time", "wants_contact": False}
    response = call(client, mentee, "POST", url(started), body)
    assert response.status_code == 201, response.content
    made = response.json()
    assert (made["mood"], made["progress"], made["blockers"]) == (4, "Sent my CV", "Time")
    assert made["member"]["name"] == "Mia Mentee"
    assert CheckIn.objects.get().user == mentee


def test_asking_for_help_tells_the_coordinators(client, started, mentee, coordinator):
    call(client, mentee, "POST", url(started), {"mood": 2, "wants_contact": True})
    assert Notification.objects.filter(user=coordinator, kind="checkin_help_wanted").exists()


def test_once_per_period(client, started, mentee):
    call(client, mentee, "POST", url(started), {"mood": 4})
    problem = assert_problem(call(client, mentee, "POST", url(started), {"mood": 5}), 400)
    assert "already checked in" in problem["detail"]
    assert CheckIn.objects.get().mood == 4


def test_no_check_in_before_the_first_period_ends(client, pair, mentee):
    problem = assert_problem(call(client, mentee, "POST", url(pair), {"mood": 4}), 400)
    assert "first check-in opens" in problem["detail"]
    assert not CheckIn.objects.exists()


def test_an_ended_mentorship_takes_no_check_in(client, started, mentee):
    started.status = MentorshipStatus.COMPLETED
    started.save(update_fields=["status"])
    assert (
        "read-only"
        in assert_problem(call(client, mentee, "POST", url(started), {"mood": 4}), 400)["detail"]
    )
    assert not CheckIn.objects.exists()


def test_words_too_long_are_refused_naming_the_field(client, started, mentee):
    body = {"mood": 3, "blockers": "x" * 2001}
    problem = assert_problem(call(client, mentee, "POST", url(started), body), 400)
    assert [e["field"] for e in problem["errors"]] == ["blockers"]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "mood"),
        ({"mood": 0}, "mood"),
        ({"mood": 6}, "mood"),
        ({"mood": "great"}, "mood"),
        ({"mood": 3, "progress": "nul\x00"}, "progress"),
        ({"mood": 3, "wants_contact": "maybe"}, "wants_contact"),
    ],
)
def test_a_bad_body_is_unprocessable_and_names_the_field(client, started, mentee, body, field):
    problem = assert_problem(call(client, mentee, "POST", url(started), body), 422)
    assert field in [e["field"] for e in problem["errors"]]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "site_admin", "other_member", "outsider"])
def test_only_members_check_in(client, started, people, role):
    assert_problem(call(client, people[role], "POST", url(started), {"mood": 4}), 404)
    assert not CheckIn.objects.exists()


def test_a_read_only_token_cannot_check_in(client, started, mentee):
    assert_problem(call(client, mentee, "POST", url(started), {"mood": 4}, scope="read"), 403)
    assert not CheckIn.objects.exists()


# Reading -------------------------------------------------------------------------------------------


@pytest.fixture
def history(started, mentor, mentee):
    earlier(started, mentee, 60, mood=2, progress="Rough month", blockers="Boss")
    checkin_submit(mentorship=started, by=mentee, mood=4, progress="Better", blockers="Nothing")
    checkin_submit(
        mentorship=started, by=mentor, mood=3, progress="Mentor's words", wants_contact=True
    )
    return started


def test_a_member_reads_their_own_check_ins_only(client, history, mentor, mentee):
    mine = call(client, mentee, "GET", url(history)).json()["results"]
    assert [c["progress"] for c in mine] == ["Better", "Rough month"]
    assert "Mentor's words" not in call(client, mentee, "GET", url(history)).content.decode()
    theirs = call(client, mentor, "GET", url(history)).json()["results"]
    assert [c["progress"] for c in theirs] == ["Mentor's words"]
    assert "Rough" not in call(client, mentor, "GET", url(history)).content.decode()


@pytest.mark.parametrize("role", ["coordinator", "site_admin"])
def test_coordinators_see_each_members_latest_and_words_only_of_a_call_for_help(
    client, history, people, role, mentor, mentee
):
    response = call(client, people[role], "GET", url(history))
    assert response.status_code == 200
    seen = {c["member"]["user_id"]: c for c in response.json()["results"]}
    assert set(seen) == {mentor.pk, mentee.pk}
    assert (seen[mentee.pk]["mood"], seen[mentee.pk]["progress"]) == (4, None)
    assert seen[mentee.pk]["blockers"] is None
    assert (seen[mentor.pk]["wants_contact"], seen[mentor.pk]["progress"]) == (
        True,
        "Mentor's words",
    )
    text = response.content.decode()
    assert "Better" not in text and "Rough" not in text and "Boss" not in text


def test_once_handled_a_call_for_help_keeps_its_words_to_its_author(
    client, history, coordinator, mentor
):
    CheckIn.objects.filter(user=mentor).update(handled_at=timezone.now())
    seen = call(client, coordinator, "GET", url(history)).json()["results"]
    assert all(c["progress"] is None for c in seen)
    assert call(client, mentor, "GET", url(history)).json()["results"][0]["progress"]


@pytest.mark.parametrize(
    "role, status", [("anonymous", 401), ("other_member", 404), ("outsider", 404)]
)
def test_nobody_else_reads_check_ins(client, history, people, role, status):
    body = assert_problem(call(client, people[role], "GET", url(history)), status)
    assert "Better" not in json.dumps(body)


def test_check_ins_take_a_bounded_number_of_queries(
    client, started, mentor, mentee, django_assert_max_num_queries
):
    for n in range(1, 11):
        earlier(started, mentee, 31 * n + 30)
        earlier(started, mentor, 31 * n + 30)
    # The member reads their ten; the coordinator each member's latest.
    for user, count in ((mentee, 10), (started.program.coordinators.get(), 2)):
        headers = bearer(user)
        with django_assert_max_num_queries(12):
            response = client.get(url(started), **headers)
        assert response.json()["count"] == count
