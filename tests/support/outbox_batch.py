"""Helpers run inside `manage.py shell` by tests/core/test_worker_kill.py, against the
database of the processes under test."""

import json

from django.db import transaction
from django_tasks_db.models import DBTaskResult

from lodestar.accounts.models import User
from lodestar.core.models import OutgoingEmail
from lodestar.engagement.services import notify


def notify_batch(size: int) -> None:
    """One change that tells `size` people something: `size` emails queued at its commit."""
    with transaction.atomic():
        for n in range(size):
            user = User.objects.create_user(email=f"person{n}@example.com", name=f"Person {n}")
            notify(user=user, kind="request_received", person="Max", program="Spring Cohort")


def print_state() -> None:
    """The outbox and the task queue, as JSON on stdout."""
    emails = [
        {
            "to": e.to,
            "message_id": e.message_id,
            "attempts": e.attempts,
            "sent": e.sent_at is not None,
            "claimed_until": e.claimed_until.isoformat() if e.claimed_until else None,
        }
        for e in OutgoingEmail.objects.order_by("pk")
    ]
    tasks = list(DBTaskResult.objects.values_list("status", flat=True))
    print(json.dumps({"emails": emails, "tasks": tasks}))
