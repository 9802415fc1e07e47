"""Recording sensitive actions in the audit trail (issue 8).

Every caller uses `record` (or `record_many` for one action on several objects). The event is
written in the caller's transaction: if the action rolls back, so does its event, and an action
that commits always has its event. The trail is append-only (models.py, triggers.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType

from .context import client_ip, current_request
from .models import LABEL_MAX, AuditEvent, Verb

log = logging.getLogger(__name__)

# Keys that would carry what the trail must never hold: secrets and what people wrote.
FORBIDDEN_DETAIL_KEYS = frozenset(
    {
        "password",
        "password1",
        "password2",
        "secret",
        "token",
        "body",
        "text",
        "content",
        "message",
        "progress",
        "blockers",
    }
)
DETAIL_TEXT_MAX = 500


def record(
    verb: str,
    *,
    actor=None,
    target=None,
    program=None,
    request=None,
    details: dict[str, Any] | None = None,
    actor_label: str | None = None,
    target_label: str | None = None,
) -> AuditEvent:
    """Write one audit event: who (`actor`, else the request's user), did what (`verb`, one of
    `Verb`: "login_failed", "role_changed", "match_overridden", "match_published", "exported",
    "data_exported", "erased", "concern_viewed", "token_created", "token_refused",
    "conversation_accessed", "retention_purged"), to what (`target`, any model instance), in
    which program (else the target's own `program`), from which IP (from `request`, else the
    request being served), with `details` (JSON; never message content or passwords: such keys
    are dropped).

    A bad target or odd details are logged, never raised: the action goes on and its event is
    written with what could be read. `actor_label` and `target_label` replace the labels taken
    from the actor and the target (a failed login names the address that was tried)."""
    event = _build(
        verb,
        actor=actor,
        target=target,
        program=program,
        request=request,
        details=details,
        actor_label=actor_label,
        target_label=target_label,
    )
    event.save()
    return event


def record_many(
    verb: str,
    *,
    targets: Iterable[Any],
    actor=None,
    program=None,
    request=None,
    details: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """One event per target, written in a single INSERT (a page that shows several flagged
    check-ins records each of them)."""
    events = [
        _build(verb, actor=actor, target=t, program=program, request=request, details=details)
        for t in targets
    ]
    return AuditEvent.objects.bulk_create(events) if events else []


# ---- building an event ------------------------------------------------------------------------


def _build(
    verb,
    *,
    actor,
    target,
    program,
    request,
    details,
    actor_label=None,
    target_label=None,
) -> AuditEvent:
    if verb not in Verb.values:
        # A caller's typo must not lose the event: keep it, and say so loudly.
        log.error("Audit: unknown verb %r recorded", verb)
    request = request if request is not None else current_request()
    actor = actor if actor is not None else _request_user(request)
    event = AuditEvent(
        verb=verb,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=_cut(actor_label if actor_label is not None else _person_label(actor)),
        ip=client_ip(request),
        details=_clean_details(details, verb),
    )
    _set_target(event, target, target_label)
    _set_program(event, program, target)
    return event


def _request_user(request):
    if request is None:
        return None
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user
    # The JSON API authenticates by token: the person is on request.auth.
    auth = getattr(request, "auth", None)
    if getattr(auth, "is_authenticated", False) and hasattr(auth, "email"):
        return auth
    return None


def _person_label(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    name = getattr(user, "name", "") or ""
    email = getattr(user, "email", "") or ""
    return f"{name} <{email}>" if name else email


def _set_target(event: AuditEvent, target, label: str | None) -> None:
    if target is None:
        event.target_label = _cut(label or "")
        return
    try:
        if getattr(target, "pk", None) is None:
            raise ValueError("the target has no primary key")
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = str(target.pk)
        if label is None:
            label = _target_label(target)
    except Exception:
        log.exception("Audit: could not read the target of a %r event: %r", event.verb, target)
        event.target_type, event.target_id = None, ""
        label = label if label is not None else _safe_repr(target)
    event.target_label = _cut(label)


def _target_label(target) -> str:
    if hasattr(target, "audit_label"):
        return str(target.audit_label())
    if hasattr(target, "email") and hasattr(target, "is_staff"):
        return _person_label(target)
    return str(target)


def _set_program(event: AuditEvent, program, target) -> None:
    if program is not None:
        event.program_id = getattr(program, "pk", None)
        return
    model_name = getattr(getattr(target, "_meta", None), "label_lower", "")
    if model_name == "programs.program":
        event.program_id = target.pk
    elif target is not None:
        # A target that belongs to a program names it without a query.
        event.program_id = getattr(target, "program_id", None)


def _clean_details(details: Mapping[str, Any] | None, verb: str) -> dict[str, Any]:
    if not details:
        return {}
    if not isinstance(details, Mapping):
        log.error("Audit: details of a %r event are not a mapping: %r", verb, type(details))
        return {}
    cleaned = {}
    for key, value in details.items():
        if str(key).lower() in FORBIDDEN_DETAIL_KEYS:
            log.error("Audit: dropped the %r detail of a %r event", key, verb)
            continue
        if isinstance(value, str) and len(value) > DETAIL_TEXT_MAX:
            value = value[: DETAIL_TEXT_MAX - 1] + "…"
        cleaned[str(key)] = value
    return cleaned


def _cut(text: str) -> str:
    text = str(text or "")
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _safe_repr(value) -> str:
    try:
        return repr(value)
    except Exception:
        return type(value).__name__
