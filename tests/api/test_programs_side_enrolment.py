"""Joining a program and its intake form through the API: the enrolment and intake services
of the pages, their refusals as problems, and a coordinator's read of one person's answers
(never the sensitive ones)."""

import json

import pytest
from django.urls import reverse

from lodestar.programs.models import Answer, Enrolment
from lodestar.programs.states import EnrolmentStatus, ProgramStatus
from tests import factories

from .conftest import assert_problem, bearer


def send(client, user, method, url, body=None, scope="read_write"):
    headers = bearer(user, scope) if user else {}
    if body is not None:
        headers.update(data=json.dumps(body), content_type="application/json")
    return client.generic(method, url, **headers)


def fields(problem) -> list:
    return [error["field"] for error in problem["errors"]]


ENROL = "/api/v1/programs/spring/enrol/"
INTAKE = "/api/v1/programs/spring/intake/"


# Enrolling ---------------------------------------------------------------------------------------


def test_in_a_program_with_applications_joining_is_an_application(client, program, outsider):
    response = send(client, outsider, "POST", ENROL, {"role": "mentee"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["program"], body["role"], body["status"]) == ("spring", "mentee", "applied")
    assert body["capacity"] is None and body["decided_at"] is None
    enrolment = Enrolment.objects.get(program=program, user=outsider)
    assert (enrolment.pk, enrolment.status) == (body["id"], EnrolmentStatus.APPLIED)


def test_in_an_open_program_a_mentor_is_approved_at_once_with_their_capacity(
    client, program, outsider
):
    program.enrolment_mode = "open"
    program.save()
    response = send(client, outsider, "POST", ENROL, {"role": "mentor", "capacity": 3})
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["capacity"]) == ("approved", 3)


def test_a_capacity_written_as_a_whole_float_is_a_whole_number(client, program, outsider):
    # JSON Schema counts 3.0 as an integer, and so do clients that only have floats.
    program.enrolment_mode = "open"
    program.save()
    response = send(client, outsider, "POST", ENROL, {"role": "mentor", "capacity": 3.0})
    assert response.status_code == 201, response.content
    assert response.json()["capacity"] == 3


def test_a_mentor_who_gives_no_capacity_gets_the_programs_default(client, program, outsider):
    program.default_mentor_capacity = 4
    program.save()
    response = send(client, outsider, "POST", ENROL, {"role": "mentor"})
    assert response.json()["capacity"] == 4


def test_a_program_past_enrolment_refuses_and_nothing_changes(client, program, outsider):
    program.status = ProgramStatus.MATCHING
    program.save()
    factories.make_enrolment(program, outsider, status=EnrolmentStatus.WITHDRAWN)
    problem = assert_problem(send(client, outsider, "POST", ENROL, {"role": "mentee"}), 400)
    assert problem["detail"] == "This program is not open for enrolment."
    assert Enrolment.objects.get(user=outsider).status == EnrolmentStatus.WITHDRAWN


def test_joining_twice_is_refused_with_the_current_status(client, program, mentee):
    problem = assert_problem(send(client, mentee, "POST", ENROL, {"role": "mentor"}), 400)
    assert "already joined this program (your status: Approved)" in problem["detail"]
    assert Enrolment.objects.get(user=mentee).role == "mentee"


def test_a_role_the_program_does_not_have_is_refused_by_name(client, program, outsider):
    problem = assert_problem(send(client, outsider, "POST", ENROL, {"role": "peer"}), 400)
    assert fields(problem) == ["role"]
    assert not Enrolment.objects.filter(user=outsider).exists()


def test_a_capacity_out_of_range_is_refused_by_the_service_by_name(client, program, outsider):
    problem = assert_problem(
        send(client, outsider, "POST", ENROL, {"role": "mentor", "capacity": 50}), 400
    )
    assert fields(problem) == ["capacity"]
    assert "from 1 to 20" in problem["detail"]
    assert not Enrolment.objects.filter(user=outsider).exists()


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "role"),
        ({"role": "wizard"}, "role"),
        ({"role": "mentor", "capacity": "lots"}, "capacity"),
        ({"role": "mentor", "capacity": True}, "capacity"),
    ],
)
def test_a_bad_enrolment_body_is_unprocessable(client, program, outsider, body, field):
    problem = assert_problem(send(client, outsider, "POST", ENROL, body), 422)
    assert field in fields(problem)
    assert not Enrolment.objects.filter(user=outsider).exists()


def test_an_invitation_only_program_is_not_found_by_strangers(client, program, outsider):
    program.enrolment_mode = "invitation"
    program.save()
    assert_problem(send(client, outsider, "POST", ENROL, {"role": "mentee"}), 404)
    assert not Enrolment.objects.filter(user=outsider).exists()


def test_anonymous_callers_and_read_only_tokens_cannot_enrol(client, program, outsider):
    assert_problem(send(client, None, "POST", ENROL, {"role": "mentee"}), 401)
    assert_problem(send(client, outsider, "POST", ENROL, {"role": "mentee"}, "read"), 403)
    assert not Enrolment.objects.filter(user=outsider).exists()


# The intake form ---------------------------------------------------------------------------------


@pytest.fixture
def questions(program):
    area = factories.make_question(
        program,
        label="Which area?",
        kind="single_choice",
        choices=["Design", "Data"],
        required=True,
    )
    topics = factories.make_question(
        program, label="Topics", kind="multiple_choice", choices=["Career", "Craft", "Leading"]
    )
    story = factories.make_question(program, label="Your story", kind="long_text")
    skills = factories.make_question(
        program, label="Your skills", kind="profile", profile_field="skills"
    )
    for_mentors = factories.make_question(program, label="Years of experience", role="mentor")
    return {
        "area": area,
        "topics": topics,
        "story": story,
        "skills": skills,
        "for_mentors": for_mentors,
    }


def test_the_intake_lists_the_questions_of_the_callers_role_with_their_answers(
    client, mentee, questions
):
    enrolment = Enrolment.objects.get(user=mentee)
    factories.make_answer(enrolment, questions["area"], "Data")
    response = send(client, mentee, "GET", INTAKE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["role"], body["intake_completed_at"]) == ("mentee", None)
    listed = {q["label"]: q for q in body["questions"]}
    assert list(listed) == ["Which area?", "Topics", "Your story", "Your skills"]
    assert listed["Which area?"]["answer"] == "Data"
    assert listed["Which area?"]["choices"] == ["Design", "Data"]
    assert listed["Which area?"]["required"] is True
    assert listed["Topics"]["answer"] is None
    assert listed["Your skills"]["profile_field"] == "skills"
    assert listed["Your skills"]["answer"] == []


def test_submitting_the_intake_saves_every_answer_and_the_profile(client, mentee, questions):
    answers = {
        questions["area"].pk: "design",
        questions["topics"].pk: ["Craft", "Career"],
        questions["story"].pk: "  I design things.  ",
        questions["skills"].pk: "Figma, Research",
    }
    response = send(client, mentee, "PUT", INTAKE, {"answers": answers})
    assert response.status_code == 200, response.content
    listed = {q["label"]: q["answer"] for q in response.json()["questions"]}
    assert listed["Which area?"] == "Design"  # the option's own spelling, as the form keeps it
    assert listed["Topics"] == ["Craft", "Career"]
    assert listed["Your story"] == "I design things."
    assert sorted(listed["Your skills"]) == ["Figma", "Research"]
    enrolment = Enrolment.objects.get(user=mentee)
    assert enrolment.intake_completed_at is not None
    assert Answer.objects.get(enrolment=enrolment, question=questions["area"]).value == "Design"
    assert sorted(t.name for t in mentee.profile.skills.all()) == ["Figma", "Research"]


def test_a_question_left_out_is_unanswered_and_a_required_one_is_refused_by_name(
    client, mentee, questions
):
    enrolment = Enrolment.objects.get(user=mentee)
    factories.make_answer(enrolment, questions["story"], "Kept")
    response = send(client, mentee, "PUT", INTAKE, {"answers": {questions["topics"].pk: "Craft"}})
    problem = assert_problem(response, 400)
    assert fields(problem) == [f"answers.{questions['area'].pk}"]
    assert problem["errors"][0]["message"] == "This question needs an answer."
    enrolment.refresh_from_db()
    assert enrolment.intake_completed_at is None
    assert list(enrolment.answers.values_list("value", flat=True)) == ["Kept"]


def test_the_api_refuses_an_answer_in_the_intake_forms_own_words(client, mentee, questions):
    bad = {questions["area"].pk: "Sales"}
    problem = assert_problem(send(client, mentee, "PUT", INTAKE, {"answers": bad}), 400)
    client.force_login(mentee)
    page = client.post(
        reverse("intake_form", args=["spring"]), {f"question_{questions['area'].pk}": "Sales"}
    )
    assert problem["detail"] in page.content.decode()
    assert problem["detail"] == "“Sales” is not one of the options: Design, Data."
    assert not Answer.objects.exists()


def test_a_number_too_large_for_the_database_is_refused_not_a_crash(client, mentee, program):
    years = factories.make_question(program, label="Years in the trade?", kind="number")
    body = f'{{"answers": {{"{years.pk}": 1{"0" * 400}}}}}'
    response = client.put(INTAKE, data=body, content_type="application/json", **bearer(mentee))
    problem = assert_problem(response, 400)
    assert fields(problem) == [f"answers.{years.pk}"]
    assert not Answer.objects.exists()


def test_a_question_asked_of_another_role_is_refused_by_name(client, mentee, questions):
    answers = {questions["area"].pk: "Data", questions["for_mentors"].pk: "12"}
    problem = assert_problem(send(client, mentee, "PUT", INTAKE, {"answers": answers}), 400)
    assert fields(problem) == [f"answers.{questions['for_mentors'].pk}"]
    assert not Answer.objects.exists()


def test_only_mentors_give_a_capacity(client, mentee, mentor, questions):
    answers = {"answers": {questions["area"].pk: "Data"}, "capacity": 2}
    problem = assert_problem(send(client, mentee, "PUT", INTAKE, answers), 400)
    assert fields(problem) == ["capacity"]
    response = send(client, mentor, "PUT", INTAKE, {"answers": {}, "capacity": 3})
    assert response.status_code == 200, response.content
    assert response.json()["capacity"] == 3
    assert Enrolment.objects.get(user=mentor).capacity == 3


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "answers"),
        ({"answers": {"area": "Data"}}, "answers.area.[key]"),
        ({"answers": {"1": {"nested": True}}}, "answers.1"),
        ({"answers": {}, "capacity": "two"}, "capacity"),
    ],
)
def test_a_bad_intake_body_is_unprocessable(client, mentee, questions, body, field):
    problem = assert_problem(send(client, mentee, "PUT", INTAKE, body), 422)
    assert any(f and f.startswith(field.split(".[")[0]) for f in fields(problem)), problem
    assert Enrolment.objects.get(user=mentee).intake_completed_at is None


@pytest.mark.parametrize("who", ["coordinator", "outsider", "other_member", "site_admin"])
def test_only_participants_have_an_intake_form(client, request, questions, who):
    user = request.getfixturevalue(who)
    assert_problem(send(client, user, "GET", INTAKE), 404)
    assert_problem(send(client, user, "PUT", INTAKE, {"answers": {}}), 404)


def test_a_withdrawn_participant_has_no_intake_form(client, mentee, questions):
    Enrolment.objects.filter(user=mentee).update(status=EnrolmentStatus.WITHDRAWN)
    assert_problem(send(client, mentee, "GET", INTAKE), 404)


def test_a_read_only_token_cannot_submit_answers(client, mentee, questions):
    body = {"answers": {questions["area"].pk: "Data"}}
    assert_problem(send(client, mentee, "PUT", INTAKE, body, "read"), 403)
    assert not Answer.objects.exists()


# A participant's answers, for coordinators -------------------------------------------------------


@pytest.fixture
def answered(program, mentee, questions):
    enrolment = Enrolment.objects.get(user=mentee)
    secret = factories.make_question(
        program, label="Do you have a disability?", kind="short_text", sensitive=True
    )
    factories.make_answer(enrolment, questions["area"], "Data")
    factories.make_answer(enrolment, questions["topics"], ["Career"])
    factories.make_answer(enrolment, secret, "Deaf")
    return enrolment


def answers_url(enrolment):
    return f"/api/v1/programs/{enrolment.program.slug}/enrolments/{enrolment.pk}/answers/"


def test_coordinators_read_a_participants_answers_but_never_the_sensitive_ones(
    client, coordinator, answered
):
    response = send(client, coordinator, "GET", answers_url(answered))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["role"], body["sensitive_hidden"]) == ("Mia Mentee", "mentee", True)
    assert [(a["label"], a["value"]) for a in body["answers"]] == [
        ("Which area?", "Data"),
        ("Topics", ["Career"]),
        ("Your story", None),
        ("Your skills", None),
    ]
    assert "Deaf" not in response.content.decode()
    assert "disability" not in response.content.decode()


@pytest.mark.parametrize(
    "who, status",
    [
        ("site_admin", 200),
        ("mentor", 404),
        ("mentee", 404),
        ("other_coordinator", 404),
        ("outsider", 404),
    ],
)
def test_only_the_programs_coordinators_read_answers(client, request, answered, who, status):
    response = send(client, request.getfixturevalue(who), "GET", answers_url(answered))
    if status == 200:
        assert response.status_code == 200
    else:
        assert_problem(response, status)


def test_an_enrolment_of_another_program_is_not_found(client, coordinator, other_program):
    stranger = factories.make_enrolment(other_program, factories.make_user("x@example.com"))
    url = f"/api/v1/programs/spring/enrolments/{stranger.pk}/answers/"
    assert_problem(send(client, coordinator, "GET", url), 404)
