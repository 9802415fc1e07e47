"""What every solver needs around its algorithm: pins first, scores of an assignment, blocking
pairs, reasons for the unmatched, and the Result that carries them.

Pins are constraints, not choices: a pinned mentee takes its seat before any solver runs, never
takes part in a blocking pair, and its seat is never contested.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import NamedTuple

import numpy as np

from .problem import Metrics, Problem, Proof, Result

RowsFunction = Callable[[int, int], np.ndarray]

NO_MENTOR_ALLOWED = "no mentor is allowed for this mentee"
ALL_MENTORS_FULL = "all compatible mentors are full"
LEFT_BY_OBJECTIVE = "left unmatched by the objective although a compatible mentor has a free seat"

BLOCK_BYTES = 16 << 20


class Pinned(NamedTuple):
    """Pins applied: the pairs (P × 2), each mentor's seats left, and which mentees are pinned."""

    pairs: np.ndarray
    remaining: np.ndarray
    mask: np.ndarray


def apply_pins(problem: Problem) -> Pinned:
    """Take the pinned pairs' seats first; unpacks as (pairs, remaining_capacity, mask).

    Raises ValueError for pins that cannot all hold: a mentee pinned twice, a mentor pinned
    beyond its capacity, or a pin on a forbidden pair.
    """
    pinned = _take_pinned_seats(problem)
    n = problem.shape[1]
    scores = pair_scores(problem.rows, n, pinned.pairs[:, 0], pinned.pairs[:, 1])
    if not np.isfinite(scores).all():
        i, j = pinned.pairs[np.flatnonzero(~np.isfinite(scores))[0]]
        raise ValueError(f"pin ({int(i)}, {int(j)}) is a forbidden or excluded pair")
    return pinned


def _take_pinned_seats(problem: Problem) -> Pinned:
    m, n = problem.shape
    pairs = np.array(problem.pins, dtype=np.int64).reshape(-1, 2)
    mask = np.zeros(m, dtype=bool)
    if not len(pairs):
        return Pinned(pairs, problem.capacities.copy(), mask)
    mentees, counts = np.unique(pairs[:, 0], return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"mentee {int(mentees[counts > 1][0])} is pinned more than once")
    remaining = problem.capacities - np.bincount(pairs[:, 1], minlength=n)
    if (remaining < 0).any():
        j = int(np.flatnonzero(remaining < 0)[0])
        raise ValueError(f"mentor {j} has more pins than seats ({int(problem.capacities[j])})")
    mask[pairs[:, 0]] = True
    return Pinned(pairs, remaining, mask)


def rows_of(
    rows: RowsFunction, n_cols: int, mentees: np.ndarray, block_bytes: int = BLOCK_BYTES
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(sorted mentees, their rows) a block at a time, for any set of mentees.

    Rows that lie close together are fetched in one call, scattered ones one by one, so that
    a scorer computing rows on demand never scores many rows nobody asked for.
    """
    mentees = np.unique(np.asarray(mentees, dtype=np.int64))
    if not mentees.size:
        return
    step = max(1, block_bytes // (4 * max(1, n_cols)))
    bounds = np.flatnonzero(np.diff(mentees // step)) + 1
    for group in np.split(mentees, bounds):
        lo, hi = int(group[0]), int(group[-1]) + 1
        if 8 * len(group) >= hi - lo:
            yield group, np.asarray(rows(lo, hi))[group - lo]
        else:
            yield group, np.vstack([rows(i, i + 1) for i in group.tolist()])


def pair_scores(
    rows: RowsFunction, n_cols: int, mentee: np.ndarray, mentor: np.ndarray
) -> np.ndarray:
    """Scores (float32) of the pairs (mentee[k], mentor[k]), read a block of rows at a time."""
    mentee = np.asarray(mentee, dtype=np.int64)
    mentor = np.asarray(mentor, dtype=np.int64)
    out = np.empty(mentee.size, dtype=np.float32)
    if not mentee.size:
        return out
    order = np.argsort(mentee, kind="stable")
    sorted_mentee = mentee[order]
    for group, block in rows_of(rows, n_cols, sorted_mentee):
        lo = np.searchsorted(sorted_mentee, group[0], side="left")
        hi = np.searchsorted(sorted_mentee, group[-1], side="right")
        at = order[lo:hi]
        out[at] = block[np.searchsorted(group, mentee[at]), mentor[at]]
    return out


def mentor_view(problem: Problem) -> RowsFunction:
    """How mentors score mentees, by blocks of mentee rows: their own view, or the same scores."""
    if problem.mentor_scores is None:
        return problem.rows
    if problem.mentor_scores.shape != problem.shape:
        raise ValueError(f"mentor_scores must have the scores' shape {problem.shape}")
    return problem.mentor_scores.rows


def count_blocking_pairs(problem: Problem, mentee: np.ndarray, mentor: np.ndarray) -> int:
    """Pairs (i, j), both acceptable to each other, that would both rather have each other.

    i prefers j to its mentor (or is unmatched), and j has a free seat or prefers i to its
    worst mentee. Mentees compare by problem.rows, mentors by mentor_view; preferences are
    strict (a tie never blocks). Pinned mentees and their seats take no part.
    """
    m, n = problem.shape
    mentee = np.asarray(mentee, dtype=np.int64)
    mentor = np.asarray(mentor, dtype=np.int64)
    pinned = _take_pinned_seats(problem)
    free = ~pinned.mask[mentee]
    mentee, mentor = mentee[free], mentor[free]
    theirs = mentor_view(problem)
    shared = problem.mentor_scores is None

    current = np.full(m, -np.inf, dtype=np.float32)
    current[mentee] = pair_scores(problem.rows, n, mentee, mentor)
    current[pinned.mask] = np.inf
    mentor_value = current[mentee] if shared else pair_scores(theirs, n, mentee, mentor)
    worst = np.full(n, np.inf, dtype=np.float32)
    np.minimum.at(worst, mentor, mentor_value)
    load = np.bincount(mentor, minlength=n)
    threshold = np.where(load < pinned.remaining, np.float32(-np.inf), worst)

    blocking = 0
    step = max(1, BLOCK_BYTES // (4 * max(1, n)))
    for start in range(0, m, step):
        stop = min(m, start + step)
        ours = problem.rows(start, stop)
        wants = ours > current[start:stop, None]
        their = ours if shared else theirs(start, stop)
        blocking += int(np.count_nonzero(wants & (their > threshold)))
    return blocking


def unmatched_reasons(
    problem: Problem,
    unmatched: np.ndarray,
    assigned_mentor_load: np.ndarray,
    *,
    objective_reason: str = LEFT_BY_OBJECTIVE,
) -> dict[int, str]:
    """Why each unmatched mentee has no mentor: none allowed, all compatible ones full, or the
    objective (objective_reason) when a compatible mentor still has a seat."""
    n = problem.shape[1]
    has_seat = np.asarray(assigned_mentor_load) < problem.capacities
    reasons: dict[int, str] = {}
    for group, block in rows_of(problem.rows, n, unmatched):
        allowed = np.isfinite(block)
        any_allowed = allowed.any(axis=1)
        any_seat = (allowed & has_seat).any(axis=1)
        for i, some, seat in zip(group.tolist(), any_allowed, any_seat, strict=True):
            if not some:
                reasons[i] = problem.forbidden_reasons.get(i, NO_MENTOR_ALLOWED)
            else:
                reasons[i] = objective_reason if seat else ALL_MENTORS_FULL
    return reasons


def violations(problem: Problem, mentee: np.ndarray, mentor: np.ndarray) -> list[str]:
    """What an assignment breaks (empty when it is valid): each mentee at most once, capacities,
    pins kept, no forbidden or excluded pair. For solvers' tests and coordinators' edits."""
    m, n = problem.shape
    mentee = np.asarray(mentee, dtype=np.int64)
    mentor = np.asarray(mentor, dtype=np.int64)
    if mentee.shape != mentor.shape:
        return ["mentee and mentor arrays differ in length"]
    outside = (mentee < 0) | (mentee >= m) | (mentor < 0) | (mentor >= n)
    if outside.any():
        k = int(np.flatnonzero(outside)[0])
        return [f"pair ({int(mentee[k])}, {int(mentor[k])}) is outside the problem"]
    found = []
    twice = np.flatnonzero(np.bincount(mentee, minlength=m) > 1)
    found += [f"mentee {int(i)} has more than one mentor" for i in twice]
    over = np.flatnonzero(np.bincount(mentor, minlength=n) > problem.capacities)
    found += [f"mentor {int(j)} is over capacity ({int(problem.capacities[j])})" for j in over]
    kept = set(zip(mentee.tolist(), mentor.tolist(), strict=True))
    found += [f"pin ({i}, {j}) is not kept" for i, j in problem.pins if (i, j) not in kept]
    forbidden = ~np.isfinite(pair_scores(problem.rows, n, mentee, mentor))
    found += [
        f"pair ({int(i)}, {int(j)}) is forbidden or excluded"
        for i, j in zip(mentee[forbidden], mentor[forbidden], strict=True)
    ]
    return found


def build_result(
    problem: Problem,
    solver: str,
    mentee: np.ndarray,
    mentor: np.ndarray,
    *,
    proof: Proof | None = None,
    prices: np.ndarray | None = None,
    blocking: bool = True,
    notes: list[str] | None = None,
    objective_reason: str = LEFT_BY_OBJECTIVE,
) -> Result:
    """A Result for an assignment (pins included), pairs in mentee order, with scores, the
    unmatched and why, and metrics; blocking pairs counted unless blocking is False."""
    m, n = problem.shape
    mentee = np.asarray(mentee, dtype=np.int64)
    mentor = np.asarray(mentor, dtype=np.int64)
    order = np.argsort(mentee, kind="stable")
    mentee, mentor = mentee[order], mentor[order]
    score = pair_scores(problem.rows, n, mentee, mentor)
    if not np.isfinite(score).all():
        k = int(np.flatnonzero(~np.isfinite(score))[0])
        raise ValueError(f"{solver} made a forbidden pair ({int(mentee[k])}, {int(mentor[k])})")
    matched = np.zeros(m, dtype=bool)
    matched[mentee] = True
    unmatched = np.flatnonzero(~matched)
    load = np.bincount(mentor, minlength=n)
    reasons = unmatched_reasons(problem, unmatched, load, objective_reason=objective_reason)
    count = count_blocking_pairs(problem, mentee, mentor) if blocking else None
    return Result(
        solver=solver,
        mentee=mentee,
        mentor=mentor,
        score=score,
        unmatched=unmatched,
        reasons=reasons,
        metrics=Metrics.of(score, m, count),
        proof=proof,
        prices=prices,
        notes=list(notes or ()),
    )
