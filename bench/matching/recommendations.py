"""How long one mentee waits for recommendations among 10 000 mentors.

Measured only if `lodestar.matching.recommend` exists; otherwise reported as not available.
"""

from __future__ import annotations

import importlib
import inspect
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from lodestar.matching.problem import Problem

from .instances import Size, build
from .memory import status_mib

# A self-match program where one mentee browses 10 000 mentors; the mentee count only sets
# how many rows there are to pick the browsing mentee from. Scores are already computed: this
# measures ranking, filtering and explaining, not scoring one row from profiles.
RECOMMEND_SIZE = Size("recommend", 2_000, 10_000, 5)
CALLS = 200
TOP_K = 10


def measure_recommendations(job: dict[str, Any]) -> dict[str, Any]:
    try:
        recommend = importlib.import_module("lodestar.matching.recommend").recommend
    except Exception as error:  # being written by someone else: any failure means "not yet"
        return {
            "status": "not available",
            "reason": f"{type(error).__name__}: {error}",
            "notes": [],
        }
    started = time.perf_counter()
    problem = build("structured", RECOMMEND_SIZE, job["seed"])
    options, notes = midway_options(problem, inspect.signature(recommend).parameters)
    build_s = time.perf_counter() - started
    rng = np.random.default_rng(job["seed"])
    mentees = rng.choice(RECOMMEND_SIZE.mentees, CALLS, replace=False).tolist()
    recommend(problem, mentees[0], k=TOP_K, **options)  # warm-up: imports, caches
    times = []
    for mentee in mentees:
        started = time.perf_counter()
        recommend(problem, mentee, k=TOP_K, **options)
        times.append(time.perf_counter() - started)
    ms = np.array(times) * 1000
    return {
        "status": "ok",
        "build_s": build_s,
        "solve_s": float(np.median(ms)) / 1000,
        "median_ms": float(np.median(ms)),
        "p95_ms": float(np.percentile(ms, 95)),
        "max_ms": float(ms.max()),
        "calls": CALLS,
        "peak_mib": status_mib("VmHWM"),
        "notes": [f"top {TOP_K} for {CALLS} mentees, one call each", *notes],
    }


def midway_options(
    problem: Problem, accepted: Mapping[str, Any]
) -> tuple[dict[str, Any], list[str]]:
    """Seats left and scarcity prices as in a self-match program midway: the most popular
    third of the mentors full, prices estimated from how far each mentor's mean score stands
    above the median mentor's. Only the options `recommend` accepts are passed."""
    options, notes = {}, []
    m, n = problem.shape
    means = np.zeros(n)
    for _start, _stop, block in problem.row_blocks():
        means += np.where(np.isfinite(block), block, 0).sum(axis=0)
    means /= m
    if "remaining" in accepted:
        remaining = problem.capacities.copy()
        remaining[np.argsort(-means, kind="stable")[: n // 3]] = 0
        options["remaining"] = remaining
        notes.append("a third of the mentors full")
    if "prices" in accepted:
        options["prices"] = np.maximum(0.0, means - np.median(means))
        notes.append("scarcity prices")
    return options, notes
