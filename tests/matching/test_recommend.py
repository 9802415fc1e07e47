import numpy as np
import pytest

from lodestar.matching.problem import DenseScores, Problem
from lodestar.matching.recommend import FULL, IN_DEMAND, recommend
from lodestar.matching.solve import solve


def test_mentors_come_best_first_and_forbidden_or_full_ones_never():
    scores = np.array([[60, 90, -np.inf, 70, 80]], dtype=np.float32)
    problem = Problem(DenseScores(scores), [1, 1, 1, 1, 1])
    picks = recommend(problem, 0, k=3, remaining=np.array([1, 0, 1, 1, 1]))
    assert [r.mentor for r in picks.mentors] == [4, 3, 0]
    assert picks.first_choice == 1 and picks.first_choice_reason == FULL
    assert picks.mentors[0].breakdown == {"score": pytest.approx(80)}


def test_scarcity_prices_steer_away_from_mentors_everyone_wants():
    # Mentor 0 is everyone's favourite: the optimal run prices its seats above mentor 1's.
    scores = np.array([[95, 20], [90, 85], [92, 30], [91, 84]], dtype=np.float32)
    problem = Problem(DenseScores(scores), [2, 2])
    prices = solve(problem, "optimal").prices
    assert prices[0] > prices[1]
    newcomer = Problem(DenseScores(np.array([[90, 86]], dtype=np.float32)), [2, 2])
    assert recommend(newcomer, 0, k=2).mentors[0].mentor == 0
    priced = recommend(newcomer, 0, k=2, prices=prices)
    assert [r.mentor for r in priced.mentors] == [1, 0]
    assert priced.first_choice == 0 and priced.first_choice_reason == IN_DEMAND


def test_a_mentee_with_no_allowed_mentor_gets_an_empty_list():
    problem = Problem(DenseScores(np.array([[-np.inf, -np.inf]], dtype=np.float32)), [1, 1])
    picks = recommend(problem, 0)
    assert picks.mentors == [] and picks.first_choice is None


def test_recommendations_work_among_ten_thousand_mentors():
    # Speed is measured by the benchmark (bench/matching); here only the behaviour at scale.
    rng = np.random.default_rng(1)
    scores = rng.uniform(0, 100, (5, 10_000)).astype(np.float32)
    problem = Problem(DenseScores(scores), np.full(10_000, 3))
    prices = rng.uniform(0, 5, 10_000)
    picks = recommend(problem, 3, k=10, prices=prices)
    values = [r.rank_value for r in picks.mentors]
    assert len(values) == 10 and values == sorted(values, reverse=True)
    assert values[0] == pytest.approx(float(np.max(scores[3] - prices)), abs=1e-4)
