"""Webhooks in the JSON API: a program's coordinators (and site admins) manage its endpoints
and read their deliveries, with the same services and checks as the pages; 404 for anyone else.
"""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from django.http import HttpRequest
from ninja import Body, Field, Router, Schema, Status
from ninja.pagination import paginate

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses
from lodestar.programs.policy import get_program_for_coordinator

from . import selectors, services
from .models import SUBSCRIBABLE, Delivery, DeliveryStatus

router = Router(tags=["webhooks"])

EventName = Literal[tuple(SUBSCRIBABLE)]


class EndpointOut(Schema):
    id: int
    url: str
    events: list[str]
    description: str
    active: bool
    created_at: datetime
    secret_rotated_at: datetime | None


class EndpointWithSecretOut(EndpointOut):
    secret: str = Field(
        description="Signs every delivery: Lodestar-Signature is t=<unix seconds>,v1=<hex "
        'HMAC-SHA256 of "<t>.<raw body>" with this secret>.'
    )


class DeliveryOut(Schema):
    delivery_id: UUID = Field(description="The Lodestar-Delivery header: the same on retries.")
    event: str
    status: str
    created_at: datetime
    attempts: int
    next_attempt_at: datetime | None = Field(description="When it is tried next, while pending.")
    delivered_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_response: str = Field(description="The first characters of the last answer.")
    last_error: str
    last_duration_ms: int | None
    payload: dict

    @staticmethod
    def resolve_delivery_id(delivery: Delivery) -> UUID:
        return delivery.uuid

    @staticmethod
    def resolve_next_attempt_at(delivery: Delivery) -> datetime | None:
        return delivery.next_attempt_at if delivery.status == DeliveryStatus.PENDING else None


BASE = "/programs/{slug}/webhooks/"
ONE = BASE + "{endpoint_id}/"


@router.get(
    BASE,
    response=responses({200: list[EndpointOut]}, 404, 422),
    operation_id="webhooks_list",
)
@paginate(PageNumberPagination)
def webhooks_list(request: HttpRequest, slug: str):
    """The program's webhook endpoints, oldest first (coordinators only)."""
    program = get_program_for_coordinator(request.auth, slug)
    return program.webhook_endpoints.order_by("created_at", "pk")


@router.post(
    BASE,
    response=responses({201: EndpointWithSecretOut}, 400, 403, 404, 422),
    operation_id="webhooks_create",
)
def webhooks_create(
    request: HttpRequest,
    slug: str,
    url: Body[str],
    events: Body[list[EventName]],
    description: Annotated[str, Body()] = "",
    active: Annotated[bool, Body()] = True,
):
    """Register a URL for some of the program's events. The answer carries the endpoint's
    secret, made by the server."""
    program = get_program_for_coordinator(request.auth, slug)
    endpoint = services.endpoint_create(
        program=program,
        by=request.auth,
        url=url,
        events=list(events),
        description=description,
        active=active,
    )
    return Status(201, endpoint)


@router.get(
    ONE,
    response=responses({200: EndpointWithSecretOut}, 404, 422),
    operation_id="webhooks_get",
)
def webhooks_get(request: HttpRequest, slug: str, endpoint_id: int):
    """One endpoint, with its secret."""
    return selectors.get_endpoint_for_coordinator(request.auth, slug, endpoint_id)


@router.patch(
    ONE,
    response=responses({200: EndpointOut}, 400, 403, 404, 422),
    operation_id="webhooks_update",
)
def webhooks_update(
    request: HttpRequest,
    slug: str,
    endpoint_id: int,
    url: Annotated[str | None, Body()] = None,
    events: Annotated[list[EventName] | None, Body()] = None,
    description: Annotated[str | None, Body()] = None,
    active: Annotated[bool | None, Body()] = None,
):
    """Change what is given: the URL, the events, the description, or `active` (false
    disables the endpoint; its pending deliveries wait until it is enabled again)."""
    endpoint = selectors.get_endpoint_for_coordinator(request.auth, slug, endpoint_id)
    return services.endpoint_update(
        endpoint=endpoint,
        by=request.auth,
        url=url,
        events=None if events is None else list(events),
        description=description,
        active=active,
    )


@router.delete(
    ONE,
    response=responses({204: None}, 403, 404, 422),
    operation_id="webhooks_delete",
)
def webhooks_delete(request: HttpRequest, slug: str, endpoint_id: int):
    """Delete the endpoint and its deliveries, pending ones included."""
    endpoint = selectors.get_endpoint_for_coordinator(request.auth, slug, endpoint_id)
    services.endpoint_delete(endpoint=endpoint, by=request.auth)
    return Status(204, None)


@router.post(
    ONE + "rotate-secret/",
    response=responses({200: EndpointWithSecretOut}, 403, 404, 422),
    operation_id="webhooks_rotate_secret",
)
def webhooks_rotate_secret(request: HttpRequest, slug: str, endpoint_id: int):
    """A new secret, in force at once (retries of earlier events included)."""
    endpoint = selectors.get_endpoint_for_coordinator(request.auth, slug, endpoint_id)
    return services.endpoint_rotate_secret(endpoint=endpoint, by=request.auth)


@router.post(
    ONE + "ping/",
    response=responses({202: DeliveryOut}, 400, 403, 404, 422),
    operation_id="webhooks_ping",
)
def webhooks_ping(request: HttpRequest, slug: str, endpoint_id: int):
    """Queue a "ping" event for this endpoint; the worker posts it (202: not sent yet)."""
    endpoint = selectors.get_endpoint_for_coordinator(request.auth, slug, endpoint_id)
    return Status(202, services.endpoint_ping(endpoint=endpoint, by=request.auth))


@router.get(
    ONE + "deliveries/",
    response=responses({200: list[DeliveryOut]}, 404, 422),
    operation_id="webhooks_deliveries",
)
@paginate(PageNumberPagination)
def webhooks_deliveries(request: HttpRequest, slug: str, endpoint_id: int):
    """The endpoint's deliveries, newest first, with the last answer of each."""
    endpoint = selectors.get_endpoint_for_coordinator(request.auth, slug, endpoint_id)
    return Delivery.objects.filter(endpoint=endpoint).order_by("-created_at", "-pk")


@router.post(
    ONE + "deliveries/{delivery_id}/redeliver/",
    response=responses({202: DeliveryOut}, 403, 404, 409, 422),
    operation_id="webhooks_redeliver",
)
def webhooks_redeliver(request: HttpRequest, slug: str, endpoint_id: int, delivery_id: UUID):
    """Send a failed delivery again, with a fresh set of attempts and the same
    Lodestar-Delivery id; 409 unless it failed."""
    endpoint = selectors.get_endpoint_for_coordinator(request.auth, slug, endpoint_id)
    delivery = selectors.get_delivery(endpoint, uuid=delivery_id)
    return Status(202, services.delivery_redeliver(delivery=delivery, by=request.auth))
