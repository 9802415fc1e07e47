"""Helpers run inside `manage.py shell` by tests/webhooks/test_worker_kill.py, against the
database of the processes under test."""

import json

from django.db import transaction
from django_tasks_db.models import DBTaskResult

from lodestar.programs.models import Program
from lodestar.webhooks.models import Delivery, Endpoint, Event
from lodestar.webhooks.services import webhook_emit

SECRET = "whsec_killtest"


def emit_batch(url: str, size: int) -> None:
    """One change that emits `size` events to one endpoint: `size` tasks queued at its commit."""
    program = Program.objects.create(name="Spring Cohort", slug="spring")
    Endpoint.objects.create(
        program=program, url=url, events=[Event.ENROLMENT_CREATED], secret=SECRET
    )
    with transaction.atomic():
        for n in range(size):
            webhook_emit(
                event=Event.ENROLMENT_CREATED, program=program, data={"enrolment": {"id": n}}
            )


def print_state() -> None:
    """The deliveries and the task queue, as JSON on stdout."""
    deliveries = [
        {
            "uuid": str(d.uuid),
            "status": d.status,
            "attempts": d.attempts,
            "claimed_until": d.claimed_until.isoformat() if d.claimed_until else None,
            "enrolment": d.payload["data"]["enrolment"]["id"],
        }
        for d in Delivery.objects.order_by("pk")
    ]
    tasks = list(DBTaskResult.objects.values_list("status", flat=True))
    print(json.dumps({"deliveries": deliveries, "tasks": tasks}))
