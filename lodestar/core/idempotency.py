"""Writes that happen once however often they are sent.

Two callers repeat themselves:

- an API client retrying a POST/PUT/PATCH/DELETE it never heard back from. It sends an
  `Idempotency-Key` header (any printable ASCII, up to 255 characters); the first answer is kept
  for IDEMPOTENCY_KEY_TTL_SECONDS per caller (token or signed-in person) and key, and a retry
  with the same request gets it again with `Idempotent-Replayed: true`. The same key with another
  request is a 422 problem; while the first is still running, a 409 (Retry-After: 1).
- a person double-clicking a submit button or going back and submitting again. Every POST form
  carries a `_submission` token (static/lodestar/submit-once.js); the redirect (or htmx answer)
  the first submission produced is kept FORM_SUBMISSION_TTL_SECONDS, and a repeat gets it
  without the view running again — waiting, if need be, for the first one to finish.

How a write stays single: the key is claimed (a row, unique per scope, owner and key) in a
transaction of its own; then the view runs and its answer is stored *in one transaction*, so
either both the view's writes and the answer are committed or neither is. A claim whose holder
died (kill -9) therefore wrote nothing, and once its lock lapses a retry takes it over. A claim
whose holder is merely slow is guarded by `attempt`: the answer is only stored by the attempt
that holds the claim, any other rolls its writes back.
"""

import contextlib
import hashlib
import json
import re
import time
import uuid
from datetime import timedelta

from allauth.core.exceptions import ImmediateHttpResponse
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import IdempotencyRecord

API = "api"
FORM = "form"
API_PREFIX = "/api/"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
KEY_HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
VALID_KEY = re.compile(r"[\x21-\x7e]{1,255}")
FORM_FIELD = "_submission"
VALID_TOKEN = re.compile(r"[A-Za-z0-9-]{8,64}")
# The headers a replay repeats; cookies are not among them (a replay changes no session).
KEPT_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Location",
    "ETag",
    "Last-Modified",
    "HX-Location",
    "HX-Push-Url",
    "HX-Redirect",
    "HX-Refresh",
    "HX-Replace-Url",
    "HX-Reswap",
    "HX-Retarget",
    "HX-Trigger",
)
MAX_STORED_BODY = 1_000_000
# API answers not worth keeping: the caller may well succeed next time with the same key.
API_NOT_KEPT = {401, 403, 408, 409, 425, 429}

# Signing in, out and up, second factors, the admin: flows that change the session or raise
# for their own middleware (allauth's), and refuse duplicates themselves.
NOT_REPLAYED_PREFIXES = ("/accounts/", "/admin/")

NEW, DONE, BUSY, MISMATCH = "new", "done", "busy", "mismatch"


def _ttl(scope: str) -> timedelta:
    seconds = (
        settings.IDEMPOTENCY_KEY_TTL_SECONDS
        if scope == API
        else settings.FORM_SUBMISSION_TTL_SECONDS
    )
    return timedelta(seconds=seconds)


def claim(*, scope: str, owner: str, key: str, fingerprint: str) -> tuple[str, IdempotencyRecord]:
    """Take this key, or say why not: NEW (ours now), DONE (answered: replay it), BUSY (another
    attempt holds it) or MISMATCH (the key came with another request)."""
    now = timezone.now()
    attempt = uuid.uuid4()
    locked_until = now + timedelta(seconds=settings.IDEMPOTENCY_LOCK_SECONDS)
    record = None
    for _round in range(3):
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    scope=scope,
                    owner=owner,
                    key=key,
                    fingerprint=fingerprint,
                    attempt=attempt,
                    locked_until=locked_until,
                    created_at=now,
                )
            return NEW, record
        except IntegrityError:
            pass
        record = IdempotencyRecord.objects.filter(scope=scope, owner=owner, key=key).first()
        if record is None:  # purged between the insert and the read: try again
            continue
        if record.created_at <= now - _ttl(scope):  # expired, not yet purged: forget it
            IdempotencyRecord.objects.filter(pk=record.pk, attempt=record.attempt).delete()
            continue
        if record.fingerprint != fingerprint:
            return MISMATCH, record
        if record.status is not None:
            return DONE, record
        if record.locked_until > now:
            return BUSY, record
        # Its holder died: whatever it wrote was rolled back with its answer. Take over.
        taken = IdempotencyRecord.objects.filter(
            pk=record.pk, attempt=record.attempt, status__isnull=True
        ).update(attempt=attempt, locked_until=locked_until)
        if taken:
            record.attempt, record.locked_until = attempt, locked_until
            return NEW, record
    return BUSY, record


def _release(record: IdempotencyRecord) -> None:
    IdempotencyRecord.objects.filter(pk=record.pk, attempt=record.attempt).delete()


def run_once(request: HttpRequest, view, args, kwargs, record: IdempotencyRecord, keep):
    """Run the view holding `record`; keep its answer when `keep(response)` says so, both in one
    transaction. A server error keeps nothing: neither the answer nor the view's writes."""
    try:
        with transaction.atomic():
            try:
                response = view(request, *args, **kwargs)
            except ImmediateHttpResponse as answer:  # (allauth's middleware would do this)
                response = answer.response
            if callable(getattr(response, "render", None)):
                response = response.render()  # a TemplateResponse: store what will be sent
            if response.status_code >= 500:
                transaction.set_rollback(True)
                kept = False
            else:
                kept = keep(response) and _storable(response)
            if kept:
                stored = IdempotencyRecord.objects.filter(
                    pk=record.pk, attempt=record.attempt, status__isnull=True
                ).update(
                    status=response.status_code,
                    headers={h: response[h] for h in KEPT_HEADERS if response.has_header(h)},
                    body=response.content,
                )
                if not stored:
                    # Our lock lapsed and a retry took the key over: it will answer, not us.
                    transaction.set_rollback(True)
                    return None
    except BaseException:
        _release(record)
        raise
    if not kept:
        _release(record)
    return response


def _storable(response: HttpResponse) -> bool:
    return not getattr(response, "streaming", False) and len(response.content) <= MAX_STORED_BODY


def replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(bytes(record.body), status=record.status)
    for name, value in record.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def api_owner(request: HttpRequest) -> str | None:
    """Who is calling, as the key's owner: the token (by digest, never stored) or the person."""
    scheme, _sep, credential = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        return "token:" + hashlib.sha256(credential.strip().encode()).hexdigest()[:48]
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return None


def api_fingerprint(request: HttpRequest) -> str:
    """The request the key stands for: method, path, query and body (JSON compared by value)."""
    body = request.body
    if request.content_type == "application/json" and body:
        with contextlib.suppress(ValueError):  # not JSON after all: compared byte for byte
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    digest = hashlib.sha256()
    for part in (request.method.encode(), request.get_full_path().encode(), body):
        digest.update(part)
        digest.update(b"\0")
    return digest.hexdigest()


def _problem(status: int, detail: str, headers: dict | None = None) -> HttpResponse:
    from lodestar.api.problems import problem  # the API's one error shape

    return problem(status, detail, headers=headers)


class IdempotencyMiddleware:
    """Last in MIDDLEWARE: its process_view runs after every other check (CSRF, sign-in…)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method not in UNSAFE_METHODS:
            return None
        if request.path.startswith(API_PREFIX):
            if KEY_HEADER in request.headers:
                return self.api_call(request, view, args, kwargs)
            return None
        if (
            request.method == "POST"
            and not request.path.startswith(NOT_REPLAYED_PREFIXES)
            and request.POST.get(FORM_FIELD)
        ):
            return self.form_submission(request, view, args, kwargs)
        return None

    def api_call(self, request, view, args, kwargs):
        key = request.headers[KEY_HEADER]
        if not VALID_KEY.fullmatch(key):
            return _problem(
                400,
                _("An Idempotency-Key is 1 to 255 printable ASCII characters, without spaces."),
            )
        owner = api_owner(request)
        if owner is None:  # nobody to keep it for: the view answers 401
            return None
        fingerprint = api_fingerprint(request)
        outcome, record = claim(scope=API, owner=owner, key=key, fingerprint=fingerprint)
        if outcome == DONE:
            return replay(record)
        if outcome == MISMATCH:
            return _problem(
                422, _("This Idempotency-Key was already used with a different request.")
            )
        if outcome == BUSY:
            return _problem(
                409,
                _("A request with this Idempotency-Key is still being processed."),
                headers={"Retry-After": "1"},
            )
        response = run_once(
            request, view, args, kwargs, record, keep=lambda r: r.status_code not in API_NOT_KEPT
        )
        if response is None:
            return _problem(
                409,
                _("A request with this Idempotency-Key is still being processed."),
                headers={"Retry-After": "1"},
            )
        return response

    def form_submission(self, request, view, args, kwargs):
        token = request.POST[FORM_FIELD]
        user = getattr(request, "user", None)
        if not VALID_TOKEN.fullmatch(token) or user is None or not user.is_authenticated:
            return None  # signing in or up: those views refuse duplicates themselves
        owner = f"user:{user.pk}"
        # A redirect after a successful POST, or an htmx request's answer; a page re-shown with
        # errors is not kept (it wrote nothing, and the person will correct and send again).
        htmx = request.headers.get("HX-Request") == "true"

        def keep(response):
            return 300 <= response.status_code < 400 or (htmx and response.status_code < 300)

        deadline = time.monotonic() + settings.FORM_SUBMISSION_WAIT_SECONDS
        while True:
            outcome, record = claim(scope=FORM, owner=owner, key=token, fingerprint=request.path)
            if outcome == DONE:
                return replay(record)
            if outcome == MISMATCH:  # the same token on another form: not a repeat
                return None
            if outcome == NEW:
                response = run_once(request, view, args, kwargs, record, keep=keep)
                if response is not None:
                    return response
            if time.monotonic() >= deadline:
                return HttpResponse(
                    _("This form is still being sent. Wait a moment, then reload the page."),
                    status=409,
                    content_type="text/plain; charset=utf-8",
                )
            time.sleep(0.1)


def idempotency_purge() -> int:
    """The scheduler's hourly job: forget keys and submissions past their time."""
    now = timezone.now()
    deleted, _types = IdempotencyRecord.objects.filter(
        Q(scope=API, created_at__lt=now - _ttl(API))
        | Q(scope=FORM, created_at__lt=now - _ttl(FORM))
    ).delete()
    return deleted
