"""The product's URLs plus the bare view the load test measures its ceiling with, and the
product's layout with nothing in it (a step between the ceiling and the mix)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from lodestar import urls as product


def bare(request: HttpRequest) -> HttpResponse:
    """No database, no template: what the server, the middleware and the client cost alone."""
    return HttpResponse(b"ok", content_type="text/plain")


def layout(request: HttpRequest) -> HttpResponse:
    """The layout every page extends, empty: its navigation (for a signed-in person, with the
    unread-message and notification counts), no content. The floor under every page."""
    return render(request, "base.html")


urlpatterns = [
    path("bench/bare/", bare, name="bench_bare"),
    path("bench/layout/", layout, name="bench_layout"),
    *product.urlpatterns,
]

handler403 = product.handler403
handler404 = product.handler404
handler500 = product.handler500
