"""Benchmark the matching solvers against exact and third-party baselines.

    python -m bench.matching.run [--sizes small,medium,large] [--kinds uniform,structured]
                                 [--solvers optimal,stable,...] [--repeat N] [--timeout S]

Every (solver, size, kind) runs in its own process, with a timeout and a memory ceiling,
so each peak memory is that job's alone and no run can hang. Writes var/bench/matching-*.json
and .md (git-ignored) and prints the markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .baselines import BASELINES
from .instances import KINDS, SIZES, parse_size
from .memory import status_mib
from .report import add_comparisons, markdown

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_OUT = ROOT / "var" / "bench"
# Registered solvers that do not take a mentee × mentor problem.
NOT_BIPARTITE = {"peer"}
# The `matching` package needs minutes and gigabytes beyond this; ask for it by name to try.
MATCHING_PACKAGE_SIZES = {"small"}
# Without --sizes: everything at small and medium, and the headline solvers at large.
DEFAULT_SIZES = ("small", "medium")
DEFAULT_LARGE = ("optimal", "participation", "fair", "stable", "greedy", "plain-greedy")
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Job:
    solver: str
    size: str
    kind: str
    seed: int
    repeat: int = 1

    def spec(self) -> dict[str, Any]:
        return {
            "solver": self.solver,
            "size": self.size,
            "kind": self.kind,
            "seed": self.seed,
            "repeat": self.repeat,
        }


def registered_solvers() -> list[str]:
    from lodestar.matching.solve import SOLVERS

    return [name for name in SOLVERS if name not in NOT_BIPARTITE]


def all_solvers() -> list[str]:
    return [*registered_solvers(), *BASELINES, "recommend"]


def plan(
    sizes: list[str] | None,
    kinds: list[str] | None,
    solvers: list[str] | None,
    seed: int,
    repeat: int,
) -> list[Job]:
    """The jobs to run, the reference (`optimal`) first in each group."""
    chosen = solvers or all_solvers()
    ordered = sorted(chosen, key=lambda s: (s != "optimal", chosen.index(s)))
    pairs = [s for s in ordered if s != "recommend"]
    jobs = []
    for size in sizes or DEFAULT_SIZES:
        for kind in kinds or list(KINDS):
            for solver in pairs:
                if solver == "matching-pkg" and size not in MATCHING_PACKAGE_SIZES and not solvers:
                    continue
                jobs.append(Job(solver, size, kind, seed, repeat))
    if sizes is None:
        for kind in kinds or ["structured"]:
            jobs += [Job(s, "large", kind, seed, repeat) for s in pairs if s in DEFAULT_LARGE]
    if "recommend" in ordered:
        jobs.append(Job("recommend", "10000 mentors", "structured", seed))
    return jobs


def run_job(job: Job, timeout: float, memory_limit_mib: float) -> dict[str, Any]:
    """Run one job in a child process; stop it at the timeout or the memory ceiling."""
    with tempfile.TemporaryDirectory(prefix="bench-matching-") as tmp:
        result_path, log_path = Path(tmp) / "result.json", Path(tmp) / "log.txt"
        command = [
            sys.executable,
            "-m",
            "bench.matching.worker",
            json.dumps(job.spec()),
            str(result_path),
        ]
        with open(log_path, "w") as log:
            # Our own interpreter and module; the job is data passed as one argument.
            child = subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        started = time.perf_counter()
        stopped, highest = None, 0.0
        # Reap with wait4 ourselves: it also gives this child's own resource usage.
        while True:
            pid, status, usage = os.wait4(child.pid, 0 if stopped else os.WNOHANG)
            if pid:
                break
            highest = max(highest, status_mib("VmRSS", child.pid) or 0.0)
            if time.perf_counter() - started > timeout:
                stopped = "timeout"
            elif highest > memory_limit_mib:
                stopped = "out of memory"
            if stopped:
                child.kill()
            else:
                time.sleep(POLL_SECONDS)
        child.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
        record: dict[str, Any] = {**job.spec(), "wall_s": wall}
        if stopped:
            limit = f"{timeout:g} s" if stopped == "timeout" else f"{memory_limit_mib:.0f} MiB"
            record.update(status=stopped, reason=f"stopped at {limit}", peak_mib=highest, notes=[])
        elif result_path.exists():
            record.update(json.loads(result_path.read_text()))
        else:
            tail = log_path.read_text()[-2000:]
            record.update(
                status="error",
                reason=f"exited with {child.returncode} and no result",
                log=tail,
                peak_mib=usage.ru_maxrss / 1024,
                notes=[],
            )
    return record


def environment() -> dict[str, Any]:
    import numpy
    import scipy

    versions = {
        "python": sys.version.split()[0],
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }
    for package in ("ortools", "matching"):
        try:
            versions[package] = __import__(package).__version__
        except Exception:
            versions[package] = "not installed"
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "date": datetime.now().isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": _memory_total_gib(),
        "versions": versions,
    }


def _memory_total_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def _names(text: str | None, known: list[str], what: str) -> list[str] | None:
    if text is None:
        return None
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in known]
    if unknown:
        raise SystemExit(f"unknown {what}: {', '.join(unknown)} (choose from {', '.join(known)})")
    return names


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.matching.run", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--sizes",
        help=f"comma-separated: {', '.join(SIZES)} or MxNxC (default: small,medium + large for the headline solvers)",
    )
    parser.add_argument("--kinds", help=f"comma-separated: {', '.join(KINDS)} (default: both)")
    parser.add_argument(
        "--solvers",
        help="comma-separated solver names (default: all, with baselines and recommend)",
    )
    parser.add_argument(
        "--repeat", type=int, default=1, help="solve N times in each job, report the fastest"
    )
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds before a job is stopped (default 600)"
    )
    parser.add_argument(
        "--memory-limit",
        type=float,
        default=12,
        help="GiB of RSS before a job is stopped (default 12)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="directory for the JSON and markdown results"
    )
    args = parser.parse_args(argv)
    if args.sizes:
        for size in args.sizes.split(","):
            try:
                parse_size(size.strip())
            except ValueError as error:
                parser.error(str(error))
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [s.strip() for s in args.sizes.split(",")] if args.sizes else None
    kinds = _names(args.kinds, list(KINDS), "kinds")
    solvers = _names(args.solvers, all_solvers(), "solvers")
    jobs = plan(sizes, kinds, solvers, args.seed, args.repeat)
    records = []
    for number, job in enumerate(jobs, 1):
        print(
            f"[{number}/{len(jobs)}] {job.solver} · {job.size} · {job.kind} …", end=" ", flush=True
        )
        record = run_job(job, args.timeout, args.memory_limit * 1024)
        records.append(record)
        print(_summary(record), flush=True)
    add_comparisons(records)
    meta = {**environment(), "seed": args.seed, "timeout_s": args.timeout, "repeat": args.repeat}
    table = markdown(records, meta)
    print()
    print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    json_path, md_path = args.out / f"matching-{stamp}.json", args.out / f"matching-{stamp}.md"
    json_path.write_text(json.dumps({"meta": meta, "results": records}, indent=2))
    md_path.write_text(table)
    shutil.copyfile(json_path, args.out / "matching-latest.json")
    shutil.copyfile(md_path, args.out / "matching-latest.md")
    print(
        f"\nwritten: {json_path.relative_to(ROOT) if json_path.is_relative_to(ROOT) else json_path} and .md"
    )
    return 0


def _summary(record: dict[str, Any]) -> str:
    if record["status"] != "ok":
        return f"{record['status']} ({record.get('reason', '')})"
    if record["solver"] == "recommend":
        return f"median {record['median_ms']:.2f} ms, p95 {record['p95_ms']:.2f} ms"
    peak = record.get("peak_mib")
    return (
        f"solve {record['solve_s']:.2f} s, build {record['build_s']:.2f} s, "
        f"peak {peak:.0f} MiB, total {record['total']:.1f}, matched {record['matched']}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
