"""The load test's pieces at a tiny scale, so that `make bench-load` cannot rot unnoticed: the
generator, the pre-written sessions and every locust task, run through the test client."""

import os
import sqlite3
import uuid
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.test import Client, override_settings

from bench.load import journeys
from bench.load.data import copy_database, generate, postgres_reachable, write_sessions
from bench.load.run import judge, markdown, read_stats
from lodestar.accounts.models import User
from lodestar.engagement.models import CheckIn
from lodestar.meetings.models import Meeting
from lodestar.meetings.services import meeting_propose
from lodestar.mentorships.models import Mentorship
from lodestar.messaging.models import Message

pytestmark = pytest.mark.django_db


class Answer:
    def __init__(self, response, failures: list[str], name: str) -> None:
        self.status_code = response.status_code
        self.content = response.content
        self._failures, self._name = failures, name

    def failure(self, why: str) -> None:
        self._failures.append(f"{self._name}: {why}")


class ClientAsLocust:
    """Django's test client behind locust's request interface."""

    def __init__(self, session_key: str) -> None:
        self.django = Client()
        self.django.cookies[settings.SESSION_COOKIE_NAME] = session_key
        self.failures: list[str] = []
        self.names: list[str] = []

    @contextmanager
    def _request(self, method: str, url: str, name: str, data=None, **_):
        self.names.append(name)
        response = getattr(self.django, method)(url, data) if data else self.django.get(url)
        yield Answer(response, self.failures, name)

    def get(self, url, name, **kwargs):
        return self._request("get", url, name, **kwargs)

    def post(self, url, name, data, **kwargs):
        return self._request("post", url, name, data=data, **kwargs)


class LoadUser(journeys.Browsing):
    def __init__(self, person: dict, program: str, session_key: str) -> None:
        self.person, self.program = person, program
        self.client = ClientAsLocust(session_key)


@pytest.fixture
def load_program():
    meta = generate(mentees=30, mentors=20, per_mentor=2, load_pairs=6)
    keys = write_sessions([m["user"] for m in meta["members"]] + meta["coordinators"])
    return meta, keys


def test_the_generator_builds_a_program_with_a_history(load_program):
    meta, keys = load_program
    counts = meta["counts"]
    assert counts["people"] == 50
    assert counts["pairs"] > 0 and counts["meetings"] > 0 and counts["messages"] > 0
    assert len(meta["coordinators"]) == 3
    roles = {m["role"] for m in meta["members"]}
    assert roles == {"mentee", "mentor"}
    assert set(keys) == {m["user"] for m in meta["members"]} | set(meta["coordinators"])


def test_every_member_task_answers_as_the_load_test_expects(load_program):
    meta, keys = load_program
    messages, meetings, checkins = (
        Message.objects.count(),
        Meeting.objects.count(),
        CheckIn.objects.count(),
    )
    one_of_each = [next(m for m in meta["members"] if m["role"] == r) for r in ("mentee", "mentor")]
    for person in one_of_each:
        user = LoadUser(person, meta["program"], keys[person["user"]])
        for task in journeys.MEMBER_TASKS:
            task(user)
        assert user.client.failures == []
        assert {"messages: send", "meetings: propose"} <= set(user.client.names)
    # The writes happened: a message and a proposal each; check-ins when one was due.
    assert Message.objects.count() == messages + 2
    assert Meeting.objects.count() == meetings + 2
    assert CheckIn.objects.count() >= checkins


def test_every_coordinator_task_answers_200(load_program):
    meta, keys = load_program
    coordinator = meta["coordinators"][-1]
    user = LoadUser({"user": coordinator}, meta["program"], keys[coordinator])
    for task in journeys.COORDINATOR_TASKS:
        task(user)
    assert user.client.failures == []
    assert len(user.client.names) == len(journeys.COORDINATOR_TASKS)


@override_settings(ROOT_URLCONF="bench.load.urls")
def test_the_steps_between_ceiling_and_mix_answer_200_for_a_signed_in_person(load_program):
    meta, keys = load_program
    person = meta["members"][0]
    user = LoadUser(person, meta["program"], keys[person["user"]])
    journeys.signed_in_bare(user)
    journeys.layout_only(user)
    assert user.client.failures == []
    assert user.client.names == ["bare, signed in", "layout, signed in"]
    # Signed in for real: the layout shows the person's navigation, not the sign-in link.
    page = user.client.django.get("/bench/layout/").content.decode()
    assert "/accounts/logout/" in page and "/accounts/login/" not in page
    assert 'id="main"' in page


def test_a_session_of_a_previous_run_is_replaced(load_program):
    meta, keys = load_program
    person = meta["members"][0]
    fresh = write_sessions([person["user"]])
    user = LoadUser(person, meta["program"], keys[person["user"]])
    journeys.dashboard(user)
    assert user.client.failures == ["dashboard: 302 (expected 200)"]
    user = LoadUser(person, meta["program"], fresh[person["user"]])
    journeys.dashboard(user)
    assert user.client.failures == []


def _notes(run) -> list[str]:
    return [row[0] for row in run("SELECT body FROM note ORDER BY body")]


def _check_a_run_starts_from_the_built_database(built: str, copy: str, run) -> None:
    run("CREATE TABLE note (body text)")
    run("INSERT INTO note VALUES ('as built')")
    copy_database(built, copy)
    run("INSERT INTO note VALUES ('written by a run')", url=copy)
    assert _notes(lambda sql: run(sql, url=copy)) == ["as built", "written by a run"]
    copy_database(built, copy)
    assert _notes(lambda sql: run(sql, url=copy)) == ["as built"]
    assert _notes(run) == ["as built"]


def test_each_sqlite_run_writes_into_a_fresh_copy_of_the_built_database(tmp_path):
    built = f"sqlite:///{tmp_path / 'load.sqlite3'}"

    def run(sql: str, url: str = built) -> list[tuple]:
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as connection:
            rows = connection.execute(sql).fetchall()
            connection.commit()
            return rows

    run("PRAGMA journal_mode=WAL")  # as the product's connections leave it
    _check_a_run_starts_from_the_built_database(built, built.replace("load", "load-run"), run)


def test_each_postgres_run_writes_into_a_fresh_copy_of_the_built_database():
    server = os.environ.get("LOAD_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
    if postgres_reachable(server + "/postgres"):
        pytest.skip("no PostgreSQL server to copy on")
    import psycopg

    name = f"lodestar_copy_test_{uuid.uuid4().hex[:12]}"
    built, copy = f"{server}/{name}", f"{server}/{name}_run"
    with psycopg.connect(server + "/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')

    def run(sql: str, url: str = built) -> list[tuple]:
        with psycopg.connect(url, autocommit=True) as connection:
            cursor = connection.execute(sql)
            return cursor.fetchall() if cursor.description else []

    try:
        _check_a_run_starts_from_the_built_database(built, copy, run)
    finally:
        with psycopg.connect(server + "/postgres", autocommit=True) as admin:
            for database in (name, f"{name}_run"):
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def test_locust_statistics_are_read_into_the_report(tmp_path):
    stats = tmp_path / "mix_stats.csv"
    header = (
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,"
        "Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,"
        "50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%"
    )
    stats.write_text(
        header + "\n"
        "GET,dashboard,90,0,12,14,3,120,9000,3.0,0,12,14,15,16,20,31,50,80,120,120,120\n"
        ",Aggregated,100,1,12,15,3,400,9000,3.3,0.03,12,14,15,17,22,40,90,130,400,400,400\n"
    )
    read = read_stats(stats)
    assert read["total"]["requests"] == 100
    assert read["total"]["p95"] == 40.0 and read["total"]["p99"] == 130.0
    assert read["total"]["error_rate"] == pytest.approx(0.01)
    assert [e["name"] for e in read["endpoints"]] == ["dashboard"]


def run_total(rps: float, p95: float | None = 20.0, failures: int = 0, requests: int = 100):
    return {"rps": rps, "p95": p95, "failures": failures, "requests": requests}


def test_the_targets_are_judged_each_on_its_own_run():
    """p95 on the mix with think time; throughput on the mix without, against the ceiling."""
    ratio, checks = judge(run_total(1000), run_total(25, p95=80), run_total(160, p95=900))
    assert ratio == pytest.approx(0.16)
    assert all(checks.values())  # a slow saturated run does not fail the latency target

    _ratio, checks = judge(run_total(1000), run_total(25, p95=120), run_total(160))
    assert checks == {
        "no errors": True,
        "p95 < 100 ms": False,
        "saturated mix ≥ 15% of ceiling": True,
    }
    ratio, checks = judge(run_total(1000), run_total(25), run_total(140))
    assert ratio == pytest.approx(0.14) and not checks["saturated mix ≥ 15% of ceiling"]
    # An error in any run, or a run that made no request at all, fails "no errors".
    assert not judge(run_total(1000), run_total(25), run_total(160, failures=1))[1]["no errors"]
    assert not judge(run_total(1000), run_total(0, requests=0), run_total(160))[1]["no errors"]


def test_an_error_in_a_step_fails_no_errors_but_steps_do_not_count_for_the_ratio():
    ratio, checks = judge(run_total(1000), run_total(25), run_total(160), run_total(600))
    assert ratio == pytest.approx(0.16) and all(checks.values())
    _ratio, checks = judge(
        run_total(1000), run_total(25), run_total(160), run_total(600, failures=2)
    )
    assert not checks["no errors"]


def test_the_report_gives_each_run_its_share_of_the_ceiling():
    totals = {
        "ceiling": {**run_total(1000), "p50": 30, "p99": 50, "max": 60},
        "signed-in bare": {**run_total(520), "p50": 70, "p99": 100, "max": 120},
        "layout only": {**run_total(240), "p50": 160, "p99": 210, "max": 220},
        "latency": {**run_total(30, p95=90), "p50": 25, "p99": 300, "max": 400},
        "saturation": {**run_total(70), "p50": 600, "p99": 900, "max": 950},
    }
    ratio, checks = judge(totals["ceiling"], totals["latency"], totals["saturation"])
    result = {
        "database": "sqlite",
        **totals,
        "ratio": ratio,
        "shares": {"signed-in bare": 0.52, "layout only": 0.24, "saturation": 0.07},
        "load_average": dict.fromkeys(totals, 1.5),
        "endpoints": {"latency": [], "saturation": []},
        "checks": checks,
    }
    settings = {
        "when": "20261127T120000Z", "users": 50, "workers": 5, "worker_class": "sync",
        "threads": 1, "cores": 2, "quick": False, "ceiling_duration": 30, "steps_duration": 20,
        "duration": 60, "think": "1,3", "saturation_duration": 30,
    }  # fmt: skip
    report = markdown([result], settings)
    rows = [line for line in report.splitlines() if line.startswith("| sqlite |")]
    assert [row.split(" | ")[1] for row in rows[:5]] == [
        "ceiling", "signed-in bare", "layout only", "latency", "saturation",
    ]  # fmt: skip
    assert "| 520.0 | 52.0% |" in rows[1] and "| 240.0 | 24.0% |" in rows[2]
    assert "| 70.0 | 7.0% |" in rows[4] and "| 30.0 | – |" in rows[3]
    assert "saturated mix ≥ 15% of ceiling: NO" in report and "FAIL" in report


def test_a_proposal_refused_for_a_clash_is_tried_again_at_another_time(load_program, monkeypatch):
    meta, keys = load_program
    person = next(m for m in meta["members"] if m["role"] == "mentee")
    taken = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=40)
    meeting_propose(
        mentorship=Mentorship.objects.get(pk=person["mentorship"]),
        by=User.objects.get(pk=person["user"]),
        start=taken,
    )
    times = iter([taken + timedelta(minutes=30), taken + timedelta(days=2)])
    monkeypatch.setattr(journeys, "proposal_time", lambda: next(times))
    user = LoadUser(person, meta["program"], keys[person["user"]])

    journeys.schedule_meeting(user)

    assert user.client.failures == []  # the clash was the product's answer, not an error
    assert user.client.names.count("meetings: propose") == 2
    starts = set(
        Meeting.objects.filter(mentorship=person["mentorship"]).values_list("start", flat=True)
    )
    assert taken + timedelta(days=2) in starts
    assert taken + timedelta(minutes=30) not in starts


def test_any_other_answer_to_a_proposal_is_a_failure(load_program, monkeypatch):
    meta, keys = load_program
    person = next(m for m in meta["members"] if m["role"] == "mentee")
    past = datetime.now(UTC) - timedelta(days=400)  # refused, but not for a clash
    monkeypatch.setattr(journeys, "proposal_time", lambda: past)
    user = LoadUser(person, meta["program"], keys[person["user"]])

    journeys.schedule_meeting(user)

    assert user.client.failures == ["meetings: propose: 200 (expected 302)"]
