import numpy as np
import pytest
from hypothesis import given, settings

from lodestar.matching.metrics import ALL_MENTORS_FULL, violations
from lodestar.matching.problem import DenseScores, Problem
from lodestar.matching.solve import solve
from lodestar.matching.solvers.greedy import solve_greedy
from tests.matching.strategies import allowed_scores, problems

NO = -np.inf


def problem_of(scores, capacities, **kwargs) -> Problem:
    return Problem(DenseScores(np.array(scores, dtype=np.float32)), np.array(capacities), **kwargs)


def greedy_by_hand(problem: Problem) -> list[tuple[int, int]]:
    """First come, first served, spelled out: each mentee in turn takes its best mentor left."""
    scores = allowed_scores(problem)
    seats = [int(c) for c in problem.capacities]
    pairs = list(problem.pins)
    for _, j in problem.pins:
        seats[j] -= 1
    pinned = {i for i, _ in problem.pins}
    for i in range(scores.shape[0]):
        if i in pinned:
            continue
        options = [j for j in range(scores.shape[1]) if seats[j] > 0 and scores[i, j] > NO]
        if options:
            best = max(options, key=lambda j: (scores[i, j], -j))
            pairs.append((i, best))
            seats[best] -= 1
    return sorted(pairs)


def test_the_first_mentee_takes_the_best_mentor_even_when_a_later_one_needs_it_more():
    # Mentee 0 takes mentor 0 (90); mentee 1, who only accepts mentor 0, is left out.
    problem = problem_of([[90, 80], [85, NO]], [1, 1])

    result = solve(problem, "greedy")

    assert result.pairs() == [(0, 0)]
    assert result.unmatched.tolist() == [1]
    assert result.reasons == {1: ALL_MENTORS_FULL}
    assert result.metrics.total == 90


def test_a_mentor_takes_mentees_until_its_seats_run_out():
    problem = problem_of([[90, 10], [80, 20], [70, 30]], [2, 1])

    assert solve_greedy(problem).pairs() == [(0, 0), (1, 0), (2, 1)]


def test_equal_scores_go_to_the_lower_mentor():
    problem = problem_of([[50, 50, 50]], [1, 1, 1])

    assert solve_greedy(problem).pairs() == [(0, 0)]


def test_pins_keep_their_seats_and_the_rest_choose_around_them():
    problem = problem_of([[90, 10], [80, 70]], [1, 1], pins=((1, 0),))

    assert solve_greedy(problem).pairs() == [(0, 1), (1, 0)]


def test_excluded_pairs_are_never_made():
    problem = problem_of([[90, 10]], [1, 1], exclusions=((0, 0),))

    assert solve_greedy(problem).pairs() == [(0, 1)]


def test_small_blocks_give_the_same_matching():
    rng = np.random.default_rng(7)
    problem = problem_of(rng.integers(0, 5, size=(40, 6)) * 25.0, rng.integers(0, 5, size=6))

    assert solve_greedy(problem, block_bytes=4 * 6 * 3).pairs() == solve_greedy(problem).pairs()


@settings(max_examples=300, deadline=None, derandomize=True)
@given(problems())
def test_greedy_is_first_come_first_served(problem):
    assert solve_greedy(problem).pairs() == greedy_by_hand(problem)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(problems())
def test_greedy_honours_capacities_pins_exclusions_and_forbidden_pairs(problem):
    result = solve_greedy(problem)

    assert violations(problem, result.mentee, result.mentor) == []
    assert np.isfinite(result.score).all()


@settings(max_examples=100, deadline=None, derandomize=True)
@given(problems())
def test_greedy_gives_the_same_result_every_time(problem):
    first, second = solve_greedy(problem), solve_greedy(problem)

    assert first.pairs() == second.pairs()
    assert first.reasons == second.reasons


@pytest.mark.parametrize("shape", [(0, 3), (3, 0), (0, 0)])
def test_a_side_with_nobody_on_it_matches_nobody(shape):
    problem = Problem(DenseScores(np.zeros(shape)), np.ones(shape[1]))

    result = solve_greedy(problem)

    assert result.pairs() == []
    assert result.unmatched.tolist() == list(range(shape[0]))
