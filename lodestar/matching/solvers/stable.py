"""Stable matching: mentee-proposing deferred acceptance for many-to-one (hospitals/residents).

No mentee and mentor would both rather have each other than what they got. Mentees rank mentors
by their scores (or their own explicit lists), mentors rank mentees by `Problem.mentor_scores`
(or the same scores, or their own explicit lists); a pair is acceptable when it is allowed and
both sides rank it. Ties go to the lower index, on both sides.

With one shared score on both sides, the stable matching is the global greedy one (the highest
pair first, then the highest remaining, ...): stable, but typically about 5 % below the optimum.

The result, the mentee-optimal stable matching, does not depend on the order of proposals, so
all free mentees propose at once, round after round; each mentee's list is sorted lazily, k
mentors at a time, because most mentees never get far down theirs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from ..metrics import (
    BLOCK_BYTES,
    apply_pins,
    build_result,
    count_blocking_pairs,
    mentor_view,
    pair_scores,
    rows_of,
)
from ..problem import Problem, Result, ScoreSource

SHARED_SCORE_NOTE = (
    "Both sides rank each other by the same score, so this stable matching is the global greedy "
    "one (the highest-scoring pair first); its total is typically a few percent below the optimum "
    "(about 5 % on realistic data)."
)


def solve_stable(
    problem: Problem,
    *,
    mentee_preferences: Sequence[Sequence[int]] | None = None,
    mentor_preferences: Sequence[Sequence[int]] | None = None,
    k: int = 32,
) -> Result:
    """The mentee-optimal stable matching; pins keep their seats and take no part.

    mentee_preferences[i] lists the mentors mentee i accepts, best first (instead of its
    scores); mentor_preferences[j] lists the mentees mentor j accepts, best first (instead of
    mentor_scores). k is how many mentors of each mentee's list are sorted at a time.
    """
    ranked = with_preferences(problem, mentee_preferences, mentor_preferences)
    pairs, remaining, pinned = apply_pins(problem)
    rankings = _Rankings(ranked, k)
    proposers = np.flatnonzero(~pinned) if problem.shape[1] else np.zeros(0, dtype=np.int64)
    match, rounds = _defer_acceptance(rankings, remaining, proposers)
    matched = np.flatnonzero(match >= 0)
    mentee = np.concatenate([matched, pairs[:, 0]])
    mentor = np.concatenate([match[matched], pairs[:, 1]])
    notes = [f"Deferred acceptance settled in {rounds} rounds of proposals."]
    if mentee_preferences is None and mentor_preferences is None and problem.mentor_scores is None:
        notes.append(SHARED_SCORE_NOTE)
    result = build_result(problem, "stable", mentee, mentor, blocking=False, notes=notes)
    # Blocking pairs by the preferences the matching was made on, explicit lists included.
    result.metrics.blocking_pairs = count_blocking_pairs(ranked, mentee, mentor)
    return result


def with_preferences(
    problem: Problem,
    mentee_preferences: Sequence[Sequence[int]] | None,
    mentor_preferences: Sequence[Sequence[int]] | None,
) -> Problem:
    """The problem as the stable solver sees it: explicit lists, when given, replace the scores
    of their side (a listed pair scores by position, first highest; an unlisted one is absent)."""
    m, n = problem.shape
    changes: dict[str, ScoreSource] = {}
    if mentee_preferences is not None:
        if len(mentee_preferences) != m:
            raise ValueError(f"mentee_preferences needs one list per mentee ({m})")
        changes["scores"] = RankedLists(
            _entries(mentee_preferences, n), (m, n), allowed=problem.scores
        )
    if mentor_preferences is not None:
        if len(mentor_preferences) != n:
            raise ValueError(f"mentor_preferences needs one list per mentor ({n})")
        mentors, mentees, values = _entries(mentor_preferences, m)
        changes["mentor_scores"] = RankedLists((mentees, mentors, values), (m, n))
    return dataclasses.replace(problem, **changes) if changes else problem


def _entries(lists: Sequence[Sequence[int]], n_choices: int) -> tuple[np.ndarray, ...]:
    """(owner, choice, value) of ranked lists, first choice valued n_choices, duplicates dropped."""
    lengths = np.array([len(choices) for choices in lists], dtype=np.int64)
    nothing = [np.zeros(0, dtype=np.int64)]
    choice = np.concatenate([np.asarray(c, dtype=np.int64).ravel() for c in lists] + nothing)
    if ((choice < 0) | (choice >= n_choices)).any():
        raise ValueError(f"a preference list names an index outside 0..{n_choices - 1}")
    owner = np.repeat(np.arange(len(lists)), lengths)
    position = np.arange(choice.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)
    _, first = np.unique(owner * n_choices + choice, return_index=True)
    first.sort()
    value = (n_choices - position[first]).astype(np.float32)
    return owner[first], choice[first], value


@dataclasses.dataclass
class RankedLists:
    """A ScoreSource over ranked lists: entries (mentee, mentor, value), every other pair -inf;
    when `allowed` is given, its forbidden pairs stay forbidden."""

    entries: tuple[np.ndarray, np.ndarray, np.ndarray]
    shape: tuple[int, int]
    allowed: ScoreSource | None = None

    def __post_init__(self) -> None:
        mentee, mentor, value = self.entries
        order = np.lexsort((mentor, mentee))
        self._mentor, self._value = mentor[order], value[order]
        self._indptr = np.searchsorted(mentee[order], np.arange(self.shape[0] + 1))

    def rows(self, start: int, stop: int) -> np.ndarray:
        lo, hi = self._indptr[start], self._indptr[stop]
        block = np.full((stop - start, self.shape[1]), -np.inf, dtype=np.float32)
        row = np.repeat(np.arange(stop - start), np.diff(self._indptr[start : stop + 1]))
        block[row, self._mentor[lo:hi]] = self._value[lo:hi]
        if self.allowed is not None:
            block[~np.isfinite(self.allowed.rows(start, stop))] = -np.inf
        return block

    def breakdown(self, mentees: np.ndarray, mentors: np.ndarray) -> dict[str, np.ndarray]:
        return {"preference": pair_scores(self.rows, self.shape[1], mentees, mentors)}


class _Rankings:
    """Each mentee's acceptable mentors, best first, sorted a slice at a time as needed.

    Slices live in flat arrays; mentee i's current one is [pos[i], end[i]). The first slice
    holds k mentors. When a mentee has spent its slice, the next one is drawn only from the
    mentors that would take it now (see `propose`), each twice as long as the last, so a
    mentee far down a crowded list costs few refills. `value` holds each listed mentor's own
    score of the mentee, which is what a mentor compares proposals by.
    """

    def __init__(self, problem: Problem, k: int) -> None:
        m, n = problem.shape
        self.problem = problem
        self.theirs = None if problem.mentor_scores is None else mentor_view(problem)
        self.k = max(1, min(k, n))
        self.mentor = np.zeros(m * self.k, dtype=np.int32)
        self.value = np.zeros(m * self.k, dtype=np.float32)
        self.used = 0
        self.pos = np.zeros(m, dtype=np.int64)
        self.end = np.zeros(m, dtype=np.int64)
        self.width = np.full(m, self.k, dtype=np.int64)
        self.done = np.zeros(m, dtype=bool)
        for start, stop, rows in problem.row_blocks(BLOCK_BYTES):
            self._fill(np.arange(start, stop), rows)

    def propose(
        self, mentees: np.ndarray, bar_value: np.ndarray, bar_mentee: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each mentee's next mentor that would take it now, as (mentee, mentor, that mentor's
        score of the mentee); mentees with none left drop out.

        A mentor takes a mentee that beats its bar, the worst mentee it holds when full
        (-inf when not, +inf without seats). Bars only rise, so a mentor whose bar a mentee
        cannot beat now would refuse it later too: the mentee skips it without asking, and a
        refill leaves it out (as it leaves out every mentor that already said no).
        """
        k, n = self.k, self.problem.shape[1]
        none = np.empty(0, dtype=np.int64)
        found_mentee, found_mentor, found_value = [none], [none], [none.astype(np.float32)]
        while mentees.size:
            pos, end = self.pos[mentees], self.end[mentees]
            slots = pos[:, None] + np.arange(k)
            listed = slots < end[:, None]
            slots = np.where(listed, slots, 0)
            mentor, value = self.mentor[slots], self.value[slots]
            beats = listed & _beats(value, mentees[:, None], bar_value[mentor], bar_mentee[mentor])
            found = beats.any(axis=1)
            at = pos[found] + beats[found].argmax(axis=1)
            found_mentee.append(mentees[found])
            found_mentor.append(self.mentor[at].astype(np.int64))
            found_value.append(self.value[at])
            self.pos[mentees[found]] = at + 1
            mentees, pos, end = mentees[~found], pos[~found], end[~found]
            self.pos[mentees] = np.minimum(pos + k, end)
            spent = self.pos[mentees] == end
            exhausted = spent & self.done[mentees]
            for group, rows in rows_of(self.problem.rows, n, mentees[spent & ~exhausted]):
                self._fill(group, rows, bar_value, bar_mentee)
            mentees = mentees[~exhausted]
        return (
            np.concatenate(found_mentee),
            np.concatenate(found_mentor),
            np.concatenate(found_value),
        )

    def _fill(
        self,
        mentees: np.ndarray,
        rows: np.ndarray,
        bar_value: np.ndarray | None = None,
        bar_mentee: np.ndarray | None = None,
    ) -> None:
        """The next slice of these mentees: their best mentors among those who would take them
        (before any bar is set, among those who accept them at all)."""
        n = rows.shape[1]
        theirs = rows if self.theirs is None else self._their_rows(mentees)
        candidates = rows
        if bar_value is not None:
            would_take = _beats(theirs, mentees[:, None], bar_value, bar_mentee)
            candidates = np.where(would_take, rows, np.float32(-np.inf))
        if self.theirs is not None:
            candidates = np.where(np.isfinite(theirs), candidates, np.float32(-np.inf))
        width = self.width[mentees]
        row, mentor, _ = top_k(candidates, width)
        counts = np.bincount(row, minlength=mentees.size)
        # Fewer than asked for: nobody beyond would ever take this mentee.
        self.done[mentees] = counts < width
        self.width[mentees] = np.minimum(2 * width, n)
        start = self._append(mentor, theirs[row, mentor])
        self.pos[mentees] = start + np.cumsum(counts) - counts
        self.end[mentees] = self.pos[mentees] + counts

    def _their_rows(self, mentees: np.ndarray) -> np.ndarray:
        n = self.problem.shape[1]
        return np.vstack([rows for _, rows in rows_of(self.theirs, n, mentees)])

    def _append(self, mentor: np.ndarray, value: np.ndarray) -> int:
        if self.used + mentor.size > self.mentor.size:
            self._compact(mentor.size)
        start, self.used = self.used, self.used + mentor.size
        self.mentor[start : self.used] = mentor
        self.value[start : self.used] = value
        return start

    def _compact(self, more: int) -> None:
        """Drop spent slices, and grow if the live ones still leave too little room."""
        live = _ranges(self.pos, self.end - self.pos)
        size = max(self.mentor.size, 2 * (live.size + more))
        mentor, value = np.zeros(size, dtype=np.int32), np.zeros(size, dtype=np.float32)
        mentor[: live.size], value[: live.size] = self.mentor[live], self.value[live]
        self.mentor, self.value, self.used = mentor, value, live.size
        lengths = self.end - self.pos
        self.pos = np.cumsum(lengths) - lengths
        self.end = self.pos + lengths


def _beats(
    value: np.ndarray, mentee: np.ndarray, bar_value: np.ndarray, bar_mentee: np.ndarray
) -> np.ndarray:
    """Whether a mentor ranks this mentee above its bar: higher score, or equal and lower index."""
    return (value > bar_value) | ((value == bar_value) & (mentee < bar_mentee))


def top_k(rows: np.ndarray, k: int | np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row, the k best finite columns (score down, then index up), in that order, as
    parallel arrays (row, column, score) grouped by row; k may differ by row."""
    b, n = rows.shape
    if not n:
        nothing = np.zeros(0, dtype=np.int64)
        return nothing, nothing, nothing.astype(np.float32)
    k = np.broadcast_to(np.asarray(k, dtype=np.int64), (b,))
    widest = int(max(1, min(k.max(initial=1), n)))
    kth = np.partition(rows, n - widest, axis=1)[:, n - widest]
    # Keep -inf out even where fewer than k are finite.
    kth = np.maximum(kth, np.finfo(np.float32).min)
    row, column = np.nonzero(rows >= kth[:, None])
    score = rows[row, column]
    # Ties at the k-th value may bring more than k: sort them and keep k.
    order = _order_by_row_score_down_index_up(row, score, column, b, n)
    row, column, score = row[order], column[order], score[order]
    counts = np.bincount(row, minlength=b)
    rank = np.arange(row.size) - np.repeat(np.cumsum(counts) - counts, counts)
    keep = rank < k[row]
    return row[keep], column[keep], score[keep]


def _order_by_row_score_down_index_up(
    row: np.ndarray, score: np.ndarray, column: np.ndarray, b: int, n: int
) -> np.ndarray:
    """The lexsort order of (row, -score, column), by one sort of a packed 64-bit key when the
    three fit in it: ten times faster than lexsort."""
    row_bits, column_bits = int(b - 1).bit_length(), int(n - 1).bit_length()
    if row_bits + 32 + column_bits > 64:
        return np.lexsort((column, -score, row))
    bits = score.astype(np.float32).view(np.uint32)
    # Float bits, flipped so that unsigned order is float order; inverted for "score down".
    ascending = np.where(bits >> 31, ~bits, bits | np.uint32(0x80000000))
    key = row.astype(np.uint64) << np.uint64(32 + column_bits)
    key |= (~ascending).astype(np.uint64) << np.uint64(column_bits)
    key |= column.astype(np.uint64)
    return np.argsort(key)


def _defer_acceptance(
    rankings: _Rankings, capacity: np.ndarray, proposers: np.ndarray
) -> tuple[np.ndarray, int]:
    """Simultaneous proposal rounds until nobody free has a mentor left to ask.

    Each mentor's seats are a slice of one flat array, kept best first, so a round only
    touches the mentors proposed to: their holders and the new proposals are sorted together
    and the best `capacity` of each stay.
    """
    m = rankings.pos.size
    seats_start = np.concatenate([[0], np.cumsum(capacity)[:-1]]).astype(np.int64)
    seat_mentee = np.full(int(capacity.sum()), -1, dtype=np.int64)
    seat_value = np.zeros(seat_mentee.size, dtype=np.float32)
    held = np.zeros(capacity.size, dtype=np.int64)
    bar_value = np.where(capacity > 0, -np.inf, np.inf).astype(np.float32)
    bar_mentee = np.full(capacity.size, m, dtype=np.int64)
    match = np.full(m, -1, dtype=np.int64)
    rounds = 0
    while True:
        proposers, mentor, value = rankings.propose(proposers, bar_value, bar_mentee)
        if not proposers.size:
            return match, rounds
        rounds += 1
        asked = np.unique(mentor)
        seats = _ranges(seats_start[asked], held[asked])
        pool_mentee = np.concatenate([proposers, seat_mentee[seats]])
        pool_mentor = np.concatenate([mentor, np.repeat(asked, held[asked])])
        pool_value = np.concatenate([value, seat_value[seats]])
        order = np.lexsort((pool_mentee, -pool_value, pool_mentor))
        pool_mentee, pool_mentor, pool_value = (
            pool_mentee[order],
            pool_mentor[order],
            pool_value[order],
        )
        sizes = np.diff(np.searchsorted(pool_mentor, np.append(asked, capacity.size)))
        starts = np.cumsum(sizes) - sizes
        rank = np.arange(pool_mentor.size) - np.repeat(starts, sizes)
        keep = rank < capacity[pool_mentor]
        slot = seats_start[pool_mentor[keep]] + rank[keep]
        seat_mentee[slot] = pool_mentee[keep]
        seat_value[slot] = pool_value[keep]
        held[asked] = np.minimum(sizes, capacity[asked])
        full = asked[held[asked] == capacity[asked]]
        worst = seats_start[full] + capacity[full] - 1
        bar_value[full] = seat_value[worst]
        bar_mentee[full] = seat_mentee[worst]
        match[pool_mentee[keep]] = pool_mentor[keep]
        proposers = pool_mentee[~keep]
        match[proposers] = -1


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenated aranges [starts[g], starts[g] + lengths[g]) for every g."""
    ends = np.cumsum(lengths)
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(ends[-1] if ends.size else 0)
