"""Posting deliveries: by the task worker only, never in a request.

The outbox pattern of core/emails.py, for HTTP:

- a delivery is written in the transaction of the change it tells about (services.webhook_emit),
  and its task is enqueued once that transaction commits; a change that rolls back sends nothing;
- a worker first claims the row with one conditional UPDATE that sets a lease
  (`claimed_until`); of two workers handed the same row, one wins and the other returns;
- any answer but a 2xx, and any error (refused, timeout, TLS, a private address), is recorded
  (on the row and in its attempt log) and tried again later with a growing back-off, up to
  MAX_ATTEMPTS, after which the delivery is "failed" until a coordinator redelivers it;
- the periodic job `deliveries_retry_due` hands the worker every pending row that is due:
  failed attempts after their back-off, rows whose worker was killed once the lease runs out,
  and rows whose first task was lost.

At least once, then, with one stable Lodestar-Delivery id per delivery: the single duplicate
possible — the receiver took the request and the worker died before recording the answer — carries
the same id both times, for the receiver to drop.
"""

import json
import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from .models import Delivery, DeliveryAttempt, DeliveryStatus
from .signing import signature_header
from .transport import RESPONSE_KEPT, post

logger = logging.getLogger(__name__)

# The wait after the 1st, 2nd, … failed attempt; after the last one the delivery is given up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
    timedelta(hours=24),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# Rows handed to the worker per run of the retry job (it runs every minute).
RETRY_BATCH = 500
ERROR_KEPT = 500
PURGE_CHUNK = 500


def lease() -> timedelta:
    """How long a worker may hold a delivery while posting it (it must outlast one post, a few
    WEBHOOK_TIMEOUTs); also how long a row handed to the worker may wait before the retry job
    hands it over again."""
    return timedelta(seconds=settings.WEBHOOK_LEASE_SECONDS)


def body_of(delivery: Delivery) -> bytes:
    """The exact bytes posted and signed: the same on every attempt."""
    return json.dumps(
        delivery.payload, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":")
    ).encode()


def headers_for(delivery: Delivery, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    return {
        "Lodestar-Event": delivery.event,
        "Lodestar-Delivery": str(delivery.uuid),
        "Lodestar-Signature": signature_header(delivery.endpoint.secret, body, timestamp),
    }


@task()
def deliver_webhook(pk: int) -> str:
    """Post one delivery, unless it is delivered, given up or being posted; what happened."""
    return delivery_attempt(pk=pk)


def delivery_attempt(*, pk: int, now: datetime | None = None) -> str:
    """Claim, post and record one delivery: "delivered", "failed" (tried again later), "gave up"
    (after MAX_ATTEMPTS) or "skipped" (finished, held by another worker, or its endpoint is
    disabled or gone)."""
    now = now or timezone.now()
    delivery = Delivery.objects.select_related("endpoint").filter(pk=pk).first()
    if delivery is None or not delivery.endpoint.active:
        return "skipped"  # a disabled endpoint's delivery waits, pending, for it to be enabled
    if not _claim(pk, now):
        return "skipped"
    delivery.refresh_from_db(fields=["attempts"])
    body = body_of(delivery)
    started = time.monotonic()
    try:
        answer = post(delivery.endpoint.url, body, headers_for(delivery, body))
    except Exception as error:
        duration = round((time.monotonic() - started) * 1000)
        return _record(delivery, now, error=_describe(error), duration_ms=duration)
    # The unavoidable window: posted, but dying here leaves it unrecorded (see Delivery).
    return _record(
        delivery,
        now,
        status_code=answer.status,
        response=answer.body,
        duration_ms=answer.duration_ms,
        error="" if answer.ok else _status_error(answer.status),
        delivered=answer.ok,
    )


def _claim(pk: int, now: datetime) -> bool:
    # One conditional UPDATE on the row's own columns: of any number of workers, exactly one
    # sees a row updated. The back-off is not checked here: the retry job, which alone hands
    # failed deliveries over again, keeps it.
    claimed = (
        Delivery.objects.filter(pk=pk, status=DeliveryStatus.PENDING, attempts__lt=MAX_ATTEMPTS)
        .unclaimed(now)
        .update(claimed_until=now + lease(), attempts=F("attempts") + 1)
    )
    return claimed == 1


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return f"Timeout: no answer within {settings.WEBHOOK_TIMEOUT:g} s"
    return f"{type(error).__name__}: {error}"[:ERROR_KEPT]


def _status_error(status: int) -> str:
    if 300 <= status < 400:
        return f"HTTP {status}: redirects are not followed"
    return f"HTTP {status}"


def _record(
    delivery: Delivery,
    now: datetime,
    *,
    error: str,
    duration_ms: int,
    status_code: int | None = None,
    response: str = "",
    delivered: bool = False,
) -> str:
    attempts = delivery.attempts  # as claimed, this attempt included
    finished = timezone.now()
    fields = {
        "claimed_until": None,
        "last_attempt_at": finished,
        "last_status_code": status_code,
        "last_response": response[:RESPONSE_KEPT],
        "last_error": error[:ERROR_KEPT],
        "last_duration_ms": duration_ms,
    }
    if delivered:
        outcome = "delivered"
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=finished)
    elif attempts >= MAX_ATTEMPTS:
        outcome = "gave up"
        fields.update(status=DeliveryStatus.FAILED)
        logger.error("Gave up webhook delivery %s after %s attempts", delivery.uuid, attempts)
    else:
        outcome = "failed"
        fields.update(next_attempt_at=now + BACKOFF[attempts - 1])
        logger.warning(
            "Webhook delivery %s failed (attempt %s): %s", delivery.uuid, attempts, error
        )
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=attempts,
            started_at=now,
            status_code=status_code,
            response=response[:RESPONSE_KEPT],
            error=error[:ERROR_KEPT],
            duration_ms=duration_ms,
        )
        Delivery.objects.filter(pk=delivery.pk).update(**fields)
    return outcome


def deliveries_retry_due(*, now: datetime | None = None, limit: int = RETRY_BATCH) -> int:
    """Hand the worker the pending deliveries that are due (a periodic job); how many."""
    now = now or timezone.now()
    with transaction.atomic():
        pks = list(Delivery.objects.due(now).values_list("pk", flat=True)[:limit])
        # Not handed again at the next run while this task waits in the queue; if it is lost
        # too, the row is due again one lease later.
        Delivery.objects.filter(pk__in=pks).update(next_attempt_at=now + lease())
        for pk in pks:
            transaction.on_commit(lambda pk=pk: deliver_webhook.enqueue(pk))
    return len(pks)


def deliveries_purge(*, now: datetime | None = None) -> int:
    """Delete finished deliveries (delivered or given up) older than WEBHOOK_KEEP_DAYS (a daily
    job); pending ones stay whatever their age. How many deliveries were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.WEBHOOK_KEEP_DAYS)
    old = Delivery.objects.filter(
        Q(status=DeliveryStatus.DELIVERED) | Q(status=DeliveryStatus.FAILED),
        created_at__lt=cutoff,
    )
    deleted = 0
    # In chunks: SQLite limits the parameters of one query, and each chunk is a short write.
    while pks := list(old.values_list("pk", flat=True)[:PURGE_CHUNK]):
        deleted += Delivery.objects.filter(pk__in=pks).delete()[1].get("webhooks.Delivery", 0)
    return deleted
