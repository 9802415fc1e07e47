"""The exact solvers (optimal, participation, fair) against a dense exact solver and by hand."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from lodestar.matching.problem import DenseScores, Problem
from lodestar.matching.solve import solve
from lodestar.matching.solvers import flow
from lodestar.matching.solvers.flow import SCALE
from tests.matching.strategies import allowed_scores, problems

VALUES = [-np.inf, 0.0, 12.5, 25.0, 37.25, 50.0, 63.0, 75.5, 88.0, 100.0]


def points(scores: np.ndarray) -> np.ndarray:
    return np.where(np.isfinite(scores), np.rint(scores * SCALE), -1).astype(np.int64)


def dense_best(problem: Problem, *, bonus: int = 0) -> tuple[int, int]:
    """(matched, total points) of the best assignment, by scipy on the capacity-expanded
    matrix with pins fixed beforehand: slow, exact, independent of the solver under test."""
    scores = points(allowed_scores(problem))
    capacities = problem.capacities.copy()
    fixed_total = 0
    free = np.ones(scores.shape[0], dtype=bool)
    for i, j in problem.pins:
        capacities[j] -= 1
        fixed_total += scores[i, j]
        free[i] = False
    seats = np.repeat(np.arange(scores.shape[1]), capacities)
    if seats.size == 0 or not free.any():
        return len(problem.pins), int(fixed_total)
    gain = scores[free][:, seats]
    weight = np.where(gain >= 0, gain + bonus, 0).astype(np.float64)
    rows, cols = linear_sum_assignment(weight, maximize=True)
    used = weight[rows, cols] > 0 if bonus else gain[rows, cols] > 0
    return len(problem.pins) + int(used.sum()), int(fixed_total + gain[rows, cols][used].sum())


def assert_feasible(problem: Problem, result) -> None:
    scores = allowed_scores(problem)
    assert np.isfinite(scores[result.mentee, result.mentor]).all()
    assert len(set(result.mentee.tolist())) == result.mentee.size
    load = np.bincount(result.mentor, minlength=problem.shape[1])
    assert (load <= problem.capacities).all()
    pairs = set(result.pairs())
    assert all(pin in pairs for pin in problem.pins)


def total_points(problem: Problem, result) -> int:
    return int(points(allowed_scores(problem))[result.mentee, result.mentor].sum())


@settings(max_examples=150, deadline=None)
@given(problems(max_mentees=9, max_mentors=4, values=VALUES))
def test_optimal_equals_an_exact_dense_solver_and_proves_it(problem):
    result = solve(problem, "optimal")
    assert_feasible(problem, result)
    assert total_points(problem, result) == dense_best(problem)[1]
    assert result.proof.proven and result.proof.gap == 0


@settings(max_examples=150, deadline=None)
@given(problems(max_mentees=9, max_mentors=4, values=VALUES))
def test_participation_matches_the_most_people_then_the_best_total(problem):
    result = solve(problem, "participation")
    assert_feasible(problem, result)
    most, best_total = dense_best(problem, bonus=10**7)
    assert result.mentee.size == most
    assert total_points(problem, result) == best_total
    assert result.proof.proven


@settings(max_examples=100, deadline=None)
@given(problems(max_mentees=7, max_mentors=3, pins=False, exclusions=False, values=VALUES))
def test_fair_raises_the_lowest_score_as_far_as_possible(problem):
    optimal, fair = solve(problem, "optimal"), solve(problem, "fair", max_cost=None)
    assert_feasible(problem, fair)
    assert fair.mentee.size >= optimal.mentee.size  # never fewer people matched
    if not fair.mentee.size:
        return
    assert fair.metrics.minimum >= optimal.metrics.minimum
    # No floor above fair's minimum lets as many people be matched.
    above = points(allowed_scores(problem))
    above = np.where(above > int(np.rint(fair.metrics.minimum * SCALE)), above, -1)
    raised = Problem(DenseScores(np.where(above >= 0, above / SCALE, -np.inf)), problem.capacities)
    assert dense_best(raised, bonus=10**7)[0] < optimal.mentee.size


@settings(max_examples=100, deadline=None)
@given(
    problems(max_mentees=7, max_mentors=3, pins=False, exclusions=False, values=VALUES),
    st.sampled_from([0.0, 0.01, 0.05, 0.2]),
)
def test_fair_raises_the_lowest_score_only_as_far_as_its_cost_allows(problem, max_cost):
    optimal, fair = solve(problem, "optimal"), solve(problem, "fair", max_cost=max_cost)
    assert_feasible(problem, fair)
    assert fair.mentee.size >= optimal.mentee.size
    if not fair.mentee.size:
        return
    least = int(np.ceil(total_points(problem, optimal) * (1 - max_cost)))
    assert total_points(problem, fair) >= least
    assert fair.metrics.minimum >= optimal.metrics.minimum
    # Any higher floor either matches fewer people or costs more than allowed.
    above = points(allowed_scores(problem))
    above = np.where(above > int(np.rint(fair.metrics.minimum * SCALE)), above, -1)
    raised = Problem(DenseScores(np.where(above >= 0, above / SCALE, -np.inf)), problem.capacities)
    most, best = dense_best(raised, bonus=10**7)
    assert most < optimal.mentee.size or best < least


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_results_are_identical_across_runs(seed):
    rng = np.random.default_rng(seed)
    scores = np.round(rng.uniform(0, 100, (30, 8)), 1).astype(np.float32)
    problem = Problem(DenseScores(scores), rng.integers(1, 5, 8))
    first, second = solve(problem, "optimal"), solve(problem, "optimal")
    assert first.pairs() == second.pairs()


def test_a_hand_worked_case_where_the_best_total_is_not_the_greedy_choice():
    # Greedy gives mentor 0 to mentee 0 (90) and leaves mentee 1 with 10: total 100.
    # Optimal gives mentee 0 mentor 1 (80) and mentee 1 mentor 0 (85): total 165.
    scores = np.array([[90, 80], [85, 10]], dtype=np.float32)
    problem = Problem(DenseScores(scores), [1, 1])
    result = solve(problem, "optimal")
    assert result.pairs() == [(0, 1), (1, 0)]
    assert result.metrics.total == pytest.approx(165)
    assert result.proof.primal == result.proof.dual == 165 * SCALE
    # Each mentor's seat price explains the choice: mentor 0 is worth 5 more than mentor 1.
    assert result.prices is not None and result.prices[0] >= result.prices[1]


def test_participation_trades_score_for_one_more_person_matched():
    # Optimal: mentee 0 takes mentor 0 (100) and mentee 1, whose only option is mentor 0,
    # stays out (0 + 50 is less). Participation matches both.
    scores = np.array([[100, 0], [50, -np.inf]], dtype=np.float32)
    problem = Problem(DenseScores(scores), [1, 1])
    assert solve(problem, "optimal").pairs() == [(0, 0)]
    assert solve(problem, "participation").pairs() == [(0, 1), (1, 0)]


def test_pins_are_kept_even_when_they_cost_score():
    scores = np.array([[90, 10], [80, 70]], dtype=np.float32)
    problem = Problem(DenseScores(scores), [1, 1], pins=((0, 1),))
    result = solve(problem, "optimal")
    assert result.pairs() == [(0, 1), (1, 0)]
    assert result.proof.proven


def test_an_unmatched_mentee_is_told_why():
    scores = np.array([[90], [80], [-np.inf]], dtype=np.float32)
    result = solve(Problem(DenseScores(scores), [1]), "optimal")
    assert result.unmatched.tolist() == [1, 2]
    assert result.reasons[1] == "all compatible mentors are full"
    assert "no mentor" in result.reasons[2]


def test_a_larger_structured_instance_is_proven_optimal_over_all_pairs():
    rng = np.random.default_rng(3)
    taste = rng.normal(size=(600, 6)) @ rng.normal(size=(6, 150))
    popularity = rng.pareto(2.0, 150) * 2
    scores = taste + popularity + rng.normal(scale=0.3, size=(600, 150))
    scores = ((scores - scores.min()) / (scores.max() - scores.min()) * 100).astype(np.float32)
    problem = Problem(DenseScores(scores), np.full(150, 4))
    result = solve(problem, "optimal", mentee_k=3, mentor_k_per_seat=1)
    assert result.proof.proven
    assert result.proof.pairs_checked >= 600 * 150
    assert total_points(problem, result) == dense_best(problem)[1]


@settings(max_examples=60, deadline=None)
@given(problems(max_mentees=9, max_mentors=4, values=VALUES), st.integers(2, 5))
def test_sharing_the_rows_between_threads_changes_nothing(problem, threads):
    # One row per block, so every thread gets a share, with ties broken the same way.
    alone = solve(problem, "optimal", threads=1, block_bytes=1)
    shared = solve(problem, "optimal", threads=threads, block_bytes=1)
    assert shared.pairs() == alone.pairs()
    assert shared.proof.proven
    assert total_points(problem, shared) == dense_best(problem)[1]


def structured(m: int, n: int, seed: int) -> np.ndarray:
    """Tastes plus a heavy-tailed popularity: everyone wants the same few mentors."""
    rng = np.random.default_rng(seed)
    taste = rng.normal(size=(m, 6)) @ rng.normal(size=(6, n))
    popularity = rng.pareto(2.0, n) * 2
    scores = taste + popularity + rng.normal(scale=0.3, size=(m, n))
    return ((scores - scores.min()) / (scores.max() - scores.min()) * 100).astype(np.float32)


def test_prices_from_a_sample_save_rounds_and_keep_the_optimum(monkeypatch):
    problem = Problem(DenseScores(structured(800, 200, seed=5)), np.full(200, 4))
    unaimed = solve(problem, "optimal")
    monkeypatch.setattr(flow, "SAMPLE_ABOVE", 0)
    aimed = solve(problem, "optimal")
    assert aimed.proof.proven
    assert total_points(problem, aimed) == total_points(problem, unaimed)
    assert total_points(problem, aimed) == dense_best(problem)[1]
    assert aimed.proof.rounds < unaimed.proof.rounds


@settings(max_examples=80, deadline=None)
@given(problems(max_mentees=9, max_mentors=4, values=VALUES))
def test_a_misleading_sample_never_costs_the_optimum(problem):
    # On tiny problems the sample's prices are mostly noise: the proof loop must still win.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(flow, "SAMPLE_ABOVE", 0)
        for objective in ("optimal", "participation"):
            result = solve(problem, objective)
            assert_feasible(problem, result)
            assert result.proof.proven
        assert total_points(problem, solve(problem, "optimal")) == dense_best(problem)[1]
