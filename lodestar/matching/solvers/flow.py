"""Exact solvers by min-cost flow, with a certificate of optimality.

The whole M×N problem is too big for a flow solver at the sizes we care about (10 000 × 2 500
dense is ~14 s and 3 GB with OR-Tools). Instead:

1. build a candidate set: each mentee's best mentors plus each mentor's best mentees. On big
   problems "best" is net of each mentor's likely seat price, taken from an exact solve of a
   sample of the mentees (`_price_hint`): popular mentors are in everyone's top ten, but
   most mentees will not get them, and aiming at where they will end up saves whole rounds;
2. solve min-cost flow (OR-Tools) on the candidates only;
3. derive dual prices from that solution — a price v_j per mentor seat and a value u_i per
   mentee, with u_i + v_j = w_ij on every matched pair — as longest paths in the graph of
   "mentee i could swap from its mentor to j" constraints;
4. scan all M×N pairs with those prices: a pair with w_ij > u_i + v_j could still improve the
   result, so add it to the candidates and solve again.

The passes over all M×N scores (steps 1 and 4) run on every core, each thread on its own
rows of the one float32 matrix; every step is per row, or merged so that the result does not
depend on how the rows were shared.

When the scan finds nothing, (u, v) is feasible for the dual of the full problem and its
objective equals the primal total: that is the proof of optimality, reported with the result.
Scores are compared as integers of RESOLUTION points, so the gap is exactly zero, not "small".
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import pairwise

import numpy as np
from ortools.graph.python import min_cost_flow

from ..metrics import apply_pins, build_result
from ..problem import DenseScores, Problem, Proof, Result

RESOLUTION = 0.001  # points: scores are compared as integers of this unit
SCALE = round(1 / RESOLUTION)
MAX_POINTS = 100 * SCALE
NOT_ALLOWED = np.int64(-1)


def to_points(scores: np.ndarray) -> np.ndarray:
    """Scores as integers of RESOLUTION; the one conversion every path uses, so they agree."""
    return np.rint(scores.astype(np.float64) * SCALE).astype(np.int64)


class ProofFailed(RuntimeError):
    """The dual check could not certify the result; never expected, always worth a bug report."""


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass
class _Share:
    """What one thread found in its rows while building the candidates."""

    col_val: np.ndarray
    col_idx: np.ndarray
    rows_i: list = field(default_factory=list)
    rows_j: list = field(default_factory=list)
    allowed: int = 0


@dataclass
class _Solution:
    mentee: np.ndarray
    mentor: np.ndarray
    points: np.ndarray  # each matched pair's score, in RESOLUTION units
    u: np.ndarray
    v: np.ndarray
    proof: Proof


class _FlowEngine:
    """The candidate set and the solve-price-scan loop for one problem (pins already applied)."""

    def __init__(
        self,
        problem: Problem,
        *,
        capacities: np.ndarray,
        active: np.ndarray,
        mentee_k: int = 8,
        mentor_k_per_seat: float = 2.0,
        max_new_per_row: int = 8,
        prune_margin: float | None = 1.0,
        block_bytes: int = 8 << 20,
        threads: int | None = None,
        price_hint: np.ndarray | None = None,
    ) -> None:
        self.problem = problem
        self.m, self.n = problem.shape
        self.capacities = capacities.astype(np.int64)
        self.active = active
        self.mentee_k = mentee_k
        self.mentor_k_per_seat = mentor_k_per_seat
        self.max_new_per_row = max_new_per_row
        self.prune_margin = prune_margin
        self.block_bytes = block_bytes
        self.threads = max(1, threads or available_cores())
        self.price_hint = price_hint
        self.cand_i, self.cand_j, self.cand_p = self._initial_candidates()

    # -- scores as integers ---------------------------------------------------------------

    def int_block(self, start: int, stop: int, floor: int = 0) -> np.ndarray:
        """Integer scores of a block of rows; NOT_ALLOWED where forbidden, inactive or < floor."""
        points = to_points(np.nan_to_num(self.problem.rows(start, stop), neginf=-1.0))
        points[points < max(floor, 0)] = NOT_ALLOWED
        points[~self.active[start:stop]] = NOT_ALLOWED
        points[:, self.capacities <= 0] = NOT_ALLOWED
        return points

    @property
    def block_rows(self) -> int:
        return max(1, min(self.m, self.block_bytes // max(1, 8 * self.n)))

    def blocks(self):
        step = self.block_rows
        for start in range(0, self.m, step):
            yield start, min(self.m, start + step)

    def _each_share(self, work):
        """work(blocks) on contiguous shares of the blocks, one thread each; results in order.

        The passes over all M×N scores are memory-bound numpy calls that release the GIL, so
        threads sharing one matrix scale with the cores without copying it. Every share's
        result must not depend on where the shares split (per-row work does not).
        """
        spans = list(self.blocks())
        count = min(self.threads, len(spans))
        if count <= 1:
            return [work(spans)]
        edges = np.linspace(0, len(spans), count + 1).round().astype(int)
        shares = [spans[lo:hi] for lo, hi in pairwise(edges.tolist())]
        with ThreadPoolExecutor(count) as pool:
            return list(pool.map(work, shares))

    # -- candidates -----------------------------------------------------------------------

    def _initial_candidates(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each mentee's best mentors, and each mentor's best mentees.

        Partitions run on the float32 scores (half the memory traffic of integers); only the
        few values kept are converted to points. A mentor's best mentees are those strictly
        above its k-th best score: ties at that score are left to the scan, so the candidates
        are the same however the rows were shared between threads.
        """
        n = self.n
        self.row_max = np.full(self.m, -np.inf, dtype=np.float32)
        shares = self._each_share(self._candidates_in)
        self.allowed_pairs = sum(share.allowed for share in shares)
        found_i = [part for share in shares for part in share.rows_i]
        found_j = [part for share in shares for part in share.rows_j]
        k_col = self._k_col
        if k_col:
            col_val = np.concatenate([share.col_val for share in shares])
            col_idx = np.concatenate([share.col_idx for share in shares])
            if col_val.shape[0] >= k_col:
                kth = np.partition(col_val, col_val.shape[0] - k_col, axis=0)[-k_col]
                keep = col_val > kth[None, :]
            else:
                keep = np.ones(col_val.shape, dtype=bool)
            rows, cols = np.nonzero(keep)
            found_i.append(col_idx[rows, cols])
            found_j.append(cols)
        i = np.concatenate(found_i) if found_i else np.empty(0, np.int64)
        j = np.concatenate(found_j) if found_j else np.empty(0, np.int64)
        keys = np.unique(i * n + j)
        i, j = keys // n, keys % n
        points = self._points_of(i, j)
        keep = (points >= 0) & self.active[i] & (self.capacities[j] > 0)
        return i[keep], j[keep], points[keep]

    @property
    def _k_col(self) -> int:
        return int(min(self.m, np.ceil(self.mentor_k_per_seat * self.capacities.max(initial=0))))

    def _candidates_in(self, spans) -> _Share:
        """One thread's share of the candidates: its rows' best, and its best per column."""
        n = self.n
        k_row = min(n, self.mentee_k)
        k_col = self._k_col
        usable_row = self.active
        usable_col = self.capacities > 0
        share = _Share(
            col_val=np.full((0, n), -np.inf, dtype=np.float32),
            col_idx=np.zeros((0, n), dtype=np.int64),
        )
        for start, stop in spans:
            block = self.problem.rows(start, stop)
            share.allowed += int(
                np.count_nonzero(block[usable_row[start:stop]][:, usable_col] >= 0)
            )
            if self.price_hint is None:
                top = np.argpartition(block, n - k_row, axis=1)[:, n - k_row :]
                self.row_max[start:stop] = np.take_along_axis(block, top, axis=1).max(axis=1)
            else:
                # The best mentors net of their expected price: where each mentee will end up.
                top = np.argpartition(block - self.price_hint, n - k_row, axis=1)[:, n - k_row :]
                self.row_max[start:stop] = block.max(axis=1)
            share.rows_i.append(np.repeat(np.arange(start, stop), k_row))
            share.rows_j.append(top.ravel())
            if k_col:
                # Running top-k of each column: this block's best merged with the best so far.
                kc = min(k_col, stop - start)
                flipped = np.ascontiguousarray(block.T)
                part = np.argpartition(flipped, flipped.shape[1] - kc, axis=1)[:, -kc:]
                col_val = np.concatenate([share.col_val, np.take_along_axis(flipped, part, 1).T])
                col_idx = np.concatenate([share.col_idx, part.T + start])
                if col_val.shape[0] > 2 * k_col:
                    keep = np.argpartition(col_val, col_val.shape[0] - k_col, axis=0)[-k_col:]
                    col_val = np.take_along_axis(col_val, keep, axis=0)
                    col_idx = np.take_along_axis(col_idx, keep, axis=0)
                share.col_val, share.col_idx = col_val, col_idx
        return share

    def _points_of(self, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        """Points of given pairs (sorted by mentee), NOT_ALLOWED where forbidden."""
        out = np.full(mentees.size, NOT_ALLOWED, dtype=np.int64)
        spans = list(self.blocks())
        bounds = np.searchsorted(mentees, [start for start, _ in spans] + [self.m])
        for (start, stop), lo, hi in zip(spans, bounds[:-1], bounds[1:], strict=True):
            if lo == hi:
                continue
            values = self.problem.rows(start, stop)[mentees[lo:hi] - start, mentors[lo:hi]]
            finite = np.isfinite(values)
            out[lo:hi][finite] = to_points(values[finite])
        return out

    # -- one restricted solve -------------------------------------------------------------

    def _solve_candidates(
        self, weights: np.ndarray, n_active: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Min-cost flow on the candidates; returns the indices (into candidates) matched."""
        m, n = self.m, self.n
        source, sink = m + n, m + n + 1
        useful = weights > 0
        ci, cj, w = self.cand_i[useful], self.cand_j[useful], weights[useful]
        flow = min_cost_flow.SimpleMinCostFlow()
        mentees = np.flatnonzero(self.active)
        mentors = np.flatnonzero(self.capacities > 0)
        tails = np.concatenate([np.full(mentees.size, source), ci, mentors + m, [source]])
        heads = np.concatenate([mentees, cj + m, np.full(mentors.size, sink), [sink]])
        caps = np.concatenate(
            [np.ones(mentees.size), np.ones(ci.size), self.capacities[mentors], [n_active]]
        ).astype(np.int64)
        costs = np.concatenate([np.zeros(mentees.size), -w, np.zeros(mentors.size), [0]]).astype(
            np.int64
        )
        flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        supplies = np.zeros(m + n + 2, dtype=np.int64)
        supplies[source], supplies[sink] = n_active, -n_active
        flow.set_nodes_supplies(np.arange(m + n + 2), supplies)
        status = flow.solve()
        if status != flow.OPTIMAL:
            raise ProofFailed(f"min-cost flow ended with status {status}")
        first = mentees.size
        used = flow.flows(np.arange(first, first + ci.size)) > 0
        return np.flatnonzero(useful)[used], w[used]

    def _prices(
        self, weights: np.ndarray, matched_idx: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Dual values (u per mentee, v per mentor) for the restricted optimum.

        v is the least solution of: v_j ≥ w_ij for an unmatched mentee i; v_j' ≥ v_j + w_ij' − w_ij
        when i is matched to j (i would not rather have j'); v ≥ 0 — longest paths from a root,
        by vectorised Bellman–Ford. u_i is then i's best w_ij − v_j (or 0).
        """
        m, n = self.m, self.n
        mentor_of = np.full(m, -1, dtype=np.int64)
        weight_of = np.zeros(m, dtype=np.int64)
        mentor_of[self.cand_i[matched_idx]] = self.cand_j[matched_idx]
        weight_of[self.cand_i[matched_idx]] = weights[matched_idx]
        ci, cj, w = self.cand_i, self.cand_j, weights
        ok = w > 0
        ci, cj, w = ci[ok], cj[ok], w[ok]
        own = mentor_of[ci]
        v = np.zeros(n, dtype=np.int64)
        free = own < 0
        np.maximum.at(v, cj[free], w[free])
        chain = (own >= 0) & (cj != own)
        src, dst, gain = own[chain], cj[chain], w[chain] - weight_of[ci[chain]]
        order = np.argsort(dst, kind="stable")
        src, dst, gain = src[order], dst[order], gain[order]
        heads, starts = np.unique(dst, return_index=True)
        for _ in range(n + 1):
            if src.size == 0:
                break
            best = np.maximum.reduceat(v[src] + gain, starts)
            improved = best > v[heads]
            if not improved.any():
                break
            v[heads[improved]] = best[improved]
        else:
            raise ProofFailed("prices did not settle: the restricted solution is not optimal")
        u = np.zeros(m, dtype=np.int64)
        np.maximum.at(u, ci, w - v[cj])
        return u, v

    def _forget_gains(self) -> None:
        """Start the per-row bounds again from each row's best score (prices of zero)."""
        self.gain = self.row_max.copy()  # best s_ij − v_j apart from the mentor below
        self.gain_mentor = np.zeros(self.m, dtype=np.int64)  # that mentor, checked exactly
        self.gain_mentor_score = np.full(self.m, -np.inf, dtype=np.float32)
        self.gain_round = np.zeros(self.m, dtype=np.int64)
        self.price_history = [np.zeros(self.n, dtype=np.float32)]

    def _scan(self, u: np.ndarray, v: np.ndarray, bonus: int, floor: int):
        """Pairs whose weight beats u_i + v_j (a few per mentee), and their points.

        Every allowed pair is covered, most of them without being read: each row remembers
        its best s_ij − v_j from the last time it was swept, and since then no pair of it can
        have gained more than the largest drop of a price. Rows whose bound cannot beat u_i
        are skipped. A float32 test with a margin of one unit finds every possible violation;
        the exact integer test then runs on those few pairs.
        """
        inf = np.float32(np.inf)
        usable = self.capacities > 0
        prices = (v / SCALE).astype(np.float32)
        col_bar = np.where(usable, prices, inf)
        row_bar = np.where(self.active, (u - bonus - 1) / SCALE, inf).astype(np.float32)
        floor_bar = np.float32((floor - 1) / SCALE) if floor > 0 else -inf
        drops = np.array(
            [
                max(0.0, float((old - prices)[usable].max(initial=0.0)))
                for old in self.price_history
            ],
            dtype=np.float32,
        )
        # A violation needs s_ij − v_j ≥ u_i + one unit; half a unit absorbs float32 rounding.
        must_beat = np.where(self.active, (u - bonus + 0.5) / SCALE, inf).astype(np.float32)
        sweep = (self.gain + drops[self.gain_round] > must_beat) | (
            self.gain_mentor_score - col_bar[self.gain_mentor] > must_beat
        )
        self.price_history.append(prices)
        now = len(self.price_history) - 1

        def sweep_share(spans):
            found_i, found_j = [], []
            work = np.empty((self.block_rows, self.n), dtype=np.float32)
            for start, stop in spans:
                local = np.flatnonzero(sweep[start:stop])
                if local.size:
                    hits = self._sweep_block(
                        start, stop, local, work, col_bar, row_bar, floor, floor_bar, now
                    )
                    if hits is not None:
                        found_i.append(hits[0])
                        found_j.append(hits[1])
            return found_i, found_j

        found_i, found_j = [], []
        for share_i, share_j in self._each_share(sweep_share):
            found_i += share_i
            found_j += share_j
        if not found_i:
            empty = np.empty(0, np.int64)
            return empty, empty, empty
        i, j = np.concatenate(found_i), np.concatenate(found_j)
        order = np.lexsort((j, i))
        i, j = i[order], j[order]
        points = self._points_of(i, j)
        exact = (points >= max(floor, 0)) & (points + bonus - u[i] - v[j] > 0)
        return i[exact], j[exact], points[exact]

    def _sweep_block(self, start, stop, local, work, col_bar, row_bar, floor, floor_bar, now):
        """Sweep rows `local` of one block: update their bounds, return their violations."""
        inf = np.float32(np.inf)
        block = self.problem.rows(start, stop)
        if local.size < stop - start:
            block = block[local]
        excess = np.subtract(block, col_bar[None, :], out=work[: local.size])
        if floor > 0:
            excess[block <= floor_bar] = -inf
        # Remember each row's best mentor exactly and the best of the rest as a bound.
        rows_here = np.arange(local.size)
        top = excess.argmax(axis=1)
        best = excess[rows_here, top]
        self.gain_mentor[start + local] = top
        self.gain_mentor_score[start + local] = block[rows_here, top]
        excess[rows_here, top] = -inf
        self.gain[start + local] = excess.max(axis=1)
        excess[rows_here, top] = best
        self.gain_round[start + local] = now
        hit = np.flatnonzero(best > row_bar[start + local])
        if hit.size == 0:
            return None
        local, excess = local[hit], excess[hit]
        excess -= row_bar[start + local, None]
        positive = excess > 0
        k = self.max_new_per_row
        if k and k < self.n:
            # Each row's k largest violations; later rounds pick up the rest if needed.
            # Most rows have only a few: take those whole, partition only the others.
            many = positive.sum(axis=1) > k
            r, c = np.nonzero(positive[~many])
            r = np.flatnonzero(~many)[r]
            if many.any():
                crowded = np.flatnonzero(many)
                top = np.argpartition(excess[crowded], self.n - k, axis=1)[:, self.n - k :]
                r = np.concatenate([r, np.repeat(crowded, k)])
                c = np.concatenate([c, top.ravel()])
        else:
            r, c = np.nonzero(positive)
        return local[r] + start, c

    def run(self, *, bonus: int = 0, floor: int = 0, max_rounds: int = 60) -> _Solution:
        """Maximise Σ (points + bonus) over pairs scoring ≥ floor, with proof.

        The candidate pool only grows, so later runs (the fair solver's probes) start warm.
        """
        n_active = int(self.active.sum())
        self._forget_gains()
        prices = None
        for rounds in range(1, max_rounds + 1):
            weights = np.where(self.cand_p >= max(floor, 0), self.cand_p + bonus, 0)
            if prices is not None and self.prune_margin is not None:
                # Pairs far below their row's and column's prices will not enter the solution;
                # leaving them out keeps the flow graph small. The scan still covers them.
                u, v = prices
                reduced = weights - u[self.cand_i] - v[self.cand_j]
                weights = np.where(reduced >= -self.prune_margin * SCALE, weights, 0)
            matched, matched_w = self._solve_candidates(weights, n_active)
            u, v = self._prices(weights, matched)
            prices = (u, v)
            new_i, new_j, new_p = self._scan(u, v, bonus, floor)
            if new_i.size == 0:
                proof = Proof(
                    rounds=rounds,
                    pairs_checked=self.allowed_pairs,
                    candidate_pairs=int(np.count_nonzero(weights > 0)),
                    primal=int(matched_w.sum()),
                    dual=int(u.sum() + (self.capacities * v).sum()),
                    resolution=RESOLUTION,
                )
                if not proof.proven:
                    raise ProofFailed(f"duality gap {proof.gap} after {rounds} rounds")
                return _Solution(
                    self.cand_i[matched], self.cand_j[matched], self.cand_p[matched], u, v, proof
                )
            self.cand_i, self.cand_j, self.cand_p = _unique_pairs(
                np.concatenate([self.cand_i, new_i]),
                np.concatenate([self.cand_j, new_j]),
                np.concatenate([self.cand_p, new_p]),
                self.n,
            )
        raise ProofFailed(f"no proof after {max_rounds} rounds")


def _unique_pairs(i: np.ndarray, j: np.ndarray, p: np.ndarray, n: int):
    keys, first = np.unique(i.astype(np.int64) * n + j.astype(np.int64), return_index=True)
    return keys // n, keys % n, p[first]


DENSE_LIMIT = 3 << 30  # bytes: hold scores as one float32 matrix up to this size


def materialised(problem: Problem, limit: int = DENSE_LIMIT) -> Problem:
    """The problem with its scores computed once into one float32 matrix, when that fits.

    The solve-price-scan loop reads every row several times; a scorer that computes rows on
    demand would pay for scoring on every pass.
    """
    m, n = problem.shape
    if isinstance(problem.scores, DenseScores) or m * n * 4 > limit:
        return problem
    matrix = np.empty((m, n), dtype=np.float32)
    for start, stop, block in problem.row_blocks():
        matrix[start:stop] = block
    return replace(problem, scores=_Scored(matrix, problem.scores), exclusions=())


@dataclass
class _Scored(DenseScores):
    """Scores held in memory, with the explanations still coming from the original scorer."""

    source: object = None

    def breakdown(self, mentees: np.ndarray, mentors: np.ndarray) -> dict[str, np.ndarray]:
        return self.source.breakdown(mentees, mentors)


def _engine(problem: Problem, **options) -> tuple[_FlowEngine, np.ndarray]:
    pinned = apply_pins(problem)
    scored = materialised(problem)
    hint = _price_hint(scored, pinned.remaining, ~pinned.mask, options)
    engine = _FlowEngine(
        scored, capacities=pinned.remaining, active=~pinned.mask, price_hint=hint, **options
    )
    return engine, pinned.pairs


# Above this many pairs, the first candidates are aimed with prices from a sample (below, the
# whole problem solves about as fast as a sample would).
SAMPLE_ABOVE = 20_000_000


def _price_hint(
    problem: Problem, capacities: np.ndarray, active: np.ndarray, options: dict
) -> np.ndarray | None:
    """Each mentor's likely seat price, from an exact solve of a sample of the mentees.

    With a typical capacity of c seats, one mentee in c keeps one seat of each mentor: they
    compete much as everyone does, so the sample's prices are close to the full problem's.
    Aiming the first candidates at each mentee's best mentors *net of price* cuts the rounds
    of the proof loop, which each read all M×N scores; the proof never depends on the hint.
    Seats that do not divide evenly are rounded at random, which blurs those mentors' prices;
    with capacities mostly 1 there is nothing to sample and no hint.
    """
    rows = np.flatnonzero(active)
    seats = capacities[capacities > 0]
    if rows.size * problem.shape[1] <= SAMPLE_ABOVE or not isinstance(problem.scores, DenseScores):
        return None
    per = int(np.median(seats)) if seats.size else 0
    if per < 2:
        return None
    rng = np.random.default_rng(0)
    picked = np.sort(rng.choice(rows, size=-(-rows.size // per), replace=False))
    shares = np.floor(capacities / per + rng.random(capacities.size)).astype(np.int64)
    sample = Problem(DenseScores(problem.scores.matrix[picked]), shares)
    every = np.ones(picked.size, dtype=bool)
    engine = _FlowEngine(sample, capacities=shares, active=every, **options)
    return (engine.run().v / SCALE).astype(np.float32)


def _finish(
    problem: Problem, solver: str, pinned: np.ndarray, solution: _Solution, notes=()
) -> Result:
    return build_result(
        problem,
        solver,
        np.concatenate([pinned[:, 0], solution.mentee]),
        np.concatenate([pinned[:, 1], solution.mentor]),
        proof=solution.proof,
        prices=solution.v.astype(np.float64) / SCALE,
        notes=list(notes),
    )


def solve_optimal(problem: Problem, **options) -> Result:
    """The largest total score, proven optimal."""
    engine, pinned = _engine(problem, **options)
    return _finish(engine.problem, "optimal", pinned, engine.run())


def _participation_bonus(engine: _FlowEngine) -> int:
    # Worth more than any total a matching could gain: one more person matched always wins.
    return MAX_POINTS * int(min(engine.active.sum(), engine.capacities.sum())) + 1


def solve_participation(problem: Problem, **options) -> Result:
    """As many mentees matched as possible, then the largest total among those matchings."""
    engine, pinned = _engine(problem, **options)
    bonus = _participation_bonus(engine)
    solution = engine.run(bonus=bonus)
    solution.proof.primal -= bonus * solution.mentee.size
    solution.proof.dual -= bonus * solution.mentee.size
    return _finish(engine.problem, "participation", pinned, solution)


# What `fair` may give up of the optimal total to raise the lowest score, by default: 0.01 %.
FAIR_MAX_COST = 1e-4


def solve_fair(problem: Problem, *, max_cost: float | None = FAIR_MAX_COST, **options) -> Result:
    """The largest lowest score, keeping as many people matched as `optimal` does and costing at
    most `max_cost` of the optimal total (a fraction: 1e-4 is 0.01 %); then the largest total
    above that floor. `max_cost=None` raises the floor as far as it goes, whatever it costs; 0
    finds, among the optimal matchings, one with the highest lowest score.

    Binary search on the floor: a floor is feasible when a matching using only pairs at or
    above it matches as many mentees as the optimal solution, within the cost. Both shrink as
    the floor rises (fewer pairs are allowed), so the search is exact. Each probe is a proven
    participation solve, so the floor found is provably the highest.
    """
    if max_cost is not None and not 0 <= max_cost < 1:
        raise ValueError("max_cost is a fraction of the optimal total, from 0 to below 1")
    engine, pinned = _engine(problem, **options)
    base = engine.run()
    target = base.mentee.size
    if target == 0:
        return _finish(engine.problem, "fair", pinned, base)
    bonus = _participation_bonus(engine)
    optimal_total = int(base.points.sum())
    least = None if max_cost is None else int(np.ceil(optimal_total * (1 - max_cost)))

    def acceptable(solution: _Solution) -> bool:
        if solution.mentee.size < target:
            return False
        return least is None or int(solution.points.sum()) >= least

    optimal_floor = int(base.points.min())
    low, high = optimal_floor, _floor_upper_bound(engine, target)
    best, with_bonus = base, False
    while low < high:
        mid = (low + high + 1) // 2
        solution = engine.run(bonus=bonus, floor=mid)
        if acceptable(solution):
            low, best, with_bonus = mid, solution, True
        else:
            high = mid - 1
    if with_bonus:
        # Report the proof in points, without the participation bonus (the gap is unchanged).
        best.proof.primal -= bonus * best.mentee.size
        best.proof.dual -= bonus * best.mentee.size
    cost = 100 * (1 - int(best.points.sum()) / optimal_total) if optimal_total else 0.0
    budget = "no limit" if max_cost is None else f"at most {100 * max_cost:g} %"
    notes = [
        f"Lowest score raised from {optimal_floor / SCALE:.3f} (optimal) to "
        f"{int(best.points.min()) / SCALE:.3f}, with {target} mentees matched as in the optimal "
        f"solution, for {cost:.4f} % of the optimal total (allowed: {budget})."
    ]
    return _finish(engine.problem, "fair", pinned, best, notes)


def _floor_upper_bound(engine: _FlowEngine, target: int) -> int:
    """No floor can beat the target-th best of the mentees' own best scores."""
    best = np.full(engine.m, -1, dtype=np.int64)
    for start, stop in engine.blocks():
        best[start:stop] = engine.int_block(start, stop).max(axis=1, initial=-1)
    best = np.sort(best[best >= 0])[::-1]
    return int(best[target - 1]) if best.size >= target else 0
