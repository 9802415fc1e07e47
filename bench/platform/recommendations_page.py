"""How long a mentee waits for “Find a mentor” in a program of 5 000 people.

    python -m bench.platform.recommendations_page [--mentors 1000] [--mentees 4000] [--repeat 5]

Builds a self-match program in a throwaway SQLite database (migrated from scratch, deleted at
the end): mentors and mentees with profiles (seniority, languages, time zone, weekly
availability) and intake answers, matched on six criteria — topics (overlap), industry (same),
seniority (above), languages (overlap, required), time zone (near) and availability. A third of
the mentors are already full and some are much asked, so seats, prices and filters all have
work to do. Then one mentee opens the page through Django's test client: one warm-up, then the
median of --repeat loads, with the number of SQL queries of one load.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import time as clock
from datetime import timedelta
from pathlib import Path

TOPICS = [
    "Design",
    "Data",
    "Leadership",
    "Sales",
    "Product",
    "Engineering",
    "Marketing",
    "Finance",
    "Public speaking",
    "Career change",
    "Negotiation",
    "Writing",
]
INDUSTRIES = ["Health", "Retail", "Finance", "Public sector", "Energy", "Education"]
LANGUAGES = ["en", "fr", "de", "es", "pt", "it"]
ZONES = ["Europe/London", "Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentors", type=int, default=1000)
    parser.add_argument("--mentees", type=int, default=4000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="lodestar-bench-") as folder:
        # The settings read DATABASE_URL once, when Django starts: set it first.
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lodestar.settings")
        import django

        django.setup()
        from django.conf import settings

        settings.STORAGES = {
            **settings.STORAGES,
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        return run(args)


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.urls import reverse

    setup_test_environment()
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate_s = time.perf_counter() - started
    started = time.perf_counter()
    program, mentee = build(mentors=args.mentors, mentees=args.mentees, seed=args.seed)
    build_s = time.perf_counter() - started

    client = Client()
    client.force_login(mentee.user)
    url = reverse("mentor_recommendations", args=[program.slug])
    response = client.get(url)  # warm-up: imports, template loading, caches
    if response.status_code != 200:
        print(f"The page answered {response.status_code}.", file=sys.stderr)
        return 1
    times = []
    for _ in range(args.repeat):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - started)
    content = response.content.decode()
    listed = content.count('class="mentor-option')
    people = args.mentors + args.mentees
    print(f"Recommendations page, {people:,} participants ({args.mentors:,} mentors)")
    print(f"  database: migrate {migrate_s:.1f} s, build {build_s:.1f} s (SQLite, throwaway)")
    print(
        f"  page: median {statistics.median(times) * 1000:.0f} ms, "
        f"min {min(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
        f"over {args.repeat} loads"
    )
    print(f"  queries per load: {len(queries.captured_queries)}; mentors on the page: {listed}")
    return 0


def build(*, mentors: int, mentees: int, seed: int):
    """The program and the browsing mentee, everything written with bulk_create."""
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from lodestar.accounts.models import AvailabilityWindow, Profile, User
    from lodestar.matches.models import MentorshipRequest
    from lodestar.mentorships.models import Membership, Mentorship
    from lodestar.programs.models import Answer, Enrolment, Program, Question

    rng = random.Random(seed)
    unusable = make_password(None)  # nobody logs in with a password here
    program = Program.objects.create(
        name="Bench Cohort",
        slug="bench",
        status="running",
        matching_mode="mentee_choice",
        default_mentor_capacity=2,
        start_date=timezone.localdate(),
    )
    criteria = [
        # (label, kind, profile field, rule, weight, required, tolerance, choices)
        ("Topics", "multiple_choice", "", "overlap", 8, False, None, TOPICS),
        ("Industry", "single_choice", "", "same", 6, False, None, INDUSTRIES),
        ("Seniority", "profile", "seniority", "above", 5, False, None, []),
        ("Languages", "profile", "languages", "overlap", 6, True, None, []),
        ("Time zone", "profile", "timezone", "near", 4, False, 3, []),
        ("Availability", "profile", "availability", "availability", 7, False, None, []),
    ]
    asked = {}
    for position, (label, kind, field, rule, weight, required, tolerance, choices) in enumerate(
        criteria
    ):
        mentor_q = Question.objects.create(
            program=program,
            role="mentor",
            position=position,
            label=f"{label} (mentor)",
            kind=kind,
            profile_field=field,
            choices=choices,
        )
        asked[label] = Question.objects.create(
            program=program,
            role="mentee",
            position=position,
            label=label,
            kind=kind,
            profile_field=field,
            choices=choices,
            is_criterion=True,
            paired_with=mentor_q,
            rule=rule,
            weight=weight,
            match_required=required,
            tolerance=tolerance,
        )
    total = mentors + mentees
    users = User.objects.bulk_create(
        User(
            email=f"person{k}@bench.example.com",
            name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {k}",
            password=unusable,
            timezone=rng.choice(ZONES),
        )
        for k in range(total)
    )
    Profile.objects.bulk_create(
        Profile(
            user=user,
            headline=f"{rng.choice(TOPICS)} at {rng.choice(INDUSTRIES)}",
            job_title=rng.choice(["Engineer", "Designer", "Analyst", "Manager", "Director"]),
            seniority=rng.randint(4, 7) if k < mentors else rng.randint(1, 4),
            languages=rng.sample(LANGUAGES, rng.randint(1, 3)) + (["en"] if k % 3 else []),
        )
        for k, user in enumerate(users)
    )
    windows = []
    for user in users:
        for day in rng.sample(range(7), 2):
            start = rng.randint(7, 19)
            windows.append(
                AvailabilityWindow(user=user, weekday=day, start=clock(start), end=clock(start + 2))
            )
    AvailabilityWindow.objects.bulk_create(windows, batch_size=2000)
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            program=program,
            user=user,
            role="mentor" if k < mentors else "mentee",
            status="approved",
            capacity=rng.randint(1, 3) if k < mentors else None,
        )
        for k, user in enumerate(users)
    )
    answers = []
    for enrolment in enrolments:
        topics = asked["Topics"] if enrolment.role == "mentee" else asked["Topics"].paired_with
        industry = (
            asked["Industry"] if enrolment.role == "mentee" else asked["Industry"].paired_with
        )
        answers.append(Answer(enrolment=enrolment, question=topics, value=rng.sample(TOPICS, 3)))
        answers.append(Answer(enrolment=enrolment, question=industry, value=rng.choice(INDUSTRIES)))
    Answer.objects.bulk_create(answers, batch_size=2000)

    mentor_rows, mentee_rows = enrolments[:mentors], enrolments[mentors:]
    browsing, others = mentee_rows[0], mentee_rows[1:]
    # A third of the mentors are full.
    full = mentor_rows[: mentors // 3]
    waiting = iter(others)
    mentorships = Mentorship.objects.bulk_create(
        Mentorship(program=program, origin="algorithm", status="active") for _ in full
    )
    members = []
    for mentorship, mentor in zip(mentorships, full, strict=True):
        members.append(
            Membership(
                mentorship=mentorship, enrolment=mentor, user_id=mentor.user_id, role="mentor"
            )
        )
        for _ in range(mentor.capacity):
            mentee = next(waiting)
            members.append(
                Membership(
                    mentorship=mentorship, enrolment=mentee, user_id=mentee.user_id, role="mentee"
                )
            )
    Membership.objects.bulk_create(members, batch_size=2000)
    # Open requests: many to a few popular mentors, some to the rest.
    expires = timezone.now() + timedelta(days=7)
    requests, asked_pairs = [], set()
    open_mentors = mentor_rows[mentors // 3 :]
    for mentee in list(waiting)[: mentees // 2]:
        mentor = open_mentors[min(int(rng.expovariate(0.05)), len(open_mentors) - 1)]
        if (mentee.pk, mentor.pk) in asked_pairs:
            continue
        asked_pairs.add((mentee.pk, mentor.pk))
        requests.append(
            MentorshipRequest(
                program=program, mentee=mentee, mentor=mentor, message="Hello", expires_at=expires
            )
        )
    MentorshipRequest.objects.bulk_create(requests, batch_size=2000)
    for question, value in ((asked["Topics"], TOPICS[:4]), (asked["Industry"], "Health")):
        Answer.objects.filter(enrolment=browsing, question=question).update(value=value)
    browsing.user.profile.languages = ["en"]
    browsing.user.profile.save()
    return program, browsing


FIRST = ["Ada", "Ben", "Chloé", "Dev", "Eli", "Fatou", "Gus", "Hana", "Ivo", "Jun", "Kemi", "Lea"]
LAST = ["Adams", "Bakr", "Costa", "Diallo", "Evans", "Fischer", "Garcia", "Huang", "Ito", "Jones"]


if __name__ == "__main__":
    raise SystemExit(main())
