"""Peer matching: pairs within one pool, the largest total of mutual scores.

The Problem is square (person × person, the same people on both sides); a pair's score is the
mean of the two people's scores of each other, a person is never paired with themselves, each
person is in at most one pair and capacities are ignored. A result lists each pair once, the
lower index as `mentee` and the higher as `mentor`.

networkx's blossom algorithm is exact but slow (cubic), so a large pool keeps, for each person,
the k partners with the best score *minus half of that partner's own best score*: ranking by
plain score sends everyone to the same few popular people and strands the rest. Whoever is
still alone afterwards is then paired among themselves while they can be.
"""

from __future__ import annotations

import dataclasses

import networkx as nx
import numpy as np

from ..metrics import BLOCK_BYTES
from ..problem import Metrics, Problem, Result
from .stable import top_k

NO_PARTNER_ALLOWED = "no partner is allowed for this person"
ALL_PARTNERS_PAIRED = "every compatible partner is paired with someone else"
# The blossom algorithm is exact only on integer weights: scores in units of 1e-4 points.
WEIGHT_UNITS = 10_000
PAIRS_NOTE = (
    "Peer pairs: each pair is listed once, lower index as mentee. Matched counts people (two "
    "per pair); total, mean and minimum are over pairs."
)


# Pools up to this size are matched on the whole graph, exactly (about a second at 150);
# beyond, blossom's cubic time makes candidates worth their small loss.
EXACT_POOL = 150


def solve_peer(problem: Problem, *, k: int | None = None, max_cardinality: bool = False) -> Result:
    """Maximum-weight matching on the graph of allowed pairs: exact on pools of up to
    EXACT_POOL people (or when k >= pool size - 1), else on each person's k most promising
    partners, 30 unless given (said so in the notes).

    max_cardinality pairs as many people as possible first, then maximises the total.
    """
    mutual = mutual_scores(problem)
    pinned_pairs, pinned = _pins(problem, mutual)
    free = np.flatnonzero(~pinned)
    if k is None:
        k = max(free.size - 1, 0) if free.size <= EXACT_POOL else 30
    found = _match(mutual, free, k, max_cardinality)
    notes = [PAIRS_NOTE]
    if k < free.size - 1:
        notes.append(
            f"Each person's {k} most promising partners were considered, to keep the search "
            "fast, then those left alone were paired among themselves: near-optimal, not "
            "proven optimal."
        )
        alone = np.setdiff1d(free, found)
        while alone.size > 1:
            more = _match(mutual, alone, k, max_cardinality)
            if not more.size:
                break
            found = np.concatenate([found, more])
            alone = np.setdiff1d(free, found)
    pairs = np.sort(np.concatenate([found.reshape(-1, 2), pinned_pairs]), axis=1)
    return _result(problem, mutual, pairs[np.argsort(pairs[:, 0], kind="stable")], notes)


def mutual_scores(problem: Problem) -> np.ndarray:
    """The pool's P×P float32 matrix of mutual scores (s_ij + s_ji) / 2; -inf on the diagonal
    and wherever either person's score forbids the pair."""
    m, n = problem.shape
    if m != n:
        raise ValueError(
            f"peer matching needs a square score matrix (person × person), got {m}×{n}"
        )
    mutual = np.empty((m, m), dtype=np.float32)
    for start, stop, rows in problem.row_blocks(BLOCK_BYTES):
        mutual[start:stop] = rows
    mutual += mutual.T
    mutual *= np.float32(0.5)
    np.fill_diagonal(mutual, -np.inf)
    return mutual


def _pins(problem: Problem, mutual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Pinned pairs (P × 2) and who they take; ValueError when they cannot hold."""
    pairs = np.array(problem.pins, dtype=np.int64).reshape(-1, 2)
    taken = np.zeros(mutual.shape[0], dtype=bool)
    if not len(pairs):
        return pairs, taken
    if (pairs[:, 0] == pairs[:, 1]).any():
        raise ValueError("a person cannot be pinned to themselves")
    people, counts = np.unique(pairs, return_counts=True)
    if (counts > 1).any():
        raise ValueError(f"person {int(people[counts > 1][0])} is pinned more than once")
    forbidden = ~np.isfinite(mutual[pairs[:, 0], pairs[:, 1]])
    if forbidden.any():
        i, j = pairs[np.flatnonzero(forbidden)[0]]
        raise ValueError(f"pin ({int(i)}, {int(j)}) is a forbidden or excluded pair")
    taken[pairs] = True
    return pairs, taken


def _match(mutual: np.ndarray, people: np.ndarray, k: int, max_cardinality: bool) -> np.ndarray:
    """A maximum-weight matching among `people` on their candidate pairs, as a flat array of
    partners (a0, b0, a1, b1, ...)."""
    first, second = _candidates(mutual, people, k)
    weight = np.rint(mutual[first, second].astype(np.float64) * WEIGHT_UNITS).astype(np.int64)
    graph = nx.Graph()
    graph.add_weighted_edges_from(
        zip(first.tolist(), second.tolist(), weight.tolist(), strict=True)
    )
    chosen = nx.max_weight_matching(graph, maxcardinality=max_cardinality)
    return np.array(sorted(tuple(sorted(pair)) for pair in chosen), dtype=np.int64).ravel()


def _candidates(mutual: np.ndarray, people: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Allowed pairs (lower, higher) among `people`: all of them when k covers everyone, else
    each person's k best by score minus half of the partner's own best score, a cheap stand-in
    for the partner's dual price."""
    among = mutual[np.ix_(people, people)]
    if k >= people.size - 1:
        row, column = np.nonzero(np.triu(np.isfinite(among), 1))
    else:
        best = among.max(axis=1, initial=-np.inf)
        price = np.where(np.isfinite(best), best / 2, 0).astype(np.float32)
        reduced = among - price[None, :]
        row, column, _ = top_k(reduced, k)
        row, column = np.minimum(row, column), np.maximum(row, column)
    keys = np.unique(people[row] * mutual.shape[0] + people[column])
    return keys // mutual.shape[0], keys % mutual.shape[0]


def _result(problem: Problem, mutual: np.ndarray, pairs: np.ndarray, notes: list[str]) -> Result:
    mentee, mentor = pairs[:, 0], pairs[:, 1]
    score = mutual[mentee, mentor]
    paired = np.zeros(mutual.shape[0], dtype=bool)
    paired[mentee] = paired[mentor] = True
    unmatched = np.flatnonzero(~paired)
    metrics = Metrics.of(score, score.size + unmatched.size)
    has_partner = np.isfinite(mutual[unmatched]).any(axis=1)
    reasons = {
        i: ALL_PARTNERS_PAIRED if some else problem.forbidden_reasons.get(i, NO_PARTNER_ALLOWED)
        for i, some in zip(unmatched.tolist(), has_partner.tolist(), strict=True)
    }
    return Result(
        solver="peer",
        mentee=mentee,
        mentor=mentor,
        score=score,
        unmatched=unmatched,
        reasons=reasons,
        metrics=dataclasses.replace(metrics, matched=2 * score.size),
        notes=notes,
    )
