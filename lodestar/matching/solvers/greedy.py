"""First come, first served: the baseline a spreadsheet gives, and what the others are measured
against."""

from __future__ import annotations

import numpy as np

from ..metrics import apply_pins, build_result
from ..problem import Problem, Result


def solve_greedy(problem: Problem, *, block_bytes: int = 16 << 20) -> Result:
    """Mentees in input order each take the highest-scoring allowed mentor with a seat left
    (ties to the lower mentor index); pinned mentees keep their pins' seats."""
    m = problem.shape[0]
    pairs, remaining, pinned = apply_pins(problem)
    remaining = remaining.copy()
    assigned = np.full(m, -1, dtype=np.int64)
    full = np.flatnonzero(remaining <= 0)
    blocks = problem.row_blocks(block_bytes) if problem.shape[1] else ()
    for start, stop, rows in blocks:
        # One writable copy per block, with full mentors blanked out, so that each mentee's
        # choice is a single argmax; a mentor that fills up is blanked for the rest of the block.
        block = np.array(rows, dtype=np.float32, copy=True)
        block[:, full] = -np.inf
        for offset, i in enumerate(range(start, stop)):
            if pinned[i]:
                continue
            j = int(np.argmax(block[offset]))
            if block[offset, j] == -np.inf:
                continue
            assigned[i] = j
            remaining[j] -= 1
            if remaining[j] == 0:
                block[offset:, j] = -np.inf
                full = np.append(full, j)
    mentee = np.concatenate([np.flatnonzero(assigned >= 0), pairs[:, 0]])
    mentor = np.concatenate([assigned[assigned >= 0], pairs[:, 1]])
    return build_result(problem, "greedy", mentee, mentor)
