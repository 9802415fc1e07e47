"""How fast a coordinator reviews a large run: build a 5 000-participant program in a throwaway
SQLite database, execute a real matching run, then time the review pages with the test client.

    python -m bench.platform.review_page [--mentees 4000] [--mentors 1000] [--repeat 5]
                                         [--no-publish] [--seed 1]

Prints each figure (seconds, median of --repeat renders) and each page's query count, then
(unless --no-publish) how long publishing the run takes: every pair becomes a proposed
mentorship and every member gets a notification and an email (kept in memory here).
Takes about a minute; the database is deleted afterwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

SKILLS = ["Design", "Data", "Leadership", "Sales", "Writing", "Finance", "Product", "Research"]
LANGUAGES = ["English", "French", "Spanish", "German"]
ZONES = ["Europe/London", "Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC"]


def configure(database: Path) -> None:
    """Point Django at a fresh SQLite file (before setup), then migrate it."""
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lodestar.settings")
    os.environ.setdefault("LODESTAR_VAR_DIR", str(database.parent / "var"))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    # No collectstatic here, and no real email: plain static storage, emails kept in memory.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SESSION_COOKIE_SECURE = False
    call_command("migrate", verbosity=0)


def build(mentees: int, mentors: int, seed: int):
    """A program with three criteria (skills overlap, language required, time zone near) and
    its approved people, written with bulk inserts."""
    import numpy as np
    from django.contrib.auth.models import Permission

    from lodestar.accounts.models import User
    from lodestar.programs.models import Answer, Enrolment, Program, Question

    rng = np.random.default_rng(seed)
    coordinator = User.objects.create_user(
        email="coordinator@example.com", password=None, name="Cora Coordinator"
    )
    coordinator.user_permissions.add(Permission.objects.get(codename="add_program"))
    program = Program.objects.create(
        name="Bench Cohort", slug="bench", status="matching", default_mentor_capacity=2
    )
    program.coordinators.add(coordinator)

    def pair(label, kind, rule, weight, **extra):
        offered = Question.objects.create(
            program=program, role="mentor", label=f"{label} (mentor)", kind=kind, **extra
        )
        asked = Question.objects.create(
            program=program,
            role="mentee",
            label=label,
            kind=kind,
            is_criterion=True,
            paired_with=offered,
            rule=rule,
            weight=weight,
            **extra,
        )
        return asked, offered

    skills = pair("Skills", "multiple_choice", "overlap", 6, choices=SKILLS)
    language = pair("Language", "single_choice", "same", 3, choices=LANGUAGES)
    Question.objects.filter(pk=language[0].pk).update(match_required=True)
    zone = pair("Time zone", "profile", "near", 2, profile_field="timezone")
    Question.objects.filter(pk=zone[0].pk).update(tolerance=6)
    Question.objects.create(
        program=program,
        role="mentee",
        label="Which group do you identify with?",
        kind="single_choice",
        choices=["A", "B", "C"],
        sensitive=True,
    )

    total = mentees + mentors
    users = User.objects.bulk_create(
        User(
            email=f"person{i}@example.com",
            name=f"Person {i:05d}",
            timezone=ZONES[int(rng.integers(len(ZONES)))],
        )
        for i in range(total)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            program=program,
            user=user,
            role="mentee" if i < mentees else "mentor",
            capacity=None if i < mentees else int(rng.integers(1, 4)),
            status="approved",
        )
        for i, user in enumerate(users)
    )
    group = Question.objects.get(program=program, sensitive=True)
    answers = []
    for i, enrolment in enumerate(enrolments):
        side = 0 if i < mentees else 1
        # Mentees want two to four skills, mentors offer one or two: few perfect fits.
        count = int(rng.integers(2, 5)) if side == 0 else int(rng.integers(1, 3))
        chosen = rng.choice(SKILLS, size=count, replace=False).tolist()
        answers.append(Answer(enrolment=enrolment, question=skills[side], value=chosen))
        weights = [0.7, 0.15, 0.1, 0.05]
        spoken = LANGUAGES[int(rng.choice(len(LANGUAGES), p=weights))]
        answers.append(Answer(enrolment=enrolment, question=language[side], value=spoken))
        if side == 0:
            answers.append(
                Answer(enrolment=enrolment, question=group, value="ABC"[int(rng.integers(3))])
            )
    Answer.objects.bulk_create(answers, batch_size=2000)
    return program, coordinator


def timed(client, url: str, repeat: int, **params) -> tuple[float, int, int]:
    """(median seconds, queries, status) of rendering url `repeat` times after one warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)
    seconds = []
    for _ in range(repeat):
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
    parser.add_argument("--no-publish", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="lodestar-bench-") as folder:
        started = time.perf_counter()
        configure(Path(folder) / "bench.sqlite3")
        print(f"migrated a fresh SQLite database in {time.perf_counter() - started:.1f} s")

        from django.core import mail
        from django.test import Client
        from django.urls import reverse

        from lodestar.matches.models import MatchRun
        from lodestar.matches.services.publish import run_publish
        from lodestar.matches.services.runs import run_execute

        started = time.perf_counter()
        program, coordinator = build(args.mentees, args.mentors, args.seed)
        print(
            f"built {args.mentees} mentees and {args.mentors} mentors "
            f"in {time.perf_counter() - started:.1f} s"
        )

        run = MatchRun.objects.create(
            program=program, number=1, solver="optimal", created_by=coordinator
        )
        started = time.perf_counter()
        run_execute(run.pk)
        elapsed = time.perf_counter() - started
        run.refresh_from_db()
        if run.status != "done":
            sys.exit(f"the run failed: {run.error}")
        metrics = run.metrics
        print(
            f"run_execute (load, score, solve, save) {elapsed:.2f} s, of which the engine "
            f"{metrics['seconds']:.2f} s: {metrics['matched']} matched, "
            f"{metrics['unmatched']} unmatched, mean {metrics['mean']:.1f}, "
            f"minimum {metrics['minimum']:.1f}"
        )

        client = Client()
        client.force_login(coordinator)
        first_mentee = run.proposals.order_by("score").first().mentee_id
        sensitive = program.questions.get(sensitive=True)
        pages = [
            ("review page", reverse("match_run", args=[program.slug, 1]), {}),
            (
                "review, flagged + search, page 2",
                reverse("match_run", args=[program.slug, 1]),
                {"flagged": "1", "q": "person 0", "page": "2"},
            ),
            ("runs list", reverse("match_runs", args=[program.slug]), {}),
            (
                "fairness (sensitive question)",
                reverse("match_run_fairness", args=[program.slug, 1]),
                {"attribute": f"question:{sensitive.pk}"},
            ),
            (
                "one mentee's page",
                reverse("match_run_mentee", args=[program.slug, 1, first_mentee]),
                {},
            ),
        ]
        print(f"\n| page | median of {args.repeat} (s) | queries |")
        print("| --- | ---: | ---: |")
        for name, url, params in pages:
            seconds, queries, status = timed(client, url, args.repeat, **params)
            if status != 200:
                sys.exit(f"{name} answered {status}")
            print(f"| {name} | {seconds:.3f} | {queries} |", flush=True)

        if not args.no_publish:
            import logging
            from unittest import mock

            logging.getLogger("django_tasks").setLevel(logging.WARNING)

            from lodestar.matches.services.publish import run_tell_members

            # The page's part (pairs become mentorships) and the worker's part (telling
            # everyone) are timed apart, as they run apart in production.
            with mock.patch("django.db.transaction.on_commit"):
                started = time.perf_counter()
                made = run_publish(run=run, by=coordinator)
                page_s = time.perf_counter() - started
            started = time.perf_counter()
            told = run_tell_members(run.pk)
            worker_s = time.perf_counter() - started
            print(
                f"\npublish (the coordinator's request): {len(made)} mentorships in {page_s:.1f} s"
                f"\ntelling them (the worker): {told} notifications and "
                f"{len(getattr(mail, 'outbox', []))} emails in {worker_s:.1f} s"
            )


if __name__ == "__main__":
    main()
