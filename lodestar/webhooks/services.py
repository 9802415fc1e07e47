"""Writes on webhooks: a program's endpoints, and the deliveries of its events.

`webhook_emit` writes one delivery per subscribed endpoint in the caller's transaction; the
worker posts them after the commit (tasks.py). The coordinator's actions check, like the pages,
that `by` coordinates the program.
"""

import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.core.states import IllegalTransition
from lodestar.programs.models import Program
from lodestar.programs.policy import is_coordinator

from .destinations import check_url
from .models import SUBSCRIBABLE, Delivery, DeliveryStatus, Endpoint, Event, new_secret
from .tasks import deliver_webhook, lease

DESCRIPTION_MAX = 200


def iso_utc(moment: datetime) -> str:
    """A UTC timestamp as integrators expect it: 2025-03-01T09:30:00Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def webhook_emit(
    *,
    event: str,
    program: Program,
    data: dict | Callable[[], dict],
    occurred_at: datetime | None = None,
) -> list[Delivery]:
    """Tell the program's active endpoints subscribed to `event`: one delivery each, written
    now, posted after the commit. `data` is metadata only (ids, states, dates) and JSON-ready;
    a callable is called only when some endpoint listens, so that a program without webhooks
    pays one query per event and no more."""
    return webhook_emit_many(
        event=event,
        program=program,
        data=lambda: [data() if callable(data) else data],
        occurred_at=occurred_at,
    )


def webhook_emit_many(
    *,
    event: str,
    program: Program,
    data: Callable[[], list[dict]],
    occurred_at: datetime | None = None,
) -> list[Delivery]:
    """The same event about several things at once (a CSV import enrols many people): one
    delivery per endpoint and item, written in one INSERT; still one query when nobody listens."""
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(program_id=program.pk, active=True).only(
            "pk", "events"
        )
        if endpoint.subscribes_to(event)
    ]
    if not endpoints:
        return []
    payloads = [_payload(event, program, item, occurred_at) for item in data()]
    return _queue([(e, p) for p in payloads for e in endpoints], event)


def _payload(event: str, program: Program, data: dict, occurred_at: datetime | None) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "event": event,
        "occurred_at": iso_utc(occurred_at or timezone.now()),
        "program": program.slug,
        "data": data,
    }


def _queue(destinations: list[tuple[Endpoint, dict]], event: str) -> list[Delivery]:
    now = timezone.now()
    deliveries = Delivery.objects.bulk_create(
        Delivery(
            endpoint=endpoint,
            event=event,
            payload=payload,
            created_at=now,
            # Should the commit's task never run, the retry job picks the row up from then on.
            next_attempt_at=now + lease(),
        )
        for endpoint, payload in destinations
    )
    for delivery in deliveries:
        transaction.on_commit(lambda pk=delivery.pk: deliver_webhook.enqueue(pk))
    return deliveries


# Endpoints ------------------------------------------------------------------------------------


def _check_coordinator(by: User, program: Program) -> None:
    if not is_coordinator(by, program):
        raise PermissionDenied


def _clean_events(events) -> list[str]:
    chosen = list(dict.fromkeys(events or []))
    unknown = [event for event in chosen if event not in SUBSCRIBABLE]
    if unknown:
        raise ValidationError(
            {"events": _("Unknown event: %(events)s.") % {"events": ", ".join(map(str, unknown))}},
            code="unknown_event",
        )
    if not chosen:
        raise ValidationError({"events": _("Choose at least one event to send.")}, code="no_event")
    return [event for event in SUBSCRIBABLE if event in chosen]


def _clean_description(description: str) -> str:
    description = " ".join((description or "").split())
    if len(description) > DESCRIPTION_MAX:
        raise ValidationError(
            {
                "description": _("Keep the description under %(max)d characters.")
                % {"max": DESCRIPTION_MAX}
            },
            code="too_long",
        )
    return description


def _clean(url: str, events, description: str) -> tuple[str, list[str], str]:
    errors: dict[str, list] = {}
    cleaned = []
    for check, value in (
        (check_url, url),
        (_clean_events, events),
        (_clean_description, description),
    ):
        try:
            cleaned.append(check(value))
        except ValidationError as error:
            cleaned.append(None)
            for field, messages in error.error_dict.items():
                errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return tuple(cleaned)


@transaction.atomic
def endpoint_create(
    *,
    program: Program,
    by: User,
    url: str,
    events: list[str],
    description: str = "",
    active: bool = True,
) -> Endpoint:
    """A coordinator registers a URL for some of the program's events; its secret is made here."""
    _check_coordinator(by, program)
    url, events, description = _clean(url, events, description)
    return Endpoint.objects.create(
        program=program,
        url=url,
        events=events,
        description=description,
        active=bool(active),
        created_by=by,
    )


@transaction.atomic
def endpoint_update(
    *,
    endpoint: Endpoint,
    by: User,
    url: str | None = None,
    events: list[str] | None = None,
    description: str | None = None,
    active: bool | None = None,
) -> Endpoint:
    """Change what was given (None leaves a field as it is). Disabling stops new deliveries
    and holds the pending ones until the endpoint is enabled again."""
    _check_coordinator(by, endpoint.program)
    url, events, description = _clean(
        endpoint.url if url is None else url,
        endpoint.events if events is None else events,
        endpoint.description if description is None else description,
    )
    endpoint.url, endpoint.events, endpoint.description = url, events, description
    if active is not None:
        endpoint.active = bool(active)
    endpoint.save(update_fields=["url", "events", "description", "active"])
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: Endpoint, by: User) -> None:
    """Remove the endpoint and its deliveries, pending ones included."""
    _check_coordinator(by, endpoint.program)
    endpoint.delete()


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: Endpoint, by: User) -> Endpoint:
    """A new secret, at once: every delivery from now on (retries included) is signed with it."""
    _check_coordinator(by, endpoint.program)
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["secret", "secret_rotated_at"])
    return endpoint


@transaction.atomic
def endpoint_ping(*, endpoint: Endpoint, by: User) -> Delivery:
    """Send a "ping" event to this endpoint only, to try the receiver and its signature check."""
    _check_coordinator(by, endpoint.program)
    if not endpoint.active:
        raise ValidationError(
            _("This endpoint is disabled: enable it to send it a test ping."), code="inactive"
        )
    data = {"endpoint_id": endpoint.pk, "requested_by": by.pk}
    [delivery] = _queue(
        [(endpoint, _payload(Event.PING, endpoint.program, data, None))], Event.PING
    )
    return delivery


@transaction.atomic
def delivery_redeliver(*, delivery: Delivery, by: User) -> Delivery:
    """Try a failed delivery again from scratch: a fresh set of attempts, with the same
    Lodestar-Delivery id (the receiver may have seen it) and the same body."""
    _check_coordinator(by, delivery.endpoint.program)
    now = timezone.now()
    updated = Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.FAILED).update(
        status=DeliveryStatus.PENDING, attempts=0, claimed_until=None, next_attempt_at=now + lease()
    )
    if not updated:
        raise IllegalTransition(
            _("Only a failed delivery can be sent again; this one is %(status)s.")
            % {"status": delivery.get_status_display().lower()},
            code="illegal_transition",
        )
    transaction.on_commit(lambda: deliver_webhook.enqueue(delivery.pk))
    delivery.refresh_from_db()
    return delivery


def endpoint_secrets_reencrypt(model=Endpoint) -> int:
    """Every endpoint's secret under the first encryption key (core/encryption.py); how many.
    `model` is a migration's historical Endpoint."""
    with transaction.atomic():
        endpoints = list(model.objects.select_for_update().only("pk", "secret").order_by("pk"))
        for endpoint in endpoints:
            endpoint.save(update_fields=["secret"])  # read decrypted, written encrypted anew
    return len(endpoints)
