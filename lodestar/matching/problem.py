"""The matching problem and its result, as plain data shared by every solver.

Conventions:
- mentees are rows (index i, M of them), mentors are columns (index j, N of them);
- a score is a float32 in [0, 100]; a forbidden pair (a required criterion scoring 0, an
  exclusion) scores -inf, so it is simply absent for every solver;
- scores are produced a block of rows at a time, so that no solver needs more than one
  M×N float32 matrix, and a scorer may compute rows on demand instead of holding them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

FORBIDDEN = np.float32(-np.inf)


class ScoreSource(Protocol):
    """Anything that can give scores by blocks of mentee rows."""

    @property
    def shape(self) -> tuple[int, int]: ...

    def rows(self, start: int, stop: int) -> np.ndarray:
        """float32 array (stop - start, N); forbidden pairs are -inf. May be a view: do not write."""
        ...

    def breakdown(self, mentees: np.ndarray, mentors: np.ndarray) -> dict[str, np.ndarray]:
        """Each criterion's contribution (points out of 100) for these pairs, by criterion name."""
        ...


@dataclass
class DenseScores:
    """A ScoreSource over a matrix already in memory (benchmarks, tests, small programs)."""

    matrix: np.ndarray

    def __post_init__(self) -> None:
        self.matrix = np.asarray(self.matrix, dtype=np.float32)
        if self.matrix.ndim != 2:
            raise ValueError("scores must be a 2-D matrix (mentees × mentors)")

    @property
    def shape(self) -> tuple[int, int]:
        return self.matrix.shape

    def rows(self, start: int, stop: int) -> np.ndarray:
        return self.matrix[start:stop]

    def breakdown(self, mentees: np.ndarray, mentors: np.ndarray) -> dict[str, np.ndarray]:
        return {"score": self.matrix[mentees, mentors]}


@dataclass
class Problem:
    """What to match: scores, mentor capacities, pairs that must be kept or never made."""

    scores: ScoreSource
    capacities: np.ndarray
    pins: tuple[tuple[int, int], ...] = ()
    exclusions: tuple[tuple[int, int], ...] = ()
    mentee_ids: tuple[str, ...] | None = None
    mentor_ids: tuple[str, ...] | None = None
    # The mentors' own view of mentees, for the stable solver; None means the same scores.
    mentor_scores: ScoreSource | None = None
    # Why a mentee may have no allowed mentor at all, for "unmatched and why" (mentee -> text).
    forbidden_reasons: dict[int, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.capacities = np.asarray(self.capacities, dtype=np.int64)
        m, n = self.scores.shape
        if self.capacities.shape != (n,):
            raise ValueError(f"capacities must have one entry per mentor ({n})")
        if (self.capacities < 0).any():
            raise ValueError("capacities cannot be negative")
        for kind, pairs in (("pin", self.pins), ("exclusion", self.exclusions)):
            for i, j in pairs:
                if not (0 <= i < m and 0 <= j < n):
                    raise ValueError(f"{kind} ({i}, {j}) is outside the problem")
        self._excluded_by_row: dict[int, list[int]] = {}
        for i, j in self.exclusions:
            self._excluded_by_row.setdefault(i, []).append(j)

    @property
    def shape(self) -> tuple[int, int]:
        return self.scores.shape

    def rows(self, start: int, stop: int) -> np.ndarray:
        """Scores of mentees start..stop, with exclusions applied (a copy when any apply)."""
        block = self.scores.rows(start, stop)
        hits = [(i, j) for i in range(start, stop) for j in self._excluded_by_row.get(i, ())]
        if hits:
            block = np.array(block, dtype=np.float32, copy=True)
            for i, j in hits:
                block[i - start, j] = FORBIDDEN
        return block

    def row_blocks(self, block_bytes: int = 64 << 20):
        """(start, stop, rows) blocks of about block_bytes each, in order."""
        m, n = self.shape
        step = max(1, block_bytes // max(1, 4 * n))
        for start in range(0, m, step):
            stop = min(m, start + step)
            yield start, stop, self.rows(start, stop)


@dataclass
class Proof:
    """A certificate of optimality: a dual solution whose objective equals the primal's.

    Scores are compared as integers in units of `resolution` points, so the gap is exact.
    """

    rounds: int
    pairs_checked: int
    candidate_pairs: int
    primal: int
    dual: int
    resolution: float

    @property
    def gap(self) -> int:
        return self.dual - self.primal

    @property
    def proven(self) -> bool:
        return self.gap == 0


@dataclass
class Metrics:
    matched: int
    unmatched: int
    total: float
    mean: float
    median: float
    minimum: float
    p10: float
    blocking_pairs: int | None = None

    @classmethod
    def of(cls, scores: np.ndarray, n_mentees: int, blocking_pairs: int | None = None) -> Metrics:
        scores = np.asarray(scores, dtype=np.float64)
        if scores.size == 0:
            return cls(0, n_mentees, 0.0, 0.0, 0.0, 0.0, 0.0, blocking_pairs)
        return cls(
            matched=int(scores.size),
            unmatched=int(n_mentees - scores.size),
            total=float(scores.sum()),
            mean=float(scores.mean()),
            median=float(np.median(scores)),
            minimum=float(scores.min()),
            p10=float(np.percentile(scores, 10)),
            blocking_pairs=blocking_pairs,
        )


@dataclass
class Result:
    """An assignment: matched pairs (parallel arrays), the unmatched and why, and its quality."""

    solver: str
    mentee: np.ndarray
    mentor: np.ndarray
    score: np.ndarray
    unmatched: np.ndarray
    reasons: dict[int, str]
    metrics: Metrics
    proof: Proof | None = None
    # Each mentor's scarcity price (dual value of a seat), for recommendations; None if unknown.
    prices: np.ndarray | None = None
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)

    def pairs(self) -> list[tuple[int, int]]:
        return list(zip(self.mentee.tolist(), self.mentor.tolist(), strict=True))
