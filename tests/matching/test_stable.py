import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from lodestar.matching.metrics import ALL_MENTORS_FULL, count_blocking_pairs, violations
from lodestar.matching.problem import DenseScores, Problem
from lodestar.matching.solve import solve
from lodestar.matching.solvers.stable import SHARED_SCORE_NOTE, solve_stable, with_preferences
from tests.matching.strategies import (
    NO,
    THREE_BY_TWO,
    allowed_scores,
    count_blocking_pairs_by_hand,
    mentors_view,
    problem_of,
    problems,
)


def mentee_optimal_by_the_matching_package(
    problem: Problem, mentee_preferences=None, mentor_preferences=None
) -> list[tuple[int, int]]:
    """The `matching` package's resident-optimal Hospital/Residents solution, pins added."""
    ours, theirs = allowed_scores(problem), mentors_view(problem)
    m, n = ours.shape
    seats = [int(c) for c in problem.capacities]
    for _, j in problem.pins:
        seats[j] -= 1
    pinned = {i for i, _ in problem.pins}

    def mentor_accepts(j, i):
        if mentor_preferences is not None:
            return i in mentor_preferences[j]
        return theirs[i, j] > NO

    def mentee_list(i):
        if mentee_preferences is None:
            ranked = sorted(range(n), key=lambda j: (-ours[i, j], j))
        else:
            ranked = list(dict.fromkeys(mentee_preferences[i]))
        return [j for j in ranked if ours[i, j] > NO and mentor_accepts(j, i) and seats[j] > 0]

    def mentor_key(j, i):
        if mentor_preferences is not None:
            return mentor_preferences[j].index(i)
        return (-theirs[i, j], i)

    residents = {i: mentee_list(i) for i in range(m) if i not in pinned}
    residents = {i: prefs for i, prefs in residents.items() if prefs}
    hospitals = {
        j: sorted(
            (i for i, prefs in residents.items() if j in prefs), key=lambda i: mentor_key(j, i)
        )
        for j in range(n)
    }
    hospitals = {j: prefs for j, prefs in hospitals.items() if prefs}
    if not residents:
        return sorted(problem.pins)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            residents, hospitals, {j: seats[j] for j in hospitals}
        )
        solution = game.solve(optimal="resident")
    pairs = [(r.name, h.name) for h, rs in solution.items() for r in rs]
    return sorted(pairs + list(problem.pins))


def global_greedy_by_hand(problem: Problem) -> list[tuple[int, int]]:
    """The highest-scoring pair first, then the highest among those still possible."""
    scores = allowed_scores(problem)
    seats = [int(c) for c in problem.capacities]
    order = sorted(np.ndindex(*scores.shape), key=lambda p: -scores[p])
    taken, pairs = set(), []
    for i, j in order:
        if scores[i, j] > NO and i not in taken and seats[j] > 0:
            pairs.append((i, j))
            taken.add(i)
            seats[j] -= 1
    return sorted(pairs)


def test_stable_keeps_the_pair_that_prefers_each_other_most_even_at_a_cost_to_the_total():
    # Mentee 0 and mentor 0 rank each other first, so they are together in every stable
    # matching; mentee 1 then has nobody. Optimal would be 0→1, 1→0 (185 against 150).
    problem = problem_of(THREE_BY_TWO, [1, 1])

    result = solve(problem, "stable")

    assert result.pairs() == [(0, 0), (2, 1)]
    assert result.metrics.total == 150
    assert result.metrics.blocking_pairs == 0
    assert result.unmatched.tolist() == [1]
    assert result.reasons == {1: ALL_MENTORS_FULL}


def test_mentors_rank_mentees_by_their_own_scores():
    # Mentor 0 prefers mentee 1, so mentee 0 moves on to mentor 1, who prefers it to mentee 2.
    mentors_own = DenseScores(np.array([[10, 90], [95, NO], [NO, 50]], dtype=np.float32))
    problem = problem_of(THREE_BY_TWO, [1, 1], mentor_scores=mentors_own)

    result = solve_stable(problem)

    assert result.pairs() == [(0, 1), (1, 0)]
    assert result.metrics.blocking_pairs == 0
    assert SHARED_SCORE_NOTE not in result.notes


def test_a_mentor_who_scores_a_mentee_forbidden_never_takes_it():
    mentors_own = DenseScores(np.array([[NO, 10]], dtype=np.float32))
    problem = problem_of([[90, 10]], [1, 1], mentor_scores=mentors_own)

    assert solve_stable(problem).pairs() == [(0, 1)]


def test_mentees_explicit_choices_replace_their_scores():
    problem = problem_of(THREE_BY_TWO, [1, 1])

    result = solve_stable(problem, mentee_preferences=[[1, 0], [0], [1]])

    # Mentee 0 asks mentor 1 first and keeps it over mentee 2; mentee 1 gets mentor 0.
    assert result.pairs() == [(0, 1), (1, 0)]
    assert result.score.tolist() == [90, 95]
    assert result.metrics.blocking_pairs == 0


def test_an_explicit_choice_of_a_forbidden_mentor_is_ignored():
    problem = problem_of(THREE_BY_TWO, [1, 1])

    result = solve_stable(problem, mentee_preferences=[[0], [1, 0], [0, 1]])

    assert result.pairs() == [(0, 0), (2, 1)]


def test_mentors_explicit_choices_replace_their_view():
    problem = problem_of(THREE_BY_TWO, [1, 1])

    result = solve_stable(problem, mentor_preferences=[[1, 0], [2, 0]])

    # Mentor 0 keeps mentee 1 over mentee 0, and mentor 1 keeps mentee 2 over mentee 0.
    assert result.pairs() == [(1, 0), (2, 1)]
    assert result.unmatched.tolist() == [0]


def test_preference_lists_must_cover_each_side_and_name_real_people():
    problem = problem_of(THREE_BY_TWO, [1, 1])

    with pytest.raises(ValueError, match="one list per mentee"):
        solve_stable(problem, mentee_preferences=[[0]])
    with pytest.raises(ValueError, match="one list per mentor"):
        solve_stable(problem, mentor_preferences=[[0]])
    with pytest.raises(ValueError, match="outside"):
        solve_stable(problem, mentee_preferences=[[5], [], []])


def test_explicit_choices_become_scores_by_position():
    problem = problem_of(THREE_BY_TWO, [1, 1])

    seen = with_preferences(problem, [[1, 0, 1], [], [0]], None)

    # First choice scores n (2), the next n - 1; a repeated name keeps its first place, and
    # mentee 2's choice of a forbidden mentor stays forbidden.
    assert seen.rows(0, 3).tolist() == [[1, 2], [NO, NO], [NO, NO]]


def test_with_one_shared_score_the_result_says_it_is_global_greedy():
    result = solve_stable(problem_of(THREE_BY_TWO, [1, 1]))

    assert SHARED_SCORE_NOTE in result.notes


def test_pinned_mentees_keep_their_mentor_and_the_rest_are_stable_around_them():
    problem = problem_of(THREE_BY_TWO, [1, 1], pins=((1, 0),))

    result = solve_stable(problem)

    assert result.pairs() == [(0, 1), (1, 0)]
    assert result.metrics.blocking_pairs == 0


def test_a_long_way_down_the_lists_gives_the_package_s_matching():
    # Everyone wants the same popular mentors, so mentees go far down their lists and the
    # lazily sorted lists are extended many times.
    rng = np.random.default_rng(3)
    taste = rng.normal(size=(120, 4)) @ rng.normal(size=(4, 30))
    scores = np.round(taste + 3 * rng.gamma(2, 1, size=30), 1)
    problem = problem_of(scores, rng.integers(1, 4, size=30))

    result = solve_stable(problem, k=2)

    assert result.pairs() == mentee_optimal_by_the_matching_package(problem)
    assert result.metrics.blocking_pairs == 0


@settings(max_examples=300, deadline=None, derandomize=True)
@given(problems(mentor_view=True))
def test_stable_equals_the_mentee_optimal_stable_matching_of_the_matching_package(problem):
    assert solve_stable(problem).pairs() == mentee_optimal_by_the_matching_package(problem)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(problems())
def test_with_shared_scores_the_package_agrees_too(problem):
    assert solve_stable(problem).pairs() == mentee_optimal_by_the_matching_package(problem)


@st.composite
def problems_with_preference_lists(draw):
    problem = draw(problems(mentor_view=True))
    m, n = problem.shape
    mentees = st.lists(st.integers(0, n - 1), max_size=n + 1)
    mentors = st.lists(st.integers(0, m - 1), max_size=m, unique=True)
    mentee_lists = draw(st.none() | st.lists(mentees, min_size=m, max_size=m))
    mentor_lists = draw(st.none() | st.lists(mentors, min_size=n, max_size=n))
    return problem, mentee_lists, mentor_lists


@settings(max_examples=300, deadline=None, derandomize=True)
@given(problems_with_preference_lists())
def test_stable_on_explicit_lists_equals_the_package(case):
    problem, mentee_lists, mentor_lists = case

    result = solve_stable(problem, mentee_preferences=mentee_lists, mentor_preferences=mentor_lists)

    assert result.pairs() == mentee_optimal_by_the_matching_package(
        problem, mentee_lists, mentor_lists
    )
    assert result.metrics.blocking_pairs == 0


@settings(max_examples=300, deadline=None, derandomize=True)
@given(problems(mentor_view=True))
def test_stable_leaves_no_blocking_pair(problem):
    result = solve_stable(problem)

    assert result.metrics.blocking_pairs == 0
    assert count_blocking_pairs_by_hand(problem, result.pairs()) == 0


@settings(max_examples=200, deadline=None, derandomize=True)
@given(problems(mentor_view=True))
def test_stable_honours_capacities_pins_exclusions_and_forbidden_pairs(problem):
    result = solve_stable(problem)

    assert violations(problem, result.mentee, result.mentor) == []


@settings(max_examples=200, deadline=None, derandomize=True)
@given(problems(mentor_view=True), st.integers(1, 5))
def test_how_far_lists_are_sorted_ahead_never_changes_the_matching(problem, k):
    assert solve_stable(problem, k=k).pairs() == solve_stable(problem, k=100).pairs()


@settings(max_examples=100, deadline=None, derandomize=True)
@given(problems(mentor_view=True))
def test_stable_gives_the_same_result_every_time(problem):
    first, second = solve_stable(problem), solve_stable(problem)

    assert first.pairs() == second.pairs()
    assert first.reasons == second.reasons


@st.composite
def problems_without_ties(draw):
    m, n = draw(st.integers(1, 8)), draw(st.integers(1, 4))
    scores = np.array(draw(st.permutations(range(m * n))), dtype=np.float32).reshape(m, n)
    scores[
        np.array(draw(st.lists(st.booleans(), min_size=m * n, max_size=m * n))).reshape(m, n)
    ] = NO
    capacities = draw(st.lists(st.integers(0, 3), min_size=n, max_size=n))
    return problem_of(scores, capacities)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(problems_without_ties())
def test_with_one_shared_score_and_no_ties_stable_is_global_greedy(problem):
    assert solve_stable(problem).pairs() == global_greedy_by_hand(problem)


def test_blocking_pairs_are_counted_on_the_lists_the_matching_was_made_on():
    problem = problem_of(THREE_BY_TWO, [1, 1])
    lists = [[1, 0], [0], [1]]

    result = solve_stable(problem, mentee_preferences=lists)

    # By the scores, mentee 0 would rather have mentor 0; by its own list it would not.
    assert count_blocking_pairs(problem, result.mentee, result.mentor) == 1
    assert result.metrics.blocking_pairs == 0


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)])
def test_a_side_with_nobody_on_it_matches_nobody(shape):
    problem = Problem(DenseScores(np.zeros(shape)), np.ones(shape[1]))

    result = solve_stable(problem)

    assert result.pairs() == []
    assert result.unmatched.tolist() == list(range(shape[0]))
