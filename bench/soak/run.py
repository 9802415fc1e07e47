"""`make soak`: the fault tests too slow for `make test`.

1. kill -9 of the web server (gunicorn) mid-write, several rounds (bench/soak/server_kill.py);
2. kill -9 of the task worker mid-task (bench/soak/worker_kill.py).

Bounded: each round lasts seconds; the whole run a minute or two. Prints a summary, writes it to
var/bench/soak.json, and exits non-zero if anything acknowledged was lost, the database failed
its integrity check, a retry made a duplicate, or a job was lost or done twice.

    python -m bench.soak.run [--rounds 3] [--writers 8] [--worker-rounds 2]
"""

import argparse
import json
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

from . import server_kill, worker_kill
from .site import REPO


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3, help="server kills (default 3)")
    parser.add_argument("--writers", type=int, default=8, help="concurrent writers (default 8)")
    parser.add_argument("--worker-rounds", type=int, default=2, help="worker kills (default 2)")
    args = parser.parse_args(argv)

    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="lodestar-soak-") as folder:
        server = server_kill.run(Path(folder) / "server", rounds=args.rounds, writers=args.writers)
    with tempfile.TemporaryDirectory(prefix="lodestar-soak-") as folder:
        worker = worker_kill.run(Path(folder), rounds=args.worker_rounds)
    seconds = round(time.monotonic() - began, 1)

    print("kill -9 of the web server mid-write (gunicorn, SQLite WAL):")
    print(
        "  round  sent  acknowledged  no answer  lost  integrity  retried  replayed  duplicates"
        "  restarted"
    )
    for r in server:
        print(
            f"  {r.number:>5}  {r.sent:>4}  {r.acknowledged:>12}  {r.unanswered:>9}  {r.lost:>4}"
            f"  {r.integrity:>9}  {r.retried:>7}  {r.replayed:>8}  {r.duplicates:>10}"
            f"  {r.restarted!s:>9}"
        )
    acknowledged = sum(r.acknowledged for r in server)
    lost = sum(r.lost for r in server)
    duplicates = sum(r.duplicates for r in server)
    print(f"  total: {len(server)} rounds, {acknowledged} acknowledged writes, lost = {lost}")
    print("kill -9 of the task worker mid-task (emails through a slow mail server):")
    for w in worker:
        print(
            f"  round {w.number}: {w.jobs} emails, killed after {w.delivered_before_kill}, "
            f"delivered {w.delivered} ({w.duplicates} twice, {w.missing} missing)"
        )
    print(f"  ({seconds} s in all)")

    ok = (
        lost == 0
        and duplicates == 0
        and all(r.integrity == "ok" and r.restarted for r in server)
        and all(w.missing == 0 and w.duplicates == 0 for w in worker)
    )
    out = REPO / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "soak.json").write_text(
        json.dumps(
            {
                "server": [asdict(r) for r in server],
                "worker": [asdict(w) for w in worker],
                "seconds": seconds,
                "ok": ok,
            },
            indent=2,
        )
    )
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
