"""Matching runs through the API, for a program's coordinators: starting one with a solver,
reading it with its pairs, scores and points by criterion, and publishing it, through the
matching pages' services."""

import json

import pytest

from lodestar.matches.models import MatchRun, Proposal
from lodestar.matches.states import RunStatus
from lodestar.mentorships.models import Mentorship
from lodestar.programs.models import Enrolment
from lodestar.programs.states import ProgramStatus
from tests import factories
from tests.matches.test_runs import small_cohort, started

from .conftest import assert_problem, bearer

RUNS = "/api/v1/programs/spring/runs/"


def send(client, user, method, url, body=None, scope="read_write"):
    headers = bearer(user, scope) if user else {}
    if body is not None:
        headers.update(data=json.dumps(body), content_type="application/json")
    return client.generic(method, url, **headers)


@pytest.fixture
def cohort(program):
    """Cleo–Ada and Dan–Ben fit perfectly; Eve is left without a seat."""
    people, _question = small_cohort(program)
    return people


@pytest.fixture
def run(cohort, program, coordinator, django_capture_on_commit_callbacks):
    return started(program, coordinator, capture=django_capture_on_commit_callbacks)


def test_a_coordinator_starts_a_run_and_the_worker_finishes_it(
    client, coordinator, cohort, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, coordinator, "POST", RUNS, {"solver": "fair"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["number"], body["solver"], body["status"]) == (1, "fair", "queued")
    assert body["started_by"] == "Cora Coordinator" and body["metrics"] is None
    done = send(client, coordinator, "GET", RUNS + "1/").json()
    assert done["status"] == "done"
    assert (done["metrics"]["matched"], done["metrics"]["unmatched"]) == (2, 1)
    assert done["criteria"] == [
        {"name": "Skills", "rule": "overlap", "weight": 5.0, "required": False}
    ]
    [eve] = done["unmatched"]
    assert eve["enrolment_id"] == cohort["Eve"].pk and eve["name"] == "Eve"
    assert eve["reason"] == "Every compatible mentor is full."


def test_a_run_is_started_with_the_optimal_method_unless_told(client, coordinator, cohort):
    response = send(client, coordinator, "POST", RUNS, {})
    assert response.json()["solver"] == "optimal"


def test_a_second_run_while_one_is_in_progress_is_refused(client, coordinator, cohort):
    assert send(client, coordinator, "POST", RUNS, {}).status_code == 201
    problem = assert_problem(send(client, coordinator, "POST", RUNS, {}), 400)
    assert "already in progress" in problem["detail"]
    assert MatchRun.objects.count() == 1


def test_a_program_where_mentees_choose_runs_no_matching(client, coordinator, program, cohort):
    program.matching_mode = "mentee_choice"
    program.save()
    problem = assert_problem(send(client, coordinator, "POST", RUNS, {}), 400)
    assert "mentees choose their mentors" in problem["detail"]
    assert not MatchRun.objects.exists()


def test_an_archived_program_runs_no_matching(client, coordinator, program, cohort):
    program.status = ProgramStatus.ARCHIVED
    program.save()
    assert_problem(send(client, coordinator, "POST", RUNS, {}), 400)
    assert not MatchRun.objects.exists()


@pytest.mark.parametrize("body", [{"solver": "magic"}, {"solver": 3}])
def test_an_unknown_solver_is_unprocessable(client, coordinator, cohort, body):
    problem = assert_problem(send(client, coordinator, "POST", RUNS, body), 422)
    assert problem["errors"][0]["field"] == "body.solver"
    assert not MatchRun.objects.exists()


def test_the_runs_list_is_newest_first_and_filters_by_status(client, coordinator, run):
    MatchRun.objects.create(program=run.program, number=2, solver="greedy", status="failed")
    body = send(client, coordinator, "GET", RUNS).json()
    assert [(r["number"], r["status"]) for r in body["results"]] == [(2, "failed"), (1, "done")]
    done = send(client, coordinator, "GET", RUNS + "?status=done").json()
    assert [r["number"] for r in done["results"]] == [1]
    assert_problem(send(client, coordinator, "GET", RUNS + "?status=lost"), 422)


def test_the_runs_list_has_a_bounded_number_of_queries(
    client, coordinator, program, django_assert_max_num_queries
):
    for number in range(1, 8):
        MatchRun.objects.create(
            program=program, number=number, solver="optimal", created_by=coordinator
        )
    headers = bearer(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(RUNS, **headers)
    assert response.json()["count"] == 7


def test_a_runs_pairs_come_lowest_score_first_with_their_points(client, coordinator, run):
    response = send(client, coordinator, "GET", RUNS + "1/proposals/")
    assert response.status_code == 200, response.content
    pairs = response.json()["results"]
    assert {(p["mentee"]["name"], p["mentor"]["name"]) for p in pairs} == {
        ("Cleo", "Ada"),
        ("Dan", "Ben"),
    }
    assert [(p["score"], p["id"]) for p in pairs] == sorted((p["score"], p["id"]) for p in pairs)
    dan = next(p for p in pairs if p["mentee"]["name"] == "Dan")
    assert dan["score"] == 100.0 and dan["points"] == {"Skills": 100.0}
    assert dan["source"] == "solver"
    assert dan["mentor"]["enrolment_id"] == Enrolment.objects.get(user__name="Ben").pk


def test_a_runs_pairs_filter_by_score_source_and_mentor(client, coordinator, run, cohort):
    Proposal.objects.filter(run=run, mentee=cohort["Cleo"]).update(score=30.0, source="edited")
    low = send(client, coordinator, "GET", RUNS + "1/proposals/?max_score=50").json()
    assert [p["mentee"]["name"] for p in low["results"]] == ["Cleo"]
    edited = send(client, coordinator, "GET", RUNS + "1/proposals/?source=edited").json()
    assert [p["mentee"]["name"] for p in edited["results"]] == ["Cleo"]
    url = RUNS + f"1/proposals/?mentor={cohort['Ben'].pk}"
    assert [
        p["mentee"]["name"] for p in send(client, coordinator, "GET", url).json()["results"]
    ] == ["Dan"]


def test_a_runs_pairs_have_a_bounded_number_of_queries(
    client, coordinator, program, django_assert_max_num_queries
):
    run = MatchRun.objects.create(program=program, number=1, solver="optimal", status="done")
    for i in range(6):
        mentor = factories.make_enrolment(
            program, factories.make_user(f"m{i}@example.com"), role="mentor"
        )
        mentee = factories.make_enrolment(program, factories.make_user(f"e{i}@example.com"))
        Proposal.objects.create(run=run, mentee=mentee, mentor=mentor, score=50 + i)
    headers = bearer(coordinator)
    with django_assert_max_num_queries(9):
        response = client.get(RUNS + "1/proposals/", **headers)
    assert response.json()["count"] == 6


def test_publishing_a_run_proposes_its_mentorships(
    client, coordinator, run, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = send(client, coordinator, "POST", RUNS + "1/publish/")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "published"
    assert response.json()["published_at"] is not None
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED and run.published_by == coordinator
    assert Mentorship.objects.filter(match_run=run, status="proposed").count() == 2


def test_publishing_twice_is_refused_and_proposes_nothing_more(client, coordinator, run):
    assert send(client, coordinator, "POST", RUNS + "1/publish/").status_code == 200
    problem = assert_problem(send(client, coordinator, "POST", RUNS + "1/publish/"), 400)
    assert problem["detail"] == "This run is already published."
    assert Mentorship.objects.count() == 2


def test_a_run_whose_people_were_matched_since_is_not_published(
    client, coordinator, program, run, cohort
):
    factories.make_mentorship(program, mentor=cohort["Ada"], mentees=[cohort["Cleo"]])
    problem = assert_problem(send(client, coordinator, "POST", RUNS + "1/publish/"), 400)
    assert "Nothing was published: Ada, Cleo were matched" in problem["detail"]
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert Mentorship.objects.count() == 1


@pytest.mark.parametrize(
    "who", ["mentor", "mentee", "other_coordinator", "outsider", "other_member"]
)
def test_runs_are_for_the_programs_coordinators_only(client, request, run, who):
    user = request.getfixturevalue(who)
    for method, url in [
        ("GET", RUNS),
        ("GET", RUNS + "1/"),
        ("GET", RUNS + "1/proposals/"),
        ("POST", RUNS + "1/publish/"),
    ]:
        assert_problem(send(client, user, method, url), 404)
    assert_problem(send(client, user, "POST", RUNS, {}), 404)
    assert MatchRun.objects.count() == 1
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_a_run_number_of_another_program_is_not_found(
    client, coordinator, other_program, other_coordinator
):
    other_program.coordinators.add(coordinator)
    MatchRun.objects.create(program=other_program, number=1, solver="optimal", status="done")
    assert_problem(send(client, coordinator, "GET", RUNS + "1/"), 404)


def test_a_read_only_token_starts_and_publishes_nothing(client, coordinator, run):
    assert_problem(send(client, coordinator, "POST", RUNS, {}, "read"), 403)
    assert_problem(send(client, coordinator, "POST", RUNS + "1/publish/", scope="read"), 403)
    assert MatchRun.objects.count() == 1
    assert not Mentorship.objects.exists()
