"""The intake form builder: the question services and what a coordinator sees."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lodestar.programs.models import Answer, Question
from lodestar.programs.services.intake import (
    question_create,
    question_delete,
    question_move,
    question_update,
)
from tests import factories

pytestmark = pytest.mark.django_db


def question_data(**overrides):
    data = {
        "role": "mentee",
        "label": "Which area do you want to grow in?",
        "help_text": "",
        "kind": "single_choice",
        "choices": "Design\nEngineering\nProduct",
        "min_value": None,
        "max_value": None,
        "profile_field": "",
        "required": True,
        "is_criterion": False,
        "paired_with": None,
        "rule": "",
        "weight": 5,
        "match_required": False,
        "tolerance": None,
    }
    return {**data, **overrides}


def form_data(**overrides):
    data = question_data(**overrides)
    return {
        key: ("" if value is None else value.pk if isinstance(value, Question) else value)
        for key, value in data.items()
        if value is not False
    }


def refused(program, coordinator, field, **overrides):
    """The message the service gives for `field`, after checking that nothing was created."""
    before = Question.objects.count()
    with pytest.raises(ValidationError) as error:
        question_create(program=program, data=question_data(**overrides), by=coordinator)
    assert Question.objects.count() == before
    return " ".join(error.value.message_dict[field])


@pytest.fixture
def skills_offered(program):
    return factories.make_question(
        program, label="Skills you can teach", role="mentor", kind="profile", profile_field="skills"
    )


# --- creating questions ---------------------------------------------------------------------


def test_a_choice_question_keeps_its_choices_in_order(program, coordinator):
    question = question_create(program=program, data=question_data(), by=coordinator)
    assert question.choices == ["Design", "Engineering", "Product"]
    assert question.program == program
    assert question.required


def test_new_questions_go_last_in_their_role(program, coordinator):
    first = question_create(program=program, data=question_data(label="One"), by=coordinator)
    second = question_create(program=program, data=question_data(label="Two"), by=coordinator)
    assert second.position > first.position


def test_a_criterion_compares_with_a_question_of_the_other_role(
    program, coordinator, skills_offered
):
    question = question_create(
        program=program,
        data=question_data(
            label="Skills you want to learn",
            kind="profile",
            profile_field="skills",
            is_criterion=True,
            paired_with=skills_offered,
            rule="overlap",
            weight=8,
            match_required=True,
        ),
        by=coordinator,
    )
    assert (question.paired_with, question.rule, question.weight) == (skills_offered, "overlap", 8)
    assert question.choices == []  # a profile question has no choices


def test_a_choice_question_needs_choices(program, coordinator):
    assert "at least two choices" in refused(program, coordinator, "choices", choices="")


def test_a_choice_question_needs_at_least_two_choices(program, coordinator):
    assert "at least two choices" in refused(program, coordinator, "choices", choices="Design")


def test_choices_must_differ(program, coordinator):
    message = refused(program, coordinator, "choices", choices="Design\ndesign\nProduct")
    assert "Each choice must be different" in message


def test_a_number_range_needs_min_below_max(program, coordinator):
    message = refused(
        program, coordinator, "max_value", kind="number", min_value=10, max_value=2, choices=""
    )
    assert "at least the minimum" in message


def test_a_profile_question_names_its_field(program, coordinator):
    message = refused(program, coordinator, "profile_field", kind="profile", profile_field="")
    assert "Choose which profile field" in message


def test_a_criterion_cannot_compare_with_a_question_of_the_same_role(program, coordinator):
    other_mentee_question = factories.make_question(
        program, label="Skills you have", kind="profile", profile_field="skills"
    )
    message = refused(
        program,
        coordinator,
        "paired_with",
        kind="profile",
        profile_field="skills",
        is_criterion=True,
        rule="overlap",
        paired_with=other_mentee_question,
    )
    assert "other role" in message


def test_a_criterion_cannot_compare_with_a_question_of_another_program(
    program, coordinator, other_program
):
    foreign = factories.make_question(
        other_program, label="Skills", role="mentor", kind="profile", profile_field="skills"
    )
    message = refused(
        program,
        coordinator,
        "paired_with",
        kind="profile",
        profile_field="skills",
        is_criterion=True,
        rule="overlap",
        paired_with=foreign,
    )
    assert "Choose a question of this program" in message


def test_a_criterion_needs_a_rule(program, coordinator, skills_offered):
    message = refused(
        program,
        coordinator,
        "rule",
        kind="profile",
        profile_field="skills",
        is_criterion=True,
        paired_with=skills_offered,
    )
    assert "Choose how answers are compared" in message


def test_a_rule_must_fit_the_type_of_question(program, coordinator):
    years = factories.make_question(
        program, label="Years of experience", role="mentor", kind="number"
    )
    message = refused(
        program,
        coordinator,
        "rule",
        label="Years wanted",
        kind="number",
        choices="",
        is_criterion=True,
        paired_with=years,
        rule="overlap",
    )
    assert "“Overlap” compares lists" in message


def test_a_rule_must_fit_the_compared_question_too(program, coordinator):
    seniority = factories.make_question(
        program, label="Seniority", role="mentor", kind="profile", profile_field="seniority"
    )
    message = refused(
        program,
        coordinator,
        "rule",
        label="Years of experience",
        kind="number",
        choices="",
        is_criterion=True,
        paired_with=seniority,
        rule="above",
    )
    assert "different kinds of answers" in message


def test_availability_needs_the_availability_field(program, coordinator, skills_offered):
    message = refused(
        program,
        coordinator,
        "rule",
        kind="profile",
        profile_field="skills",
        is_criterion=True,
        paired_with=skills_offered,
        rule="availability",
    )
    assert "weekly availability" in message


def test_near_needs_a_tolerance(program, coordinator):
    zone = factories.make_question(
        program, label="Time zone", role="mentor", kind="profile", profile_field="timezone"
    )
    message = refused(
        program,
        coordinator,
        "tolerance",
        label="Your time zone",
        kind="profile",
        profile_field="timezone",
        is_criterion=True,
        paired_with=zone,
        rule="near",
    )
    assert "tolerance above zero" in message


@pytest.mark.parametrize("weight", [11, -1])
def test_weight_goes_from_0_to_10(program, coordinator, weight):
    assert "from 0 to 10" in refused(program, coordinator, "weight", weight=weight)


def test_a_role_the_program_does_not_have_is_refused(coordinator):
    peers = factories.make_program(coordinator=coordinator, name="Peer circle", kind="peer")
    assert "peer" in refused(peers, coordinator, "role", role="mentee")


def test_the_same_question_cannot_be_asked_twice_of_a_role(program, coordinator):
    question_create(program=program, data=question_data(), by=coordinator)
    message = refused(program, coordinator, "label", label="which area do you want to grow in?")
    assert "already asks this question" in message


def test_in_a_peer_program_a_criterion_compares_peers_on_the_same_question(coordinator):
    peers = factories.make_program(coordinator=coordinator, name="Peer circle", kind="peer")
    question = question_create(
        program=peers,
        data=question_data(role="peer", kind="multiple_choice", is_criterion=True, rule="overlap"),
        by=coordinator,
    )
    assert question.paired_with == question


def test_someone_else_cannot_add_questions(program, other_coordinator):
    with pytest.raises(PermissionDenied):
        question_create(program=program, data=question_data(), by=other_coordinator)
    assert not Question.objects.exists()


# --- editing, deleting, ordering -------------------------------------------------------------


def test_editing_a_question(program, coordinator):
    question = question_create(program=program, data=question_data(), by=coordinator)
    question_update(
        question=question,
        data=question_data(label="Your area", choices="Design\nData"),
        by=coordinator,
    )
    question.refresh_from_db()
    assert (question.label, question.choices) == ("Your area", ["Design", "Data"])


def test_a_rejected_edit_changes_nothing(program, coordinator):
    question = question_create(program=program, data=question_data(), by=coordinator)
    with pytest.raises(ValidationError):
        question_update(
            question=question, data=question_data(label="New", weight=11), by=coordinator
        )
    question.refresh_from_db()
    assert (question.label, question.weight) == ("Which area do you want to grow in?", 5)


def test_an_answered_question_keeps_its_type(program, coordinator, mentee):
    question = question_create(program=program, data=question_data(), by=coordinator)
    factories.make_answer(mentee.enrolments.get(), question, "Design")
    with pytest.raises(ValidationError) as error:
        question_update(
            question=question, data=question_data(kind="short_text", choices=""), by=coordinator
        )
    assert "cannot change" in " ".join(error.value.message_dict["kind"])
    question.refresh_from_db()
    assert question.kind == "single_choice"


def test_an_edit_that_breaks_a_criterion_compared_with_it_is_refused(
    program, coordinator, skills_offered
):
    question_create(
        program=program,
        data=question_data(
            label="Skills wanted",
            kind="profile",
            profile_field="skills",
            is_criterion=True,
            paired_with=skills_offered,
            rule="overlap",
        ),
        by=coordinator,
    )
    with pytest.raises(ValidationError, match="would no longer fit"):
        question_update(
            question=skills_offered,
            data=question_data(role="mentor", label="Years", kind="number", choices=""),
            by=coordinator,
        )
    skills_offered.refresh_from_db()
    assert skills_offered.kind == "profile"


def test_deleting_a_question_deletes_its_answers_and_unpairs_criteria(
    program, coordinator, skills_offered, mentor
):
    wanted = question_create(
        program=program,
        data=question_data(
            label="Skills wanted",
            kind="profile",
            profile_field="skills",
            is_criterion=True,
            paired_with=skills_offered,
            rule="overlap",
        ),
        by=coordinator,
    )
    factories.make_answer(mentor.enrolments.get(), skills_offered, ["Python"])
    question_delete(question=skills_offered, by=coordinator)
    wanted.refresh_from_db()
    assert not Question.objects.filter(pk=skills_offered.pk).exists()
    assert not Answer.objects.exists()
    assert (wanted.is_criterion, wanted.paired_with) == (False, None)


def test_moving_questions_up_and_down(program, coordinator):
    one, _two, three = (
        question_create(program=program, data=question_data(label=label), by=coordinator)
        for label in ("One", "Two", "Three")
    )
    question_move(question=three, direction="up")
    assert list(program.questions.order_by("position").values_list("label", flat=True)) == [
        "One",
        "Three",
        "Two",
    ]
    question_move(question=one, direction="up")  # already first: nothing happens
    question_move(question=one, direction="down")
    assert list(program.questions.order_by("position").values_list("label", flat=True)) == [
        "Three",
        "One",
        "Two",
    ]


def test_moving_sideways_is_refused(program, coordinator):
    question = question_create(program=program, data=question_data(), by=coordinator)
    with pytest.raises(ValidationError):
        question_move(question=question, direction="left")


# --- the builder's pages -------------------------------------------------------------------


def test_question_list_groups_questions_by_role(client, coordinator, program, skills_offered):
    question_create(
        program=program,
        data=question_data(
            label="Skills wanted",
            kind="profile",
            profile_field="skills",
            is_criterion=True,
            paired_with=skills_offered,
            rule="overlap",
            weight=7,
            match_required=True,
        ),
        by=coordinator,
    )
    client.force_login(coordinator)
    response = client.get(reverse("question_list", args=[program.slug]))
    groups = {group["role"]: group["questions"] for group in response.context["groups"]}
    assert [q.label for q in groups["mentor"]] == ["Skills you can teach"]
    assert [q.label for q in groups["mentee"]] == ["Skills wanted"]
    content = response.content.decode()
    assert "compared with “Skills you can teach”" in content
    assert "weight 7" in content
    assert "required for a match" in content


def test_question_list_does_a_bounded_number_of_queries(
    client, coordinator, program, django_assert_max_num_queries
):
    mentor_questions = [
        factories.make_question(program, label=f"Mentor {n}", role="mentor", kind="number")
        for n in range(5)
    ]
    for n, paired in enumerate(mentor_questions):
        factories.make_question(
            program,
            label=f"Mentee {n}",
            kind="number",
            is_criterion=True,
            rule="near",
            tolerance=2,
            paired_with=paired,
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("question_list", args=[program.slug]))
    assert response.content.decode().count("compared with “Mentor") == 5


def test_adding_a_question_through_the_form(client, coordinator, program):
    client.force_login(coordinator)
    response = client.post(reverse("question_create", args=[program.slug]), form_data())
    assert response.status_code == 302
    assert Question.objects.get().choices == ["Design", "Engineering", "Product"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"choices": ""}, "Give at least two choices, one per line."),
        (
            {"kind": "number", "min_value": 5, "max_value": 1},
            "The maximum must be at least the minimum.",
        ),
        ({"weight": 11}, "The weight goes from 0 to 10"),
        (
            {
                "kind": "short_text",
                "is_criterion": True,
                "rule": "above",
                "paired_with": "mentor_q",
            },
            "“Mentor above mentee” needs a number",
        ),
        (
            {"is_criterion": True, "rule": "same", "paired_with": "foreign_q"},
            "Choose a question of this program to compare with.",
        ),
    ],
)
def test_question_form_shows_each_problem_next_to_its_field(
    client, coordinator, program, other_program, overrides, message
):
    mentor_q = factories.make_question(program, label="Bio", role="mentor", kind="long_text")
    foreign_q = factories.make_question(other_program, label="Area", role="mentor")
    replacements = {"mentor_q": mentor_q.pk, "foreign_q": foreign_q.pk}
    overrides = {k: replacements.get(v, v) for k, v in overrides.items()}
    client.force_login(coordinator)
    response = client.post(reverse("question_create", args=[program.slug]), form_data(**overrides))
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'aria-invalid="true"' in content
    assert program.questions.count() == 1  # only the mentor question made above


def test_editing_a_question_through_the_form(client, coordinator, program):
    question = factories.make_question(program, label="Goals", kind="long_text")
    client.force_login(coordinator)
    url = reverse("question_edit", args=[program.slug, question.pk])
    assert "Goals" in client.get(url).content.decode()
    client.post(url, form_data(label="Your goals", kind="long_text", choices=""))
    question.refresh_from_db()
    assert question.label == "Your goals"


def test_deleting_asks_for_confirmation_first(client, coordinator, program, mentee):
    question = factories.make_question(program, label="Goals")
    factories.make_answer(mentee.enrolments.get(), question, "Grow")
    client.force_login(coordinator)
    url = reverse("question_delete", args=[program.slug, question.pk])
    page = client.get(url).content.decode()
    assert "1 answer to it will be deleted too." in page
    assert Question.objects.filter(pk=question.pk).exists()
    response = client.post(url)
    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()


def test_moving_with_htmx_returns_the_updated_list(client, coordinator, program):
    factories.make_question(program, label="First", position=0)
    second = factories.make_question(program, label="Second", position=1)
    client.force_login(coordinator)
    response = client.post(
        reverse("question_move", args=[program.slug, second.pk]),
        {"direction": "up"},
        headers={"HX-Request": "true"},
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'id="question-groups"' in content
    assert content.index("Second") < content.index("First")


def test_moving_without_htmx_redirects_to_the_list(client, coordinator, program):
    factories.make_question(program, label="First", position=0)
    second = factories.make_question(program, label="Second", position=1)
    client.force_login(coordinator)
    response = client.post(
        reverse("question_move", args=[program.slug, second.pk]), {"direction": "up"}
    )
    assert response["Location"] == reverse("question_list", args=[program.slug])
    assert list(program.questions.order_by("position").values_list("label", flat=True)) == [
        "Second",
        "First",
    ]


def test_a_question_of_another_program_is_not_found(client, coordinator, program, other_program):
    foreign = factories.make_question(other_program, label="Area")
    client.force_login(coordinator)
    for name in ("question_edit", "question_delete"):
        assert client.get(reverse(name, args=[program.slug, foreign.pk])).status_code == 404
    response = client.post(reverse("question_delete", args=[program.slug, foreign.pk]))
    assert response.status_code == 404
    assert Question.objects.filter(pk=foreign.pk).exists()


def test_a_peer_program_asks_its_questions_of_peers(client, coordinator):
    peers = factories.make_program(coordinator=coordinator, name="Peer circle", kind="peer")
    question_create(
        program=peers,
        data=question_data(role="peer", kind="multiple_choice", is_criterion=True, rule="overlap"),
        by=coordinator,
    )
    client.force_login(coordinator)
    response = client.get(reverse("question_list", args=[peers.slug]))
    assert [group["role"] for group in response.context["groups"]] == ["peer"]
    assert "compared between peers" in response.content.decode()
    form = client.get(reverse("question_create", args=[peers.slug])).content.decode()
    assert 'value="peer"' in form and 'value="mentor"' not in form


def test_an_answered_question_keeps_its_role(program, coordinator, mentee):
    question = question_create(program=program, data=question_data(), by=coordinator)
    factories.make_answer(mentee.enrolments.get(), question, "Design")
    with pytest.raises(ValidationError) as error:
        question_update(question=question, data=question_data(role="mentor"), by=coordinator)
    assert "cannot change" in " ".join(error.value.message_dict["role"])
    question.refresh_from_db()
    assert question.role == "mentee"


@pytest.mark.parametrize("label", ["Email", " capacity ", "ROLE"])
def test_a_question_cannot_take_the_name_of_a_participant_file_column(program, coordinator, label):
    message = refused(program, coordinator, "label", label=label)
    assert "is a column of the participant file already" in message
