"""The intake form a participant fills in, and the service that saves their answers."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lodestar.accounts.models import AvailabilityWindow
from lodestar.programs.models import Answer, Enrolment
from lodestar.programs.services.intake import answers_save
from lodestar.programs.states import EnrolmentStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(program):
    make = factories.make_question
    return {
        "track": make(
            program,
            label="Which track?",
            kind="single_choice",
            choices=["Design", "Engineering"],
            required=True,
            position=0,
        ),
        "years": make(
            program,
            label="Years of experience",
            kind="number",
            min_value=0,
            max_value=50,
            position=1,
        ),
        "confidence": make(program, label="How confident are you?", kind="scale", position=2),
        "topics": make(
            program,
            label="Topics",
            kind="multiple_choice",
            choices=["Careers", "Leadership", "Writing"],
            position=3,
        ),
        "goals": make(program, label="Your goals", kind="long_text", required=True, position=4),
        "skills": make(
            program, label="Skills to learn", kind="profile", profile_field="skills", position=5
        ),
        "seniority": make(
            program, label="Your level", kind="profile", profile_field="seniority", position=6
        ),
        "mentor_only": make(program, label="What can you offer?", role="mentor"),
    }


def answers_form(questions, **overrides):
    data = {
        "track": "Engineering",
        "years": "3",
        "confidence": "4",
        "topics": ["Careers", "Writing"],
        "goals": "Lead a team within a year.",
        "skills": "Python, Public speaking",
        "seniority": "2",
    }
    data.update(overrides)
    return {f"question_{questions[key].pk}": value for key, value in data.items()}


def intake_url(program):
    return reverse("intake_form", args=[program.slug])


# --- who may open it ------------------------------------------------------------------------


def test_a_mentee_sees_only_the_mentee_questions(client, mentee, program, questions):
    client.force_login(mentee)
    content = client.get(intake_url(program)).content.decode()
    assert "Which track?" in content
    assert "Skills to learn" in content
    assert "What can you offer?" not in content
    assert "How many mentees can you take on?" not in content


def test_each_type_of_question_gets_a_fitting_input(client, mentee, program, questions):
    client.force_login(mentee)
    content = client.get(intake_url(program)).content.decode()
    track, years, topics, goals = (questions[k].pk for k in ("track", "years", "topics", "goals"))
    assert f'type="radio" name="question_{track}" value="Design"' in content
    assert f'type="number" name="question_{years}"' in content
    assert 'min="0"' in content and 'max="50"' in content
    assert f'type="checkbox" name="question_{topics}" value="Careers"' in content
    assert f'<textarea name="question_{goals}"' in content
    assert "<legend" in content  # radio and checkbox groups are labelled as a group


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator"])
def test_people_without_an_enrolment_get_404(request, client, program, questions, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(intake_url(program)).status_code == 404
    assert client.post(intake_url(program), answers_form(questions)).status_code == 404
    assert not Answer.objects.exists()


@pytest.mark.parametrize("status", [EnrolmentStatus.WITHDRAWN, EnrolmentStatus.DECLINED])
def test_withdrawn_or_declined_people_get_404(client, program, questions, status):
    person = factories.make_user("gone@example.com")
    factories.make_enrolment(program, person, status=status)
    client.force_login(person)
    assert client.get(intake_url(program)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, program):
    response = client.get(intake_url(program))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_applicant_can_already_fill_in_the_form(client, program, questions):
    applicant = factories.make_user("applicant@example.com")
    factories.make_enrolment(program, applicant, status=EnrolmentStatus.APPLIED)
    client.force_login(applicant)
    assert client.get(intake_url(program)).status_code == 200


# --- saving -----------------------------------------------------------------------------------


def test_saving_answers_stores_them_updates_the_profile_and_thanks_the_person(
    client, mentee, program, questions
):
    client.force_login(mentee)
    response = client.post(intake_url(program), answers_form(questions), follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "Your answers are saved." in response.content.decode()
    enrolment = Enrolment.objects.get(user=mentee)
    saved = {answer.question_id: answer.value for answer in enrolment.answers.all()}
    assert saved[questions["track"].pk] == "Engineering"
    assert saved[questions["years"].pk] == 3
    assert saved[questions["confidence"].pk] == 4
    assert saved[questions["topics"].pk] == ["Careers", "Writing"]
    assert enrolment.intake_completed_at is not None
    mentee.profile.refresh_from_db()
    assert sorted(tag.name for tag in mentee.profile.skills.all()) == ["Public speaking", "Python"]
    assert mentee.profile.seniority == 2


def test_saved_answers_fill_in_the_form_again(client, mentee, program, questions):
    client.force_login(mentee)
    client.post(intake_url(program), answers_form(questions))
    content = client.get(intake_url(program)).content.decode()
    track = questions["track"].pk
    assert f'value="Engineering" required id="id_question_{track}_1" checked' in content
    assert 'value="Public speaking, Python"' in content
    assert "Lead a team within a year." in content


def test_clearing_an_optional_answer_deletes_it(client, mentee, program, questions):
    client.force_login(mentee)
    client.post(intake_url(program), answers_form(questions))
    client.post(intake_url(program), answers_form(questions, years=""))
    assert not Answer.objects.filter(question=questions["years"]).exists()
    assert Answer.objects.filter(question=questions["track"]).exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("track", "Marketing", "“Marketing” is not one of the options: Design, Engineering."),
        ("years", "80", "Enter a number of at most 50."),
        ("years", "many", "“many” is not a number."),
        ("track", "", "This question needs an answer."),
        ("confidence", "7", "Choose a whole number from 1 to 5."),
        ("seniority", "Astronaut", "“Astronaut” is not a seniority level."),
    ],
)
def test_an_invalid_answer_is_shown_next_to_its_question_and_nothing_is_saved(
    client, mentee, program, questions, field, value, message
):
    client.force_login(mentee)
    response = client.post(intake_url(program), answers_form(questions, **{field: value}))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert f'id="id_question_{questions[field].pk}_error"' in content
    assert not Answer.objects.exists()
    assert not mentee.profile.skills.exists()
    assert Enrolment.objects.get(user=mentee).intake_completed_at is None


def test_a_mentor_also_says_how_many_mentees_they_take(client, mentor, program, questions):
    client.force_login(mentor)
    url = intake_url(program)
    content = client.get(url).content.decode()
    assert "What can you offer?" in content and "Which track?" not in content
    response = client.post(
        url, {f"question_{questions['mentor_only'].pk}": "Code reviews", "capacity": "3"}
    )
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(user=mentor)
    assert enrolment.capacity == 3
    assert enrolment.answers.get().value == "Code reviews"


@pytest.mark.parametrize("capacity", ["0", "21"])
def test_a_mentor_capacity_goes_from_1_to_20(client, mentor, program, questions, capacity):
    client.force_login(mentor)
    response = client.post(
        intake_url(program),
        {f"question_{questions['mentor_only'].pk}": "Code reviews", "capacity": capacity},
    )
    assert "Choose a number of mentees from 1 to 20." in response.content.decode()
    enrolment = Enrolment.objects.get(user=mentor)
    assert enrolment.capacity == 2
    assert not enrolment.answers.exists()


def test_a_mentee_cannot_set_a_capacity(client, mentee, program, questions):
    client.force_login(mentee)
    client.post(intake_url(program), {**answers_form(questions), "capacity": "5"})
    assert Enrolment.objects.get(user=mentee).capacity is None


def test_availability_is_a_summary_with_a_link_to_edit_it(client, mentee, program):
    factories.make_question(
        program, label="When can you meet?", kind="profile", profile_field="availability"
    )
    AvailabilityWindow.objects.create(
        user=mentee, weekday=0, start=datetime.time(9), end=datetime.time(11)
    )
    client.force_login(mentee)
    content = client.get(intake_url(program)).content.decode()
    assert "Monday 09:00–11:00" in content
    assert reverse("availability_edit") in content


def test_required_availability_asks_the_person_to_set_it_first(client, mentee, program):
    factories.make_question(
        program,
        label="When can you meet?",
        kind="profile",
        profile_field="availability",
        required=True,
    )
    client.force_login(mentee)
    response = client.post(intake_url(program), {})
    assert "Add your weekly availability on your profile" in response.content.decode()
    assert Enrolment.objects.get(user=mentee).intake_completed_at is None


# --- the service on its own (as the API and imports use it) -----------------------------------


def test_answers_save_is_all_or_nothing(mentee, questions):
    enrolment = Enrolment.objects.get(user=mentee)
    with pytest.raises(ValidationError) as error:
        answers_save(
            enrolment=enrolment,
            raw_answers={
                questions["track"].pk: "Design",
                questions["goals"].pk: "Grow",
                questions["confidence"].pk: 7,
                questions["skills"].pk: "Python",
            },
        )
    assert questions["confidence"].pk in error.value.error_dict
    assert not Answer.objects.exists()
    assert not mentee.profile.skills.exists()


def test_answers_save_updates_existing_answers(mentee, questions):
    enrolment = Enrolment.objects.get(user=mentee)
    factories.make_answer(enrolment, questions["track"], "Design")
    answers_save(
        enrolment=enrolment,
        raw_answers={questions["track"].pk: "engineering", questions["goals"].pk: "Grow"},
    )
    assert enrolment.answers.get(question=questions["track"]).value == "Engineering"
    assert enrolment.answers.count() == 2


def test_answers_save_ignores_questions_of_the_other_role(mentee, questions):
    enrolment = Enrolment.objects.get(user=mentee)
    answers_save(
        enrolment=enrolment,
        raw_answers={
            questions["track"].pk: "Design",
            questions["goals"].pk: "Grow",
            questions["mentor_only"].pk: "Sneaky",
        },
    )
    assert not Answer.objects.filter(question=questions["mentor_only"]).exists()


def test_intake_form_does_a_bounded_number_of_queries(
    client, mentee, program, questions, django_assert_max_num_queries
):
    factories.make_question(
        program, label="Interests", kind="profile", profile_field="interests", position=7
    )
    factories.make_question(
        program, label="When can you meet?", kind="profile", profile_field="availability"
    )
    client.force_login(mentee)
    with django_assert_max_num_queries(14):  # +2: the unread counts in the navigation
        response = client.get(intake_url(program))
    assert response.status_code == 200
