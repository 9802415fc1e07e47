"""Mentorship requests through the API, in programs where mentees choose: the mentee sends and
withdraws, the mentor accepts or declines, each through the request services; and each person
lists their own requests."""

import json
from datetime import timedelta

import pytest

from lodestar.engagement.models import Notification
from lodestar.matches.models import MentorshipRequest
from lodestar.matches.states import RequestStatus
from lodestar.mentorships.models import Mentorship
from lodestar.programs.models import Enrolment
from tests import factories

from .conftest import assert_problem, bearer


def send(client, user, method, url, body=None, scope="read_write"):
    headers = bearer(user, scope) if user else {}
    if body is not None:
        headers.update(data=json.dumps(body), content_type="application/json")
    return client.generic(method, url, **headers)


HELLO = {"message": "I would love to learn how you moved into data."}


@pytest.fixture
def chooser(program):
    program.matching_mode = "mentee_choice"
    program.save()
    return program


@pytest.fixture
def mentee_e(chooser, mentee):
    return Enrolment.objects.get(program=chooser, user=mentee)


@pytest.fixture
def mentor_e(chooser, mentor):
    return Enrolment.objects.get(program=chooser, user=mentor)


@pytest.fixture
def req(mentee_e, mentor_e):
    return factories.make_request(mentee_e, mentor_e, message="Please mentor me.")


def ask_url(mentor_e):
    return f"/api/v1/programs/{mentor_e.program.slug}/mentors/{mentor_e.pk}/requests/"


def act_url(found, action):
    return f"/api/v1/requests/{found.pk}/{action}/"


# Sending -----------------------------------------------------------------------------------------


def test_a_mentee_asks_a_mentor_and_the_mentor_is_told(client, mentee, mentor, mentor_e):
    response = send(client, mentee, "POST", ask_url(mentor_e), HELLO)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["acceptable"], body["program"]) == ("open", True, "spring")
    assert (body["mentee"]["name"], body["mentor"]["name"]) == ("Mia Mentee", "Max Mentor")
    assert body["message"] == HELLO["message"] and body["mentorship_id"] is None
    sent = MentorshipRequest.objects.get()
    assert (sent.pk, sent.mentor) == (body["id"], mentor_e)
    assert Notification.objects.filter(user=mentor, kind="request_received").exists()


def test_asking_the_same_mentor_twice_is_refused(client, mentee, req, mentor_e):
    problem = assert_problem(send(client, mentee, "POST", ask_url(mentor_e), HELLO), 400)
    assert "already waiting for an answer" in problem["detail"]
    assert MentorshipRequest.objects.count() == 1


def test_an_empty_message_is_refused_by_the_service_by_name(client, mentee, mentor_e):
    problem = assert_problem(send(client, mentee, "POST", ask_url(mentor_e), {"message": " "}), 400)
    assert [e["field"] for e in problem["errors"]] == ["message"]
    assert not MentorshipRequest.objects.exists()


@pytest.mark.parametrize("body", [{}, {"message": "x" * 2001}, {"message": "a\x00b"}])
def test_a_bad_request_body_is_unprocessable(client, mentee, mentor_e, body):
    problem = assert_problem(send(client, mentee, "POST", ask_url(mentor_e), body), 422)
    assert problem["errors"][0]["field"] == "body.message"
    assert not MentorshipRequest.objects.exists()


def test_where_coordinators_match_mentees_send_no_requests(client, program, mentee, mentor):
    mentor_e = Enrolment.objects.get(user=mentor)
    problem = assert_problem(send(client, mentee, "POST", ask_url(mentor_e), HELLO), 400)
    assert "the coordinators make the matches" in problem["detail"]
    assert not MentorshipRequest.objects.exists()


def test_a_mentor_cannot_send_requests(client, mentor, chooser):
    other = factories.make_enrolment(
        chooser, factories.make_user("m2@example.com", name="Mo"), role="mentor"
    )
    problem = assert_problem(send(client, mentor, "POST", ask_url(other), HELLO), 403)
    assert "Only approved mentees" in problem["detail"]
    assert not MentorshipRequest.objects.exists()


@pytest.mark.parametrize("who", ["coordinator", "outsider", "other_member"])
def test_people_without_an_enrolment_cannot_ask(client, request, mentor_e, who):
    assert_problem(
        send(client, request.getfixturevalue(who), "POST", ask_url(mentor_e), HELLO), 404
    )
    assert not MentorshipRequest.objects.exists()


def test_a_mentor_of_another_program_is_not_found(client, mentee, chooser, other_program):
    stranger = factories.make_enrolment(
        other_program, factories.make_user("s@example.com"), role="mentor"
    )
    url = f"/api/v1/programs/spring/mentors/{stranger.pk}/requests/"
    assert_problem(send(client, mentee, "POST", url, HELLO), 404)


# Answering ---------------------------------------------------------------------------------------


def test_the_mentor_accepts_and_the_mentorship_starts(client, mentor, mentee, req):
    response = send(client, mentor, "POST", act_url(req, "accept"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["acceptable"]) == ("accepted", False)
    mentorship = Mentorship.objects.get(pk=body["mentorship_id"])
    assert mentorship.status == "active"
    assert {m.user for m in mentorship.memberships.all()} == {mentor, mentee}


def test_the_mentor_declines_saying_why(client, mentor, req):
    response = send(client, mentor, "POST", act_url(req, "decline"), {"reason": "No seats."})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["decline_reason"]) == (
        "declined",
        "No seats.",
    )
    req.refresh_from_db()
    assert req.status == RequestStatus.DECLINED


def test_declining_without_a_reason_is_refused_by_name(client, mentor, req):
    problem = assert_problem(
        send(client, mentor, "POST", act_url(req, "decline"), {"reason": ""}), 400
    )
    assert [e["field"] for e in problem["errors"]] == ["reason"]
    assert_problem(send(client, mentor, "POST", act_url(req, "decline"), {}), 422)
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN


def test_a_decided_request_cannot_be_decided_again(client, mentor, mentee, req):
    req.status = RequestStatus.DECLINED
    req.save()
    problem = assert_problem(send(client, mentor, "POST", act_url(req, "accept")), 409)
    assert "cannot go from “Declined” to “Accepted”" in problem["detail"]
    assert_problem(send(client, mentee, "POST", act_url(req, "withdraw")), 409)
    assert not Mentorship.objects.exists()


def test_an_expired_request_cannot_be_accepted(client, mentor, mentee_e, mentor_e):
    late = factories.make_request(mentee_e, mentor_e, expires_in=-timedelta(hours=1))
    problem = assert_problem(send(client, mentor, "POST", act_url(late, "accept")), 400)
    assert "expired" in problem["detail"]
    assert not Mentorship.objects.exists()


def test_the_mentee_withdraws_their_request(client, mentee, req):
    response = send(client, mentee, "POST", act_url(req, "withdraw"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"


@pytest.mark.parametrize("action", ["accept", "decline"])
def test_the_mentee_cannot_answer_their_own_request(client, mentee, req, action):
    assert_problem(send(client, mentee, "POST", act_url(req, action), {"reason": "x"}), 403)
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN


def test_the_mentor_cannot_withdraw_it(client, mentor, req):
    assert_problem(send(client, mentor, "POST", act_url(req, "withdraw")), 403)
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN


@pytest.mark.parametrize("who, status", [("coordinator", 403), ("site_admin", 403)])
def test_coordinators_see_a_request_but_do_not_answer_it(client, request, req, who, status):
    user = request.getfixturevalue(who)
    for action in ("accept", "decline", "withdraw"):
        assert_problem(send(client, user, "POST", act_url(req, action), {"reason": "x"}), status)
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN


@pytest.mark.parametrize("who", ["outsider", "other_member", "other_coordinator"])
def test_strangers_do_not_find_a_request(client, request, req, who):
    user = request.getfixturevalue(who)
    for action in ("accept", "decline", "withdraw"):
        assert_problem(send(client, user, "POST", act_url(req, action), {"reason": "x"}), 404)
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN


def test_a_read_only_token_answers_nothing(client, mentor, req):
    assert_problem(send(client, mentor, "POST", act_url(req, "accept"), scope="read"), 403)
    req.refresh_from_db()
    assert req.status == RequestStatus.OPEN


# Listing -----------------------------------------------------------------------------------------


@pytest.fixture
def several(chooser, mentee_e, mentor_e, req):
    """The mentee's open request to the mentor, a declined one to Mo, and one received by the
    mentor from Nia."""
    mo = factories.make_enrolment(
        chooser, factories.make_user("mo@example.com", name="Mo"), role="mentor"
    )
    nia = factories.make_enrolment(chooser, factories.make_user("nia@example.com", name="Nia"))
    factories.make_request(mentee_e, mo, status="declined")
    factories.make_request(nia, mentor_e)
    return req


def test_a_person_lists_the_requests_they_sent_and_received(client, mentee, mentor, several):
    sent = send(client, mentee, "GET", "/api/v1/requests/").json()["results"]
    assert [(r["mentor"]["name"], r["status"]) for r in sent] == [
        ("Max Mentor", "open"),
        ("Mo", "declined"),
    ]
    received = send(client, mentor, "GET", "/api/v1/requests/?side=received").json()["results"]
    assert sorted(r["mentee"]["name"] for r in received) == ["Mia Mentee", "Nia"]
    assert send(client, mentor, "GET", "/api/v1/requests/?side=sent").json()["count"] == 0
    declined = send(client, mentee, "GET", "/api/v1/requests/?status=declined").json()
    assert [r["mentor"]["name"] for r in declined["results"]] == ["Mo"]
    assert send(client, mentee, "GET", "/api/v1/requests/?program=autumn").json()["count"] == 0


@pytest.mark.parametrize("who", ["coordinator", "outsider", "site_admin"])
def test_nobody_else_sees_a_persons_requests_in_their_list(client, request, several, who):
    assert (
        send(client, request.getfixturevalue(who), "GET", "/api/v1/requests/").json()["count"] == 0
    )


def test_a_bad_filter_is_unprocessable(client, mentee):
    problem = assert_problem(send(client, mentee, "GET", "/api/v1/requests/?side=both"), 422)
    assert problem["errors"][0]["field"] == "side"


def test_the_requests_list_has_a_bounded_number_of_queries(
    client, mentor, chooser, mentor_e, django_assert_max_num_queries
):
    for i in range(6):
        asker = factories.make_enrolment(chooser, factories.make_user(f"a{i}@example.com"))
        factories.make_request(asker, mentor_e)
    headers = bearer(mentor)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/requests/", **headers)
    assert response.json()["count"] == 6
