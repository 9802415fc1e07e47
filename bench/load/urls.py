"""The product's URLs plus the bare view the load test measures its ceiling with."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from lodestar import urls as product


def bare(request: HttpRequest) -> HttpResponse:
    """No database, no template: what the server, the middleware and the client cost alone."""
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *product.urlpatterns]

handler403 = product.handler403
handler404 = product.handler404
handler500 = product.handler500
