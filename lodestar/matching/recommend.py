"""Recommendations for one mentee: the mentors worth asking, with the reasons for each.

Ranking by raw score sends everyone to the same few popular mentors, who then turn most of
them down. Ranking by score minus each mentor's scarcity price (the dual value of a seat from
the last optimal run) steers each mentee to where they are the best fit, not merely a fit.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .problem import Problem

FULL = "full"
IN_DEMAND = "much in demand"


@dataclass
class Recommendation:
    mentor: int
    score: float  # the pair's score, 0–100
    rank_value: float  # score minus the mentor's scarcity price: what the list is sorted by
    breakdown: dict[str, float] = field(default_factory=dict)  # criterion -> points


@dataclass
class Recommendations:
    mentee: int
    mentors: list[Recommendation]
    # Why the mentee's highest-scoring mentor is not first, if it is not: FULL or IN_DEMAND.
    first_choice: int | None = None
    first_choice_reason: str | None = None


def recommend(
    problem: Problem,
    mentee: int,
    *,
    k: int = 5,
    remaining: np.ndarray | None = None,
    prices: np.ndarray | None = None,
    scarcity_weight: float = 1.0,
) -> Recommendations:
    """The top-k mentors for a mentee among those allowed and with a seat left.

    `remaining` is each mentor's seats left (default: full capacity); `prices` the scarcity
    prices from the last run (Result.prices), or None to rank by score alone.
    """
    m, n = problem.shape
    if not 0 <= mentee < m:
        raise IndexError(f"mentee {mentee} is outside the problem")
    scores = np.asarray(problem.rows(mentee, mentee + 1)[0], dtype=np.float64)
    seats = problem.capacities if remaining is None else np.asarray(remaining)
    allowed = np.isfinite(scores)
    open_ = allowed & (seats > 0)
    rank = scores - scarcity_weight * (np.zeros(n) if prices is None else np.asarray(prices))
    rank = np.where(open_, rank, -np.inf)
    count = int(min(k, open_.sum()))
    if count:
        top = np.argpartition(-rank, count - 1)[:count]
        top = top[np.lexsort((top, -rank[top]))]
    else:
        top = np.empty(0, dtype=np.int64)
    parts = problem.scores.breakdown(np.full(top.size, mentee), top)
    mentors = [
        Recommendation(
            mentor=int(j),
            score=float(scores[j]),
            rank_value=float(rank[j]),
            breakdown={name: float(values[index]) for name, values in parts.items()},
        )
        for index, j in enumerate(top)
    ]
    result = Recommendations(mentee=mentee, mentors=mentors)
    if allowed.any():
        favourite = int(np.flatnonzero(scores == scores[allowed].max())[0])
        if not mentors or mentors[0].mentor != favourite:
            result.first_choice = favourite
            result.first_choice_reason = FULL if seats[favourite] <= 0 else IN_DEMAND
    return result
