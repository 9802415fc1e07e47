"""Goals and meetings in the API: the pair's own content, for its members only, with the same
rules and the same goal service as the pages."""

import json
from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from lodestar.meetings.models import Meeting
from lodestar.mentorships.goal_states import GoalStatus
from lodestar.mentorships.models import Goal
from lodestar.mentorships.states import MentorshipStatus
from tests import factories

from .conftest import assert_problem, bearer


@pytest.fixture
def goal(pair, mentee):
    return Goal.objects.create(
        mentorship=pair,
        owner=mentee,
        title="Speak at a meetup",
        description="Private reasons",
        target_date=timezone.localdate() + timedelta(days=60),
    )


def get(client, user, url):
    return client.get(url, **(bearer(user) if user else {}))


def post_json(client, user, url, body, scope="read_write"):
    headers = bearer(user, scope) if user else {}
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers)


def goals_url(mentorship):
    return f"/api/v1/mentorships/{mentorship.pk}/goals/"


def progress_url(goal):
    return f"/api/v1/mentorships/{goal.mentorship_id}/goals/{goal.pk}/progress/"


def meetings_url(mentorship):
    return f"/api/v1/mentorships/{mentorship.pk}/meetings/"


# Goals: reading --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 401),
        ("mentee", 200),
        ("mentor", 200),
        ("other_member", 404),
        ("outsider", 404),
        ("coordinator", 404),
        ("site_admin", 404),
    ],
)
def test_goals_are_listed_for_members_and_hidden_from_everyone_else(
    client, goal, people, role, status
):
    response = get(client, people[role], goals_url(goal.mentorship))
    if status != 200:
        assert_problem(response, status)
        return
    assert response.status_code == 200
    [listed] = response.json()["results"]
    assert listed["title"] == "Speak at a meetup"
    assert listed["status"] == GoalStatus.NOT_STARTED
    assert listed["progress"] == 0
    assert listed["target_date"] == goal.target_date.isoformat()
    assert listed["owner"] == {"user_id": goal.owner_id, "name": goal.owner.display_name}
    assert "description" not in listed


def test_goals_list_includes_suggestions_and_shared_goals_as_the_page_does(
    client, pair, mentor, mentee, goal
):
    Goal.objects.create(
        mentorship=pair, owner=mentee, suggested_by=mentor, title="Read a book", accepted=False
    )
    Goal.objects.create(mentorship=pair, owner=None, title="Ship together")
    results = get(client, mentee, goals_url(pair)).json()["results"]
    assert [(g["title"], g["accepted"]) for g in results] == [
        ("Speak at a meetup", True),
        ("Read a book", False),
        ("Ship together", True),
    ]
    assert results[2]["owner"] is None


def test_goals_list_is_paginated(client, pair, mentee, goal):
    Goal.objects.create(mentorship=pair, owner=mentee, title="Second")
    body = get(client, mentee, goals_url(pair) + "?page_size=1").json()
    assert body["count"] == 2
    assert [g["title"] for g in body["results"]] == ["Speak at a meetup"]
    assert "page=2" in body["next"]


# Goals: moving one along -----------------------------------------------------------------------


def test_owner_moves_a_goal_along_through_the_goal_service(client, mentee, goal):
    response = post_json(
        client, mentee, progress_url(goal), {"status": "in_progress", "progress": 40}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    assert response.json()["progress"] == 40
    goal.refresh_from_db()
    assert (goal.status, goal.progress) == ("in_progress", 40)


def test_achieving_a_goal_sets_progress_to_full_and_records_when(client, mentee, goal):
    response = post_json(client, mentee, progress_url(goal), {"status": "achieved", "progress": 10})
    assert response.status_code == 200, response.content
    assert response.json()["progress"] == 100
    assert response.json()["achieved_at"] is not None


def test_an_illegal_status_move_is_a_conflict(client, mentee, goal):
    goal.status, goal.progress = GoalStatus.ACHIEVED, 100
    goal.save()
    response = post_json(client, mentee, progress_url(goal), {"status": "dropped", "progress": 0})
    body = assert_problem(response, 409)
    assert "Achieved" in body["detail"] and "Dropped" in body["detail"]
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED


def test_someone_elses_goal_is_forbidden_with_the_services_reason(client, mentor, goal):
    response = post_json(
        client, mentor, progress_url(goal), {"status": "in_progress", "progress": 5}
    )
    body = assert_problem(response, 403)
    assert "Only the person whose goal it is" in body["detail"]
    goal.refresh_from_db()
    assert goal.progress == 0


def test_an_ended_mentorships_goals_are_read_only(client, pair, mentee, goal):
    pair.status = MentorshipStatus.COMPLETED
    pair.save(update_fields=["status"])
    response = post_json(
        client, mentee, progress_url(goal), {"status": "in_progress", "progress": 5}
    )
    assert "read-only" in assert_problem(response, 400)["detail"]


@pytest.mark.parametrize("role", ["coordinator", "site_admin", "other_member", "outsider"])
def test_non_members_cannot_move_a_goal(client, people, goal, role):
    response = post_json(
        client, people[role], progress_url(goal), {"status": "in_progress", "progress": 5}
    )
    assert_problem(response, 404)


def test_anonymous_callers_cannot_move_a_goal(client, goal):
    response = post_json(client, None, progress_url(goal), {"status": "in_progress", "progress": 5})
    assert_problem(response, 401)


def test_a_goal_of_another_mentorship_is_not_found(client, program, mentee, goal):
    mentor2 = factories.make_user("mentor2@example.com", name="Max Mentor")
    other = factories.make_mentorship(
        program,
        mentor=factories.make_enrolment(program, mentor2, role="mentor"),
        mentees=[],
    )
    url = f"/api/v1/mentorships/{other.pk}/goals/{goal.pk}/progress/"
    assert_problem(post_json(client, mentor2, url, {"status": "in_progress", "progress": 5}), 404)


@pytest.mark.parametrize(
    "body, field",
    [
        ({"status": "in_progress", "progress": 150}, "progress"),
        ({"status": "in_progress", "progress": -1}, "progress"),
        ({"status": "flying", "progress": 10}, "status"),
        ({"progress": 10}, "status"),
        ({"status": "in_progress"}, "progress"),
    ],
)
def test_a_bad_body_is_unprocessable_and_names_the_field(client, mentee, goal, body, field):
    problem = assert_problem(post_json(client, mentee, progress_url(goal), body), 422)
    assert field in [error["field"] for error in problem["errors"]]
    goal.refresh_from_db()
    assert goal.progress == 0


def test_a_read_only_token_cannot_move_a_goal(client, mentee, goal):
    response = post_json(
        client, mentee, progress_url(goal), {"status": "in_progress", "progress": 5}, "read"
    )
    assert_problem(response, 403)
    goal.refresh_from_db()
    assert goal.status == GoalStatus.NOT_STARTED


# Meetings --------------------------------------------------------------------------------------


@pytest.fixture
def meetings(pair, mentor):
    start = timezone.now().replace(microsecond=0)
    return [
        Meeting.objects.create(
            mentorship=pair,
            proposed_by=mentor,
            start=start - timedelta(days=7),
            duration=45,
            mode="phone",
            status="completed",
            agenda="Salary talk",
            place="+44 20 7946 0000",
        ),
        Meeting.objects.create(
            mentorship=pair, proposed_by=mentor, start=start + timedelta(days=7), duration=60
        ),
    ]


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 401),
        ("mentee", 200),
        ("mentor", 200),
        ("other_member", 404),
        ("outsider", 404),
        ("coordinator", 404),
        ("site_admin", 404),
    ],
)
def test_meetings_are_listed_for_members_only(client, pair, meetings, people, role, status):
    response = get(client, people[role], meetings_url(pair))
    if status != 200:
        assert_problem(response, status)
        return
    assert response.status_code == 200
    assert [m["id"] for m in response.json()["results"]] == [meetings[1].pk, meetings[0].pk]


def test_meetings_show_when_how_long_how_and_status_but_never_what_was_written(
    client, pair, mentee, meetings
):
    past = get(client, mentee, meetings_url(pair)).json()["results"][1]
    assert set(past) == {"id", "start", "duration", "mode", "status"}
    start = datetime.fromisoformat(past["start"].replace("Z", "+00:00"))
    assert start.utcoffset() == timedelta(0)
    assert start == meetings[0].start
    assert (past["duration"], past["mode"], past["status"]) == (45, "phone", "completed")
    assert "Salary" not in json.dumps(past)


def test_meetings_list_is_paginated(client, pair, mentee, meetings):
    body = get(client, mentee, meetings_url(pair) + "?page_size=1&page=2").json()
    assert body["count"] == 2
    assert [m["id"] for m in body["results"]] == [meetings[0].pk]
    assert body["next"] is None and "page=1" in body["previous"]
