"""The load test's program: 10 000 participants and a year of history, built once and kept.

    python -m bench.load.data [--db sqlite|postgres] [--quick] [--rebuild]

The people, pairs, meetings, goals and check-ins come from bench/platform/dashboard.py's
generator (the one the dashboard benchmark measures), with mentors taking two mentees each;
this module adds what the members' pages read: a message thread per pair over its whole life,
read marks, an upcoming meeting per running pair and two more coordinators.

The database is a SQLite file under var/bench/load/ or the PostgreSQL database `lodestar_load`
(`lodestar_load_quick` and a `-quick` file for --quick). Beside it, `<name>.json` records the
generator's version, its parameters and the people the load users play; a later run reuses the
database when they match and rebuilds it otherwise. A run serves a copy of it (`-run` after the
file's name, `_run` after the database's), made afresh each time, and writes there; only the
load users' sessions, replaced each run, go into the built database, just before it is copied.

Load users do not log in (argon2 would make the login the benchmark): `write_sessions` writes a
database session for each of them, signed with the run's SECRET_KEY, before the server starts.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import sys
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

# Bump when the data changes shape: cached databases of another version are rebuilt.
VERSION = 1
SEED = 1
SCALES = {
    # 6 000 mentees and 4 000 mentors, two mentees per mentor: 10 000 participants.
    "full": {"mentees": 6000, "mentors": 4000, "per_mentor": 2, "load_pairs": 1500},
    "quick": {"mentees": 300, "mentors": 200, "per_mentor": 2, "load_pairs": 100},
}
COORDINATORS = 3
SESSION_PREFIX = "loadbench"
PHRASES = [
    "Thanks for today, that helped a lot.",
    "Could we move Thursday to the afternoon?",
    "I read the article you sent: the part on feedback was spot on.",
    "Here is the draft of my presentation, any comments welcome.",
    "Good luck with the interview!",
    "I finished the first milestone.",
    "Shall we look at the budget question next time?",
    "I spoke to the person you introduced me to, very useful.",
    "Running late, five minutes.",
    "What would you do in my place?",
]


def load_dir() -> Path:
    """var/bench/load/, found as lodestar.settings finds var/ — without importing the settings,
    which would read DATABASE_URL before it is set."""
    project = Path(__file__).resolve().parents[2]
    var = os.environ.get("LODESTAR_VAR_DIR") or str(project / "var")
    return Path(var) / "bench" / "load"


def paths(db: str, quick: bool) -> tuple[str, Path]:
    """(DATABASE_URL, metadata file) of the load database."""
    folder = load_dir()
    folder.mkdir(parents=True, exist_ok=True)
    suffix = "-quick" if quick else ""
    if db == "sqlite":
        return f"sqlite:///{folder / f'load{suffix}.sqlite3'}", folder / f"sqlite{suffix}.json"
    name = "lodestar_load" + suffix.replace("-", "_")
    base = os.environ.get("LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    return f"{base.rstrip('/')}/{name}", folder / f"postgres{suffix}.json"


def run_copy_url(db: str, quick: bool) -> str:
    """DATABASE_URL of the copy of the load database that a run serves and writes into."""
    url, _ = paths(db, quick)
    if db == "sqlite":
        return url.removesuffix(".sqlite3") + "-run.sqlite3"
    return url + "_run"


def copy_database(source: str, target: str) -> None:
    """Make target (a DATABASE_URL) a fresh copy of source, replacing whatever it held, so that
    every run starts from the database as built: the messages, check-ins and meetings the users
    of earlier runs wrote would otherwise pile up and slow the pages that list them. SQLite
    copies through its online backup API; PostgreSQL clones source as a template (nothing may
    be connected to it meanwhile)."""
    if source.startswith("sqlite:///"):
        source_file = Path(source.removeprefix("sqlite:///"))
        target_file = Path(target.removeprefix("sqlite:///"))
        for stale in (target_file, Path(f"{target_file}-wal"), Path(f"{target_file}-shm")):
            stale.unlink(missing_ok=True)
        with (
            closing(sqlite3.connect(source_file)) as built,
            closing(sqlite3.connect(target_file)) as copy,
        ):
            built.backup(copy)
        return
    _recreate_postgres(target, template=source.rsplit("/", 1)[1])


def postgres_reachable(url: str) -> str | None:
    """None if the PostgreSQL server of url answers, else why not."""
    import psycopg

    server = url.rsplit("/", 1)[0] + "/postgres"
    try:
        psycopg.connect(server, connect_timeout=3).close()
    except Exception as error:  # any failure means: skip PostgreSQL
        return str(error).strip().splitlines()[0]
    return None


def _recreate_postgres(url: str, template: str | None = None) -> None:
    """The database of url, dropped and created again: empty, or a copy of template."""
    import psycopg

    server, name = url.rsplit("/", 1)
    # FILE_COPY copies the template's files as they are, the planner's statistics included, in
    # seconds; the default strategy writes the whole database through the WAL.
    copy = f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""
    with psycopg.connect(server + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"{copy}')


def setup_django(url: str) -> None:
    """Point Django at the load database with the bench settings (before django.setup)."""
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.load.settings"
    import django

    django.setup()
    from django.conf import settings

    # Settings imported earlier would have read another DATABASE_URL: never fill that one.
    if str(settings.DATABASES["default"]["NAME"]) not in url:
        raise RuntimeError(
            f"Django is set up on {settings.DATABASES['default']['NAME']}, not {url}"
        )


# --- generation -------------------------------------------------------------------------------


def generate(
    *, mentees: int, mentors: int, per_mentor: int, load_pairs: int, seed: int = SEED
) -> dict:
    """Build the program in the (migrated, empty) current database. Returns the metadata: the
    counts, the program's slug, the coordinators and the members the load users play."""
    from django.contrib.auth.models import Permission
    from django.db import transaction

    from bench.platform.dashboard import build
    from lodestar.accounts.models import Profile, User
    from lodestar.mentorships.models import Membership

    with transaction.atomic():
        program, coordinator, counts = build(mentees, mentors, seed, per_mentor=per_mentor)
        permission = Permission.objects.get(codename="add_program")
        coordinators = [coordinator]
        for k in range(2, COORDINATORS + 1):
            other = User.objects.create_user(
                email=f"coordinator{k}@example.com", password=None, name=f"Coordinator {k}"
            )
            Profile.objects.get_or_create(user=other)
            other.user_permissions.add(permission)
            program.coordinators.add(other)
            coordinators.append(other)
        counts.update(_history(program, seed))

    rng = random.Random(seed)
    active = list(
        Membership.objects.filter(mentorship__program=program, mentorship__status="active")
        .order_by("mentorship_id", "role")
        .values_list("mentorship_id", "user_id", "role")
    )
    pair_ids = sorted({m for m, _, _ in active})
    chosen = set(rng.sample(pair_ids, min(load_pairs, len(pair_ids))))
    members = [{"mentorship": m, "user": u, "role": role} for m, u, role in active if m in chosen]
    rng.shuffle(members)
    counts["people"] = mentees + mentors
    return {
        "program": program.slug,
        "coordinators": [c.pk for c in coordinators],
        "members": members,
        "counts": counts,
    }


def _history(program, seed: int) -> dict:
    """A message thread per pair over its life, read marks, one upcoming meeting per running
    pair."""
    import numpy as np
    from django.utils import timezone

    from lodestar.meetings.models import Meeting
    from lodestar.mentorships.models import Membership, Mentorship
    from lodestar.messaging.models import Conversation, Message, ReadMark

    rng = np.random.default_rng(seed + 1)
    now = timezone.now()
    pairs = list(
        Mentorship.objects.filter(program=program)
        .order_by("pk")
        .values_list("pk", "start_date", "ended_at", "status")
    )
    members: dict[int, list[int]] = {}
    for mentorship_id, user_id in (
        Membership.objects.filter(mentorship__program=program)
        .order_by("pk")
        .values_list("mentorship_id", "user_id")
    ):
        members.setdefault(mentorship_id, []).append(user_id)

    conversations = Conversation.objects.bulk_create(
        (
            Conversation(
                mentorship_id=pk,
                created_at=datetime.combine(start, datetime.min.time(), tzinfo=UTC),
            )
            for pk, start, _, _ in pairs
        ),
        batch_size=5000,
    )
    messages = []
    upcoming = []
    for conversation, (pk, _start, ended, status) in zip(conversations, pairs, strict=True):
        people = members[pk]
        moment = conversation.created_at + timedelta(hours=int(rng.integers(1, 48)))
        end = ended or now
        while moment < end:
            messages.append(
                Message(
                    conversation=conversation,
                    author_id=people[int(rng.integers(len(people)))],
                    body=PHRASES[int(rng.integers(len(PHRASES)))],
                    created_at=moment,
                )
            )
            moment += timedelta(hours=int(rng.integers(12, 24 * 9)))
        if status == "active":
            upcoming.append(
                Meeting(
                    mentorship_id=pk,
                    start=now
                    + timedelta(days=int(rng.integers(1, 15)), hours=int(rng.integers(0, 8))),
                    duration=60,
                    status="confirmed",
                )
            )
    # Ids grow with time within each thread: the threads are interleaved, each in order.
    messages = Message.objects.bulk_create(messages, batch_size=5000)
    last: dict[int, list[int]] = {}
    for message in messages:
        last.setdefault(message.conversation_id, []).append(message.pk)
    marks = []
    for conversation, (pk, *_) in zip(conversations, pairs, strict=True):
        ids = last.get(conversation.pk)
        if not ids:
            continue
        for user_id in members[pk]:
            # Most have read everything; some are a few messages behind.
            behind = int(rng.integers(0, 4)) if rng.random() < 0.3 else 0
            marks.append(
                ReadMark(
                    conversation=conversation,
                    user_id=user_id,
                    last_read_id=ids[max(0, len(ids) - 1 - behind)],
                )
            )
    ReadMark.objects.bulk_create(marks, batch_size=5000)
    Meeting.objects.bulk_create(upcoming, batch_size=5000)
    return {"messages": len(messages), "upcoming meetings": len(upcoming)}


# --- sessions -----------------------------------------------------------------------------------


def write_sessions(user_ids: list[int], days: int = 1) -> dict[int, str]:
    """A logged-in database session for each user, signed with the current SECRET_KEY, in place
    of the previous run's. Returns {user id: session key}."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from lodestar.accounts.models import User

    Session.objects.filter(session_key__startswith=SESSION_PREFIX).delete()
    store = SessionStore()
    expire = timezone.now() + timedelta(days=days)
    keys, rows = {}, []
    for user in User.objects.filter(pk__in=user_ids):
        key = SESSION_PREFIX + get_random_string(32 - len(SESSION_PREFIX))
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=expire))
        keys[user.pk] = key
    Session.objects.bulk_create(rows, batch_size=2000)
    return keys


# --- the cached database ------------------------------------------------------------------------


def prepare(db: str, *, quick: bool = False, rebuild: bool = False, log=print) -> dict:
    """Make sure the load database exists and matches this generator (build it otherwise), with
    Django set up on it. Returns the metadata (see generate) plus `database_url`."""
    from django.core.management import call_command

    url, meta_file = paths(db, quick)
    params = {"version": VERSION, "seed": SEED, **SCALES["quick" if quick else "full"]}
    meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
    fresh = rebuild or meta.get("params") != params
    if db == "sqlite":
        file = Path(url.removeprefix("sqlite:///"))
        if fresh or not file.exists():
            fresh = True
            for stale in (file, Path(f"{file}-wal"), Path(f"{file}-shm"), meta_file):
                stale.unlink(missing_ok=True)
    elif fresh:
        meta_file.unlink(missing_ok=True)
        _recreate_postgres(url)
    setup_django(url)
    started = time.perf_counter()
    # New migrations since the build apply to the cached database too.
    call_command("migrate", verbosity=0)
    if not fresh and not _still_there(meta):
        log("the cached load database does not hold its program any more: rebuilding")
        from django.db import connections

        connections.close_all()
        return prepare(db, quick=quick, rebuild=True, log=log)
    if fresh:
        log(f"building the load database ({db}): {params}")
        generated = generate(**{k: params[k] for k in SCALES["full"]}, seed=SEED)
        meta = {"params": params, **generated, "seconds": round(time.perf_counter() - started, 1)}
        meta_file.write_text(json.dumps(meta))
        log(
            "built "
            + ", ".join(f"{n} {what}" for what, n in meta["counts"].items())
            + f" in {meta['seconds']} s"
        )
        if db == "postgres":
            log(f"vacuumed and analysed in {settle_postgres():.1f} s")
    else:
        log(f"reusing the load database ({db}, built in {meta.get('seconds')} s): {url}")
    return {**meta, "database_url": url}


def settle_postgres() -> float:
    """VACUUM ANALYZE the new database, as autovacuum would soon after a bulk load: a
    production database is in that settled state, and otherwise autovacuum may do it during
    the measured runs, on the same two cores. SQLite gets nothing of the kind: Lodestar never
    runs its ANALYZE, so neither does the load test. Returns the seconds it took."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - started


def _still_there(meta: dict) -> bool:
    from lodestar.programs.models import Program

    return bool(meta.get("program")) and Program.objects.filter(slug=meta["program"]).exists()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="a small program, for smoke tests")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument(
        "--people-out",
        help="write the load users' sessions (signed with LOAD_SECRET_KEY) and this JSON file",
    )
    args = parser.parse_args(argv)
    if args.db == "postgres":
        problem = postgres_reachable(paths("postgres", args.quick)[0])
        if problem:
            sys.exit(f"PostgreSQL is not reachable: {problem}")
    meta = prepare(args.db, quick=args.quick, rebuild=args.rebuild)
    if args.people_out:
        Path(args.people_out).write_text(json.dumps(people(meta)))


def people(meta: dict) -> dict:
    """Sessions for the members and coordinators the load users play: LOAD_PEOPLE's content."""
    members = meta["members"]
    keys = write_sessions([m["user"] for m in members] + meta["coordinators"])
    return {
        "program": meta["program"],
        "members": [{**m, "session": keys[m["user"]]} for m in members],
        "coordinators": [{"user": pk, "session": keys[pk]} for pk in meta["coordinators"]],
    }


if __name__ == "__main__":
    main()
