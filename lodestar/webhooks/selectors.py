"""Reads on webhooks, for the coordinator's pages and the API."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from lodestar.programs.models import Program
from lodestar.programs.policy import get_program_for_coordinator

from .models import Delivery, Endpoint

RECENT = 5


def get_endpoint_for_coordinator(user, slug: str, pk: int) -> Endpoint:
    """The program's endpoint if the user coordinates the program; 404 for everyone else."""
    program = get_program_for_coordinator(user, slug)
    endpoint = get_object_or_404(Endpoint.objects.filter(program=program), pk=pk)
    endpoint.program = program
    return endpoint


def program_endpoints(program: Program, recent: int = RECENT) -> QuerySet[Endpoint]:
    """The program's endpoints, each with its `recent` latest deliveries (`recent_deliveries`):
    two queries however many endpoints and deliveries there are."""
    latest = Delivery.objects.order_by("-created_at", "-pk")[:recent]
    return (
        Endpoint.objects.filter(program=program)
        .order_by("created_at", "pk")
        .prefetch_related(Prefetch("deliveries", queryset=latest, to_attr="recent_deliveries"))
    )


def endpoint_deliveries(endpoint: Endpoint) -> QuerySet[Delivery]:
    """Every delivery of the endpoint, newest first, each with its attempt log."""
    return (
        Delivery.objects.filter(endpoint=endpoint)
        .order_by("-created_at", "-pk")
        .prefetch_related("attempt_log")
    )


def get_delivery(endpoint: Endpoint, *, pk: int | None = None, uuid=None) -> Delivery:
    lookup = {"pk": pk} if pk is not None else {"uuid": uuid}
    delivery = get_object_or_404(Delivery.objects.filter(endpoint=endpoint), **lookup)
    delivery.endpoint = endpoint
    return delivery
