"""Building surveys: blank or from a template, settings, questions, activation and closing —
by the program's coordinators only, with clear errors, and with the questions frozen once sent."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from lodestar.evaluations.models import Survey, SurveyAssignment, SurveyQuestion
from lodestar.evaluations.surveys import (
    question_add,
    question_delete,
    question_move,
    question_update,
    questions_reorder,
    survey_activate,
    survey_close,
    survey_create,
    survey_delete,
    survey_update,
)
from lodestar.evaluations.templates import TEMPLATES
from tests.evaluations.survey_helpers import assign, day, make_survey

pytestmark = pytest.mark.django_db


def messages_of(error: ValidationError) -> str:
    return " ".join(error.value.messages)


# --- creating -----------------------------------------------------------------------------------


def test_a_coordinator_creates_a_blank_survey_as_a_draft(program, coordinator):
    survey = survey_create(program=program, by=coordinator, title="  Our survey  ")
    assert (survey.title, survey.status, survey.template) == ("Our survey", "draft", "")
    assert survey.created_by == coordinator
    assert survey.questions.count() == 0


def test_a_blank_survey_needs_a_title(program, coordinator):
    with pytest.raises(ValidationError) as error:
        survey_create(program=program, by=coordinator, title="   ")
    assert "Give the survey a title." in messages_of(error)
    assert not Survey.objects.exists()


@pytest.mark.parametrize(
    "key, anchor, offset, anonymity, kinds",
    [
        ("pulse", "meeting_held", 0, "confidential", ["likert", "text"]),
        ("satisfaction_30", "mentorship_start", 30, "confidential", ["likert"] * 3 + ["text"]),
        ("end_of_program", "closure", 0, "anonymous", ["nps", "likert", "likert", "text"]),
    ],
)
def test_a_template_gives_its_questions_schedule_and_anonymity(
    program, coordinator, key, anchor, offset, anonymity, kinds
):
    survey = survey_create(program=program, by=coordinator, template=key)
    assert survey.template == key and survey.status == "draft"
    assert (survey.anchor, survey.offset_days, survey.anonymity) == (anchor, offset, anonymity)
    assert survey.title == str(TEMPLATES[key].title)
    assert [q.kind for q in survey.questions.all()] == kinds


def test_a_template_keeps_a_title_the_coordinator_gives(program, coordinator):
    survey = survey_create(program=program, by=coordinator, template="pulse", title="After meeting")
    assert survey.title == "After meeting"


def test_the_midpoint_review_is_halfway_through_the_programs_dates(program, coordinator):
    program.start_date, program.end_date = date(2027, 1, 1), date(2027, 7, 1)
    program.save()
    survey = survey_create(program=program, by=coordinator, template="midpoint")
    assert (survey.anchor, survey.offset_days) == ("program_start", 90)
    kinds = [q.kind for q in survey.questions.all()]
    assert kinds == ["likert", "likert", "single", "multiple", "text"]
    assert all(
        len(q.choices) >= 2 for q in survey.questions.filter(kind__in=["single", "multiple"])
    )


def test_without_an_end_date_the_midpoint_is_90_days_into_each_mentorship(program, coordinator):
    program.end_date = None
    program.save()
    survey = survey_create(program=program, by=coordinator, template="midpoint")
    assert (survey.anchor, survey.offset_days) == ("mentorship_start", 90)


def test_an_unknown_template_is_refused(program, coordinator):
    with pytest.raises(ValidationError) as error:
        survey_create(program=program, by=coordinator, template="nope")
    assert "ready-made" in messages_of(error)


@pytest.mark.parametrize("who", ["other_coordinator", "mentor", "outsider"])
def test_only_the_programs_coordinators_build_its_surveys(request, program, coordinator, who):
    person = request.getfixturevalue(who)
    survey = make_survey(program, coordinator)
    question = survey.questions.first()
    attempts = [
        lambda: survey_create(program=program, by=person, title="Mine"),
        lambda: survey_update(survey=survey, by=person, title="Mine"),
        lambda: question_add(survey=survey, by=person, kind="text", text="Why?"),
        lambda: question_update(question=question, by=person, text="Changed"),
        lambda: question_delete(question=question, by=person),
        lambda: survey_activate(survey=survey, by=person),
        lambda: survey_close(survey=survey, by=person),
        lambda: survey_delete(survey=survey, by=person),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert "Only the program’s coordinators" in messages_of(error)
    survey.refresh_from_db()
    assert (survey.title, survey.status, survey.questions.count()) == ("Pulse", "draft", 2)


# --- questions ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "choices, message",
    [
        (None, "at least two choices"),
        (["Only one"], "at least two choices"),
        (["  ", "Yes"], "at least two choices"),
        (["Yes", "yes"], "different from the others"),
        ([f"Option {i}" for i in range(13)], "at most 12 choices"),
        (["x" * 101, "Yes"], "under 100 characters"),
    ],
)
def test_choice_questions_need_two_to_twelve_different_choices(
    program, coordinator, choices, message
):
    survey = make_survey(program, coordinator, questions=[])
    for kind in ("single", "multiple"):
        with pytest.raises(ValidationError) as error:
            question_add(survey=survey, by=coordinator, kind=kind, text="Pick", choices=choices)
        assert message in messages_of(error)
    assert not SurveyQuestion.objects.exists()


def test_choices_may_come_one_a_line_and_are_trimmed(program, coordinator):
    survey = make_survey(program, coordinator, questions=[])
    question = question_add(
        survey=survey, by=coordinator, kind="single", text="Pick", choices=" Yes \n\nNo\n"
    )
    assert question.choices == ["Yes", "No"]


@pytest.mark.parametrize(
    "kind, text, field, message",
    [
        ("text", "  ", "text", "Write the question."),
        ("text", "x" * 301, "text", "under 300 characters"),
        ("essay", "Why?", "kind", "Choose a kind of question."),
    ],
)
def test_a_question_needs_a_known_kind_and_a_short_text(
    program, coordinator, kind, text, field, message
):
    survey = make_survey(program, coordinator, questions=[])
    with pytest.raises(ValidationError) as error:
        question_add(survey=survey, by=coordinator, kind=kind, text=text)
    assert message in " ".join(error.value.message_dict[field])


def test_a_question_other_than_a_choice_keeps_no_choices(program, coordinator):
    survey = make_survey(program, coordinator, questions=[])
    question = question_add(
        survey=survey, by=coordinator, kind="likert", text="Agree?", choices=["a", "b"]
    )
    assert question.choices == []


def test_questions_are_added_at_the_end_and_can_be_moved(program, coordinator):
    survey = make_survey(program, coordinator, questions=[])
    a, b, c = (
        question_add(survey=survey, by=coordinator, kind="text", text=t) for t in ("A", "B", "C")
    )
    assert [q.text for q in survey.questions.all()] == ["A", "B", "C"]
    question_move(question=c, by=coordinator, up=True)
    assert [q.text for q in survey.questions.all()] == ["A", "C", "B"]
    question_move(question=a, by=coordinator, up=True)  # already first: stays
    question_move(question=a, by=coordinator, up=False)
    assert [q.text for q in survey.questions.all()] == ["C", "A", "B"]
    questions_reorder(survey=survey, by=coordinator, order=[b.pk, a.pk, c.pk])
    assert [q.text for q in survey.questions.all()] == ["B", "A", "C"]


@pytest.mark.parametrize("order", ["empty", "missing one", "twice", "foreign"])
def test_a_new_order_must_list_every_question_once(program, coordinator, other_program, order):
    survey = make_survey(program, coordinator)
    ids = [q.pk for q in survey.questions.all()]
    foreign = make_survey(other_program, other_program.coordinators.first()).questions.first()
    order = {
        "empty": [],
        "missing one": ids[:1],
        "twice": [ids[0], ids[0]],
        "foreign": [ids[0], foreign.pk],
    }[order]
    with pytest.raises(ValidationError) as error:
        questions_reorder(survey=survey, by=coordinator, order=order)
    assert "every question of the survey once" in messages_of(error)


def test_a_draft_question_can_change_entirely(program, coordinator):
    survey = make_survey(program, coordinator)
    question = survey.questions.first()
    question_update(
        question=question,
        by=coordinator,
        text="Pick one",
        kind="single",
        choices=["Yes", "No"],
        required=False,
    )
    question.refresh_from_db()
    assert (question.kind, question.text, question.choices, question.required) == (
        "single",
        "Pick one",
        ["Yes", "No"],
        False,
    )
    question_delete(question=question, by=coordinator)
    assert survey.questions.count() == 1


# --- settings -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("title", "", "Give the survey a title."),
        ("intro", "x" * 2001, "under 2000 characters"),
        ("audience", "parents", "Choose one of the options."),
        ("anonymity", "secret", "Choose one of the options."),
        ("anchor", "full_moon", "Choose one of the options."),
        ("min_group_size", 2, "from 3 to 50"),
        ("min_group_size", 51, "from 3 to 50"),
        ("offset_days", -1, "from 0 to 730"),
        ("offset_days", "ten", "from 0 to 730"),
        ("repeat_days", 6, "from 7 to 365"),
        ("open_days", 0, "from 1 to 90"),
        ("open_days", 2.5, "from 1 to 90"),
        ("remind_after_days", 61, "from 1 to 60"),
    ],
)
def test_settings_out_of_bounds_are_refused_with_a_clear_message(
    program, coordinator, field, value, message
):
    survey = make_survey(program, coordinator)
    with pytest.raises(ValidationError) as error:
        survey_update(survey=survey, by=coordinator, **{field: value})
    assert message in " ".join(error.value.message_dict[field])
    fresh = Survey.objects.get(pk=survey.pk)
    assert getattr(fresh, field) == getattr(survey, field)


def test_a_draft_takes_every_setting(program, coordinator):
    survey = make_survey(program, coordinator)
    survey_update(
        survey=survey,
        by=coordinator,
        title="Day 30",
        audience="mentors",
        anonymity="anonymous",
        min_group_size=8,
        anchor="mentorship_start",
        offset_days=30,
        repeat_days=60,
        open_days=10,
        remind_after_days=3,
    )
    survey.refresh_from_db()
    assert (survey.title, survey.audience, survey.anonymity, survey.min_group_size) == (
        "Day 30",
        "mentors",
        "anonymous",
        8,
    )
    assert (survey.offset_days, survey.repeat_days, survey.open_days) == (30, 60, 10)


@pytest.mark.parametrize("anchor", ["meeting_held", "closure"])
def test_only_a_survey_counted_from_a_start_repeats(program, coordinator, anchor):
    survey = make_survey(program, coordinator)
    with pytest.raises(ValidationError) as error:
        survey_update(survey=survey, by=coordinator, anchor=anchor, repeat_days=30)
    assert "a meeting or a closure happens once" in messages_of(error)


# --- activation and closing ---------------------------------------------------------------------


def test_activation_needs_a_question(program, coordinator):
    survey = make_survey(program, coordinator, questions=[])
    with pytest.raises(ValidationError) as error:
        survey_activate(survey=survey, by=coordinator)
    assert "at least one question" in messages_of(error)
    assert Survey.objects.get(pk=survey.pk).status == "draft"


def test_a_survey_counted_from_the_program_start_needs_a_start_date(program, coordinator):
    program.start_date = None
    program.save()
    survey = make_survey(program, coordinator, anchor="program_start")
    with pytest.raises(ValidationError) as error:
        survey_activate(survey=survey, by=coordinator)
    assert "no start date" in messages_of(error)


def test_activate_then_close_and_never_back(program, coordinator):
    survey = make_survey(program, coordinator)
    with pytest.raises(ValidationError):
        survey_close(survey=survey, by=coordinator)  # a draft was never sent
    survey = survey_activate(survey=survey, by=coordinator, now=day(0))
    assert (survey.status, survey.activated_at) == ("active", day(0))
    survey = survey_close(survey=survey, by=coordinator, now=day(5))
    assert (survey.status, survey.closed_at) == ("closed", day(5))
    for again in (survey_activate, survey_close):
        with pytest.raises(ValidationError) as error:
            again(survey=survey, by=coordinator)
        assert "cannot go from" in messages_of(error)


def test_closing_expires_what_waits_for_an_answer(program, coordinator, mentee, mentor):
    survey = make_survey(program, coordinator, activate_at=day(0))
    waiting = assign(survey, mentee)
    answered = assign(survey, mentor, role="mentor")
    SurveyAssignment.objects.filter(pk=answered.pk).update(status="done")
    survey_close(survey=survey, by=coordinator)
    statuses = dict(SurveyAssignment.objects.values_list("pk", "status"))
    assert statuses == {waiting.pk: "expired", answered.pk: "done"}


def test_only_a_draft_is_deleted(program, coordinator):
    draft = make_survey(program, coordinator)
    survey_delete(survey=draft, by=coordinator)
    assert not Survey.objects.filter(pk=draft.pk).exists()
    sent = make_survey(program, coordinator, activate_at=day(0))
    with pytest.raises(ValidationError) as error:
        survey_delete(survey=sent, by=coordinator)
    assert "Only a draft can be deleted" in messages_of(error)


# --- once sent ----------------------------------------------------------------------------------


@pytest.fixture
def sent(program, coordinator):
    return make_survey(
        program,
        coordinator,
        questions=[
            ("likert", "Agree?", None, True),
            ("single", "Pick", ["Yes", "No"], True),
        ],
        activate_at=day(0),
    )


def test_once_sent_no_question_is_added_removed_or_moved(sent, coordinator):
    likert, single = sent.questions.all()
    attempts = [
        lambda: question_add(survey=sent, by=coordinator, kind="text", text="More?"),
        lambda: question_delete(question=likert, by=coordinator),
        lambda: question_move(question=single, by=coordinator, up=True),
        lambda: question_update(question=likert, by=coordinator, text="Agree?", kind="nps"),
        lambda: question_update(question=likert, by=coordinator, text="Agree?", required=False),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert "every answer counts the same question" in messages_of(error)
    assert [q.text for q in sent.questions.all()] == ["Agree?", "Pick"]


def test_once_sent_the_wording_can_still_be_fixed(sent, coordinator):
    likert, single = sent.questions.all()
    question_update(question=likert, by=coordinator, text="I agree.")
    question_update(question=single, by=coordinator, text="Pick one", choices=["Yes!", "No!"])
    with pytest.raises(ValidationError) as error:
        question_update(question=single, by=coordinator, text="Pick", choices=["A", "B", "C"])
    assert "not added or removed" in messages_of(error)
    likert.refresh_from_db()
    single.refresh_from_db()
    assert (likert.text, single.text, single.choices) == ("I agree.", "Pick one", ["Yes!", "No!"])


@pytest.mark.parametrize(
    "field, value",
    [
        ("audience", "mentors"),
        ("anonymity", "anonymous"),
        ("anchor", "closure"),
        ("offset_days", 60),
        ("repeat_days", 30),
    ],
)
def test_once_sent_who_how_and_when_stay_as_they_were(sent, coordinator, field, value):
    with pytest.raises(ValidationError) as error:
        survey_update(survey=sent, by=coordinator, **{field: value})
    assert "Close it and make a new one" in messages_of(error)


def test_once_sent_the_wording_and_timing_change(sent, coordinator):
    survey_update(
        survey=sent,
        by=coordinator,
        title="New title",
        intro="Hi",
        open_days=20,
        remind_after_days=2,
    )
    sent.refresh_from_db()
    assert (sent.title, sent.intro, sent.open_days, sent.remind_after_days) == (
        "New title",
        "Hi",
        20,
        2,
    )


def test_the_smallest_group_may_be_raised_never_lowered_once_sent(sent, coordinator):
    survey_update(survey=sent, by=coordinator, min_group_size=8)
    with pytest.raises(ValidationError) as error:
        survey_update(survey=sent, by=coordinator, min_group_size=4)
    assert "raised, not lowered" in messages_of(error)
    assert Survey.objects.get(pk=sent.pk).min_group_size == 8


def test_a_closed_survey_takes_wording_fixes_only(sent, coordinator):
    survey_close(survey=sent, by=coordinator)
    survey_update(survey=sent, by=coordinator, title="Last year’s pulse")
    with pytest.raises(ValidationError) as error:
        survey_update(survey=sent, by=coordinator, open_days=30)
    assert "This survey is closed" in messages_of(error)


def test_unchanged_locked_settings_are_not_an_error(sent, coordinator):
    """A settings form sends every field back: the ones that did not change are fine."""
    survey_update(
        survey=sent,
        by=coordinator,
        title="Renamed",
        audience=sent.audience,
        anonymity=sent.anonymity,
        anchor=sent.anchor,
        offset_days=sent.offset_days,
        repeat_days=sent.repeat_days,
    )
    assert Survey.objects.get(pk=sent.pk).title == "Renamed"
