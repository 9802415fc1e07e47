"""“Why this mentor” in words: one phrase per rule, with the two people's own values, and only
for the criteria that gave the pair points."""

from datetime import date

import pytest

from lodestar.accounts.models import AvailabilityWindow, Profile
from lodestar.matches.explain import explain_pairs, hours_text, join_items, phrase
from lodestar.matches.inputs import build_problem
from lodestar.programs.models import Enrolment, Question
from tests import factories

# A Monday in winter: Europe/Paris is UTC+1, America/New_York UTC−5.
WINTER = date(2026, 1, 12)


def ask(profile_field: str = "", label: str = "Question") -> Question:
    return Question(label=label, profile_field=profile_field)


def test_overlap_names_the_shared_items_in_the_mentees_words():
    text = phrase(
        rule="overlap", question=ask(), mine=["Design", "Data", "Sales"], theirs=["data", "design"]
    )
    assert text == "You both chose Design and Data"


def test_overlap_of_languages_names_the_languages():
    text = phrase(rule="overlap", question=ask("languages"), mine=["en", "fr"], theirs=["en", "de"])
    assert text == "You both speak English"


def test_overlap_with_nothing_shared_says_nothing():
    assert phrase(rule="overlap", question=ask(), mine=["Design"], theirs=["Sales"]) is None


def test_same_says_which_value():
    assert phrase(rule="same", question=ask(), mine="Fintech", theirs="fintech") == (
        "Same answer: Fintech"
    )
    assert phrase(rule="same", question=ask("languages"), mine="en", theirs="en") == (
        "Same language: English"
    )
    assert phrase(rule="same", question=ask("location"), mine="Lyon", theirs="Lyon") == (
        "Same location: Lyon"
    )


def test_different_names_the_mentors_value():
    assert phrase(rule="different", question=ask("department"), mine="Sales", theirs="Legal") == (
        "From another department (Legal), as the program asks"
    )
    assert phrase(rule="different", question=ask(), mine="A", theirs="B") == (
        "A different answer from yours (B), as the program asks"
    )


def test_above_for_seniority_and_for_numbers():
    assert phrase(rule="above", question=ask("seniority"), mine=2, theirs=4) == (
        "More senior than you, as you asked"
    )
    assert phrase(rule="above", question=ask(label="Years"), mine=3, theirs=12.0) == (
        "Further along than you, as you asked: 12 against your 3"
    )


def test_near_for_time_zones_in_hours_apart():
    text = phrase(
        rule="near",
        question=ask("timezone"),
        mine="Europe/Paris",
        theirs="Europe/London",
        reference=WINTER,
    )
    assert text == "Time zones 1 h apart"
    same = phrase(
        rule="near",
        question=ask("timezone"),
        mine="Europe/Paris",
        theirs="Europe/Berlin",
        reference=WINTER,
    )
    assert same == "The same time of day as you"
    # The short way round the clock: UTC+12 and UTC−11 are 1 h apart.
    across = phrase(
        rule="near",
        question=ask("timezone"),
        mine="Pacific/Auckland",
        theirs="Pacific/Pago_Pago",
        reference=date(2026, 7, 1),
    )
    assert across == "Time zones 1 h apart"


def test_near_for_numbers():
    assert phrase(rule="near", question=ask(), mine=4, theirs=3) == (
        "Close answers: 3 against your 4"
    )
    assert phrase(rule="near", question=ask(), mine=4, theirs=4.0) == "Same answer: 4"


def test_availability_counts_the_hours_both_are_free():
    text = phrase(
        rule="availability",
        question=ask("availability"),
        mine=[(0, "09:00", "12:00"), (2, "18:00", "20:00")],
        theirs=[(0, "08:00", "10:00"), (2, "17:00", "23:00")],
        my_zone="Europe/Paris",
        their_zone="Europe/London",
        reference=WINTER,
    )
    # Monday: Paris 09–12 is London 08–11, so 08–10 London overlaps 2 h; Wednesday: Paris
    # 18–20 is London 17–19, inside 17–23: 2 h.
    assert text == "About 4 h a week you are both free"


def test_availability_with_no_common_time_says_nothing():
    assert (
        phrase(
            rule="availability",
            question=ask("availability"),
            mine=[(0, "09:00", "10:00")],
            theirs=[(1, "09:00", "10:00")],
            my_zone="UTC",
            their_zone="UTC",
            reference=WINTER,
        )
        is None
    )


def test_text_similarity_says_the_answers_are_close():
    assert phrase(rule="text", question=ask(), mine="data teams", theirs="I lead data teams") == (
        "What you wrote is close to what they wrote"
    )


@pytest.mark.parametrize("rule", ["same", "overlap", "near", "above", "text", "availability"])
def test_a_missing_value_says_nothing(rule):
    assert phrase(rule=rule, question=ask(), mine=None, theirs="x") is None
    assert phrase(rule=rule, question=ask(), mine="x", theirs=[]) is None


def test_lists_and_hours_read_naturally():
    assert join_items(["A"]) == "A"
    assert join_items(["A", "B", "C"]) == "A, B and C"
    assert join_items(list("ABCDEF")) == "A, B, C, D and 2 more"
    assert hours_text(0.5) == "0.5"
    assert hours_text(1.0) == "1"
    assert hours_text(3.4) == "3"


@pytest.mark.django_db
def test_a_pair_is_explained_by_the_criteria_that_gave_points(program, mentee, mentor):
    topics, _ = factories.make_criterion(program, label="What do you want to learn?")
    industry, _ = factories.make_criterion(
        program, label="Industry", rule="same", kind="single_choice", choices=["Health", "Retail"]
    )
    zone, _ = factories.make_criterion(
        program, label="Time zone", rule="near", kind="profile", tolerance=3
    )
    for question in (zone, zone.paired_with):
        question.profile_field = "timezone"
        question.save()
    mentee_e = Enrolment.objects.get(user=mentee)
    mentor_e = Enrolment.objects.get(user=mentor)
    factories.make_answer(mentee_e, topics, ["Design", "Data"])
    factories.make_answer(mentor_e, topics.paired_with, ["Data", "Design", "Sales"])
    factories.make_answer(mentee_e, industry, "Health")
    factories.make_answer(mentor_e, industry.paired_with, "Retail")
    mentee.timezone, mentor.timezone = "Europe/Paris", "Europe/London"
    mentee.save()
    mentor.save()
    Profile.objects.filter(user=mentee).update(languages=["en"])
    AvailabilityWindow.objects.create(user=mentee, weekday=0, start="09:00", end="10:00")
    problem = build_problem(program, mentees=[mentee_e], for_run=False, reference_date=WINTER)
    reasons = explain_pairs(problem, problem.mentees[0], problem.mentors)[mentor_e.pk]
    texts = [(r.label, r.text) for r in reasons]
    # Industry differs: no points, so not said.
    assert texts == [
        ("What do you want to learn?", "You both chose Design and Data"),
        ("Time zone", "Time zones 1 h apart"),
    ]
    assert reasons[0].points > reasons[1].points > 0
    assert sum(r.points for r in reasons) == pytest.approx(
        problem.pair_score(problem.mentees[0], problem.mentors[0]), abs=0.2
    )
