"""The fairness check: a run's mentees grouped by one attribute, each group's match rate and
scores; a sensitive question's small groups are merged, never shown on their own."""

import pytest
from django.core.exceptions import ValidationError

from lodestar.matches.models import MatchRun, Proposal
from lodestar.matches.services.fairness import fairness_attributes, fairness_report
from tests import factories

pytestmark = pytest.mark.django_db


def make_run(program, mentees, scores):
    """A finished run over `mentees`; scores maps a mentee's index to their pair's score."""
    mentor = factories.make_enrolment(
        program, factories.make_user("tutor@example.com", name="Tutor"), role="mentor"
    )
    run = MatchRun.objects.create(
        program=program,
        number=1,
        solver="optimal",
        status="done",
        inputs={"mentees": [e.pk for e in mentees], "criteria": []},
    )
    Proposal.objects.bulk_create(
        Proposal(run=run, mentee=mentees[i], mentor=mentor, score=score)
        for i, score in scores.items()
    )
    return run


def make_mentees(program, count):
    return [
        factories.make_enrolment(
            program, factories.make_user(f"m{i}@example.com", name=f"Mentee {i}")
        )
        for i in range(count)
    ]


def by_label(report):
    return {g.label: (g.mentees, g.matched, round(g.rate), g.mean, g.lowest) for g in report.groups}


def test_groups_of_a_sensitive_question_under_five_people_are_merged(program):
    question = factories.make_question(
        program,
        label="Which group do you identify with?",
        kind="single_choice",
        choices=["Group A", "Group B", "Group C"],
        sensitive=True,
    )
    mentees = make_mentees(program, 10)
    answers = ["Group A"] * 6 + ["Group B"] * 2 + ["Group C"]
    for enrolment, answer in zip(mentees, answers, strict=False):
        factories.make_answer(enrolment, question, answer)
    run = make_run(program, mentees, {0: 80, 1: 60, 2: 70, 6: 30, 9: 50})

    report = fairness_report(run=run, attribute=f"question:{question.pk}")

    assert by_label(report) == {
        "Group A": (6, 3, 50, 70.0, 60.0),
        "Fewer than 5 people (merged)": (4, 2, 50, 40.0, 30.0),
    }
    assert report.groups[-1].merged
    assert report.merged_groups == 3
    assert (report.overall.mentees, report.overall.matched) == (10, 5)


def test_an_ordinary_question_shows_every_group(program):
    question = factories.make_question(
        program, label="Track", kind="single_choice", choices=["Design", "Data"]
    )
    mentees = make_mentees(program, 3)
    factories.make_answer(mentees[0], question, "Design")
    factories.make_answer(mentees[1], question, "Data")
    run = make_run(program, mentees, {0: 90})
    report = fairness_report(run=run, attribute=f"question:{question.pk}")
    assert by_label(report) == {
        "Design": (1, 1, 100, 90.0, 90.0),
        "Data": (1, 0, 0, None, None),
        "No answer": (1, 0, 0, None, None),
    }
    assert report.merged_groups == 0


def test_a_multiple_choice_answer_counts_in_each_chosen_group(program):
    question = factories.make_question(
        program, label="Interests", kind="multiple_choice", choices=["Design", "Data"]
    )
    mentees = make_mentees(program, 2)
    factories.make_answer(mentees[0], question, ["Design", "Data"])
    factories.make_answer(mentees[1], question, ["Data"])
    run = make_run(program, mentees, {0: 40, 1: 60})
    report = fairness_report(run=run, attribute=f"question:{question.pk}")
    assert by_label(report) == {"Data": (2, 2, 100, 50.0, 40.0), "Design": (1, 1, 100, 40.0, 40.0)}
    assert report.several_per_person


def test_short_answers_typed_differently_are_one_group(program):
    question = factories.make_question(program, label="City", kind="short_text")
    mentees = make_mentees(program, 2)
    factories.make_answer(mentees[0], question, "Paris")
    factories.make_answer(mentees[1], question, " paris ")
    run = make_run(program, mentees, {0: 50})
    assert by_label(fairness_report(run=run, attribute=f"question:{question.pk}")) == {
        "Paris": (2, 1, 50, 50.0, 50.0)
    }


def test_profile_fields_group_mentees_too(program):
    mentees = make_mentees(program, 3)
    for enrolment, (department, seniority) in zip(
        mentees, [("Sales", 2), ("Sales", 2), ("Legal", None)], strict=True
    ):
        profile = enrolment.user.profile
        profile.department = department
        profile.seniority = seniority
        profile.save()
    run = make_run(program, mentees, {0: 70, 2: 20})
    assert by_label(fairness_report(run=run, attribute="profile:department")) == {
        "Sales": (2, 1, 50, 70.0, 70.0),
        "Legal": (1, 1, 100, 20.0, 20.0),
    }
    assert by_label(fairness_report(run=run, attribute="profile:seniority")) == {
        "Early career": (2, 1, 50, 70.0, 70.0),
        "No answer": (1, 1, 100, 20.0, 20.0),
    }


def test_the_attributes_offered_are_the_mentee_questions_that_group_and_profile_fields(
    program, other_program
):
    factories.make_question(program, label="Goals", kind="long_text")
    factories.make_question(program, label="Years", kind="number")
    factories.make_question(program, label="Offer", role="mentor", kind="single_choice")
    track = factories.make_question(program, label="Track", kind="single_choice")
    factories.make_question(other_program, label="Theirs", kind="single_choice")
    keys = [a.key for a in fairness_attributes(program)]
    assert keys == [
        f"question:{track.pk}",
        "profile:department",
        "profile:location",
        "profile:organisation",
        "profile:seniority",
    ]


def test_an_attribute_of_another_program_is_refused(program, other_program):
    theirs = factories.make_question(other_program, label="Theirs", kind="single_choice")
    run = make_run(program, make_mentees(program, 1), {})
    with pytest.raises(ValidationError):
        fairness_report(run=run, attribute=f"question:{theirs.pk}")
    with pytest.raises(ValidationError):
        fairness_report(run=run, attribute="profile:email")
