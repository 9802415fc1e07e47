"""Answering a survey: every answer checked, once, by the person it was sent to, while open —
and an anonymous response keeps nothing that leads back to its author."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from lodestar.evaluations.answering import response_submit
from lodestar.evaluations.models import SurveyAnswer, SurveyAssignment, SurveyResponse
from lodestar.evaluations.surveys import survey_close
from tests.evaluations.survey_helpers import assign, day, make_pair, make_survey

pytestmark = pytest.mark.django_db

QUESTIONS = [
    ("likert", "I am satisfied.", None, True),
    ("nps", "Would you recommend it?", None, True),
    ("single", "How often do you meet?", ["Weekly", "Monthly"], True),
    ("multiple", "What helped?", ["Meetings", "Goals", "Resources"], False),
    ("text", "Anything else?", None, False),
]


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(program, mentor, mentee)


@pytest.fixture
def survey(program, coordinator):
    return make_survey(program, coordinator, questions=QUESTIONS, activate_at=day(0))


@pytest.fixture
def assignment(survey, mentee, pair):
    return assign(survey, mentee, mentorship=pair)


def ids(survey) -> list[int]:
    return [q.pk for q in survey.questions.all()]


def good(survey) -> dict:
    likert, nps, single, multiple, text = ids(survey)
    return {likert: "4", nps: 9, single: "1", multiple: ["0", "2"], text: "  Thanks!  "}


def test_answers_are_stored_by_kind_and_the_assignment_is_done(survey, assignment, mentee, pair):
    response = response_submit(assignment=assignment, by=mentee, answers=good(survey))
    likert, nps, single, multiple, text = ids(survey)
    stored = {a.question_id: a for a in response.answers.all()}
    assert (stored[likert].number, stored[nps].number) == (4, 9)
    assert (stored[single].chosen, stored[multiple].chosen) == ([1], [0, 2])
    assert stored[text].text == "Thanks!"
    assert (response.assignment, response.mentorship, response.role) == (assignment, pair, "mentee")
    assignment.refresh_from_db()
    assert assignment.status == "done" and assignment.completed_at is not None


def test_optional_questions_may_be_left_out(survey, assignment, mentee):
    likert, nps, single, multiple, text = ids(survey)
    response = response_submit(
        assignment=assignment,
        by=mentee,
        answers={likert: 1, nps: "0", single: 0, multiple: [], text: "   "},
    )
    assert sorted(a.question_id for a in response.answers.all()) == [likert, nps, single]


@pytest.mark.parametrize(
    "position, value, message",
    [
        (0, None, "This question needs an answer."),
        (0, "", "This question needs an answer."),
        (0, 0, "from 1 to 5"),
        (0, 6, "from 1 to 5"),
        (0, "3.5", "from 1 to 5"),
        (0, True, "from 1 to 5"),
        (0, "four", "from 1 to 5"),
        (1, -1, "from 0 to 10"),
        (1, 11, "from 0 to 10"),
        (2, 2, "Choose one of the options."),
        (2, "-1", "Choose one of the options."),
        (2, "Weekly", "Choose one of the options."),
        (3, ["0", "7"], "Choose among the options."),
        (3, "0", "Choose among the options."),
        (3, ["x"], "Choose among the options."),
        (4, "x" * 5001, "under 5000 characters"),
        (4, ["not", "text"], "as text"),
    ],
)
def test_every_bad_answer_is_refused_and_nothing_is_stored(
    survey, assignment, mentee, position, value, message
):
    answers = good(survey)
    answers[ids(survey)[position]] = value
    with pytest.raises(ValidationError) as error:
        response_submit(assignment=assignment, by=mentee, answers=answers)
    field = f"q{ids(survey)[position]}"
    assert message in " ".join(error.value.message_dict[field])
    assert not SurveyResponse.objects.exists() and not SurveyAnswer.objects.exists()
    assert SurveyAssignment.objects.get(pk=assignment.pk).status == "pending"


def test_every_problem_is_reported_at_once(survey, assignment, mentee):
    likert, nps, single, *_rest = ids(survey)
    with pytest.raises(ValidationError) as error:
        response_submit(assignment=assignment, by=mentee, answers={likert: 9})
    assert set(error.value.message_dict) == {f"q{likert}", f"q{nps}", f"q{single}"}


def test_an_answer_to_a_question_of_another_survey_is_refused(
    survey, assignment, mentee, program, coordinator
):
    other = make_survey(program, coordinator)
    answers = good(survey) | {other.questions.first().pk: 3}
    with pytest.raises(ValidationError) as error:
        response_submit(assignment=assignment, by=mentee, answers=answers)
    assert "questions this survey does not have" in " ".join(error.value.messages)


def test_a_survey_is_answered_once(survey, assignment, mentee):
    response_submit(assignment=assignment, by=mentee, answers=good(survey))
    with pytest.raises(ValidationError) as error:
        response_submit(assignment=assignment, by=mentee, answers=good(survey))
    assert "already answered" in " ".join(error.value.messages)
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("who", ["mentor", "coordinator", "outsider"])
def test_only_the_person_asked_answers(request, survey, assignment, who):
    with pytest.raises(ValidationError) as error:
        response_submit(
            assignment=assignment, by=request.getfixturevalue(who), answers=good(survey)
        )
    assert "not sent to you" in " ".join(error.value.messages)
    assert not SurveyResponse.objects.exists()


def test_no_answer_after_the_due_time_even_before_the_expiry_job(survey, assignment, mentee):
    later = assignment.due_at + timedelta(minutes=1)
    with pytest.raises(ValidationError) as error:
        response_submit(assignment=assignment, by=mentee, answers=good(survey), now=later)
    assert "The time to answer this survey ended" in " ".join(error.value.messages)
    SurveyAssignment.objects.filter(pk=assignment.pk).update(status="expired")
    with pytest.raises(ValidationError):
        response_submit(assignment=assignment, by=mentee, answers=good(survey))
    assert not SurveyResponse.objects.exists()


def test_no_answer_once_the_survey_is_closed(survey, assignment, mentee, coordinator):
    survey_close(survey=survey, by=coordinator)
    with pytest.raises(ValidationError) as error:
        response_submit(assignment=assignment, by=mentee, answers=good(survey))
    assert "closed" in " ".join(error.value.messages)


def test_an_anonymous_response_keeps_no_person_no_mentorship_and_the_day_only(
    survey, assignment, mentee
):
    survey.__class__.objects.filter(pk=survey.pk).update(anonymity="anonymous")
    moment = datetime(2027, 5, 4, 15, 37, 12, tzinfo=UTC)
    assignment.due_at = moment + timedelta(days=3)
    assignment.save()
    response = response_submit(assignment=assignment, by=mentee, answers=good(survey), now=moment)
    response.refresh_from_db()
    assert response.assignment is None and response.mentorship is None
    assert (response.role, response.submitted_on.isoformat()) == ("mentee", "2027-05-04")
    assignment.refresh_from_db()
    # The assignment says that they answered, not when within the day.
    assert assignment.status == "done"
    assert assignment.completed_at == datetime(2027, 5, 4, tzinfo=UTC)
    assert not SurveyResponse.objects.filter(assignment__user=mentee).exists()
