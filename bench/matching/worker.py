"""One benchmark job, alone in its own process so that its peak memory is its own.

    python -m bench.matching.worker '<job as JSON>' <result.json>

The job builds its instance (timed), resets the peak-memory counter, runs the solver
`repeat` times (timed), checks the assignment, and writes one JSON record.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lodestar.matching.problem import Problem

from .baselines import BASELINES, NotApplicable
from .instances import build, parse_size
from .memory import reset_peak, status_mib
from .recommendations import measure_recommendations


@dataclass
class Solution:
    mentee: np.ndarray
    mentor: np.ndarray
    notes: list[str]  # the benchmark's own, shown in the table
    reported_total: float | None = None
    proof: dict[str, Any] | None = None
    solver_notes: list[str] | None = None  # what the solver says; kept in the JSON
    phases: dict[str, float] | None = None


@dataclass
class Runner:
    run: Callable[[Problem, Any], Solution]
    prepare: Callable[[Problem], Any] | None = None


def lodestar_runner(name: str) -> Runner:
    """A registered solver, or NotApplicable when it is missing or does not import yet."""
    from lodestar.matching.solve import SOLVERS, solver_function

    if name not in SOLVERS:
        raise NotApplicable("not available", f"no solver {name!r} is registered")
    try:
        function = solver_function(name)
    except Exception as error:  # a solver being written may fail to import in any way
        raise NotApplicable("not available", f"{type(error).__name__}: {error}") from error

    def run(problem: Problem, _prepared: Any) -> Solution:
        result = function(problem)
        proof = None
        if result.proof is not None:
            p = result.proof
            proof = {
                "proven": bool(p.proven),
                "gap": int(p.gap),
                "rounds": int(p.rounds),
                "pairs_checked": int(p.pairs_checked),
                "candidate_pairs": int(p.candidate_pairs),
                "resolution": float(p.resolution),
            }
        return Solution(
            np.asarray(result.mentee, dtype=np.int64),
            np.asarray(result.mentor, dtype=np.int64),
            [],
            float(result.metrics.total),
            proof,
            list(result.notes),
        )

    return Runner(run)


def baseline_runner(name: str, m: int, n: int, capacity: int) -> Runner:
    baseline = BASELINES[name]
    if baseline.check:
        baseline.check(m, n, capacity)

    def run(problem: Problem, prepared: Any) -> Solution:
        mentee, mentor, notes, phases = baseline.run(problem, prepared)
        return Solution(mentee, mentor, notes, phases=phases)

    return Runner(run, baseline.prepare)


def check(problem: Problem, solution: Solution) -> tuple[np.ndarray, list[str]]:
    """The pairs' scores read from the instance, and every rule the assignment breaks."""
    m, n = problem.shape
    mentee, mentor = solution.mentee, solution.mentor
    errors = []
    if len(mentee) != len(mentor):
        return np.zeros(0, dtype=np.float32), ["mentee and mentor arrays differ in length"]
    if len(mentee) and (
        mentee.min() < 0 or mentee.max() >= m or mentor.min() < 0 or mentor.max() >= n
    ):
        return np.zeros(0, dtype=np.float32), ["indices outside the problem"]
    if len(np.unique(mentee)) != len(mentee):
        errors.append("a mentee is matched twice")
    over = np.bincount(mentor, minlength=n) > problem.capacities
    if over.any():
        errors.append(f"{int(over.sum())} mentors above capacity")
    scores = np.empty(len(mentee), dtype=np.float32)
    for start, stop, block in problem.row_blocks():
        here = (mentee >= start) & (mentee < stop)
        scores[here] = block[mentee[here] - start, mentor[here]]
    forbidden = ~np.isfinite(scores)
    if forbidden.any():
        errors.append(f"{int(forbidden.sum())} forbidden pairs matched")
    total = float(scores[~forbidden].astype(np.float64).sum())
    reported = solution.reported_total
    if reported is not None and abs(reported - total) > 1e-6 * max(1.0, total):
        errors.append(
            f"reported total {solution.reported_total:.3f} but the pairs sum to {total:.3f}"
        )
    return scores, errors


def digest(m: int, solution: Solution) -> str | None:
    """A fingerprint of the assignment, to tell identical matchings across processes."""
    if len(solution.mentee) != len(solution.mentor) or not np.all(
        (solution.mentee >= 0) & (solution.mentee < m)
    ):
        return None
    assigned = np.full(m, -1, dtype=np.int64)
    assigned[solution.mentee] = solution.mentor
    return hashlib.sha256(assigned.tobytes()).hexdigest()[:16]


def solve_job(job: dict[str, Any]) -> dict[str, Any]:
    size = parse_size(job["size"])
    m, n, capacity = size.mentees, size.mentors, size.capacity
    record: dict[str, Any] = {"status": "ok", "notes": []}
    name = job["solver"]
    try:
        runner = (
            baseline_runner(name, m, n, capacity) if name in BASELINES else lodestar_runner(name)
        )
    except NotApplicable as skipped:
        return {"status": skipped.status, "reason": skipped.reason, "notes": []}

    started = time.perf_counter()
    problem = build(job["kind"], size, job["seed"])
    prepared = runner.prepare(problem) if runner.prepare else None
    record["build_s"] = time.perf_counter() - started
    record["build_peak_mib"] = status_mib("VmHWM")
    record["rss_before_solve_mib"] = status_mib("VmRSS")
    peak_was_reset = reset_peak()

    times = []
    for _ in range(job.get("repeat", 1)):
        started = time.perf_counter()
        solution = runner.run(problem, prepared)
        times.append(time.perf_counter() - started)
    record["solve_s"] = min(times)
    record["solve_s_all"] = times
    record["solve_peak_mib"] = status_mib("VmHWM") if peak_was_reset else None
    record["peak_mib"] = max(
        (v for v in (record["build_peak_mib"], record["solve_peak_mib"]) if v is not None),
        default=None,
    )

    scores, errors = check(problem, solution)
    if errors:
        record["status"] = "invalid"
        record["reason"] = "; ".join(errors)
    allowed = scores[np.isfinite(scores)].astype(np.float64)
    record.update(
        matched=len(allowed),
        unmatched=m - len(allowed),
        total=float(allowed.sum()),
        minimum=float(allowed.min()) if len(allowed) else None,
        mean=float(allowed.mean()) if len(allowed) else None,
        digest=digest(m, solution),
        proof=solution.proof,
    )
    record["notes"] = solution.notes
    record["solver_notes"] = solution.solver_notes or []
    record["phases"] = solution.phases or {}
    return record


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    job, out = json.loads(argv[0]), argv[1]
    try:
        record = measure_recommendations(job) if job["solver"] == "recommend" else solve_job(job)
    except MemoryError:
        record = {"status": "out of memory", "reason": "MemoryError", "notes": []}
    except Exception as error:
        record = {
            "status": "error",
            "reason": f"{type(error).__name__}: {error}",
            "traceback": traceback.format_exc(limit=8),
            "notes": [],
        }
    with open(out, "w") as f:
        json.dump(record, f)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
