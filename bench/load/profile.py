"""The load test's pages one at a time, in process: SQL queries and time of each.

    python -m bench.load.profile [--db sqlite|postgres] [--quick] [--repeat 5] [--sql PAGE]

Uses a fresh copy of the load database (bench/load/data.py) and Django's test client, as one
mentee, one mentor and one coordinator of the load users: the first place to look when a page is
slow under load. --sql PAGE prints that page's queries, the slowest first.
"""

from __future__ import annotations

import argparse
import json
import logging
import statistics
import subprocess
import sys
import time


def pages(meta: dict) -> list[tuple[str, str, int]]:
    """(name, url, user id) of each page the locust users read."""
    mentee = next(m for m in meta["members"] if m["role"] == "mentee")
    mentor = next(m for m in meta["members"] if m["role"] == "mentor")
    coordinate = f"/coordinate/{meta['program']}/"
    out = []
    for who in (mentee, mentor):
        base = f"/mentorships/{who['mentorship']}/"
        out += [
            (f"{who['role']}: dashboard", "/dashboard/", who["user"]),
            (f"{who['role']}: workspace", base, who["user"]),
            (f"{who['role']}: messages", base + "messages/", who["user"]),
            (f"{who['role']}: meetings", base + "meetings/", who["user"]),
            (f"{who['role']}: meetings: new", base + "meetings/new/", who["user"]),
            (f"{who['role']}: check-in", base + "check-in/", who["user"]),
        ]
    coordinator = meta["coordinators"][0]
    for name in ("dashboard", "participants", "mentorships", "check-ins"):
        out.append((f"coordinate: {name}", f"{coordinate}{name}/", coordinator))
    # The dashboard keeps its figures a minute: the line above is a reload within the minute,
    # this one the load that computes them (the cache emptied before each).
    out.append((UNCACHED, f"{coordinate}dashboard/", coordinator))
    return out


UNCACHED = "coordinate: dashboard, figures computed"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--sql", help="print the queries of the page of this name")
    args = parser.parse_args(argv)

    from bench.load.data import copy_database, paths, run_copy_url, setup_django

    # Build or check the load database in a process of its own, then profile a fresh copy of
    # it, as run.py serves one: the sessions and read marks the pages write stay out of it.
    built, meta_file = paths(args.db, args.quick)
    data = [sys.executable, "-m", "bench.load.data", "--db", args.db, *["--quick"] * args.quick]
    subprocess.run(data, check=True)  # noqa: S603
    copy = run_copy_url(args.db, args.quick)
    copy_database(built, copy)
    setup_django(copy)
    meta = json.loads(meta_file.read_text())
    logging.disable(logging.INFO)  # the access line of every request
    from django.conf import settings
    from django.core.management import call_command

    if not (settings.STATIC_ROOT / "staticfiles.json").exists():
        call_command("collectstatic", "--noinput", verbosity=0)  # as run.py does before serving
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from lodestar.accounts.models import User

    print(f"\n| page | median ms of {args.repeat} | queries | status |")
    print("| --- | ---: | ---: | ---: |")
    for name, url, user_id in pages(meta):
        client = Client()
        client.force_login(User.objects.get(pk=user_id))
        client.get(url)
        seconds = []
        for _ in range(args.repeat):
            if name == UNCACHED:
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url)
                seconds.append(time.perf_counter() - started)
        print(
            f"| {name} | {statistics.median(seconds) * 1000:.1f} | "
            f"{len(queries.captured_queries)} | {response.status_code} |",
            flush=True,
        )
        if args.sql == name:
            for query in sorted(queries.captured_queries, key=lambda q: -float(q["time"])):
                print(f"  {query['time']} {query['sql'][:400]}")


if __name__ == "__main__":
    main()
