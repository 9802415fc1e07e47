"""Each endpoint per role: the same access rules as the pages."""

import pytest

from lodestar.mentorships.states import MentorshipStatus
from lodestar.programs.states import ProgramStatus
from tests import factories

from .conftest import assert_problem, bearer


def get(client, user, url):
    return client.get(url, **(bearer(user) if user else {}))


def post(client, user, url):
    return client.post(url, **(bearer(user) if user else {}))


@pytest.fixture
def running(program):
    """A program past enrolment: only its own people see it."""
    program.status = ProgramStatus.RUNNING
    program.save()
    return program


@pytest.fixture
def people(coordinator, mentor, mentee, other_member, site_admin, outsider):
    return {
        "coordinator": coordinator,
        "mentor": mentor,
        "mentee": mentee,
        "other_member": other_member,
        "site_admin": site_admin,
        "outsider": outsider,
    }


# Programs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, sees",
    [
        ("coordinator", ["spring"]),
        ("mentor", ["spring"]),
        ("mentee", ["spring"]),
        ("other_member", ["autumn"]),
        ("site_admin", ["autumn", "spring"]),
    ],
)
def test_programs_list_shows_only_programs_the_caller_may_see(
    client, running, other_program, people, who, sees
):
    other_program.status = ProgramStatus.RUNNING
    other_program.save()
    response = get(client, people[who], "/api/v1/programs/")
    assert response.status_code == 200
    assert sorted(p["slug"] for p in response.json()["results"]) == sees


def test_programs_list_filters_by_status_and_kind(client, coordinator, program):
    factories.make_program(coordinator=coordinator, name="Peers", status="draft", kind="peer")
    headers = bearer(coordinator)
    drafts = client.get("/api/v1/programs/?status=draft", **headers).json()
    assert [p["slug"] for p in drafts["results"]] == ["peers"]
    one_to_one = client.get("/api/v1/programs/?kind=one_to_one", **headers).json()
    assert [p["slug"] for p in one_to_one["results"]] == ["spring"]


@pytest.mark.parametrize(
    "who, status",
    [
        (None, 401),
        ("coordinator", 200),
        ("mentor", 200),
        ("mentee", 200),
        ("other_member", 404),
        ("site_admin", 200),
    ],
)
def test_program_detail_per_role(client, running, people, who, status):
    response = get(client, people.get(who), "/api/v1/programs/spring/")
    assert response.status_code == status
    if status == 200:
        assert response.json()["name"] == "Spring Cohort"
    else:
        assert_problem(response, status)


@pytest.mark.parametrize(
    "who, status",
    [
        (None, 401),
        ("coordinator", 200),
        ("mentor", 404),
        ("mentee", 404),
        ("other_member", 404),
        ("site_admin", 200),
    ],
)
def test_enrolments_are_for_the_programs_coordinators_only(client, running, people, who, status):
    response = get(client, people.get(who), "/api/v1/programs/spring/enrolments/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["count"] == 2
        assert {(e["name"], e["role"]) for e in body["results"]} == {
            ("Max Mentor", "mentor"),
            ("Mia Mentee", "mentee"),
        }
    else:
        assert_problem(response, status)


# Mentorships ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who, count",
    [("coordinator", 0), ("mentor", 1), ("mentee", 1), ("other_member", 0), ("site_admin", 0)],
)
def test_mentorships_list_is_the_callers_own(client, pair, people, who, count):
    response = get(client, people[who], "/api/v1/mentorships/")
    assert response.status_code == 200
    assert response.json()["count"] == count


@pytest.mark.parametrize(
    "who, status",
    [
        (None, 401),
        ("coordinator", 200),
        ("mentor", 404),
        ("mentee", 404),
        ("other_member", 404),
        ("site_admin", 200),
    ],
)
def test_a_programs_mentorships_are_listed_for_its_coordinators(client, pair, people, who, status):
    response = get(client, people.get(who), "/api/v1/mentorships/?program=spring")
    assert response.status_code == status
    if status == 200:
        assert [m["id"] for m in response.json()["results"]] == [pair.pk]
    else:
        assert_problem(response, status)


@pytest.mark.parametrize(
    "who, status",
    [
        (None, 401),
        ("coordinator", 200),
        ("mentor", 200),
        ("mentee", 200),
        ("other_member", 404),
        ("outsider", 404),
        ("site_admin", 200),
    ],
)
def test_mentorship_detail_follows_the_workspace_rule(client, pair, people, who, status):
    response = get(client, people.get(who), f"/api/v1/mentorships/{pair.pk}/")
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert body["program"] == "spring" and body["status"] == "active"
        assert {(m["name"], m["role"]) for m in body["members"]} == {
            ("Max Mentor", "mentor"),
            ("Mia Mentee", "mentee"),
        }
    else:
        assert_problem(response, status)


@pytest.mark.parametrize(
    "who, status",
    [
        (None, 401),
        ("coordinator", 200),
        ("mentor", 200),
        ("mentee", 200),
        ("other_member", 404),
        ("site_admin", 200),
    ],
)
def test_pausing_and_resuming_a_mentorship_per_role(client, pair, people, who, status):
    user = people.get(who)
    paused = post(client, user, f"/api/v1/mentorships/{pair.pk}/pause/")
    assert paused.status_code == status
    pair.refresh_from_db()
    if status != 200:
        assert_problem(paused, status)
        assert pair.status == MentorshipStatus.ACTIVE
        return
    assert paused.json()["status"] == pair.status == MentorshipStatus.PAUSED
    resumed = post(client, user, f"/api/v1/mentorships/{pair.pk}/resume/")
    assert resumed.json()["status"] == MentorshipStatus.ACTIVE


def test_pausing_a_finished_mentorship_is_a_conflict(client, pair, mentor):
    pair.status = MentorshipStatus.COMPLETED
    pair.save()
    body = assert_problem(post(client, mentor, f"/api/v1/mentorships/{pair.pk}/pause/"), 409)
    assert body["type"].endswith(":conflict")


def test_a_mentorship_id_that_is_not_a_number_is_422(client, mentor):
    body = assert_problem(get(client, mentor, "/api/v1/mentorships/abc/"), 422)
    assert body["errors"][0]["field"] == "mentorship_id"


def test_the_mentorships_list_has_a_bounded_number_of_queries(
    client, pair, coordinator, django_assert_max_num_queries
):
    headers = bearer(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get("/api/v1/mentorships/?program=spring", **headers)
    assert response.json()["count"] == 1
