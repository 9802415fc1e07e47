"""A request id for every request, and one access-log line when it is answered.

The id comes from the caller's `X-Request-ID` when it is sane (a proxy or load balancer that
already numbers requests: up to 64 characters of letters, digits, `-`, `_` and `.`), otherwise
a fresh one. It goes back in the response's `X-Request-ID` header and, through a context
variable, onto every log line written while the request is served (core/logging.py), so that
one id finds everything a request did.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.utils.functional import SimpleLazyObject, empty

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)
request_var: ContextVar[object | None] = ContextVar("request", default=None)
task_id_var: ContextVar[str | None] = ContextVar("task_id", default=None)

HEADER = "X-Request-ID"
VALID_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
access_log = logging.getLogger("lodestar.access")


def incoming_or_new(value: str | None) -> str:
    if value and VALID_ID.fullmatch(value):
        return value
    return uuid.uuid4().hex


def user_id_of(request) -> int | None:
    """The signed-in person's id if the request has already looked them up; never a query (a
    log line must not load the session) and never an email address."""
    user = getattr(request, "user", None)
    if isinstance(user, SimpleLazyObject):
        user = None if user._wrapped is empty else user._wrapped
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user.pk


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.id = incoming_or_new(request.headers.get(HEADER))
        id_token = request_id_var.set(request.id)
        request_token = request_var.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request.id
            access_log.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_var.reset(request_token)
            request_id_var.reset(id_token)
