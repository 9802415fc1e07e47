"""One shape for every error the API answers: RFC 9457 problem details.

Every failure, wherever it is raised (a service's ValidationError, a bad query parameter, a
missing object, a refused token, too many requests), goes through `install` below and leaves as
`application/problem+json` with the same fields, so a client needs one error handler.
"""

import json
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from lodestar.core.states import IllegalTransition

PROBLEM_MEDIA_TYPE = "application/problem+json"
# A stable identifier per kind of problem (RFC 9457 allows a URI that is not a web page; the
# kinds are listed in the README's API section).
PROBLEM_BASE = "urn:lodestar:problem:"


class FieldProblem(Schema):
    field: str | None
    message: str


class Problem(Schema):
    """RFC 9457 problem details, with `errors` naming each field that was wrong."""

    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] = []


# What each status means, in the words the `title` carries; `type` is a stable identifier.
KINDS = {
    400: ("invalid", gettext_lazy("The request was not accepted.")),
    401: ("unauthenticated", gettext_lazy("Authentication is required.")),
    403: ("forbidden", gettext_lazy("You may not do this.")),
    404: ("not-found", gettext_lazy("Not found.")),
    409: ("conflict", gettext_lazy("The request conflicts with the current state.")),
    422: ("unprocessable", gettext_lazy("Some parameters are not valid.")),
    429: ("throttled", gettext_lazy("Too many requests.")),
}


class ReadOnlyToken(Exception):
    """A read-only token was used for a request that changes something."""


def problem(
    status: int, detail: str, errors: Iterable[dict] = (), headers: dict | None = None
) -> HttpResponse:
    slug, title = KINDS[status]
    body = {
        "type": PROBLEM_BASE + slug,
        "title": str(title),
        "status": status,
        "detail": detail,
        "errors": list(errors),
    }
    response = HttpResponse(
        json.dumps(body, cls=DjangoJSONEncoder), status=status, content_type=PROBLEM_MEDIA_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


# A service's refusal because of who is asking, rather than what they sent: the pages show it
# as a message, the API answers 403 (see _on_service_error). The codes are the services' own.
FORBIDDEN_CODES = frozenset(
    {
        "forbidden",
        "not_allowed",
        "not_a_mentor",
        "not_assignee",
        "not_author",
        "not_coordinator",
        "not_member",
        "not_mentee",
        "not_mentor",
        "not_owner",
        "not_recipient",
        "not_requester",
    }
)


def responses(ok: dict, *codes: int) -> dict:
    """An endpoint's declared responses: its successes, then every problem it can answer.

    401 and 429 come with every authenticated endpoint, so they are always declared; an endpoint
    whose service may refuse (400) may also refuse because of who asks (403)."""
    declared = dict(ok)
    extra = {403} if 400 in codes else set()
    for code in sorted({401, 429, *codes, *extra}):
        declared[code] = Problem
    return declared


def _field_errors(error: DjangoValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"field": None if field == "__all__" else field, "message": message}
            for field, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"field": None, "message": message} for message in error.messages]


def _codes(error: DjangoValidationError) -> set[str]:
    if hasattr(error, "error_dict"):
        return {e.code for errors in error.error_dict.values() for e in errors if e.code}
    return {e.code for e in error.error_list if e.code}


def _on_service_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    # An illegal state change is a conflict with the resource as it stands, not a bad request.
    if isinstance(exc, IllegalTransition):
        status = 409
    elif _codes(exc) & FORBIDDEN_CODES:
        status = 403
    else:
        status = 400
    errors = _field_errors(exc)
    return problem(status, errors[0]["message"] if errors else str(exc), errors)


def _location(loc) -> str | None:
    # ninja puts where the value came from first ("query", "body", "path"): the field is the rest.
    parts = [str(part) for part in loc[1:]] if len(loc) > 1 else [str(part) for part in loc]
    return ".".join(parts) or None


def _on_bad_input(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _location(error.get("loc", ())), "message": str(error.get("msg", error))}
        for error in exc.errors
    ]
    return problem(422, _("Some parameters are not valid."), errors)


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, Throttled):
        wait = max(1, int(exc.wait or 1))
        detail = _("Too many requests: try again in %(seconds)d seconds.") % {"seconds": wait}
        return problem(429, detail, headers={"Retry-After": str(wait)})
    if isinstance(exc, AuthenticationError):
        detail = _("Sign in, or send a valid token as “Authorization: Bearer <token>”.")
        return problem(401, detail, headers={"WWW-Authenticate": 'Bearer realm="api"'})
    if exc.status_code == 403:
        # ninja's only other 403 is a session request without its CSRF token.
        return problem(403, _("The CSRF token is missing or incorrect."))
    status = exc.status_code if exc.status_code in KINDS else 400
    return problem(status, str(exc))


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(404, _("There is nothing here, or it is not yours to see."))


def _on_forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(403, str(exc) or _("You may not do this."))


def _on_read_only(request: HttpRequest, exc: ReadOnlyToken) -> HttpResponse:
    return problem(403, _("This token is read-only: use a read-and-write token to make changes."))


def install(api) -> None:
    api.add_exception_handler(DjangoValidationError, _on_service_error)
    api.add_exception_handler(NinjaValidationError, _on_bad_input)
    api.add_exception_handler(HttpError, _on_http_error)
    api.add_exception_handler(Http404, _on_not_found)
    api.add_exception_handler(PermissionDenied, _on_forbidden)
    api.add_exception_handler(ReadOnlyToken, _on_read_only)
