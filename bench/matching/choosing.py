"""Self-match: how much total score is lost when mentees choose in turn.

Each mentee, in a random order, asks for the first of their recommendations (one call of
`recommend` with the seats left) and takes it. Ranked by raw score, everyone queues for the same
popular mentors and those who come later settle for poor fits; ranked by score minus each
mentor's scarcity price (from an optimal run), mentees spread out. The loss is measured against
the proven optimum of the same instance.

    python -m bench.matching.choosing [--sizes small,medium] [--seed 1]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from lodestar.matching.recommend import recommend
from lodestar.matching.solve import solve

from .instances import build, parse_size


def choose_in_turn(problem, prices, seed: int) -> float:
    """Total score when mentees pick their top recommendation one after another."""
    m, _ = problem.shape
    seats = problem.capacities.copy()
    total = 0.0
    for mentee in np.random.default_rng(seed).permutation(m):
        picks = recommend(problem, int(mentee), k=1, remaining=seats, prices=prices).mentors
        if picks:
            seats[picks[0].mentor] -= 1
            total += picks[0].score
    return total


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,medium")
    parser.add_argument("--kinds", default="structured")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    print("| instance | optimum | by score: loss | by score − price: loss | seconds |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for kind in args.kinds.split(","):
        for size_name in args.sizes.split(","):
            started = time.perf_counter()
            problem = build(kind, parse_size(size_name), args.seed)
            optimal = solve(problem, "optimal")
            best = optimal.metrics.total
            plain = choose_in_turn(problem, None, args.seed)
            priced = choose_in_turn(problem, optimal.prices, args.seed)
            print(
                f"| {size_name} {kind} | {best:,.1f} | {100 * (1 - plain / best):.2f} % "
                f"| {100 * (1 - priced / best):.2f} % | {time.perf_counter() - started:.1f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
