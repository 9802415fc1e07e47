"""The score of every mentee–mentor pair: the weighted mean of the criteria, 0 to 100.

    score = 100 × Σ weight·score / Σ weight     over the criteria both people have a value for

- A criterion is set aside for a pair when either person's value is missing (None, NaN, blank,
  empty list; see criteria.py), and the weights of the others are renormalised; a pair with no
  criterion left scores 0.
- A required criterion that scores 0 forbids the pair (score -inf), and so does a required
  criterion with a missing value: "required" means the pair must be shown to satisfy it.
- The breakdown of a pair gives each criterion's points, weight share × score × 100, so the
  points of an allowed pair add up to its score.

Scores are computed a block of mentee rows at a time, cut further into chunks that fit in the
processor's cache; every step is a numpy operation over a chunk, never a loop over pairs, and a
pair's score does not depend on the block it is computed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np

from .criteria import Criterion, RuleScores, Side, encode
from .problem import FORBIDDEN
from .semantic import sentence_encoder

# Elements of one chunk: about 1 MB of float32, so a chunk's passes stay in cache.
CHUNK_ELEMENTS = 1 << 18


class Scorer:
    """A ScoreSource computing scores from the people's fields and the program's criteria.

    mentees and mentors map each field name to a list with one value per person. The
    reference date places availability windows and time-zone names on a real week (default:
    today). semantic=True uses sentence embeddings for text criteria when available, and
    otherwise says why in `notes`.
    """

    def __init__(
        self,
        mentees: Side,
        mentors: Side,
        criteria: Sequence[Criterion],
        *,
        reference_date: date | None = None,
        semantic: bool = False,
    ) -> None:
        criteria = tuple(criteria)
        if not criteria:
            raise ValueError("scoring needs at least one criterion")
        names = [c.name for c in criteria]
        for name in names:
            if names.count(name) > 1:
                raise ValueError(f"two criteria are named “{name}”: names must be unique")
        self.criteria = criteria
        self.reference_date = reference_date or date.today()
        self.notes: list[str] = []
        m = _side_length(mentees, criteria, "mentee")
        n = _side_length(mentors, criteria, "mentor")
        self._shape = (m, n)
        self.chunk_elements = CHUNK_ELEMENTS
        encoder = None
        if semantic and any(c.rule == "text" for c in criteria):
            encoder, note = sentence_encoder()
            self.notes.append(note if encoder else f"{note}; text criteria use TF-IDF")
        self._rules: list[RuleScores] = [
            encode(c, mentees, mentors, reference=self.reference_date, encoder=encoder)
            for c in criteria
        ]
        self._weights = np.array([c.weight for c in criteria], dtype=np.float64)
        self._index = {c.name: k for k, c in enumerate(criteria)}
        self._prepare_weights()

    def _prepare_weights(self) -> None:
        """Group people by which criteria they have values for; a pair's total weight then
        depends only on its two groups, so it is a small table rather than an M×N array."""
        present_m = np.column_stack([r.mentee_present for r in self._rules])
        present_n = np.column_stack([r.mentor_present for r in self._rules])
        groups_m, self._group_m = _groups(present_m)
        groups_n, self._group_n = _groups(present_n)
        total = (groups_m * self._weights) @ groups_n.T.astype(np.float64)
        scale = np.divide(100, total, out=np.ones_like(total), where=total > 0)
        self._scale = scale.astype(np.float32)
        self._absent_m = [np.flatnonzero(~r.mentee_present) for r in self._rules]
        self._absent_n = [np.flatnonzero(~r.mentor_present) for r in self._rules]
        if scale.shape == (1, 1):
            # Everyone has the same criteria: fold the one scale into the weights.
            self._factors = (self._weights * scale[0, 0]).astype(np.float32)
        else:
            self._factors = self._weights.astype(np.float32)

    @property
    def shape(self) -> tuple[int, int]:
        return self._shape

    def rows(self, start: int, stop: int) -> np.ndarray:
        """float32 (stop - start, N) scores in [0, 100]; forbidden pairs are -inf."""
        m, n = self._shape
        start, stop = max(0, start), min(stop, m)
        out = np.empty((max(0, stop - start), n), dtype=np.float32)
        step = max(1, self.chunk_elements // max(1, n))
        for a in range(start, stop, step):
            b = min(stop, a + step)
            self._fill(out[a - start : b - start], a, b)
        return out

    def _fill(self, out: np.ndarray, start: int, stop: int) -> None:
        empty = True
        forbidden = None
        for k, (criterion, rule) in enumerate(zip(self.criteria, self._rules, strict=True)):
            if not (criterion.required or self._factors[k]):
                continue
            scores = self._block(k, rule, start, stop)
            if criterion.required:
                zero = scores <= 0
                forbidden = zero if forbidden is None else np.logical_or(forbidden, zero, out=zero)
            if not self._factors[k]:
                continue
            if empty:
                np.multiply(scores, self._factors[k], out=out)
                empty = False
            else:
                np.multiply(scores, self._factors[k], out=scores)
                out += scores
        if empty:
            out.fill(0)
        if self._scale.shape != (1, 1):
            out *= self._scale_block(start, stop)
        if forbidden is not None:
            np.copyto(out, FORBIDDEN, where=forbidden)

    def _block(self, k: int, rule: RuleScores, start: int, stop: int) -> np.ndarray:
        """The rule's scores for rows start..stop, 0 where either value is missing."""
        scores = rule.block(start, stop)
        absent = self._absent_m[k]
        lo, hi = np.searchsorted(absent, [start, stop])
        if hi > lo:
            scores[absent[lo:hi] - start] = 0
        if len(self._absent_n[k]):
            scores[:, self._absent_n[k]] = 0
        return scores

    def _scale_block(self, start: int, stop: int) -> np.ndarray:
        groups = self._scale[self._group_m[start:stop]]
        if groups.shape[1] == 1:
            return groups
        return np.take(groups, self._group_n, axis=1)

    def _pairs(self, mentees: np.ndarray, mentors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(criteria × pairs) raw scores and whether both values are present."""
        scores = np.stack([r.pairs(mentees, mentors) for r in self._rules]).reshape(
            len(self._rules), len(mentees)
        )
        present = np.stack(
            [r.mentee_present[mentees] & r.mentor_present[mentors] for r in self._rules]
        ).reshape(scores.shape)
        return np.where(present, scores, 0.0), present

    def breakdown(self, mentees: np.ndarray, mentors: np.ndarray) -> dict[str, np.ndarray]:
        """Each criterion's points (out of 100) for the pairs (mentees[k], mentors[k]); they add
        up to the pair's score. A forbidden pair still shows what each criterion would give."""
        mentees, mentors = self._pair_arrays(mentees, mentors)
        scores, present = self._pairs(mentees, mentors)
        weights = self._weights[:, None] * present
        total = weights.sum(axis=0)
        scale = np.divide(100, total, out=np.zeros_like(total), where=total > 0)
        points = weights * scores * scale
        return {c.name: points[k].astype(np.float32) for k, c in enumerate(self.criteria)}

    def criterion_scores(self, name: str, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        """One criterion's raw scores in [0, 1] for the given pairs; NaN where a value is missing."""
        if name not in self._index:
            raise KeyError(f"no criterion named “{name}” (criteria: {', '.join(self._index)})")
        mentees, mentors = self._pair_arrays(mentees, mentors)
        rule = self._rules[self._index[name]]
        present = rule.mentee_present[mentees] & rule.mentor_present[mentors]
        return np.where(present, rule.pairs(mentees, mentors), np.nan).astype(np.float32)

    def why_no_mentor(self, mentee: int) -> str | None:
        """Why no mentor is allowed for this mentee, naming a required criterion; None if some
        mentor is allowed."""
        m, n = self._shape
        if not 0 <= mentee < m:
            raise IndexError(f"mentee {mentee} is outside 0..{m - 1}")
        if n == 0:
            return "there are no mentors"
        if np.isfinite(self.rows(mentee, mentee + 1)).any():
            return None
        worst, worst_count = None, -1
        for k, (criterion, rule) in enumerate(zip(self.criteria, self._rules, strict=True)):
            if not criterion.required:
                continue
            if not rule.mentee_present[mentee]:
                return f"the mentee has no value for the required criterion “{criterion.name}”"
            ruled_out = int((self._block(k, rule, mentee, mentee + 1) <= 0).sum())
            if ruled_out == n:
                return f"no mentor satisfies the required criterion “{criterion.name}”"
            if ruled_out > worst_count:
                worst, worst_count = criterion.name, ruled_out
        return (
            f"no mentor satisfies all the required criteria together; “{worst}” rules out "
            f"the most ({worst_count} of {n} mentors)"
        )

    def forbidden_reasons(self) -> dict[int, str]:
        """For each mentee whom the required criteria leave without any mentor, why
        (for Problem.forbidden_reasons)."""
        m, n = self._shape
        required = [k for k, c in enumerate(self.criteria) if c.required]
        if not required and n:
            return {}
        stuck = np.zeros(m, dtype=bool)
        step = max(1, self.chunk_elements // max(1, n))
        for a in range(0, m, step):
            b = min(m, a + step)
            allowed = np.ones((b - a, n), dtype=bool)
            for k in required:
                allowed &= self._block(k, self._rules[k], a, b) > 0
            stuck[a:b] = ~allowed.any(axis=1)
        return {int(i): self.why_no_mentor(int(i)) or "" for i in np.flatnonzero(stuck)}

    def _pair_arrays(self, mentees, mentors) -> tuple[np.ndarray, np.ndarray]:
        mentees = np.asarray(mentees, dtype=np.int64).ravel()
        mentors = np.asarray(mentors, dtype=np.int64).ravel()
        if mentees.shape != mentors.shape:
            raise ValueError("mentees and mentors must be index arrays of the same length")
        return mentees, mentors


def _groups(present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct rows of a people × criteria bool matrix, and each person's row among them."""
    if len(present) == 0:
        return np.ones((1, present.shape[1]), dtype=bool), np.zeros(0, dtype=np.int64)
    groups, which = np.unique(present, axis=0, return_inverse=True)
    return groups, which.reshape(-1)


def _side_length(side: Side, criteria: Sequence[Criterion], who: str) -> int:
    """How many people a side has; every field the criteria read must be there, equally long."""
    lengths: dict[str, int] = {}
    for criterion in criteria:
        for field in criterion.fields(who):
            if field not in side:
                raise ValueError(
                    f"criterion “{criterion.name}”: the {who}s have no field “{field}”"
                )
            lengths[field] = len(side[field])
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"“{f}” {k}" for f, k in lengths.items())
        raise ValueError(f"the {who}s' fields have different lengths: {detail}")
    return next(iter(lengths.values()))
