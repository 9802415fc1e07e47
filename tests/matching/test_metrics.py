import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lodestar.matching.metrics import (
    ALL_MENTORS_FULL,
    LEFT_BY_OBJECTIVE,
    NO_MENTOR_ALLOWED,
    apply_pins,
    build_result,
    count_blocking_pairs,
    pair_scores,
    rows_of,
    unmatched_reasons,
    violations,
)
from lodestar.matching.problem import DenseScores
from tests.matching.strategies import (
    NO,
    THREE_BY_TWO,
    count_blocking_pairs_by_hand,
    problem_of,
    problems,
)


class CountingScores(DenseScores):
    """Counts how many rows a consumer asks for, to check block reads stay targeted."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.rows_read = 0

    def rows(self, start, stop):
        self.rows_read += stop - start
        return super().rows(start, stop)


def test_pins_take_their_seats_before_anyone_else():
    problem = problem_of([[50, 60], [70, 80], [10, 20]], [2, 1], pins=((1, 0), (2, 1)))

    pairs, remaining, pinned = apply_pins(problem)

    assert pairs.tolist() == [[1, 0], [2, 1]]
    assert remaining.tolist() == [1, 0]
    assert pinned.tolist() == [False, True, True]


def test_no_pins_leave_every_seat_free():
    pairs, remaining, pinned = apply_pins(problem_of([[1, 2]], [3, 0]))

    assert pairs.shape == (0, 2)
    assert remaining.tolist() == [3, 0]
    assert not pinned.any()


@pytest.mark.parametrize(
    ("pins", "exclusions", "message"),
    [
        (((0, 0), (0, 1)), (), "mentee 0 is pinned more than once"),
        (((0, 0), (1, 0)), (), "mentor 0 has more pins than seats"),
        (((1, 1),), (), r"pin \(1, 1\) is a forbidden or excluded pair"),
        (((0, 1),), ((0, 1),), r"pin \(0, 1\) is a forbidden or excluded pair"),
    ],
)
def test_pins_that_cannot_all_hold_are_refused(pins, exclusions, message):
    problem = problem_of([[50, 60], [70, NO]], [1, 1], pins=pins, exclusions=exclusions)

    with pytest.raises(ValueError, match=message):
        apply_pins(problem)


def test_pair_scores_reads_any_pairs_in_any_order():
    matrix = np.arange(12, dtype=np.float32).reshape(4, 3)

    got = pair_scores(DenseScores(matrix).rows, 3, np.array([3, 0, 3, 1]), np.array([2, 1, 0, 0]))

    assert got.tolist() == [11, 1, 9, 3]


def test_scattered_rows_are_read_one_by_one_not_as_a_whole_range():
    scores = CountingScores(np.zeros((1000, 2)))

    groups = list(rows_of(scores.rows, 2, np.array([900, 3, 500])))

    assert [group.tolist() for group, _ in groups] == [[3, 500, 900]]
    assert scores.rows_read == 3


def test_an_optimal_but_unstable_assignment_has_one_blocking_pair():
    problem = problem_of(THREE_BY_TWO, [1, 1])

    assert count_blocking_pairs(problem, np.array([0, 1]), np.array([1, 0])) == 1


def test_the_stable_assignment_has_no_blocking_pair():
    problem = problem_of(THREE_BY_TWO, [1, 1])

    assert count_blocking_pairs(problem, np.array([0, 2]), np.array([0, 1])) == 0


def test_an_unmatched_mentee_blocks_with_every_mentor_with_a_free_seat():
    problem = problem_of([[10, 20, NO], [30, 40, 35]], [1, 2, 1])

    assert count_blocking_pairs(problem, np.array([1]), np.array([1])) == 2


def test_mentors_judge_blocking_pairs_by_their_own_scores():
    # Mentor 0 thinks less of mentee 0 than of mentee 1, so (0, 0) no longer blocks.
    mentors_own = DenseScores(np.array([[10, 90], [95, NO], [NO, 50]], dtype=np.float32))
    problem = problem_of(THREE_BY_TWO, [1, 1], mentor_scores=mentors_own)

    assert count_blocking_pairs(problem, np.array([0, 1]), np.array([1, 0])) == 0


def test_a_tie_never_blocks():
    problem = problem_of([[50, 50], [50, 50]], [1, 1])

    assert count_blocking_pairs(problem, np.array([0, 1]), np.array([1, 0])) == 0


def test_pinned_mentees_and_their_seats_take_no_part_in_blocking_pairs():
    # Mentee 1 is pinned to mentor 1 although it prefers mentor 0; mentee 0 would rather have
    # mentor 1 but its only seat is the pin's.
    problem = problem_of([[60, 90], [90, 10]], [1, 1], pins=((1, 1),))

    assert count_blocking_pairs(problem, np.array([0, 1]), np.array([0, 1])) == 0


@settings(max_examples=200, deadline=None, derandomize=True)
@given(problems(mentor_view=True), st.randoms(use_true_random=False))
def test_blocking_pairs_match_the_pair_by_pair_definition(problem, random):
    m, n = problem.shape
    seats = problem.capacities.copy()
    pairs = list(problem.pins)
    for _, j in pairs:
        seats[j] -= 1
    pinned = {i for i, _ in pairs}
    for i in random.sample(range(m), m):
        j = random.randrange(n)
        if i not in pinned and seats[j] > 0 and np.isfinite(problem.rows(i, i + 1)[0, j]):
            pairs.append((i, j))
            seats[j] -= 1
    mentee, mentor = np.array(pairs, dtype=np.int64).reshape(-1, 2).T

    assert count_blocking_pairs(problem, mentee, mentor) == count_blocking_pairs_by_hand(
        problem, pairs
    )


def test_unmatched_mentees_are_told_why():
    problem = problem_of(
        [[NO, NO], [NO, NO], [80, NO], [10, 20]],
        [1, 1],
        forbidden_reasons={0: "no mentor satisfies the required criterion language"},
    )
    load = np.array([1, 0])

    reasons = unmatched_reasons(problem, np.array([0, 1, 2, 3]), load)

    assert reasons == {
        0: "no mentor satisfies the required criterion language",
        1: NO_MENTOR_ALLOWED,
        2: ALL_MENTORS_FULL,
        3: LEFT_BY_OBJECTIVE,
    }


def test_exclusions_count_as_not_allowed_when_explaining():
    problem = problem_of([[80]], [1], exclusions=((0, 0),))

    assert unmatched_reasons(problem, np.array([0]), np.array([0])) == {0: NO_MENTOR_ALLOWED}


def test_the_objective_can_name_its_own_reason():
    problem = problem_of([[10]], [1])

    reasons = unmatched_reasons(problem, np.array([0]), np.array([0]), objective_reason="x")

    assert reasons == {0: "x"}


def test_a_valid_assignment_has_no_violations():
    problem = problem_of(THREE_BY_TWO, [1, 1], pins=((2, 1),))

    assert violations(problem, np.array([0, 2]), np.array([0, 1])) == []


def test_violations_name_every_broken_rule():
    problem = problem_of(
        [[10, 20], [30, NO], [50, 60]], [1, 1], pins=((2, 1),), exclusions=((0, 1),)
    )

    found = violations(problem, np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1]))

    assert found == [
        "mentee 0 has more than one mentor",
        "mentee 1 has more than one mentor",
        "mentor 0 is over capacity (1)",
        "mentor 1 is over capacity (1)",
        "pin (2, 1) is not kept",
        "pair (0, 1) is forbidden or excluded",
        "pair (1, 1) is forbidden or excluded",
    ]


def test_violations_catch_pairs_outside_the_problem():
    problem = problem_of([[10]], [1])

    assert violations(problem, np.array([0]), np.array([3])) == [
        "pair (0, 3) is outside the problem"
    ]


def test_a_result_lists_pairs_by_mentee_with_scores_metrics_and_reasons():
    problem = problem_of(THREE_BY_TWO, [1, 1])

    result = build_result(problem, "optimal", np.array([1, 0]), np.array([0, 1]), notes=["n"])

    assert result.pairs() == [(0, 1), (1, 0)]
    assert result.score.tolist() == [90, 95]
    assert result.unmatched.tolist() == [2]
    assert result.reasons == {2: ALL_MENTORS_FULL}
    assert (result.metrics.matched, result.metrics.unmatched) == (2, 1)
    assert result.metrics.total == 185
    assert result.metrics.minimum == 90
    assert result.metrics.blocking_pairs == 1
    assert result.notes == ["n"]


def test_a_result_can_skip_counting_blocking_pairs():
    problem = problem_of(THREE_BY_TWO, [1, 1])

    result = build_result(problem, "optimal", np.array([0]), np.array([0]), blocking=False)

    assert result.metrics.blocking_pairs is None


def test_a_result_refuses_a_forbidden_pair():
    problem = problem_of(THREE_BY_TWO, [1, 1])

    with pytest.raises(ValueError, match=r"greedy made a forbidden pair \(1, 1\)"):
        build_result(problem, "greedy", np.array([1]), np.array([1]))
