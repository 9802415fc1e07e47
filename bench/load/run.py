"""The load test: a program of 10 000 participants served by gunicorn, driven by locust.

    python -m bench.load.run [--db sqlite|postgres|both] [--users 50] [--duration 60]
                             [--saturation-duration 30] [--ceiling-duration 30] [--warmup 10]
                             [--steps-duration 20]
                             [--think 1,3] [--workers 5] [--worker-class sync] [--threads 1]
                             [--quick] [--rebuild]

For each database (PostgreSQL is skipped, with the reason, when its server does not answer):
build or reuse the program (bench/load/data.py), sign the load users' sessions with a fresh
SECRET_KEY, copy the database for the run (the built one stays as built, so that every run
starts from the same data), collect the static files, start gunicorn on the copy on a free port
of 127.0.0.1, then run locust headless, six times:

1. warm-up: the mix with think time, not counted (the workers import and fill their caches);
2. ceiling: the bare view (no database, no template), 50 users, no think time: what server and
   client manage together on this machine;
3. steps between the ceiling and the mix, 50 users, no think time, not judged: the bare view
   signed in (the session and the user loaded), then the layout every page extends with nothing
   in it (its navigation and the unread counts): how much of the ceiling any signed-in page can
   reach at best, whatever it shows;
4. latency: the mix, 50 users each waiting `--think` (1–3 s) between two requests, as people
   do: p50/p95/p99 and errors — the p95 target is about this run;
5. saturation: the mix, 50 users, no think time: the most requests/s the pages allow, compared
   with the ceiling — the 15 % target is about this run.

Gunicorn is stopped by its PID. Results: printed, and written to var/bench/load/results.json and
results.md (plus locust's CSV files per run).

Targets (issue 8): no error in any run, p95 under 100 ms at 50 users with think time, mix
throughput at saturation ≥ 15 % of the ceiling.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from bench.load.data import copy_database, load_dir, paths, postgres_reachable, run_copy_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
MIX = ["MenteeUser", "MentorUser", "CoordinatorUser"]
# Measured between the ceiling and the mix, not judged: (run, locust user class).
STEPS = [("signed-in bare", "SignedInBareUser"), ("layout only", "LayoutUser")]
RUNS = ["ceiling", *(name for name, _ in STEPS), "latency", "saturation"]
TARGET_P95_MS = 100
TARGET_RATIO = 0.15


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(database_url: str, secret_key: str, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.load.settings",
        DATABASE_URL=database_url,
        LOAD_SECRET_KEY=secret_key,
        PYTHONPATH=str(ROOT),
        **extra,
    )
    return env


def step(command: list[str], env: dict, timeout: float) -> None:
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=timeout)  # noqa: S603


class Server:
    """gunicorn on 127.0.0.1:<port>, stopped by its PID."""

    def __init__(self, env: dict, args, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            str(BIN / "gunicorn"),
            "lodestar.wsgi:application",
            f"--bind=127.0.0.1:{self.port}",
            f"--workers={args.workers}",
            f"--worker-class={args.worker_class}",
            f"--threads={args.threads}",
            "--timeout=30",
            # Its control socket is one per machine by default: another gunicorn's, maybe.
            "--no-control-socket",
        ]
        # Gunicorn's and Django's logs (an access line per request) go to the log file.
        self.log = log.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            command, cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(self.url + "/bench/bare/", timeout=2) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer in time")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.log.close()


def locust(
    server: Server,
    env: dict,
    classes: list[str],
    users: int,
    seconds: int,
    csv_prefix: Path,
    think: str = "0,0",
):
    """Run locust headless, its users waiting `think` ("min,max" seconds) between two requests;
    returns the parsed CSV statistics."""
    command = [
        str(BIN / "locust"),
        "-f", str(LOCUSTFILE),
        "--headless", "--only-summary", "--reset-stats",
        "--host", server.url,
        "-u", str(users), "-r", str(max(users, 1)),
        "-t", f"{seconds}s", "--stop-timeout", "5",
        "--csv", str(csv_prefix),
        "--loglevel", "WARNING",
        *classes,
    ]  # fmt: skip
    subprocess.run(  # noqa: S603
        command,
        cwd=ROOT,
        env={**env, "LOAD_THINK": think},
        timeout=seconds + 60,
        stdout=subprocess.DEVNULL,
        check=False,
    )
    return read_stats(Path(f"{csv_prefix}_stats.csv"))


def read_stats(path: Path) -> dict:
    """{"total": row, "endpoints": [rows]} from locust's _stats.csv; times in ms."""
    endpoints, total = [], None
    with path.open() as file:
        for row in csv.DictReader(file):
            item = {
                "name": row["Name"] if row["Type"] else "all",
                "method": row["Type"],
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": _ms(row["50%"]),
                "p95": _ms(row["95%"]),
                "p99": _ms(row["99%"]),
                "max": _ms(row["Max Response Time"]),
            }
            if row["Name"] == "Aggregated":
                total = item
            else:
                endpoints.append(item)
    if total is None:
        raise RuntimeError(f"no aggregated row in {path}")
    total["error_rate"] = total["failures"] / total["requests"] if total["requests"] else 1.0
    return {"total": total, "endpoints": endpoints}


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def share(run: dict, ceiling: dict) -> float:
    """A run's requests/s as a share of the ceiling's (0 when the ceiling made none)."""
    return run["rps"] / ceiling["rps"] if ceiling["rps"] else 0.0


def judge(
    ceiling: dict, latency: dict, saturation: dict, *others: dict
) -> tuple[float, dict[str, bool]]:
    """(saturated mix / ceiling, {target: met}) from the runs' totals (read_stats); `others`
    (the steps) count for "no errors" only."""
    ratio = share(saturation, ceiling)
    runs = (ceiling, latency, saturation, *others)
    checks = {
        "no errors": all(run["failures"] == 0 and run["requests"] > 0 for run in runs),
        f"p95 < {TARGET_P95_MS} ms": latency["p95"] is not None and latency["p95"] < TARGET_P95_MS,
        f"saturated mix ≥ {TARGET_RATIO:.0%} of ceiling": ratio >= TARGET_RATIO,
    }
    return ratio, checks


def run_database(db: str, args, stamp: str) -> dict:
    out = load_dir()
    built_url, _ = paths(db, args.quick)
    secret_key = secrets.token_urlsafe(50)
    people = out / f"people-{db}.json"
    started = time.perf_counter()
    data = [sys.executable, "-m", "bench.load.data", "--db", db, "--people-out", str(people)]
    step(
        data + ["--quick"] * args.quick + ["--rebuild"] * args.rebuild,
        environment(built_url, secret_key),
        timeout=1800,
    )
    prepared = time.perf_counter() - started
    # The server gets a copy (with the sessions just written), the built database stays as built.
    database_url = run_copy_url(db, args.quick)
    copy_database(built_url, database_url)
    copied = time.perf_counter() - started - prepared
    print(f"[{db}] a fresh copy of the load database in {copied:.1f} s", flush=True)
    env = environment(database_url, secret_key, LOAD_PEOPLE=str(people))
    if not (out / "static" / "staticfiles.json").exists() or not args.quick:
        step([sys.executable, "-m", "django", "collectstatic", "--noinput", "-v0"], env, 600)

    server = Server(env, args, out / f"gunicorn-{db}.log")
    runs = out / "runs"
    runs.mkdir(exist_ok=True)
    loads = {}

    def measure(name: str, classes: list[str], seconds: int, think: str) -> dict:
        found = locust(
            server, env, classes, args.users, seconds, runs / f"{stamp}-{db}-{name}", think
        )
        # The machine's 1-minute load average at the end of the run: above the core count,
        # something else competed for the CPU and the figures understate the server.
        loads[name] = round(os.getloadavg()[0], 1)
        total = found["total"]
        print(
            f"[{db}] {name}: {total['rps']:.1f} requests/s, p95 {total['p95']} ms, "
            f"{total['failures']} / {total['requests']} failed, load {loads[name]}",
            flush=True,
        )
        return found

    try:
        server.wait_ready()
        print(
            f"[{db}] gunicorn {server.url}: {args.workers} × {args.worker_class}"
            f" ({args.threads} threads)",
            flush=True,
        )
        measure("warmup", MIX, args.warmup, args.think)
        ceiling = measure("ceiling", ["BareUser"], args.ceiling_duration, "0,0")
        steps = {
            name: measure(name, [user], args.steps_duration, "0,0")["total"] for name, user in STEPS
        }
        latency = measure("latency", MIX, args.duration, args.think)
        saturation = measure("saturation", MIX, args.saturation_duration, "0,0")
    finally:
        server.stop()
    ratio, checks = judge(ceiling["total"], latency["total"], saturation["total"], *steps.values())
    return {
        "database": db,
        "database_url": database_url.split("@")[-1],
        "prepare_seconds": round(prepared, 1),
        "copy_seconds": round(copied, 1),
        "ceiling": ceiling["total"],
        **steps,
        "latency": latency["total"],
        "saturation": saturation["total"],
        "ratio": round(ratio, 4),
        "shares": {
            run: round(share(found, ceiling["total"]), 4)
            for run, found in [*steps.items(), ("saturation", saturation["total"])]
        },
        "load_average": loads,
        "endpoints": {
            "latency": _slowest(latency["endpoints"]),
            "saturation": _slowest(saturation["endpoints"]),
        },
        "checks": checks,
        "passed": all(checks.values()),
    }


def _slowest(endpoints: list[dict]) -> list[dict]:
    return sorted(endpoints, key=lambda e: -(e["p95"] or 0))


def _ms_cell(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def markdown(results: list[dict], settings: dict) -> str:
    lines = [
        f"Load test, {settings['when']}: {settings['users']} users, gunicorn "
        f"{settings['workers']} × {settings['worker_class']} ({settings['threads']} threads) on "
        f"{settings['cores']} cores, "
        f"{'quick data' if settings['quick'] else '10 000 participants'}. Ceiling "
        f"{settings['ceiling_duration']} s (bare view, no think time); signed-in bare and "
        f"layout only {settings['steps_duration']} s each (no think time, not judged); latency "
        f"{settings['duration']} s (the mix, think {settings['think']} s); saturation "
        f"{settings['saturation_duration']} s (the mix, no think time).",
        "",
        "| database | run | req/s | share of ceiling | p50 ms | p95 ms | p99 ms | max ms "
        "| errors | load avg |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        for run in RUNS:
            m = r[run]
            share = r.get("shares", {}).get(run)
            lines.append(
                f"| {r['database']} | {run} | {m['rps']:.1f} | "
                f"{'–' if share is None else f'{share:.1%}'} | {_ms_cell(m['p50'])} | "
                f"{_ms_cell(m['p95'])} | {_ms_cell(m['p99'])} | {_ms_cell(m['max'])} | "
                f"{m['failures']} / {m['requests']} | {r['load_average'][run]} |"
            )
    lines += [
        "",
        "| database | saturated mix / ceiling | checks | result |",
        "| --- | ---: | --- | --- |",
    ]
    for r in results:
        failed = [k for k, ok in r["checks"].items() if not ok]
        lines.append(
            f"| {r['database']} | {r['ratio']:.1%} | "
            + ", ".join(f"{k}: {'yes' if ok else 'NO'}" for k, ok in r["checks"].items())
            + f" | {'PASS' if not failed else 'FAIL'} |"
        )
    for r in results:
        for run in ("latency", "saturation"):
            lines += [
                "",
                f"Slowest pages ({r['database']}, {run}):",
                "",
                "| endpoint | requests | p50 ms | p95 ms | p99 ms | failures |",
                "| --- | ---: | ---: | ---: | ---: | ---: |",
            ]
            for e in r["endpoints"][run][:8]:
                lines.append(
                    f"| {e['method']} {e['name']} | {e['requests']} | {_ms_cell(e['p50'])} | "
                    f"{_ms_cell(e['p95'])} | {_ms_cell(e['p99'])} | {e['failures']} |"
                )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--duration", type=int, default=60, help="seconds of the mix with think time (latency)"
    )
    parser.add_argument(
        "--saturation-duration", type=int, default=30, help="seconds of the mix without think time"
    )
    parser.add_argument("--ceiling-duration", type=int, default=30)
    parser.add_argument(
        "--steps-duration",
        type=int,
        default=20,
        help="seconds of each step (signed-in bare, layout only) between the ceiling and the mix",
    )
    parser.add_argument("--warmup", type=int, default=10, help="seconds of mix before measuring")
    # Chosen by measurement on 2 cores (bench/README.md): sync workers, 2 × cores + 1. The pages
    # are CPU-bound (ORM and templates), so threads only share one GIL: gthread served a few
    # more requests/s at saturation but with a p95 up to three times as long.
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--think", default="1,3", help="min,max seconds between two requests of a user"
    )
    parser.add_argument("--quick", action="store_true", help="small data, short runs: a smoke run")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data even if cached")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration = min(args.duration, 10)
        args.saturation_duration = min(args.saturation_duration, 5)
        args.ceiling_duration = min(args.ceiling_duration, 5)
        args.steps_duration = min(args.steps_duration, 5)
        args.warmup = 3
    if args.worker_class == "sync":
        args.threads = 1

    out = load_dir()
    out.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    results, skipped = [], {}
    for db in ["sqlite", "postgres"] if args.db == "both" else [args.db]:
        if db == "postgres":
            problem = postgres_reachable(paths("postgres", args.quick)[0])
            if problem:
                print(f"[postgres] skipped: the server does not answer ({problem})")
                skipped[db] = problem
                continue
        results.append(run_database(db, args, stamp))

    settings = {
        "when": stamp,
        **{k: getattr(args, k) for k in ("users", "duration", "saturation_duration")},
        **{k: getattr(args, k) for k in ("ceiling_duration", "steps_duration", "warmup")},
        "workers": args.workers,
        **{k: getattr(args, k) for k in ("worker_class", "threads", "think", "quick")},
        "cores": os.cpu_count(),
    }
    report = markdown(results, settings) if results else "No database was measured.\n"
    for db, problem in skipped.items():
        report += f"\n{db}: skipped ({problem})\n"
    print("\n" + report)
    (out / "results.json").write_text(
        json.dumps({"settings": settings, "results": results, "skipped": skipped}, indent=2)
    )
    (out / "results.md").write_text(report)
    print(f"written: {out / 'results.json'}, {out / 'results.md'}")
    passed = bool(results) and all(r["passed"] for r in results)
    print("PASS" if passed else "FAIL")
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
