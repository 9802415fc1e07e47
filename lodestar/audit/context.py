"""The request being served, for audit events recorded deep in a service or a signal.

A service is called with the acting user (`by=`) but not the request; the middleware keeps the
request in a context variable for the length of the response, so `record()` can still note the
client's IP address — and, for a change made through a signal (a role changed in Django admin),
who made it. Outside a request (a command, the worker) there is none: no IP, no implied actor.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

_current: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _current.get()


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(request)
        try:
            return self.get_response(request)
        finally:
            _current.reset(token)


def behind_proxy() -> bool:
    return bool(getattr(settings, "BEHIND_PROXY", False) or settings.SECURE_PROXY_SSL_HEADER)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or — behind the proxies of AUDIT_TRUSTED_PROXIES — the
    X-Forwarded-For entry the nearest of them appended.

    Not the first entry: a client can send any X-Forwarded-For it likes and the proxy only
    appends to it, so the leftmost value is the client's claim. Counting from the right, past
    the hops our own proxies added, gives the address that really connected.
    """
    if request is None:
        return None
    remote = _valid(request.META.get("REMOTE_ADDR", ""))
    if not behind_proxy():
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    trusted = max(1, int(getattr(settings, "AUDIT_TRUSTED_PROXIES", 1)))
    if len(hops) >= trusted:
        return _valid(hops[-trusted]) or remote
    return remote


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None
