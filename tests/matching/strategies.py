"""Small random matching problems for property tests, and plain-Python references to check the
solvers against: slow, obviously right, and independent of the code under test."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from lodestar.matching.problem import DenseScores, Problem

NO = -np.inf

# Three mentees, two one-seat mentors. Stable: 0→0, 2→1 (150). Optimal: 0→1, 1→0 (185), where
# mentee 0 and mentor 0 would both rather have each other (100 beats 90 and 95).
THREE_BY_TWO = [
    [100, 90],
    [95, NO],
    [NO, 50],
]


def problem_of(scores, capacities, **kwargs) -> Problem:
    return Problem(DenseScores(np.array(scores, dtype=np.float32)), np.array(capacities), **kwargs)


# Few distinct values, so that ties (broken by the lower index) happen often.
SCORE_VALUES = [-np.inf, 0.0, 25.0, 50.0, 75.0, 100.0]


@st.composite
def score_matrices(draw, m: int, n: int, values=SCORE_VALUES) -> np.ndarray:
    cells = draw(st.lists(st.sampled_from(values), min_size=m * n, max_size=m * n))
    return np.array(cells, dtype=np.float32).reshape(m, n)


@st.composite
def problems(
    draw,
    max_mentees: int = 8,
    max_mentors: int = 4,
    pins: bool = True,
    exclusions: bool = True,
    mentor_view: bool = False,
    values=SCORE_VALUES,
) -> Problem:
    """Mentees × mentors with forbidden pairs, capacities 0–3 and, optionally, exclusions,
    pins that can all hold, and the mentors' own scores of mentees."""
    m = draw(st.integers(1, max_mentees))
    n = draw(st.integers(1, max_mentors))
    scores = draw(score_matrices(m, n, values))
    capacities = np.array(draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    allowed = [(i, j) for i in range(m) for j in range(n) if np.isfinite(scores[i, j])]
    excluded: list[tuple[int, int]] = []
    if exclusions and allowed:
        excluded = draw(st.lists(st.sampled_from(allowed), max_size=3, unique=True))
    pinned: list[tuple[int, int]] = []
    if pins:
        seats = capacities.copy()
        for i, j in draw(st.lists(st.sampled_from(allowed), max_size=3)) if allowed else []:
            if (i, j) not in excluded and seats[j] > 0 and all(i != p for p, _ in pinned):
                pinned.append((i, j))
                seats[j] -= 1
    mentor_scores = DenseScores(draw(score_matrices(m, n, values))) if mentor_view else None
    return Problem(
        DenseScores(scores),
        capacities,
        pins=tuple(pinned),
        exclusions=tuple(excluded),
        mentor_scores=mentor_scores,
    )


def allowed_scores(problem: Problem) -> np.ndarray:
    """The full score matrix with exclusions applied (tests only: small problems)."""
    return np.array(problem.rows(0, problem.shape[0]), dtype=np.float64)


def mentors_view(problem: Problem) -> np.ndarray:
    if problem.mentor_scores is None:
        return allowed_scores(problem)
    return np.array(problem.mentor_scores.rows(0, problem.shape[0]), dtype=np.float64)


def count_blocking_pairs_by_hand(problem: Problem, pairs: list[tuple[int, int]]) -> int:
    """Blocking pairs counted pair by pair, pins taking no part (the definition, spelled out)."""
    ours, theirs = allowed_scores(problem), mentors_view(problem)
    m, n = ours.shape
    pinned = {i for i, _ in problem.pins}
    seats = [int(c) for c in problem.capacities]
    for _, j in problem.pins:
        seats[j] -= 1
    mentor_of = {i: j for i, j in pairs if i not in pinned}
    held: dict[int, list[int]] = {j: [] for j in range(n)}
    for i, j in mentor_of.items():
        held[j].append(i)
    count = 0
    for i in range(m):
        if i in pinned:
            continue
        for j in range(n):
            if not (np.isfinite(ours[i, j]) and np.isfinite(theirs[i, j])):
                continue
            current = ours[i, mentor_of[i]] if i in mentor_of else -np.inf
            if ours[i, j] <= current:
                continue
            if len(held[j]) < seats[j] or any(theirs[i, j] > theirs[h, j] for h in held[j]):
                count += 1
    return count
