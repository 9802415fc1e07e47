import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lodestar.matching.problem import DenseScores, Problem
from lodestar.matching.solve import solve
from lodestar.matching.solvers.peer import (
    ALL_PARTNERS_PAIRED,
    NO_PARTNER_ALLOWED,
    mutual_scores,
    solve_peer,
)
from tests.matching.strategies import score_matrices

NO = -np.inf

# Mutual scores: 0–1 70, 0–2 10, 0–3 10, 1–2 80, 1–3 20, 2–3 80. The best pairs are 0–1 and
# 2–3 (150), although 1–2 is one of the two best single pairs.
FOUR_PEOPLE = [
    [0, 90, 10, 10],
    [50, 0, 80, 20],
    [10, 80, 0, 60],
    [10, 20, 100, 0],
]


def pool_of(scores, **kwargs) -> Problem:
    scores = np.array(scores, dtype=np.float32)
    return Problem(DenseScores(scores), np.ones(len(scores), dtype=np.int64), **kwargs)


def best_total_by_brute_force(mutual: np.ndarray, people: list[int]) -> float:
    """The largest total over every matching of these people (each pairs up or stays alone)."""
    if len(people) < 2:
        return 0.0
    first, rest = people[0], people[1:]
    best = best_total_by_brute_force(mutual, rest)
    for partner in rest:
        if mutual[first, partner] > NO:
            others = [p for p in rest if p != partner]
            best = max(best, mutual[first, partner] + best_total_by_brute_force(mutual, others))
    return best


@st.composite
def pools(draw, max_people: int = 8, pins: bool = True) -> Problem:
    size = draw(st.integers(1, max_people))
    scores = draw(score_matrices(size, size))
    mutual = np.minimum(scores, scores.T)
    allowed = [(i, j) for i in range(size) for j in range(size) if i != j and mutual[i, j] > NO]
    excluded = draw(st.lists(st.sampled_from(allowed), max_size=2, unique=True)) if allowed else []
    pinned, taken = [], set()
    for i, j in draw(st.lists(st.sampled_from(allowed), max_size=2)) if pins and allowed else []:
        if {i, j} & taken or (i, j) in excluded or (j, i) in excluded:
            continue
        pinned.append((i, j))
        taken |= {i, j}
    return pool_of(scores, exclusions=tuple(excluded), pins=tuple(pinned))


def test_peer_pairs_for_the_best_total_not_the_best_single_pair():
    result = solve(pool_of(FOUR_PEOPLE), "peer")

    assert result.pairs() == [(0, 1), (2, 3)]
    assert result.score.tolist() == [70, 80]
    assert result.metrics.total == 150
    assert (result.metrics.matched, result.metrics.unmatched) == (4, 0)


def test_a_pair_scores_the_mean_of_the_two_peoples_scores_of_each_other():
    mutual = mutual_scores(pool_of(FOUR_PEOPLE))

    assert mutual[0, 1] == mutual[1, 0] == 70
    assert mutual[2, 3] == 80
    assert np.isneginf(np.diag(mutual)).all()


def test_an_exclusion_by_either_person_forbids_the_pair():
    result = solve_peer(pool_of(FOUR_PEOPLE, exclusions=((3, 2),)))

    assert result.pairs() == [(0, 3), (1, 2)]


def test_pinned_pairs_are_kept_and_the_others_pair_around_them():
    result = solve_peer(pool_of(FOUR_PEOPLE, pins=((2, 0),)))

    assert result.pairs() == [(0, 2), (1, 3)]


@pytest.mark.parametrize(
    ("pins", "message"),
    [
        (((1, 1),), "cannot be pinned to themselves"),
        (((0, 1), (1, 2)), "person 1 is pinned more than once"),
        (((0, 1),), r"pin \(0, 1\) is a forbidden or excluded pair"),
    ],
)
def test_pins_that_cannot_hold_are_refused(pins, message):
    problem = pool_of([[0, NO, 5], [5, 0, 5], [5, 5, 0]], pins=pins)

    with pytest.raises(ValueError, match=message):
        solve_peer(problem)


def test_a_peer_pool_needs_the_same_people_on_both_sides():
    problem = Problem(DenseScores(np.zeros((3, 2))), np.ones(2))

    with pytest.raises(ValueError, match="square"):
        solve_peer(problem)


def test_whoever_is_left_alone_is_told_why():
    problem = Problem(
        DenseScores(np.array([[0, 50, 40, NO], [50, 0, 60, NO], [40, 60, 0, NO], [NO] * 4])),
        np.ones(4),
        forbidden_reasons={3: "no one shares a language with this person"},
    )

    result = solve_peer(problem)

    assert result.pairs() == [(1, 2)]
    assert result.reasons == {
        0: ALL_PARTNERS_PAIRED,
        3: "no one shares a language with this person",
    }


def test_nobody_allowed_is_the_default_reason():
    result = solve_peer(pool_of([[0, NO], [NO, 0]]))

    assert result.reasons == {0: NO_PARTNER_ALLOWED, 1: NO_PARTNER_ALLOWED}


def test_max_cardinality_pairs_people_even_at_zero_score():
    result = solve_peer(pool_of([[0, 0], [0, 0]]), max_cardinality=True)

    assert result.pairs() == [(0, 1)]


def test_a_large_pool_says_only_each_persons_best_partners_were_considered():
    rng = np.random.default_rng(5)

    result = solve_peer(pool_of(rng.integers(0, 100, size=(12, 12))), k=3)

    assert any("3 most promising partners" in note for note in result.notes)
    assert result.metrics.matched == 12


@settings(max_examples=150, deadline=None, derandomize=True)
@given(pools())
def test_peer_finds_the_best_total(problem):
    mutual = mutual_scores(problem).astype(np.float64)
    pinned = {p for pair in problem.pins for p in pair}
    free = [p for p in range(problem.shape[0]) if p not in pinned]
    pinned_total = sum(mutual[i, j] for i, j in problem.pins)

    result = solve_peer(problem)

    assert result.metrics.total == pytest.approx(
        pinned_total + best_total_by_brute_force(mutual, free)
    )


@settings(max_examples=100, deadline=None, derandomize=True)
@given(pools(pins=False))
def test_peer_equals_networkx_on_the_whole_graph(problem):
    mutual = mutual_scores(problem).astype(np.float64)
    graph = nx.Graph()
    size = problem.shape[0]
    graph.add_weighted_edges_from(
        (i, j, mutual[i, j]) for i in range(size) for j in range(i + 1, size) if mutual[i, j] > NO
    )
    expected = sum(mutual[i, j] for i, j in nx.max_weight_matching(graph))

    assert solve_peer(problem).metrics.total == pytest.approx(expected)


@settings(max_examples=150, deadline=None, derandomize=True)
@given(pools(max_people=14), st.integers(1, 4))
def test_peer_pairs_are_valid_whatever_the_pool(problem, k):
    mutual = mutual_scores(problem)

    result = solve_peer(problem, k=k)

    people = np.concatenate([result.mentee, result.mentor])
    assert len(set(people.tolist())) == people.size
    assert (result.mentee < result.mentor).all()
    assert np.isfinite(mutual[result.mentee, result.mentor]).all()
    assert {tuple(sorted(pin)) for pin in problem.pins} <= set(result.pairs())
    # Nobody left alone could still pair with someone else left alone for a gain.
    alone = result.unmatched
    assert not (mutual[np.ix_(alone, alone)] > 0).any()


@settings(max_examples=50, deadline=None, derandomize=True)
@given(pools(max_people=14))
def test_peer_gives_the_same_result_every_time(problem):
    assert solve_peer(problem, k=3).pairs() == solve_peer(problem, k=3).pairs()


def test_a_pool_of_a_hundred_and_fifty_is_matched_exactly_on_the_whole_graph():
    rng = np.random.default_rng(11)
    taste = rng.normal(size=(150, 4))
    scores = taste @ taste.T + rng.pareto(2.0, 150)[None, :] + rng.normal(size=(150, 150))
    scores = (scores - scores.min()) / (scores.max() - scores.min()) * 100
    problem = pool_of(scores)
    mutual = mutual_scores(problem).astype(np.float64)
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        (i, j, round(mutual[i, j] * 10_000)) for i in range(150) for j in range(i + 1, 150)
    )
    best = sum(mutual[i, j] for i, j in nx.max_weight_matching(graph))

    result = solve_peer(problem)

    assert result.metrics.total == pytest.approx(best, abs=0.01)
    assert not any("most promising" in note for note in result.notes)
    assert solve_peer(problem, k=2).metrics.total < result.metrics.total
