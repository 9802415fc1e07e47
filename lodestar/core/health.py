"""`/healthz`: is this site able to serve and to get its background work done?

Two checks, a query or two, no personal data:

- database: one round trip;
- worker: the scheduler's `worker_heartbeat` job runs every minute through the task queue, and
  the worker that runs it writes the time (`heartbeat_record`). A recent beat proves scheduler,
  queue and worker alive; none for HEALTH_WORKER_STALE_SECONDS means one of them is down. With
  the immediate task backend (development, tests) tasks run in the web process: "inline".
"""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .models import WorkerHeartbeat

IMMEDIATE_BACKEND = "django_tasks.backends.immediate.ImmediateBackend"


def heartbeat_record() -> int:
    """The scheduler's every-minute job, run by the worker: the time it ran is the beat."""
    WorkerHeartbeat.objects.update_or_create(pk=1, defaults={"beat_at": timezone.now()})
    return 1


def worker_runs_inline() -> bool:
    return settings.TASKS["default"]["BACKEND"] == IMMEDIATE_BACKEND


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return {"status": "error"}
    return {"status": "ok"}


def check_worker() -> dict:
    if worker_runs_inline():
        return {"status": "inline"}
    try:
        beat_at = WorkerHeartbeat.objects.filter(pk=1).values_list("beat_at", flat=True).first()
    except DatabaseError:
        return {"status": "unknown"}
    if beat_at is None:
        return {"status": "unknown", "last_heartbeat_seconds": None}
    age = max(0, round((timezone.now() - beat_at).total_seconds()))
    stale = age > settings.HEALTH_WORKER_STALE_SECONDS
    return {"status": "stale" if stale else "ok", "last_heartbeat_seconds": age}


HEALTHY = {"database": {"ok"}, "worker": {"ok", "inline"}}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with {"status": "ok", …} when every check passes, 503 with "error" otherwise."""
    checks = {"database": check_database()}
    checks["worker"] = (
        check_worker() if checks["database"]["status"] == "ok" else {"status": "unknown"}
    )
    healthy = all(checks[name]["status"] in HEALTHY[name] for name in checks)
    response = JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
    # never_cache says no-cache, must-revalidate…; a probe's answer must never be stored at all.
    response["Cache-Control"] = "no-store"
    return response
