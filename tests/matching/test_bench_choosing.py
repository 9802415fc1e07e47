import numpy as np

from bench.matching.choosing import choose_in_turn
from lodestar.matching.problem import DenseScores, Problem


def test_mentees_choosing_in_turn_take_seats_until_none_are_left():
    # Both mentees prefer mentor 0, which has one seat: whoever comes second gets mentor 1.
    scores = np.array([[90, 80], [85, 20]], dtype=np.float32)
    problem = Problem(DenseScores(scores), [1, 1])
    totals = {choose_in_turn(problem, None, seed) for seed in range(20)}
    assert totals == {90 + 20, 85 + 80}


def test_scarcity_prices_send_each_mentee_where_they_fit_best():
    scores = np.array([[90, 80], [85, 20]], dtype=np.float32)
    problem = Problem(DenseScores(scores), [1, 1])
    prices = np.array([12.0, 0.0])  # mentor 0 is in demand
    assert {choose_in_turn(problem, prices, seed) for seed in range(20)} == {85 + 80}
