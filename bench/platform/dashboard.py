"""How fast a coordinator opens the program dashboard of a program of 5 000 people with a year
of activity, and downloads its exports.

    python -m bench.platform.dashboard [--mentors 1000] [--mentees 4000] [--repeat 5]
                                       [--seed 1] [--database-url URL]

Builds the program with bulk inserts in a throwaway SQLite database (or in the empty database
at --database-url, e.g. a scratch PostgreSQL one, which is left filled): people with
departments, applications spread over a year, a published matching run, pairs that started
through the year (most running, some completed, some ended early with or without a reason),
about two meetings a month per running pair, goals, and a check-in a month from each mentee.
Then times, through Django's test client, the dashboard (unfiltered, then filtered by dates and
a department), the CSV and XLSX exports and the comparison page: one warm-up, then the median
of --repeat loads, with the number of SQL queries of one load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

DEPARTMENTS = ["Sales", "Data", "Finance", "Operations", "Legal", "Design", "Support", "People"]
REASONS = ["goals_achieved", "mismatch", "availability", "other"]
DAYS = 365


def configure(database_url: str) -> None:
    """Point Django at the database (before setup), then migrate it."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lodestar.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # No collectstatic here: plain static storage.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SESSION_COOKIE_SECURE = False
    call_command("migrate", verbosity=0)


def build(mentees: int, mentors: int, seed: int, per_mentor: int = 4):
    """The program and a year of its life, written with bulk inserts, each mentor taking up to
    `per_mentor` mentees. Returns (program, coordinator, counts)."""
    import numpy as np
    from django.contrib.auth.models import Permission
    from django.utils import timezone

    from lodestar.accounts.models import Profile, User
    from lodestar.engagement.models import CheckIn
    from lodestar.matches.models import MatchRun, Proposal
    from lodestar.meetings.models import Meeting
    from lodestar.mentorships.models import Closure, Goal, Membership, Mentorship
    from lodestar.programs.models import Enrolment, Program

    rng = np.random.default_rng(seed)
    now = timezone.now()
    year_ago = now - timedelta(days=DAYS)
    coordinator = User.objects.create_user(
        email="coordinator@example.com", password=None, name="Cora Coordinator"
    )
    coordinator.user_permissions.add(Permission.objects.get(codename="add_program"))
    program = Program.objects.create(
        name="Bench Cohort",
        slug="bench",
        status="running",
        start_date=timezone.localdate(year_ago),
        default_mentor_capacity=4,
    )
    program.coordinators.add(coordinator)
    # A second, small program of the same coordinator, for the comparison page.
    other = Program.objects.create(name="Bench Pilot", slug="bench-pilot", status="running")
    other.coordinators.add(coordinator)

    total = mentees + mentors
    users = User.objects.bulk_create(
        User(email=f"person{i}@example.com", name=f"Person {i:05d}") for i in range(total)
    )
    Profile.objects.bulk_create(
        (
            Profile(user=user, department=DEPARTMENTS[int(rng.integers(len(DEPARTMENTS)))])
            for user in users
        ),
        batch_size=2000,
    )
    applied = rng.integers(0, 60, size=total)  # days after the year began
    statuses = rng.choice(
        ["approved", "applied", "waitlisted", "declined", "withdrawn"],
        p=[0.9, 0.03, 0.03, 0.02, 0.02],
        size=total,
    )
    enrolments = Enrolment.objects.bulk_create(
        (
            Enrolment(
                program=program,
                user=user,
                role="mentee" if i < mentees else "mentor",
                capacity=None if i < mentees else per_mentor,
                status="approved" if i >= mentees else str(statuses[i]),
                decided_at=year_ago + timedelta(days=int(applied[i]) + 2),
            )
            for i, user in enumerate(users)
        ),
        batch_size=2000,
    )
    for start, stop in ((0, mentees), (mentees, total)):
        # created_at is auto_now_add: spread the applications with one update per day.
        for day in range(60):
            ids = [enrolments[i].pk for i in range(start, stop) if applied[i] == day]
            Enrolment.objects.filter(pk__in=ids).update(created_at=year_ago + timedelta(days=day))

    mentee_rows = [e for e in enrolments[:mentees] if e.status == "approved"]
    mentor_rows = enrolments[mentees:]
    matched = mentee_rows[: min(len(mentee_rows), len(mentor_rows) * per_mentor) * 9 // 10]
    run = MatchRun.objects.create(
        program=program,
        number=1,
        solver="optimal",
        status="published",
        inputs={"mentees": [e.pk for e in mentee_rows]},
        metrics={"matched": len(matched), "unmatched": len(mentee_rows) - len(matched),
                 "mean": 61.2, "median": 62.0, "minimum": 12.5, "p10": 38.0},
        published_at=year_ago + timedelta(days=70),
    )  # fmt: skip
    scores = rng.uniform(10, 100, size=len(matched))
    Proposal.objects.bulk_create(
        (
            Proposal(run=run, mentee=e, mentor=mentor_rows[i // per_mentor], score=float(scores[i]))
            for i, e in enumerate(matched)
        ),
        batch_size=2000,
    )

    starts = rng.integers(70, 200, size=len(matched))
    outcome = rng.choice(
        ["active", "completed", "ended_early"], p=[0.75, 0.15, 0.1], size=len(matched)
    )
    pairs = []
    for i in range(len(matched)):
        start = year_ago + timedelta(days=int(starts[i]))
        ended = None
        if outcome[i] != "active":
            ended = start + timedelta(days=int(rng.integers(30, DAYS - int(starts[i]))))
        pairs.append(
            Mentorship(
                program=program,
                origin="algorithm",
                match_run=run,
                status=str(outcome[i]),
                score=float(scores[i]),
                start_date=timezone.localdate(start),
                ended_at=ended,
            )
        )
    pairs = Mentorship.objects.bulk_create(pairs, batch_size=2000)
    # created_at is auto_now_add: every pair was made when the run was published.
    Mentorship.objects.filter(program=program).update(created_at=year_ago + timedelta(days=70))
    Membership.objects.bulk_create(
        (
            Membership(
                mentorship=pair,
                enrolment=enrolment,
                user_id=enrolment.user_id,
                role=enrolment.role,
                response="accepted",
            )
            for i, pair in enumerate(pairs)
            for enrolment in (matched[i], mentor_rows[i // per_mentor])
        ),
        batch_size=4000,
    )
    Closure.objects.bulk_create(
        (
            Closure(
                mentorship=pair,
                reason=REASONS[int(rng.integers(len(REASONS)))],
                outcome="completed" if pair.status == "completed" else "ended_early",
                started_at=pair.ended_at,
                finished_at=pair.ended_at,
            )
            for pair in pairs
            # A fifth of the early endings happened without a closure: "not given".
            if pair.status != "active" and rng.random() < 0.8
        ),
        batch_size=2000,
    )

    meetings, goals, checkins = [], [], []
    for i, pair in enumerate(pairs):
        start = year_ago + timedelta(days=int(starts[i]))
        end = pair.ended_at or now
        moment = start + timedelta(days=int(rng.integers(1, 10)))
        while moment < end:
            meetings.append(
                Meeting(
                    mentorship=pair,
                    start=moment,
                    duration=int(rng.choice([30, 45, 60, 90])),
                    status="completed" if rng.random() < 0.85 else "cancelled",
                    minutes_logged=int(rng.integers(20, 90)) if rng.random() < 0.5 else None,
                )
            )
            moment += timedelta(days=int(rng.integers(10, 20)))
        for k in range(int(rng.integers(1, 4))):
            achieved = rng.random() < 0.4
            goals.append(
                Goal(
                    mentorship=pair,
                    owner_id=matched[i].user_id,
                    title=f"Goal {k}",
                    status="achieved" if achieved else "in_progress",
                    achieved_at=start + timedelta(days=int(rng.integers(20, 120)))
                    if achieved
                    else None,
                )
            )
        period = start
        while period < end:
            checkins.append(
                CheckIn(
                    mentorship=pair,
                    user_id=matched[i].user_id,
                    period_start=timezone.localdate(period),
                    mood=int(rng.integers(1, 6)),
                    created_at=period + timedelta(days=2),
                )
            )
            period += timedelta(days=30)
    Meeting.objects.bulk_create(meetings, batch_size=5000)
    Goal.objects.bulk_create(goals, batch_size=5000)
    CheckIn.objects.bulk_create(checkins, batch_size=5000)
    counts = {
        "people": total,
        "pairs": len(pairs),
        "meetings": len(meetings),
        "goals": len(goals),
        "check-ins": len(checkins),
    }
    return program, coordinator, counts


def timed(client, url: str, repeat: int, **params) -> tuple[float, int, int]:
    """(median seconds, queries, status) of loading url `repeat` times after one warm-up."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)
    seconds = []
    for _ in range(repeat):
        # The dashboard page keeps its figures a minute (analytics.cached_program_figures):
        # empty the cache so that each load computes them, which is what this measures.
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, params)
            seconds.append(time.perf_counter() - started)
    return statistics.median(seconds), len(queries.captured_queries), response.status_code


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentees", type=int, default=4000)
    parser.add_argument("--mentors", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--database-url", help="an empty database to fill (default: a throwaway SQLite file)"
    )
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lodestar-bench-") as folder:
        started = time.perf_counter()
        configure(args.database_url or f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        from django.db import connection

        print(
            f"migrated a fresh {connection.vendor} database in {time.perf_counter() - started:.1f} s"
        )

        from django.test import Client
        from django.urls import reverse

        started = time.perf_counter()
        program, coordinator, counts = build(args.mentees, args.mentors, args.seed)
        print(
            "built "
            + ", ".join(f"{n} {what}" for what, n in counts.items())
            + f" in {time.perf_counter() - started:.1f} s"
        )

        client = Client()
        client.force_login(coordinator)
        dashboard = reverse("program_dashboard", args=[program.slug])
        year = program.start_date
        filtered = {
            "date_from": (year + timedelta(days=90)).isoformat(),
            "date_to": (year + timedelta(days=270)).isoformat(),
            "cohort": "department:Data",
        }
        pages = [
            ("dashboard", dashboard, {}),
            ("dashboard, 6 months of one department", dashboard, filtered),
            ("CSV export", reverse("dashboard_export_csv", args=[program.slug]), {}),
            ("XLSX export", reverse("dashboard_export_xlsx", args=[program.slug]), {}),
            ("comparison of 2 programs", reverse("program_comparison", args=[program.slug]), {}),
        ]
        print(f"\n| page | median of {args.repeat} (s) | queries |")
        print("| --- | ---: | ---: |")
        for name, url, params in pages:
            seconds, queries, status = timed(client, url, args.repeat, **params)
            if status != 200:
                sys.exit(f"{name} answered {status}")
            print(f"| {name} | {seconds:.3f} | {queries} |", flush=True)


if __name__ == "__main__":
    main()
