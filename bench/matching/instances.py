"""Seeded benchmark instances: score matrices in [0, 100] and mentor capacities.

Two kinds:
- `uniform`: i.i.d. uniform scores, the textbook random assignment instance;
- `structured`: what real programs look like. Each mentee and mentor has a latent taste
  vector (affinity is their dot product), each mentor a heavy-tailed popularity that every
  mentee values (some more than others), plus noise; a logistic curve maps it to [0, 100].
  A few mentors are then in nearly everyone's top ten, which is what breaks "keep each
  mentee's best k mentors" shortcuts and what separates greedy from optimal.

Scores are generated in fixed blocks of rows, each from its own random stream, so any block
can be rebuilt alone and equals the same rows of the whole matrix; and everything stays
float32, so 50 000 × 10 000 (2 GB) builds in seconds without a float64 copy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lodestar.matching.problem import FORBIDDEN, DenseScores, Problem

BLOCK_ROWS = 1024
# Full rankings are Python lists: beyond this many pairs they cost more than any solver.
MAX_RANKING_PAIRS = 30_000_000

# Every random stream is keyed (seed, kind, what, index), so no two ever coincide.
_UNIFORM, _STRUCTURED = 1, 2
_MENTEES, _MENTORS, _POPULARITY, _BLOCKS = 0, 1, 2, 3

# Structured instances, calibrated at 1 000 × 250 so that first-come-first-served greedy lands
# about 5 % below the optimum and global greedy (the stable matching) 2–3 %, while the most
# popular mentor sits in two thirds or more of the mentees' top tens.
TASTE_DIMENSIONS = 4
POPULARITY_WEIGHT = 0.3
POPULARITY_SIGMA = 0.8  # lognormal: the 99th percentile is about 6× the median
AMBITION_RANGE = (0.3, 1.7)  # how much each mentee cares about a mentor's popularity
NOISE = 0.15
CENTER = 0.7  # raw affinity that maps to 50 points
SPREAD = 0.5  # raw affinity per logistic unit


@dataclass(frozen=True)
class Size:
    name: str
    mentees: int
    mentors: int
    capacity: int


SIZES: dict[str, Size] = {
    "small": Size("small", 1_000, 250, 4),
    "medium": Size("medium", 10_000, 2_500, 4),
    "large": Size("large", 50_000, 10_000, 5),
}


def parse_size(text: str) -> Size:
    """A named size, or MxNxC (mentees × mentors × capacity) such as 200x50x4."""
    if text in SIZES:
        return SIZES[text]
    try:
        m, n, c = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"unknown size {text!r}: use {', '.join(SIZES)} or MxNxC") from None
    return Size(text, m, n, c)


class GeneratedScores:
    """A ScoreSource that computes its rows on demand, block by seeded block."""

    kind = "generated"
    kind_tag = 0

    def __init__(self, m: int, n: int, seed: int, forbidden: float = 0.0) -> None:
        if m < 1 or n < 1:
            raise ValueError("an instance needs at least one mentee and one mentor")
        if not 0.0 <= forbidden < 1.0:
            raise ValueError("the share of forbidden pairs must be in [0, 1)")
        self._shape = (m, n)
        self.seed = seed
        self.forbidden = forbidden

    @property
    def shape(self) -> tuple[int, int]:
        return self._shape

    def rows(self, start: int, stop: int) -> np.ndarray:
        m, n = self.shape
        start, stop = max(0, start), min(m, stop)
        out = np.empty((max(0, stop - start), n), dtype=np.float32)
        if stop <= start:
            return out
        first, last = start // BLOCK_ROWS, (stop - 1) // BLOCK_ROWS
        block, scratch = (np.empty((BLOCK_ROWS, n), dtype=np.float32) for _ in range(2))
        for b in range(first, last + 1):
            lo, hi = b * BLOCK_ROWS, min(m, (b + 1) * BLOCK_ROWS)
            self._fill(b, block[: hi - lo], scratch[: hi - lo])
            keep_lo, keep_hi = max(lo, start), min(hi, stop)
            out[keep_lo - start : keep_hi - start] = block[keep_lo - lo : keep_hi - lo]
        return out

    def breakdown(self, mentees: np.ndarray, mentors: np.ndarray) -> dict[str, np.ndarray]:
        mentees, mentors = np.asarray(mentees), np.asarray(mentors)
        scores = np.empty(mentees.shape, dtype=np.float32)
        blocks = mentees // BLOCK_ROWS
        for b in np.unique(blocks).tolist():
            here = blocks == b
            rows = self.rows(b * BLOCK_ROWS, (b + 1) * BLOCK_ROWS)
            scores[here] = rows[mentees[here] - b * BLOCK_ROWS, mentors[here]]
        return {"score": scores}

    def dense(self) -> DenseScores:
        """The whole matrix, filled in place one block at a time (one float32 copy, no more)."""
        m, n = self.shape
        matrix = np.empty((m, n), dtype=np.float32)
        scratch = np.empty((min(m, BLOCK_ROWS), n), dtype=np.float32)
        for b in range(-(-m // BLOCK_ROWS)):
            out = matrix[b * BLOCK_ROWS : (b + 1) * BLOCK_ROWS]
            self._fill(b, out, scratch[: len(out)])
        return DenseScores(matrix)

    def _stream(self, what: int, index: int = 0) -> np.random.Generator:
        return np.random.default_rng([self.seed, self.kind_tag, what, index])

    def _fill(self, block: int, out: np.ndarray, scratch: np.ndarray) -> None:
        """Write block number `block` into out; scratch is free space of the same shape."""
        raise NotImplementedError

    def _forbid(self, rng: np.random.Generator, out: np.ndarray) -> None:
        # Sample positions rather than a uniform draw per pair: ~1 % of the cost.
        if self.forbidden <= 0:
            return
        count = rng.binomial(out.size, self.forbidden)
        flat = rng.integers(0, out.size, size=count)
        out[flat // out.shape[1], flat % out.shape[1]] = FORBIDDEN


class UniformScores(GeneratedScores):
    kind = "uniform"
    kind_tag = _UNIFORM

    def _fill(self, block: int, out: np.ndarray, scratch: np.ndarray) -> None:
        rng = self._stream(_BLOCKS, block)
        rng.random(out=out, dtype=np.float32)
        out *= np.float32(100)
        self._forbid(rng, out)


class StructuredScores(GeneratedScores):
    kind = "structured"
    kind_tag = _STRUCTURED

    def __init__(self, m: int, n: int, seed: int, forbidden: float = 0.015) -> None:
        super().__init__(m, n, seed, forbidden)
        taste, ambition = self._people(self._stream(_MENTEES), m)
        mentor_taste, _ = self._people(self._stream(_MENTORS), n)
        popularity = POPULARITY_WEIGHT * np.exp(
            POPULARITY_SIGMA * self._stream(_POPULARITY).standard_normal(n)
        )
        # Fold affinity, popularity and the logistic's centre and slope into one product, so a
        # block costs one float32 matrix multiplication and no temporary of its size:
        # (taste·mentor + ambition·popularity − CENTER) / SPREAD.
        self._left = np.column_stack([taste, ambition, np.ones(m)]).astype(np.float32)
        right = np.column_stack([mentor_taste, popularity, np.full(n, -CENTER)]) / SPREAD
        self._right = np.ascontiguousarray(right.T, dtype=np.float32)
        self.popularity = popularity.astype(np.float32)

    @staticmethod
    def _people(rng: np.random.Generator, count: int) -> tuple[np.ndarray, np.ndarray]:
        taste = rng.standard_normal((count, TASTE_DIMENSIONS))
        taste /= np.linalg.norm(taste, axis=1, keepdims=True)
        return taste, rng.uniform(*AMBITION_RANGE, size=count)

    def _fill(self, block: int, out: np.ndarray, scratch: np.ndarray) -> None:
        rng = self._stream(_BLOCKS, block)
        lo = block * BLOCK_ROWS
        np.matmul(self._left[lo : lo + out.shape[0]], self._right, out=out)
        # Uniform noise of the same spread: a sixth of the cost of normal draws, and the
        # shape of the noise hardly matters once it is added to everything else.
        rng.random(out=scratch, dtype=np.float32)
        scratch -= np.float32(0.5)
        scratch *= np.float32(np.sqrt(12) * NOISE / SPREAD)
        out += scratch
        # 100 · logistic(x) = 100 / (1 + e^−x), in place.
        np.negative(out, out=out)
        with np.errstate(over="ignore"):
            np.exp(out, out=out)
        out += np.float32(1)
        np.divide(np.float32(100), out, out=out)
        self._forbid(rng, out)


def _problem(scores: GeneratedScores, capacity: int) -> Problem:
    return Problem(
        scores=scores.dense(), capacities=np.full(scores.shape[1], capacity, dtype=np.int64)
    )


def uniform(m: int, n: int, capacity: int, seed: int, forbidden: float = 0.0) -> Problem:
    """M mentees × N mentors with i.i.d. uniform scores in [0, 100) and equal capacities."""
    return _problem(UniformScores(m, n, seed, forbidden), capacity)


def structured(m: int, n: int, capacity: int, seed: int, forbidden: float = 0.015) -> Problem:
    """Latent tastes plus heavy-tailed mentor popularity plus noise; ~1.5 % forbidden pairs."""
    return _problem(StructuredScores(m, n, seed, forbidden), capacity)


KINDS = {"uniform": uniform, "structured": structured}


def build(kind: str, size: Size, seed: int) -> Problem:
    try:
        make = KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown kind {kind!r}: use {', '.join(KINDS)}") from None
    return make(size.mentees, size.mentors, size.capacity, seed)


def full_rankings(problem: Problem) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
    """Complete preference lists, best first: mentees by their row, mentors by their column.

    A pair forbidden on either side is left out of both lists (the two sides must agree on
    who is acceptable); ties go to the lower index. Shaped for
    `matching.games.HospitalResident.create_from_dictionaries`. Small instances only.
    """
    m, n = problem.shape
    if m * n > MAX_RANKING_PAIRS:
        raise ValueError(f"full rankings of {m} × {n} would not fit in Python lists")
    mentee_view = problem.rows(0, m)
    mentor_view = problem.mentor_scores.rows(0, m) if problem.mentor_scores else mentee_view
    allowed = np.isfinite(mentee_view) & np.isfinite(mentor_view)
    # Negate so the best comes first; forbidden pairs become +inf and sort last.
    mentee_keys = np.where(allowed, -mentee_view, np.inf)
    mentor_keys = np.where(allowed, -mentor_view, np.inf).T
    by_mentee = np.argsort(mentee_keys, axis=1, kind="stable")
    by_mentor = np.argsort(mentor_keys, axis=1, kind="stable")
    mentee_lengths = allowed.sum(axis=1)
    mentor_lengths = allowed.sum(axis=0)
    return (
        {i: by_mentee[i, : mentee_lengths[i]].tolist() for i in range(m)},
        {j: by_mentor[j, : mentor_lengths[j]].tolist() for j in range(n)},
    )
