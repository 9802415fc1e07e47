"""/healthz tells a load balancer or a monitor whether the site can serve (database) and get its
background work done (the worker's heartbeat, written by a scheduler job the worker runs): 200
when both are well, 503 otherwise; no sign-in, nothing personal, never cached.

The last test runs the real thing: `run_scheduler --once` enqueues the heartbeat, a `db_worker`
process runs it, and /healthz turns from "unknown" to "ok"."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from lodestar.core.health import heartbeat_record
from lodestar.core.models import WorkerHeartbeat
from lodestar.engagement.scheduler import scheduler_tick
from tests.migrated import manage as run_manage

DB_WORKER = "django_tasks_db.DatabaseBackend"
pytestmark = pytest.mark.django_db


@pytest.fixture
def with_worker(settings):
    settings.TASKS = {"default": {"BACKEND": DB_WORKER}}


def test_in_development_tasks_run_inline_and_the_site_is_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": {"status": "ok"}, "worker": {"status": "inline"}},
    }
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"] == "application/json"


def test_a_recent_heartbeat_is_healthy(client, with_worker):
    WorkerHeartbeat.objects.create(pk=1, beat_at=timezone.now() - timedelta(seconds=42))
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["worker"] == {"status": "ok", "last_heartbeat_seconds": 42}


def test_an_old_heartbeat_means_the_worker_or_scheduler_is_down(client, with_worker, settings):
    settings.HEALTH_WORKER_STALE_SECONDS = 300
    WorkerHeartbeat.objects.create(pk=1, beat_at=timezone.now() - timedelta(minutes=6))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["worker"] == {"status": "stale", "last_heartbeat_seconds": 360}
    assert body["checks"]["database"] == {"status": "ok"}


def test_no_heartbeat_yet_is_unknown_and_unhealthy(client, with_worker):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == {
        "status": "unknown",
        "last_heartbeat_seconds": None,
    }


def test_the_scheduler_beats_every_minute_through_the_worker(with_worker):
    """With the immediate backend the job would run at once; with the worker it waits in the
    queue — which is the point: only a running worker makes the beat."""
    scheduler_tick()
    assert not WorkerHeartbeat.objects.exists()
    heartbeat_record()
    first = WorkerHeartbeat.objects.get().beat_at
    heartbeat_record()
    assert WorkerHeartbeat.objects.count() == 1
    assert WorkerHeartbeat.objects.get().beat_at >= first


def test_healthz_needs_no_sign_in_takes_two_queries_and_only_answers_reads(
    client, with_worker, django_assert_max_num_queries
):
    WorkerHeartbeat.objects.create(pk=1, beat_at=timezone.now())
    with django_assert_max_num_queries(2):
        assert client.get("/healthz").status_code == 200
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_a_real_worker_process_runs_the_heartbeat(tmp_path, migrated_sqlite_url):
    """`run_scheduler --once` enqueues, `db_worker --batch` runs, /healthz says ok."""
    env = {
        **os.environ,
        "DATABASE_URL": migrated_sqlite_url,
        "TASKS_BACKEND": DB_WORKER,
        "LODESTAR_VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "0",
    }

    def manage(*args):
        return run_manage(*args, env=env)

    def health():
        return manage(
            "shell",
            "--no-imports",
            "-c",
            "from django.test import Client; r = Client().get('/healthz'); "
            "print(r.status_code, r.json()['checks']['worker']['status'])",
        ).split()[-2:]

    assert health() == ["503", "unknown"]
    assert "worker_heartbeat" in manage("run_scheduler", "--once")
    assert health() == ["503", "unknown"]  # enqueued, not yet run: no worker
    worker = manage("db_worker", "--no-reload", "--no-startup-delay", "--batch", "--interval=0.1")
    del worker
    assert health() == ["200", "ok"]
