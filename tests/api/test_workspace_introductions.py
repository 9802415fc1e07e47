"""Introductions in the API: a mentor introduces their mentee to a third person, each invited
person answers for themselves, and email addresses are shared only once both accepted. A decline
stays private: the other invited person never learns of it, the introducer only that it did not
go ahead."""

import json

import pytest

from lodestar.engagement.models import Notification
from lodestar.network.models import Introduction
from lodestar.network.states import Answer, IntroductionStatus
from tests import factories

from .conftest import assert_problem, bearer, call


@pytest.fixture
def third(program):
    user = factories.make_user("tess@example.com", name="Tess Third")
    factories.make_enrolment(program, user, role="mentor")
    return user


@pytest.fixture
def people(coordinator, mentor, mentee, other_member, site_admin, outsider, third):
    return {
        "anonymous": None,
        "coordinator": coordinator,
        "mentor": mentor,
        "mentee": mentee,
        "third": third,
        "other_member": other_member,
        "site_admin": site_admin,
        "outsider": outsider,
    }


@pytest.fixture
def introduction(pair, mentor, mentee, third):
    return Introduction.objects.create(
        introducer=mentor, mentee=mentee, other=third, mentorship=pair, note="Tess hires juniors"
    )


def url(introduction, tail=""):
    return f"/api/v1/introductions/{introduction.pk}/{tail}"


def new_url(pair):
    return f"/api/v1/mentorships/{pair.pk}/introductions/"


def answer(client, user, introduction, accept):
    return call(client, user, "POST", url(introduction, "answer/"), {"accept": accept})


# Making one ------------------------------------------------------------------------------------


def test_a_mentor_introduces_their_mentee_and_both_are_asked(client, pair, mentor, mentee, third):
    body = {"mentee": mentee.pk, "other": third.pk, "note": "Tess hires juniors"}
    response = call(client, mentor, "POST", new_url(pair), body)
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["part"] == "introducer"
    assert (made["mentee"]["name"], made["other"]["name"]) == ("Mia Mentee", "Tess Third")
    assert made["status"] == "waiting" and made["contacts"] == []
    assert (made["mentee_answer"], made["other_answer"]) == ("pending", "pending")
    assert {n.user for n in Notification.objects.filter(kind="introduction_proposed")} == {
        mentee,
        third,
    }


def test_a_mentee_does_not_introduce(client, pair, mentee, third):
    body = {"mentee": mentee.pk, "other": third.pk, "note": "Hi"}
    problem = assert_problem(call(client, mentee, "POST", new_url(pair), body), 403)
    assert "Only the mentor" in problem["detail"]
    assert not Introduction.objects.exists()


@pytest.mark.parametrize(
    "who, field",
    [("a stranger", "other"), ("the mentor", "other"), ("not a mentee of the pair", "mentee")],
)
def test_only_people_the_page_offers_may_be_chosen(
    client, pair, mentor, mentee, third, outsider, who, field
):
    body = {
        "a stranger": {"mentee": mentee.pk, "other": outsider.pk},
        "the mentor": {"mentee": mentee.pk, "other": mentor.pk},
        "not a mentee of the pair": {"mentee": mentor.pk, "other": third.pk},
    }[who]
    problem = assert_problem(
        call(client, mentor, "POST", new_url(pair), {**body, "note": "Meet"}), 400
    )
    assert [e["field"] for e in problem["errors"]] == [field]
    assert not Introduction.objects.exists()


def test_the_services_reasons_name_the_field(client, pair, mentor, mentee, third, introduction):
    to_self = {"mentee": mentee.pk, "other": mentee.pk, "note": "Meet yourself"}
    problem = assert_problem(call(client, mentor, "POST", new_url(pair), to_self), 400)
    assert problem["errors"][0]["field"] == "other"
    twice = {"mentee": mentee.pk, "other": third.pk, "note": "Again"}
    problem = assert_problem(call(client, mentor, "POST", new_url(pair), twice), 400)
    assert "already been introduced" in problem["detail"]
    empty = {"mentee": mentee.pk, "other": third.pk, "note": "   "}
    Introduction.objects.all().delete()
    problem = assert_problem(call(client, mentor, "POST", new_url(pair), empty), 400)
    assert problem["errors"][0]["field"] == "note"
    assert not Introduction.objects.exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"other": 1, "note": "x"}, "mentee"),
        ({"mentee": 1, "note": "x"}, "other"),
        ({"mentee": 1, "other": 2}, "note"),
        ({"mentee": "Mia", "other": 2, "note": "x"}, "mentee"),
    ],
)
def test_a_bad_body_is_unprocessable_and_names_the_field(client, pair, mentor, body, field):
    problem = assert_problem(call(client, mentor, "POST", new_url(pair), body), 422)
    assert field in [e["field"] for e in problem["errors"]]
    assert not Introduction.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "site_admin", "other_member", "outsider", "third"])
def test_nobody_outside_the_pair_introduces_its_mentee(client, pair, mentee, people, role):
    body = {"mentee": mentee.pk, "other": people["third"].pk, "note": "Meet"}
    assert_problem(call(client, people[role], "POST", new_url(pair), body), 404)
    assert not Introduction.objects.exists()


# Seeing one ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 401),
        ("mentor", 200),
        ("mentee", 200),
        ("third", 200),
        ("coordinator", 404),
        ("site_admin", 404),
        ("other_member", 404),
        ("outsider", 404),
    ],
)
def test_an_introduction_is_for_its_three_people(client, introduction, people, role, status):
    response = call(client, people[role], "GET", url(introduction))
    if status != 200:
        body = assert_problem(response, status)
        assert "juniors" not in json.dumps(body)
        return
    assert response.json()["note"] == "Tess hires juniors"


def test_the_list_is_each_persons_own(client, introduction, mentor, mentee, third, outsider):
    def ids(user, query=""):
        return [
            i["id"]
            for i in call(client, user, "GET", "/api/v1/introductions/" + query).json()["results"]
        ]

    assert ids(mentor) == ids(mentee) == ids(third) == [introduction.pk]
    assert ids(outsider) == []
    assert ids(mentor, "?part=made") == [introduction.pk]
    assert ids(mentor, "?part=received") == []
    assert ids(mentee, "?part=received") == [introduction.pk]


def test_the_list_takes_a_bounded_number_of_queries(
    client, pair, program, mentor, mentee, django_assert_max_num_queries
):
    for n in range(10):
        other = factories.make_user(f"p{n}@example.com", name=f"Person {n}")
        Introduction.objects.create(
            introducer=mentor, mentee=mentee, other=other, mentorship=pair, note="Meet"
        )
    headers = bearer(mentee)
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/introductions/", **headers)
    assert response.json()["count"] == 10


# Answering: double opt-in ----------------------------------------------------------------------


def test_contacts_are_shared_only_once_both_accept(client, introduction, mentor, mentee, third):
    first = answer(client, mentee, introduction, True)
    assert first.status_code == 200, first.content
    assert first.json()["status"] == "waiting" and first.json()["contacts"] == []
    assert "tess@example.com" not in first.content.decode()
    second = answer(client, third, introduction, True).json()
    assert second["status"] == "connected"
    assert second["contacts"] == [
        {"user_id": mentee.pk, "name": "Mia Mentee", "email": "mentee@example.com"}
    ]
    as_mentee = call(client, mentee, "GET", url(introduction)).json()
    assert as_mentee["contacts"] == [
        {"user_id": third.pk, "name": "Tess Third", "email": "tess@example.com"}
    ]
    as_mentor = call(client, mentor, "GET", url(introduction)).json()
    assert {c["email"] for c in as_mentor["contacts"]} == {"mentee@example.com", "tess@example.com"}
    assert as_mentor["mentee_answer"] is None  # over: only that they connected


def test_a_decline_stays_private(client, introduction, mentor, mentee, third):
    answer(client, mentee, introduction, True)
    declined = answer(client, third, introduction, False).json()
    assert declined["status"] == "did_not_go_ahead" and declined["my_answer"] == "declined"
    as_mentee = call(client, mentee, "GET", url(introduction)).json()
    assert as_mentee["status"] == "waiting" and as_mentee["my_answer"] == "accepted"
    assert as_mentee["mentee_answer"] is None and as_mentee["other_answer"] is None
    assert "declined" not in json.dumps(as_mentee)
    as_mentor = call(client, mentor, "GET", url(introduction)).json()
    assert as_mentor["status"] == "did_not_go_ahead"
    assert (as_mentor["mentee_answer"], as_mentor["other_answer"]) == (None, None)
    assert all(not c for c in (declined["contacts"], as_mentee["contacts"]))


def test_the_introducer_follows_both_answers_while_it_is_open(client, introduction, mentor, mentee):
    answer(client, mentee, introduction, True)
    seen = call(client, mentor, "GET", url(introduction)).json()
    assert (seen["mentee_answer"], seen["other_answer"]) == ("accepted", "pending")


def test_nobody_answers_twice_nor_for_someone_else(client, introduction, mentor, mentee):
    answer(client, mentee, introduction, True)
    assert (
        "already answered"
        in assert_problem(answer(client, mentee, introduction, False), 400)["detail"]
    )
    assert_problem(answer(client, mentor, introduction, True), 400)
    introduction.refresh_from_db()
    assert (introduction.mentee_answer, introduction.other_answer) == (
        Answer.ACCEPTED,
        Answer.PENDING,
    )
    assert introduction.status == IntroductionStatus.ACCEPTED_BY_MENTEE


@pytest.mark.parametrize("body", [{}, {"accept": "perhaps"}, {"accept": None}])
def test_a_bad_answer_is_unprocessable(client, introduction, mentee, body):
    problem = assert_problem(call(client, mentee, "POST", url(introduction, "answer/"), body), 422)
    assert "body.accept" in [e["field"] for e in problem["errors"]]
    introduction.refresh_from_db()
    assert introduction.mentee_answer == Answer.PENDING


@pytest.mark.parametrize("role", ["coordinator", "site_admin", "other_member", "outsider"])
def test_outsiders_cannot_answer(client, introduction, people, role):
    assert_problem(answer(client, people[role], introduction, True), 404)
    introduction.refresh_from_db()
    assert introduction.status == IntroductionStatus.PROPOSED


def test_a_read_only_token_cannot_answer(client, introduction, mentee):
    response = call(
        client, mentee, "POST", url(introduction, "answer/"), {"accept": True}, scope="read"
    )
    assert_problem(response, 403)
    introduction.refresh_from_db()
    assert introduction.mentee_answer == Answer.PENDING
