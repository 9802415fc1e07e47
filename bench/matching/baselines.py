"""What Lodestar's solvers are measured against: a spreadsheet's greedy, scipy's exact
assignment, and the PyPI package `matching` (hospitals/residents deferred acceptance).

Each baseline returns (mentee, mentor) index arrays of the pairs made, plus notes; the
benchmark scores and checks every assignment the same way as the solvers'.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lodestar.matching.problem import Problem

from .instances import full_rankings

# The pairs made (mentee and mentor indices), notes for the table, and timings of phases.
Assignment = tuple[np.ndarray, np.ndarray, list[str], dict[str, float]]

# An expanded float64 matrix beyond this would crowd out everything else on the machine.
SCIPY_MEMORY_BUDGET = 3 << 30


class NotApplicable(Exception):
    """This job cannot run here (reported as such, not as a failure)."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(f"{status}: {reason}")
        self.status, self.reason = status, reason


def plain_greedy(problem: Problem, prepared: Any = None) -> Assignment:
    """Mentees in order, each taking the best mentor with a free seat: first come, first served."""
    m, n = problem.shape
    seats = problem.capacities.copy()
    # Adding -inf closes a mentor's column; one add and one argmax per mentee.
    closed = np.where(seats > 0, np.float32(0), np.float32(-np.inf)).astype(np.float32)
    assigned = np.full(m, -1, dtype=np.int64)
    row = np.empty(n, dtype=np.float32)
    for start, _stop, block in problem.row_blocks():
        for offset in range(block.shape[0]):
            np.add(block[offset], closed, out=row)
            j = int(row.argmax())
            if row[j] == -np.inf:
                continue
            assigned[start + offset] = j
            seats[j] -= 1
            if seats[j] == 0:
                closed[j] = -np.inf
    mentees = np.flatnonzero(assigned >= 0)
    return mentees, assigned[mentees], [], {}


def scipy_fits(m: int, n: int, capacity: int) -> None:
    need = 8 * m * n * capacity
    if need > SCIPY_MEMORY_BUDGET:
        raise NotApplicable("does not fit", f"the seat matrix needs {need / 2**30:.1f} GiB")


def scipy_exact(problem: Problem, prepared: Any = None) -> Assignment:
    """scipy's linear_sum_assignment on the matrix with one column per seat.

    A forbidden pair enters as 0, not -inf: scores are never negative, so taking a 0 pair is
    worth exactly as much as leaving the mentee unmatched, and dropping those pairs afterwards
    leaves a maximum-total matching. (scipy would otherwise insist on matching everyone.)
    """
    from scipy.optimize import linear_sum_assignment

    m, n = problem.shape
    seat_owner = np.repeat(np.arange(n), problem.capacities)
    # Costs are negated scores, built block by block straight into float64 (scipy's type), so
    # no other full-size copy is ever made.
    cost = np.empty((m, len(seat_owner)), dtype=np.float64)
    for start, stop, block in problem.row_blocks(16 << 20):
        allowed = np.where(np.isfinite(block), block, np.float32(0))
        np.negative(allowed[:, seat_owner], out=cost[start:stop])
    rows, seats = linear_sum_assignment(cost)
    del cost
    mentors = seat_owner[seats]
    scores = _scores(problem, rows, mentors)
    keep = np.isfinite(scores)
    return rows[keep], mentors[keep], [], {}


def matching_installed(m: int, n: int, capacity: int) -> None:
    try:
        import matching.games  # noqa: F401
    except ImportError as error:
        raise NotApplicable("not available", "the `matching` package is not installed") from error


def matching_package(problem: Problem, prepared: Any = None) -> Assignment:
    """`matching.games.HospitalResident`, mentee-optimal, from full rankings of the scores.

    Its time counts setting up the game (the package checks and copies its players) and
    solving; the rankings are prepared with the instance.
    """
    from matching.games import HospitalResident

    mentee_prefs, mentor_prefs = prepared or full_rankings(problem)
    capacities = {j: int(c) for j, c in enumerate(problem.capacities.tolist())}
    timings: dict[str, float] = {}

    def play():
        started = time.perf_counter()
        game = HospitalResident.create_from_dictionaries(mentee_prefs, mentor_prefs, capacities)
        timings["set_up"] = time.perf_counter() - started
        timings["matching"] = game.solve(optimal="resident")
        timings["solve"] = time.perf_counter() - started - timings["set_up"]

    _deep(play)
    pairs = sorted(
        (resident.name, hospital.name)
        for hospital, residents in timings["matching"].items()
        for resident in residents
    )
    mentees = np.array([i for i, _ in pairs], dtype=np.int64).reshape(-1)
    mentors = np.array([j for _, j in pairs], dtype=np.int64).reshape(-1)
    note = f"game set-up {timings['set_up']:.2f} s + solve {timings['solve']:.2f} s"
    phases = {"set_up_s": timings["set_up"], "solve_only_s": timings["solve"]}
    return mentees, mentors, [note], phases


def _deep(function: Callable[[], None]) -> None:
    """Run function in a thread with a deep stack: the package deep-copies its players, whose
    preference lists point at each other, recursing once per player."""
    outcome: list[BaseException] = []

    def target():
        try:
            function()
        except BaseException as error:
            outcome.append(error)

    limit, stack = sys.getrecursionlimit(), threading.stack_size()
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 30)
    try:
        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
    finally:
        threading.stack_size(stack)
        sys.setrecursionlimit(limit)
    if outcome:
        raise outcome[0]


@dataclass(frozen=True)
class Baseline:
    run: Callable[[Problem, Any], Assignment]
    description: str
    # Raises NotApplicable for a size it cannot handle, before the instance is built.
    check: Callable[[int, int, int], None] | None = None
    # Input made once with the instance and counted in its build time, then given to run.
    prepare: Callable[[Problem], Any] | None = None


BASELINES: dict[str, Baseline] = {
    "plain-greedy": Baseline(plain_greedy, "mentees in order each take the best free mentor"),
    "scipy-exact": Baseline(
        scipy_exact, "scipy linear_sum_assignment on the seat-expanded matrix", scipy_fits
    ),
    "matching-pkg": Baseline(
        matching_package,
        "PyPI `matching` HospitalResident, from full rankings",
        matching_installed,
        full_rankings,
    ),
}


def _scores(problem: Problem, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
    out = np.empty(len(mentees), dtype=np.float32)
    for start, stop, block in problem.row_blocks():
        here = (mentees >= start) & (mentees < stop)
        out[here] = block[mentees[here] - start, mentors[here]]
    return out
