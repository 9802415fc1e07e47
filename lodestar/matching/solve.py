"""One entry point for every solver: `solve(problem, "optimal")`."""

from __future__ import annotations

import time
from collections.abc import Callable
from importlib import import_module

from .problem import Problem, Result

# name -> "module:function"; imported lazily so that one solver's dependencies never slow another.
SOLVERS: dict[str, str] = {
    "optimal": "lodestar.matching.solvers.flow:solve_optimal",
    "participation": "lodestar.matching.solvers.flow:solve_participation",
    "fair": "lodestar.matching.solvers.flow:solve_fair",
    "stable": "lodestar.matching.solvers.stable:solve_stable",
    "greedy": "lodestar.matching.solvers.greedy:solve_greedy",
    "peer": "lodestar.matching.solvers.peer:solve_peer",
}

DESCRIPTIONS: dict[str, str] = {
    "optimal": "the largest total score, proven optimal",
    "participation": "as many people matched as possible, then the largest total",
    "fair": "the largest possible lowest score, then the largest total above it",
    "stable": "no mentee and mentor who would both rather have each other (deferred acceptance)",
    "greedy": "first come, first served: each mentee in turn takes the best mentor left",
    "peer": "pairs within one pool with the largest total of mutual scores",
}


def solver_function(name: str) -> Callable[..., Result]:
    try:
        target = SOLVERS[name]
    except KeyError:
        raise ValueError(f"unknown solver {name!r}; choose one of {', '.join(SOLVERS)}") from None
    module, function = target.split(":")
    return getattr(import_module(module), function)


def solve(problem: Problem, solver: str = "optimal", **options) -> Result:
    started = time.perf_counter()
    result = solver_function(solver)(problem, **options)
    result.seconds = time.perf_counter() - started
    return result
