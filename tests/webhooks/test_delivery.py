"""Deliveries against a real HTTP receiver on 127.0.0.1: signed, posted by the worker after the
commit, tried again with a growing back-off on any answer but a 2xx, given up at last, never
following a redirect, never waiting longer than WEBHOOK_TIMEOUT.

The task backend is the immediate one: the commit's task runs when the test's
`django_capture_on_commit_callbacks(execute=True)` block ends. Time travels with `clock` (what
the worker's `timezone.now()` sees) and the `now` passed to the retry job.
"""

import json
import time
from datetime import timedelta

import pytest
from django.db import transaction

from lodestar.webhooks.models import Delivery, DeliveryAttempt, Event
from lodestar.webhooks.services import delivery_redeliver, endpoint_ping, webhook_emit
from lodestar.webhooks.signing import verify_signature
from lodestar.webhooks.tasks import (
    BACKOFF,
    MAX_ATTEMPTS,
    _claim,
    deliver_webhook,
    deliveries_purge,
    deliveries_retry_due,
    delivery_attempt,
)

pytestmark = pytest.mark.django_db


def emit(program, capture, **data) -> Delivery:
    with capture(execute=True):
        [delivery] = webhook_emit(
            event=Event.ENROLMENT_CREATED, program=program, data={"enrolment": {"id": 7, **data}}
        )
    delivery.refresh_from_db()
    return delivery


def test_a_delivery_is_posted_after_commit_signed_and_recorded(
    endpoint, receiver, program, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_emit(
            event=Event.ENROLMENT_CREATED, program=program, data={"enrolment": {"id": 7}}
        )
        assert receiver.requests == []  # nothing leaves before the commit
    [request] = receiver.requests
    assert request.path == "/hooks/lodestar"
    assert request.verified is True
    assert request.headers["lodestar-event"] == "enrolment.created"
    assert request.headers["lodestar-delivery"] == str(delivery.uuid)
    assert request.headers["content-type"] == "application/json"
    body = request.json
    assert body["event"] == "enrolment.created" and body["program"] == "spring"
    assert body["data"] == {"enrolment": {"id": 7}}
    assert body["occurred_at"].endswith("Z") and body["id"]
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert delivery.last_status_code == 200 and delivery.last_response == '{"ok": true}'
    assert delivery.claimed_until is None and delivery.last_duration_ms is not None
    assert [(a.number, a.status_code) for a in delivery.attempt_log.all()] == [(1, 200)]


def test_a_delivery_is_posted_once_however_many_times_its_task_runs(
    endpoint, receiver, program, django_capture_on_commit_callbacks
):
    delivery = emit(program, django_capture_on_commit_callbacks)
    assert deliver_webhook.enqueue(delivery.pk).return_value == "skipped"
    assert delivery_attempt(pk=delivery.pk) == "skipped"
    assert len(receiver.requests) == 1


def test_a_500_is_retried_after_the_back_off_with_the_same_delivery_id_until_it_succeeds(
    clock, endpoint, receiver, program, django_capture_on_commit_callbacks
):
    receiver.statuses = [500, 500, 200]
    delivery = emit(program, django_capture_on_commit_callbacks)
    assert delivery.status == "pending" and delivery.last_status_code == 500
    assert delivery.last_error == "HTTP 500"
    assert delivery.next_attempt_at == clock.now + BACKOFF[0]

    assert deliveries_retry_due(now=clock.now + BACKOFF[0] - timedelta(seconds=1)) == 0
    clock.advance(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_retry_due(now=clock.now) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.next_attempt_at == clock.now + BACKOFF[1]

    clock.advance(minutes=5)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_retry_due(now=clock.now) == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert delivery.last_error == "" and delivery.last_status_code == 200

    assert len(receiver.requests) == 3
    assert {r.headers["lodestar-delivery"] for r in receiver.requests} == {str(delivery.uuid)}
    assert all(r.verified for r in receiver.requests)
    assert len({r.body for r in receiver.requests}) == 1  # the same bytes each time
    log = DeliveryAttempt.objects.filter(delivery=delivery).order_by("number")
    assert [(a.number, a.status_code) for a in log] == [(1, 500), (2, 500), (3, 200)]
    assert deliveries_retry_due(now=clock.now + timedelta(days=2)) == 0


def test_the_back_off_grows_and_delivery_gives_up_after_the_last_attempt(
    clock, endpoint, receiver, program, django_capture_on_commit_callbacks
):
    receiver.statuses = [503]
    delivery = emit(program, django_capture_on_commit_callbacks)
    waits = []
    for _ in range(MAX_ATTEMPTS - 1):
        delivery.refresh_from_db()
        waits.append(delivery.next_attempt_at - clock.now)
        clock.now = delivery.next_attempt_at
        with django_capture_on_commit_callbacks(execute=True):
            assert deliveries_retry_due(now=clock.now) == 1
    assert waits == list(BACKOFF)
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == MAX_ATTEMPTS
    assert len(receiver.requests) == MAX_ATTEMPTS
    assert deliveries_retry_due(now=clock.now + timedelta(days=7)) == 0
    assert delivery_attempt(pk=delivery.pk) == "skipped"

    # Fixed on the receiver's side, the coordinator sends it again: same id, fresh attempts.
    receiver.statuses = [200]
    with django_capture_on_commit_callbacks(execute=True):
        delivery_redeliver(delivery=delivery, by=endpoint.created_by)
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert receiver.requests[-1].headers["lodestar-delivery"] == str(delivery.uuid)


def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(
    settings, endpoint, receiver, program, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_TIMEOUT = 0.3
    receiver.delay = 1.0
    started = time.monotonic()
    delivery = emit(program, django_capture_on_commit_callbacks)
    assert time.monotonic() - started < 0.9
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_status_code is None
    assert delivery.last_error == "Timeout: no answer within 0.3 s"


def test_a_redirect_is_not_followed(
    endpoint, receiver, program, django_capture_on_commit_callbacks
):
    receiver.statuses = [302]
    receiver.location = "http://169.254.169.254/latest/meta-data/"
    delivery = emit(program, django_capture_on_commit_callbacks)
    assert len(receiver.requests) == 1
    assert delivery.status == "pending" and delivery.last_status_code == 302
    assert delivery.last_error == "HTTP 302: redirects are not followed"


def test_only_the_start_of_a_long_answer_is_kept(
    endpoint, receiver, program, django_capture_on_commit_callbacks
):
    receiver.answer = b"x" * 100_000
    delivery = emit(program, django_capture_on_commit_callbacks)
    assert delivery.status == "delivered"
    assert delivery.last_response == "x" * 1000


def test_a_refused_connection_is_recorded_and_retried(
    clock, endpoint, receiver, program, django_capture_on_commit_callbacks
):
    receiver.stop()
    delivery = emit(program, django_capture_on_commit_callbacks)
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_error.startswith("ConnectionRefusedError")
    assert delivery.next_attempt_at == clock.now + BACKOFF[0]


def test_a_delivery_held_by_a_dead_worker_is_posted_again_only_after_its_lease(
    clock, settings, endpoint, receiver, program, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_LEASE_SECONDS = 120
    [delivery] = webhook_emit(event=Event.PING, program=program, data={})  # no commit: no task
    # A worker claims it, and dies before it could post or record anything.
    assert _claim(delivery.pk, clock.now)
    clock.advance(seconds=119)
    assert delivery_attempt(pk=delivery.pk) == "skipped"  # another worker: the lease holds
    assert deliveries_retry_due(now=clock.now) == 0
    clock.advance(seconds=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_retry_due(now=clock.now) == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert len(receiver.requests) == 1


def test_a_delivery_whose_task_was_lost_is_picked_up_by_the_retry_job(
    clock, settings, endpoint, receiver, program, django_capture_on_commit_callbacks
):
    # The transaction committed, then the process died before handing the task to the queue.
    [delivery] = webhook_emit(event=Event.PING, program=program, data={})
    assert deliveries_retry_due(now=clock.now) == 0  # its task may still be on the way
    clock.advance(seconds=settings.WEBHOOK_LEASE_SECONDS)
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_retry_due(now=clock.now) == 1
    assert [r.headers["lodestar-delivery"] for r in receiver.requests] == [str(delivery.uuid)]


def test_a_disabled_endpoint_gets_nothing_and_its_pending_deliveries_wait_for_it(
    clock, settings, endpoint, receiver, program, django_capture_on_commit_callbacks
):
    [waiting] = webhook_emit(event=Event.PING, program=program, data={})
    endpoint.active = False
    endpoint.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert webhook_emit(event=Event.ENROLMENT_CREATED, program=program, data={}) == []
    assert delivery_attempt(pk=waiting.pk) == "skipped"
    clock.advance(days=1)
    assert deliveries_retry_due(now=clock.now) == 0
    assert receiver.requests == []
    endpoint.active = True
    endpoint.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert deliveries_retry_due(now=clock.now) == 1
    assert len(receiver.requests) == 1
    waiting.refresh_from_db()
    assert waiting.status == "delivered" and waiting.attempts == 1


def test_only_subscribed_active_endpoints_of_the_program_get_an_event(
    program, other_program, coordinator, receiver, django_capture_on_commit_callbacks
):
    from lodestar.webhooks.models import Endpoint

    wanted = Endpoint.objects.create(
        program=program, url=receiver.url, events=["meeting.completed"]
    )
    Endpoint.objects.create(program=program, url=receiver.url, events=["enrolment.created"])
    Endpoint.objects.create(program=other_program, url=receiver.url, events=["meeting.completed"])
    with django_capture_on_commit_callbacks(execute=True):
        made = webhook_emit(event=Event.MEETING_COMPLETED, program=program, data={})
    assert [d.endpoint_id for d in made] == [wanted.pk]
    assert len(receiver.requests) == 1


def test_a_ping_goes_to_one_endpoint_whatever_it_subscribes_to(
    endpoint, receiver, coordinator, django_capture_on_commit_callbacks
):
    endpoint.events = ["meeting.completed"]
    endpoint.save()
    with django_capture_on_commit_callbacks(execute=True):
        delivery = endpoint_ping(endpoint=endpoint, by=coordinator)
    [request] = receiver.requests
    assert request.headers["lodestar-event"] == "ping" and request.verified
    assert request.json["data"] == {"endpoint_id": endpoint.pk, "requested_by": coordinator.pk}
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_a_rotated_secret_signs_the_next_attempt(
    clock, endpoint, receiver, program, coordinator, django_capture_on_commit_callbacks
):
    from lodestar.webhooks.services import endpoint_rotate_secret

    receiver.statuses = [500, 200]
    delivery = emit(program, django_capture_on_commit_callbacks)
    old = endpoint.secret
    endpoint_rotate_secret(endpoint=endpoint, by=coordinator)
    receiver.secret = endpoint.secret
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")
    clock.advance(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        deliveries_retry_due(now=clock.now)
    first, second = receiver.requests
    assert first.verified and second.verified  # each checked with the secret of its time
    signed = second.headers["lodestar-signature"]
    assert not verify_signature(old, signed, second.body)
    assert first.headers["lodestar-delivery"] == second.headers["lodestar-delivery"]
    delivery.refresh_from_db()
    assert delivery.status == "delivered"


def test_the_payload_is_the_stored_json_and_nothing_more(
    endpoint, receiver, program, django_capture_on_commit_callbacks
):
    delivery = emit(program, django_capture_on_commit_callbacks, role="mentee")
    assert json.loads(receiver.requests[0].body) == delivery.payload
    assert set(delivery.payload) == {"id", "event", "occurred_at", "program", "data"}


def test_finished_deliveries_are_purged_after_the_keeping_period_and_pending_ones_stay(
    clock, settings, endpoint, receiver, program, django_capture_on_commit_callbacks
):
    settings.WEBHOOK_KEEP_DAYS = 30
    delivered = emit(program, django_capture_on_commit_callbacks)
    [pending] = webhook_emit(event=Event.PING, program=program, data={})
    assert deliveries_purge(now=clock.now + timedelta(days=29)) == 0
    assert deliveries_purge(now=clock.now + timedelta(days=31)) == 1
    assert not Delivery.objects.filter(pk=delivered.pk).exists()
    assert not DeliveryAttempt.objects.filter(delivery_id=delivered.pk).exists()
    assert Delivery.objects.filter(pk=pending.pk).exists()


def test_an_event_in_a_transaction_that_rolls_back_sends_nothing(
    endpoint, receiver, program, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        webhook_emit(event=Event.PING, program=program, data={})
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert Delivery.objects.count() == 0
    assert receiver.requests == []
