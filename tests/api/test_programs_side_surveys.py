"""Surveys and analytics through the API: a participant's surveys and answering one through
the answering service; a program's surveys, their results read only through results.py (so
anonymity thresholds hold), and the dashboard's figures, for its coordinators."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from lodestar.evaluations.models import SurveyAssignment, SurveyResponse
from tests import factories
from tests.evaluations.survey_helpers import answer, assign, make_survey

from .conftest import assert_problem, bearer


def send(client, user, method, url, body=None, scope="read_write"):
    headers = bearer(user, scope) if user else {}
    if body is not None:
        headers.update(data=json.dumps(body), content_type="application/json")
    return client.generic(method, url, **headers)


def fields(problem) -> list:
    return [error["field"] for error in problem["errors"]]


NOW = datetime.now(UTC)


@pytest.fixture
def survey(program, coordinator):
    return make_survey(program, coordinator, title="Pulse", activate_at=NOW - timedelta(days=1))


@pytest.fixture
def assignment(survey, mentee, pair):
    return assign(survey, mentee, mentorship=pair)


def answer_url(assignment):
    return f"/api/v1/surveys/{assignment.pk}/response/"


def questions(survey):
    likert, text = survey.questions.all()
    return likert, text


# A participant's surveys -------------------------------------------------------------------------


def test_a_participant_lists_their_surveys_waiting_first(client, mentee, survey, assignment):
    done = assign(survey, mentee, key="older")
    SurveyAssignment.objects.filter(pk=done.pk).update(status="done")
    body = send(client, mentee, "GET", "/api/v1/surveys/").json()
    assert [(a["id"], a["status"], a["open"]) for a in body["results"]] == [
        (assignment.pk, "pending", True),
        (done.pk, "done", False),
    ]
    first = body["results"][0]
    assert first["survey"] == {
        "id": survey.pk,
        "title": "Pulse",
        "intro": "",
        "program": "spring",
        "anonymity": "confidential",
    }
    assert first["mentorship_id"] == assignment.mentorship_id
    pending = send(client, mentee, "GET", "/api/v1/surveys/?status=pending").json()
    assert [a["id"] for a in pending["results"]] == [assignment.pk]


@pytest.mark.parametrize("who", ["mentor", "coordinator", "site_admin", "outsider"])
def test_nobody_else_lists_a_persons_surveys(client, request, assignment, who):
    assert (
        send(client, request.getfixturevalue(who), "GET", "/api/v1/surveys/").json()["count"] == 0
    )


def test_the_survey_list_has_a_bounded_number_of_queries(
    client, program, coordinator, mentee, django_assert_max_num_queries
):
    for i in range(6):
        made = make_survey(program, coordinator, title=f"S{i}", activate_at=NOW)
        assign(made, mentee)
    headers = bearer(mentee)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/surveys/", **headers)
    assert response.json()["count"] == 6


def test_a_participant_reads_the_questions_of_a_survey_sent_to_them(
    client, mentee, survey, assignment
):
    response = send(client, mentee, "GET", f"/api/v1/surveys/{assignment.pk}/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["open"] is True and body["closed_reason"] is None and body["responses"] == []
    assert [(q["kind"], q["text"], q["required"]) for q in body["questions"]] == [
        ("likert", "I am satisfied.", True),
        ("text", "What would help?", False),
    ]


@pytest.mark.parametrize("who", ["mentor", "coordinator", "site_admin", "outsider"])
def test_a_survey_sent_to_someone_else_is_not_found(client, request, assignment, who):
    user = request.getfixturevalue(who)
    assert_problem(send(client, user, "GET", f"/api/v1/surveys/{assignment.pk}/"), 404)
    assert_problem(send(client, user, "POST", answer_url(assignment), {"answers": {}}), 404)
    assert not SurveyResponse.objects.exists()


def test_answering_stores_the_response_and_shows_it_back(client, mentee, survey, assignment):
    likert, text = questions(survey)
    body = {"answers": {likert.pk: 4, text.pk: "More time together."}}
    response = send(client, mentee, "POST", answer_url(assignment), body)
    assert response.status_code == 201, response.content
    shown = response.json()
    assert (shown["status"], shown["open"]) == ("done", False)
    assert shown["closed_reason"] == "You have already answered this survey."
    [mine] = shown["responses"]
    assert mine["mine"] is True and mine["author"] == "Mia Mentee"
    assert [a["answer"] for a in mine["answers"]] == ["4 — Agree", "More time together."]
    stored = SurveyResponse.objects.get()
    assert stored.assignment == assignment and stored.mentorship == assignment.mentorship


def test_an_anonymous_response_is_linked_to_nobody(client, mentee, survey, assignment):
    survey.anonymity = "anonymous"
    survey.save()
    likert, _text = questions(survey)
    response = send(client, mentee, "POST", answer_url(assignment), {"answers": {likert.pk: 5}})
    assert response.status_code == 201, response.content
    assert response.json()["responses"] == []
    stored = SurveyResponse.objects.get()
    assert stored.assignment is None and stored.mentorship is None


def test_a_missing_required_answer_is_refused_by_name_and_nothing_is_stored(
    client, mentee, survey, assignment
):
    likert, text = questions(survey)
    response = send(client, mentee, "POST", answer_url(assignment), {"answers": {text.pk: "Hi"}})
    problem = assert_problem(response, 400)
    assert fields(problem) == [f"answers.{likert.pk}"]
    assert not SurveyResponse.objects.exists()
    assignment.refresh_from_db()
    assert assignment.status == "pending"


@pytest.mark.parametrize("value", [9, "lots", True, [1, 2], 4.5])
def test_an_answer_out_of_the_scale_is_refused_in_the_pages_words(
    client, mentee, survey, assignment, value
):
    likert, _text = questions(survey)
    response = send(client, mentee, "POST", answer_url(assignment), {"answers": {likert.pk: value}})
    problem = assert_problem(response, 400)
    assert problem["errors"] == [
        {"field": f"answers.{likert.pk}", "message": "Choose a number from 1 to 5."}
    ]
    assert not SurveyResponse.objects.exists()


def test_an_answer_to_a_question_the_survey_does_not_have_is_refused(
    client, mentee, survey, assignment
):
    likert, _text = questions(survey)
    body = {"answers": {likert.pk: 3, 999999: "?"}}
    problem = assert_problem(send(client, mentee, "POST", answer_url(assignment), body), 400)
    assert "questions this survey does not have" in problem["detail"]
    assert not SurveyResponse.objects.exists()


def test_a_survey_is_answered_once(client, mentee, survey, assignment):
    likert, _text = questions(survey)
    body = {"answers": {likert.pk: 3}}
    assert send(client, mentee, "POST", answer_url(assignment), body).status_code == 201
    problem = assert_problem(send(client, mentee, "POST", answer_url(assignment), body), 400)
    assert problem["detail"] == "You have already answered this survey."
    assert SurveyResponse.objects.count() == 1


def test_a_closed_survey_is_not_answered(client, mentee, survey, assignment):
    survey.status = "closed"
    survey.save()
    likert, _text = questions(survey)
    response = send(client, mentee, "POST", answer_url(assignment), {"answers": {likert.pk: 3}})
    assert assert_problem(response, 400)["detail"] == "This survey is closed."
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(
    "body, field", [({}, "body.answers"), ({"answers": {"first": 3}}, "body.answers.first")]
)
def test_a_bad_answer_body_is_unprocessable(client, mentee, assignment, body, field):
    problem = assert_problem(send(client, mentee, "POST", answer_url(assignment), body), 422)
    assert any(f and f.startswith(field) for f in fields(problem)), problem
    assert not SurveyResponse.objects.exists()


def test_a_read_only_token_answers_nothing(client, mentee, survey, assignment):
    likert, _text = questions(survey)
    body = {"answers": {likert.pk: 3}}
    assert_problem(send(client, mentee, "POST", answer_url(assignment), body, "read"), 403)
    assert not SurveyResponse.objects.exists()


# A program's surveys and their results -----------------------------------------------------------


SURVEYS = "/api/v1/programs/spring/surveys/"


def results_url(survey):
    return f"{SURVEYS}{survey.pk}/results/"


def test_coordinators_list_the_programs_surveys_with_their_counts(
    client, coordinator, program, survey, assignment, mentor
):
    assign(survey, mentor, role="mentor")
    answer(survey, factories.make_user("x@example.com"), {0: 4}, key="x")
    make_survey(program, coordinator, title="Draft")
    body = send(client, coordinator, "GET", SURVEYS).json()
    assert [
        (s["title"], s["status"], s["question_count"], s["sent"], s["answered"])
        for s in body["results"]
    ] == [("Pulse", "active", 2, 3, 1), ("Draft", "draft", 2, 0, 0)]
    drafts = send(client, coordinator, "GET", SURVEYS + "?status=draft").json()
    assert [s["title"] for s in drafts["results"]] == ["Draft"]


def test_the_programs_surveys_have_a_bounded_number_of_queries(
    client, coordinator, program, mentee, django_assert_max_num_queries
):
    for i in range(6):
        assign(make_survey(program, coordinator, title=f"S{i}", activate_at=NOW), mentee)
    headers = bearer(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(SURVEYS, **headers)
    assert response.json()["count"] == 6


def test_named_results_show_who_answered_what(client, coordinator, survey, mentee, pair):
    answer(survey, mentee, {0: 5, 1: "More meetings."}, mentorship=pair)
    response = send(client, coordinator, "GET", results_url(survey))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["named"], body["hidden"], body["respondents"]) == (True, False, 1)
    likert, text = body["questions"]
    assert (likert["count"], likert["mean"]) == (1, 5.0)
    assert likert["bars"][-1] == {"label": "5 — Strongly agree", "count": 1, "percent": 100}
    [said] = text["texts"]
    assert (said["text"], said["author"], said["role"]) == (
        "More meetings.",
        "Mia Mentee",
        "Mentee",
    )


def anonymous_answers(survey, texts):
    for i, words in enumerate(texts):
        person = factories.make_user(f"anon{i}@example.com", name=f"Anon {i}")
        answer(survey, person, {0: 4, 1: words}, key=f"anon-{i}")


def test_anonymous_results_below_the_threshold_show_nothing(client, coordinator, survey):
    survey.anonymity, survey.min_group_size = "anonymous", 3
    survey.save()
    anonymous_answers(survey, ["Zebra talk", "Apple pie"])
    response = send(client, coordinator, "GET", results_url(survey))
    body = response.json()
    assert (body["hidden"], body["respondents"], body["named"]) == (True, None, False)
    assert all(q["hidden"] and q["count"] == 0 and q["texts"] == [] for q in body["questions"])
    assert all(q["mean"] is None and q["bars"] == [] for q in body["questions"])
    assert "Zebra" not in response.content.decode()


def test_anonymous_results_from_the_threshold_hide_who_and_when(client, coordinator, survey):
    survey.anonymity, survey.min_group_size = "anonymous", 3
    survey.save()
    anonymous_answers(survey, ["Zebra talk", "Apple pie", "Mango"])
    body = send(client, coordinator, "GET", results_url(survey)).json()
    assert (body["hidden"], body["respondents"]) == (False, 3)
    texts = body["questions"][1]["texts"]
    assert [t["text"] for t in texts] == ["Apple pie", "Mango", "Zebra talk"]
    assert all(t["author"] is None and t["role"] is None and t["day"] is None for t in texts)


def test_results_of_one_role_that_would_single_people_out_are_hidden(
    client, coordinator, survey, mentor
):
    survey.anonymity, survey.min_group_size = "anonymous", 3
    survey.save()
    anonymous_answers(survey, ["a", "b", "c"])
    answer(survey, mentor, {0: 1, 1: "Only mentor"}, role="mentor", key="mentor")
    body = send(client, coordinator, "GET", results_url(survey) + "?role=mentor").json()
    assert (body["role"], body["hidden"], body["respondents"]) == ("mentor", True, None)
    everyone = send(client, coordinator, "GET", results_url(survey) + "?role=mentee").json()
    # The mentees are 3 of 4: showing them would reveal the one mentor by subtraction.
    assert everyone["hidden"] is True


def test_a_role_the_program_does_not_have_is_refused(client, coordinator, survey):
    problem = assert_problem(
        send(client, coordinator, "GET", results_url(survey) + "?role=peer"), 400
    )
    assert fields(problem) == ["role"]
    assert_problem(send(client, coordinator, "GET", results_url(survey) + "?role=boss"), 422)


@pytest.mark.parametrize("who", ["mentor", "mentee", "other_coordinator", "outsider"])
def test_surveys_and_results_are_for_the_programs_coordinators_only(client, request, survey, who):
    user = request.getfixturevalue(who)
    assert_problem(send(client, user, "GET", SURVEYS), 404)
    assert_problem(send(client, user, "GET", results_url(survey)), 404)


def test_a_survey_of_another_program_is_not_found(client, coordinator, other_program):
    other_program.coordinators.add(coordinator)
    theirs = make_survey(other_program, coordinator)
    assert_problem(send(client, coordinator, "GET", results_url(theirs)), 404)


# Analytics ---------------------------------------------------------------------------------------


ANALYTICS = "/api/v1/programs/spring/analytics/"


def test_coordinators_read_the_dashboards_figures(client, coordinator, program, pair, survey):
    applicant = factories.make_user("app@example.com")
    factories.make_enrolment(program, applicant, status="applied")
    response = send(client, coordinator, "GET", ANALYTICS)
    assert response.status_code == 200, response.content
    body = response.json()
    funnel = {row["role"]: row for row in body["funnel"]}
    assert funnel["mentee"] == {
        "role": "mentee",
        "applied": 2,
        "approved": 1,
        "matched": 1,
        "active": 1,
        "completed": 0,
    }
    assert funnel["total"]["applied"] == 3
    assert (body["matching"]["approved"], body["matching"]["matched"]) == (1, 1)
    assert body["matching"]["rate"] == 100.0
    assert body["risk"]["running"] == 1
    assert body["fairness"] is None
    assert [s["title"] for s in body["surveys"]["surveys"]] == ["Pulse"]
    assert (body["date_from"], body["cohort"]) == (None, None)


def test_analytics_filter_by_role_and_dates(client, coordinator, pair):
    today = datetime.now(UTC).date()
    url = f"{ANALYTICS}?cohort=role:mentor&date_from={today - timedelta(days=30)}&date_to={today}"
    body = send(client, coordinator, "GET", url).json()
    assert body["cohort"] == "role:mentor"
    assert [row["role"] for row in body["funnel"]] == ["mentor", "mentee", "total"]
    assert body["funnel"][1]["applied"] == 0  # mentees are not in the cohort


@pytest.mark.parametrize(
    "query, status, field",
    [
        ("date_from=2027-05-02&date_to=2027-05-01", 400, "date_to"),
        ("cohort=department:Nowhere", 400, "cohort"),
        ("date_from=yesterday", 422, "date_from"),
        ("date_to=9999-12-31", 400, "date_to"),
    ],
)
def test_bad_analytics_filters_are_refused_by_name(client, coordinator, pair, query, status, field):
    problem = assert_problem(send(client, coordinator, "GET", f"{ANALYTICS}?{query}"), status)
    assert field in fields(problem)


def test_anonymous_survey_scores_below_the_threshold_stay_hidden(client, coordinator, program):
    nps = make_survey(
        program,
        coordinator,
        questions=[("nps", "Recommend us?", None, True)],
        activate_at=NOW,
        anonymity="anonymous",
        min_group_size=3,
    )
    answer(nps, factories.make_user("n1@example.com"), {0: 10}, key="n1")
    [figure] = send(client, coordinator, "GET", ANALYTICS).json()["surveys"]["surveys"]
    assert (figure["hidden"], figure["nps"], figure["answered"]) == (True, None, 1)


@pytest.mark.parametrize("who", ["mentor", "mentee", "other_coordinator", "outsider"])
def test_analytics_are_for_the_programs_coordinators_only(client, request, pair, who):
    assert_problem(send(client, request.getfixturevalue(who), "GET", ANALYTICS), 404)


def test_analytics_never_carry_anyones_words(client, coordinator, program, pair, mentee, survey):
    from lodestar.engagement.models import CheckIn

    CheckIn.objects.create(
        mentorship=pair,
        user=mentee,
        period_start=pair.start_date,
        mood=2,
        progress="I feel lost",
        blockers="My manager",
    )
    answer(survey, mentee, {0: 2, 1: "Private words"}, mentorship=pair)
    text = send(client, coordinator, "GET", ANALYTICS).content.decode()
    assert "lost" not in text and "manager" not in text and "Private words" not in text
    assert json.loads(text)["mood"]["checkins"] == 1
