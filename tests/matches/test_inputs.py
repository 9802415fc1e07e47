"""The program as a matching problem: the right people, their answers and profiles, seats left,
pins and exclusions, and a clear message when nothing is set up for matching."""

import pytest

from lodestar.accounts.models import AvailabilityWindow
from lodestar.matches.inputs import NoCriteria, build_problem
from lodestar.matches.models import Exclusion, Pin
from lodestar.programs.models import Enrolment
from tests import factories


@pytest.fixture
def topics(program):
    return factories.make_criterion(program, label="Topics")


def _enrol(program, email, role, **fields):
    user = factories.make_user(email, name=email.split("@")[0].title())
    return factories.make_enrolment(program, user, role=role, **fields)


def test_without_a_matching_question_the_problem_says_what_to_do(program, mentor, mentee):
    with pytest.raises(NoCriteria, match="Use for matching"):
        build_problem(program)


def test_scores_come_from_the_paired_answers(program, topics, mentor, mentee):
    asked_mentees, asked_mentors = topics
    mentor_enrolment = Enrolment.objects.get(user=mentor)
    mentee_enrolment = Enrolment.objects.get(user=mentee)
    factories.make_answer(mentor_enrolment, asked_mentors, ["Design", "Data"])
    factories.make_answer(mentee_enrolment, asked_mentees, ["Design", "Sales"])
    built = build_problem(program)
    # Half the mentee's topics are covered: 50 points, all of them from "Topics".
    assert built.pair_score(mentee_enrolment, mentor_enrolment) == pytest.approx(50)
    assert built.breakdown(mentee_enrolment, mentor_enrolment) == {"Topics": pytest.approx(50)}
    assert built.problem.capacities.tolist() == [2]


def test_only_approved_unmatched_mentees_and_mentors_with_seats_left(program, topics, mentor):
    mentor_enrolment = Enrolment.objects.get(user=mentor)
    matched = _enrol(program, "matched@example.com", "mentee")
    waiting = _enrol(program, "waiting@example.com", "mentee")
    _enrol(program, "applied@example.com", "mentee", status="applied")
    factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[matched])
    built = build_problem(program)
    assert [e.pk for e in built.mentees] == [waiting.pk]
    assert [e.pk for e in built.mentors] == [mentor_enrolment.pk]
    assert built.problem.capacities.tolist() == [1]  # capacity 2, one seat held


def test_a_required_criterion_that_fails_forbids_the_pair_and_is_named(program, mentor, mentee):
    asked_mentees, asked_mentors = factories.make_criterion(
        program, label="Language", rule="same", kind="short_text", match_required=True
    )
    mentor_enrolment = Enrolment.objects.get(user=mentor)
    mentee_enrolment = Enrolment.objects.get(user=mentee)
    factories.make_answer(mentor_enrolment, asked_mentors, "French")
    factories.make_answer(mentee_enrolment, asked_mentees, "Spanish")
    built = build_problem(program)
    assert built.pair_score(mentee_enrolment, mentor_enrolment) is None
    assert built.failed_required(mentee_enrolment, mentor_enrolment) == ["Language"]


def test_profile_questions_read_the_profile_as_it_is_now(program, mentor, mentee):
    asked_mentees = factories.make_question(
        program, label="When can you meet?", kind="profile", profile_field="availability"
    )
    asked_mentors = factories.make_question(
        program,
        label="When can you mentor?",
        role="mentor",
        kind="profile",
        profile_field="availability",
    )
    asked_mentees.is_criterion, asked_mentees.paired_with = True, asked_mentors
    asked_mentees.rule = "availability"
    asked_mentees.save()
    mentor.timezone, mentee.timezone = "Europe/Paris", "America/New_York"
    mentor.save()
    mentee.save()
    # 18:00–20:00 in Paris is 12:00–14:00 in New York: both free 12:00–13:00 New York time.
    AvailabilityWindow.objects.create(user=mentor, weekday=0, start="18:00", end="20:00")
    AvailabilityWindow.objects.create(user=mentee, weekday=0, start="11:00", end="13:00")
    built = build_problem(program)
    score = built.pair_score(Enrolment.objects.get(user=mentee), Enrolment.objects.get(user=mentor))
    assert score == pytest.approx(100)


def test_pins_and_exclusions_reach_the_engine_and_the_snapshot(program, topics, mentor, mentee):
    mentor_enrolment = Enrolment.objects.get(user=mentor)
    mentee_enrolment = Enrolment.objects.get(user=mentee)
    other = _enrol(program, "other@example.com", "mentee")
    Pin.objects.create(program=program, mentee=mentee_enrolment, mentor=mentor_enrolment)
    Exclusion.objects.create(program=program, mentee=other, mentor=mentor_enrolment)
    built = build_problem(program)
    assert built.pair_score(other, mentor_enrolment) is None
    snapshot = built.snapshot("optimal")
    assert snapshot["pins"] == [[mentee_enrolment.pk, mentor_enrolment.pk]]
    assert snapshot["exclusions"] == [[other.pk, mentor_enrolment.pk]]
    assert snapshot["criteria"][0]["name"] == "Topics"
    assert snapshot["solver"] == "optimal"


def test_a_peer_program_is_one_pool_scored_both_ways(coordinator):
    program = factories.make_program(coordinator=coordinator, name="Peers", kind="peer")
    asked, paired = factories.make_criterion(
        program, label="Topics", mentor_role="peer", mentee_role="peer"
    )
    ada = _enrol(program, "ada@example.com", "peer")
    bob = _enrol(program, "bob@example.com", "peer")
    factories.make_answer(ada, asked, ["Design"])
    factories.make_answer(ada, paired, ["Design"])
    factories.make_answer(bob, asked, ["Design"])
    factories.make_answer(bob, paired, ["Design"])
    built = build_problem(program)
    assert built.problem.shape == (2, 2)
    assert built.pair_score(ada, bob) == pytest.approx(100)
    assert built.problem.capacities.tolist() == [1, 1]
    Exclusion.objects.create(program=program, mentee=ada, mentor=bob)
    rebuilt = build_problem(program)
    # An exclusion between peers holds both ways round.
    assert rebuilt.pair_score(ada, bob) is None and rebuilt.pair_score(bob, ada) is None


def test_one_peer_against_another_is_scored_on_the_others_answers(coordinator):
    program = factories.make_program(coordinator=coordinator, name="Peers", kind="peer")
    asked, paired = factories.make_criterion(
        program, label="Topics", mentor_role="peer", mentee_role="peer"
    )
    ada = _enrol(program, "ada@example.com", "peer")
    bob = _enrol(program, "bob@example.com", "peer")
    factories.make_answer(ada, asked, ["Design"])
    factories.make_answer(ada, paired, ["Design"])  # would score 100 against herself
    factories.make_answer(bob, paired, ["Data"])
    built = build_problem(program, mentees=[ada], mentors=[bob], for_run=False)
    assert built.pair_score(ada, bob) == pytest.approx(0)


def test_a_peer_question_compared_with_itself_is_read_once(coordinator):
    program = factories.make_program(coordinator=coordinator, name="Peers", kind="peer")
    topics = factories.make_question(
        program, label="Topics", role="peer", kind="multiple_choice", choices=["Design", "Data"]
    )
    topics.is_criterion, topics.paired_with, topics.rule = True, topics, "overlap"
    topics.save()
    ada = _enrol(program, "ada@example.com", "peer")
    bob = _enrol(program, "bob@example.com", "peer")
    factories.make_answer(ada, topics, ["Design"])
    factories.make_answer(bob, topics, ["Design", "Data"])
    built = build_problem(program)
    assert built.problem.shape == (2, 2)
    assert built.pair_score(ada, bob) == pytest.approx(100)
    assert built.pair_score(bob, ada) == pytest.approx(50)
