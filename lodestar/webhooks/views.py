"""The coordinator's webhook pages: endpoints, their secret, their deliveries.

Nothing here waits for a receiver: a test ping or a redelivery is written and handed to the
worker, and the page says so.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from lodestar.programs.policy import get_program_for_coordinator

from . import selectors, services
from .forms import EndpointForm
from .models import Endpoint

PAGE_SIZE = 25


@login_required
@require_http_methods(["GET"])
def endpoint_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    return render(
        request,
        "webhooks/endpoint_list.html",
        {"program": program, "endpoints": selectors.program_endpoints(program)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_create(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = EndpointForm(request.POST or None, initial={"active": True})
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(
                program=program, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("The endpoint is registered. Copy its secret to check the signatures."),
            )
            return redirect("webhook_endpoint", slug=program.slug, pk=endpoint.pk)
    return render(
        request, "webhooks/endpoint_form.html", {"program": program, "form": form, "endpoint": None}
    )


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """The endpoint's settings (edit, disable), its secret and its deliveries."""
    endpoint = selectors.get_endpoint_for_coordinator(request.user, slug, pk)
    form = EndpointForm(request.POST or None, initial=_initial(endpoint))
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(endpoint=endpoint, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("The endpoint is saved."))
            return redirect("webhook_endpoint", slug=slug, pk=endpoint.pk)
    deliveries = selectors.endpoint_deliveries(endpoint)
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {"program": endpoint.program, "endpoint": endpoint, "form": form, "page": page},
    )


def _initial(endpoint: Endpoint) -> dict:
    return {
        "url": endpoint.url,
        "events": endpoint.events,
        "description": endpoint.description,
        "active": endpoint.active,
    }


@login_required
@require_http_methods(["GET", "POST"])
def endpoint_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = selectors.get_endpoint_for_coordinator(request.user, slug, pk)
    if request.method == "POST":
        services.endpoint_delete(endpoint=endpoint, by=request.user)
        messages.success(request, _("The endpoint and its deliveries are deleted."))
        return redirect("webhook_endpoints", slug=slug)
    return render(
        request,
        "webhooks/endpoint_confirm_delete.html",
        {"program": endpoint.program, "endpoint": endpoint},
    )


@login_required
@require_POST
def endpoint_rotate_secret(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = selectors.get_endpoint_for_coordinator(request.user, slug, pk)
    services.endpoint_rotate_secret(endpoint=endpoint, by=request.user)
    messages.success(
        request,
        _("A new secret is in place: every delivery from now on is signed with it."),
    )
    return redirect("webhook_endpoint", slug=slug, pk=pk)


@login_required
@require_POST
def endpoint_ping(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    endpoint = selectors.get_endpoint_for_coordinator(request.user, slug, pk)
    try:
        services.endpoint_ping(endpoint=endpoint, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("A test ping is on its way. Reload this page in a moment to see the answer.")
        )
    return redirect("webhook_endpoint", slug=slug, pk=pk)


@login_required
@require_POST
def delivery_redeliver(request: HttpRequest, slug: str, pk: int, delivery_pk: int) -> HttpResponse:
    endpoint = selectors.get_endpoint_for_coordinator(request.user, slug, pk)
    delivery = selectors.get_delivery(endpoint, pk=delivery_pk)
    try:
        services.delivery_redeliver(delivery=delivery, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The delivery will be sent again, with the same id."))
    return redirect("webhook_endpoint", slug=slug, pk=pk)
