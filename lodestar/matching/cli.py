"""`lodestar match MENTORS.csv MENTEES.csv --criteria criteria.toml`: match two CSV files.

Reads and checks every input before solving, so that a bad cell stops the run (exit code 2)
with the file, line and column, and nothing is written; then solves, prints a summary and,
with -o, writes the pairs with each criterion's contribution.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from .criteria import Criterion
from .io import InputError, Options, read_criteria, read_people, write_pairs
from .problem import Problem, Result
from .scoring import Scorer
from .solve import DESCRIPTIONS, SOLVERS, solve

# `peer` matches one pool with itself; two files are always mentors and mentees.
CLI_SOLVERS = tuple(name for name in SOLVERS if name != "peer")
INPUT_ERROR = 2


def main(argv: list[str] | None = None) -> int:
    """Run `lodestar match`; returns the exit code (0, or 2 for bad input or arguments)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit:  # --help, or arguments argparse rejected
        return exit.code if isinstance(exit.code, int) else INPUT_ERROR
    started = time.perf_counter()
    try:
        with Progress(sys.stderr, enabled=not args.quiet) as progress:
            progress.stage = "reading and scoring"
            if args.output:
                _check_writable(args.output)
            program = load_program(args.mentors, args.mentees, args.criteria)
            solver = args.solver or program.options.solver or "optimal"
            progress.stage = f"solving ({solver})"
            result = solve(program.problem, solver)
            if args.output:
                progress.stage = "writing"
                write_pairs(
                    args.output,
                    result,
                    program.scorer,
                    mentee_ids=program.mentee_ids,
                    mentor_ids=program.mentor_ids,
                )
    except InputError as error:
        print(f"lodestar match: {error}", file=sys.stderr)
        return INPUT_ERROR
    if not args.quiet:
        print(summary(program, result, output=args.output, seconds=time.perf_counter() - started))
    return 0


def _parser() -> argparse.ArgumentParser:
    solvers = "\n".join(f"  {name:<14} {DESCRIPTIONS[name]}" for name in CLI_SOLVERS)
    parser = argparse.ArgumentParser(
        prog="lodestar match",
        description="Match mentees with mentors from two CSV files and a criteria file.",
        epilog=f"solvers:\n{solvers}\n\nThe file formats are described in examples/README.md.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "mentors", type=Path, metavar="MENTORS.csv", help="CSV of mentors: id, capacity, fields"
    )
    parser.add_argument(
        "mentees", type=Path, metavar="MENTEES.csv", help="CSV of mentees: id, fields"
    )
    parser.add_argument(
        "--criteria",
        "-c",
        type=Path,
        required=True,
        metavar="CRITERIA.toml",
        help="TOML file of the matching criteria",
    )
    parser.add_argument(
        "--solver",
        "-s",
        choices=CLI_SOLVERS,
        metavar="SOLVER",
        help="the objective (below); default: the criteria file's `solver`, else optimal",
    )
    parser.add_argument(
        "--output",
        "-o",
        type=Path,
        metavar="PAIRS.csv",
        help="write the pairs and their explanations to this CSV",
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="print nothing but errors")
    return parser


def _check_writable(output: Path) -> None:
    folder = output.parent if str(output.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(output, f"cannot write here: there is no folder {str(folder)!r}")
    if output.is_dir():
        raise InputError(output, "this is a folder; give a file name for the pairs")


@dataclass
class Program:
    """Everything read from the three files, checked and ready to solve."""

    criteria: list[Criterion]
    options: Options
    mentee_ids: list[str]
    mentor_ids: list[str]
    scorer: Scorer
    problem: Problem


def load_program(mentors: Path, mentees: Path, criteria_path: Path) -> Program:
    """Read and check the criteria, both sides and the pins; InputError for anything wrong."""
    criteria, options = read_criteria(criteria_path)
    mentor_ids, mentor_side, capacities = read_people(
        mentors, role="mentor", criteria=criteria, default_capacity=options.capacity
    )
    mentee_ids, mentee_side, _ = read_people(mentees, role="mentee", criteria=criteria)
    pins, exclusions = options.resolve(mentee_ids, mentor_ids, capacities or [])
    try:
        scorer = Scorer(
            mentee_side,
            mentor_side,
            criteria,
            reference_date=options.reference_date,
            semantic=options.semantic,
        )
    except ValueError as error:  # the readers check every value first; this is a safety net
        raise InputError(criteria_path, str(error)) from None
    _check_pins(options, scorer, pins)
    problem = Problem(
        scores=scorer,
        capacities=np.asarray(capacities, dtype=np.int64),
        pins=pins,
        exclusions=exclusions,
        mentee_ids=tuple(mentee_ids),
        mentor_ids=tuple(mentor_ids),
        forbidden_reasons=scorer.forbidden_reasons(),
    )
    return Program(criteria, options, mentee_ids, mentor_ids, scorer, problem)


def _check_pins(options: Options, scorer: Scorer, pins: tuple[tuple[int, int], ...]) -> None:
    """A pin on a pair that a required criterion rules out can never hold: say which one."""
    for ref, (i, j) in zip(options.pins, pins, strict=True):
        if np.isfinite(scorer.rows(i, i + 1)[0, j]):
            continue
        failing = [
            criterion.name
            for criterion in scorer.criteria
            if criterion.required
            and not scorer.criterion_scores(criterion.name, np.array([i]), np.array([j]))[0] > 0
        ]
        raise options.error(
            ref,
            f"this pin pairs {ref.mentee!r} with {ref.mentor!r}, which the required criterion "
            f"“{failing[0] if failing else '?'}” rules out",
        )


def summary(program: Program, result: Result, *, output: Path | None, seconds: float) -> str:
    """What a coordinator reads after a run: who is matched, why others are not, how well."""
    m, n = program.problem.shape
    metrics = result.metrics
    required = sum(criterion.required for criterion in program.criteria)
    lines = [
        f"solver      {result.solver}: {DESCRIPTIONS.get(result.solver, '')}",
        f"input       {m} mentees, {n} mentors with {int(program.problem.capacities.sum())} "
        f"seats, {len(program.criteria)} criteria ({required} required), "
        f"{_count(len(program.problem.pins), 'pin')}, "
        f"{_count(len(program.problem.exclusions), 'exclusion')}",
        f"matched     {metrics.matched} of {m} mentees ({_share(metrics.matched, m)})",
        f"unmatched   {metrics.unmatched}",
    ]
    reasons = Counter(result.reasons.get(i, "") for i in result.unmatched.tolist())
    lines += [
        f"{count:>15}  {reason or 'no reason given'}" for reason, count in reasons.most_common()
    ]
    if metrics.matched:
        best = float(np.max(result.score))
        lines.append(
            f"scores      min {metrics.minimum:.2f} · p10 {metrics.p10:.2f} · "
            f"median {metrics.median:.2f} · mean {metrics.mean:.2f} · max {best:.2f} · "
            f"total {metrics.total:.2f}"
        )
    if metrics.blocking_pairs is not None:
        lines.append(
            f"blocking    {_count(metrics.blocking_pairs, 'pair')} (a mentee and a mentor "
            "who would both rather have each other)"
        )
    if result.proof is not None:
        proof = result.proof
        verdict = "proven optimal" if proof.proven else "NOT proven optimal"
        lines.append(
            f"proof       {verdict}: gap {proof.gap * proof.resolution:g} after "
            f"{_count(proof.rounds, 'round')}, {proof.pairs_checked:,} pairs checked, "
            f"{proof.candidate_pairs:,} candidate pairs"
        )
    lines.append(f"time        {result.seconds:.2f} s solving, {seconds:.2f} s in all")
    lines += [f"note        {note}" for note in [*program.scorer.notes, *result.notes]]
    if output:
        lines.append(f"wrote       {output}")
    return "\n".join(lines)


def _count(k: int, noun: str) -> str:
    return f"{k:,} {noun}{'' if k == 1 else 's'}"


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


class Progress:
    """`| solving (optimal) 3 s` on a terminal's stderr while a run takes more than `delay`
    seconds, erased when it ends; silent when stderr is not a terminal (pipes, logs, tests)."""

    FRAMES = "|/-\\"

    def __init__(
        self, stream: TextIO, *, enabled: bool = True, delay: float = 1.0, interval: float = 0.2
    ) -> None:
        self.stream = stream
        self.enabled = enabled and _is_terminal(stream)
        self.delay = delay
        self.interval = interval
        self.stage = ""
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._width = 0
        self._started = 0.0

    def __enter__(self) -> Progress:
        self._started = time.monotonic()
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()

    def _run(self) -> None:
        if self._done.wait(self.delay):
            return
        frame = 0
        while not self._done.is_set():
            elapsed = time.monotonic() - self._started
            line = f"{self.FRAMES[frame % len(self.FRAMES)]} {self.stage} {elapsed:.0f} s"
            self.stream.write("\r" + line.ljust(self._width))
            self.stream.flush()
            self._width = max(self._width, len(line))
            frame += 1
            self._done.wait(self.interval)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
