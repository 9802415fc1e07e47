"""Recording sensitive actions in the audit trail (issue 8).

Every caller uses `record`; the trail is append-only.
"""

from __future__ import annotations

from typing import Any


def record(
    verb: str,
    *,
    actor=None,
    target=None,
    program=None,
    request=None,
    details: dict[str, Any] | None = None,
) -> None:
    """Write one audit event. Verbs in use: "login_failed", "role_changed", "match_overridden",
    "match_published", "exported" (a coordinator's CSV/report export), "data_exported" (a
    person's own data export), "erased", "concern_viewed", "token_created",
    "conversation_accessed", "retention_purged".

    Write one audit event: who (`actor`, else `request.user`), did what (`verb`, one of
    `AuditEvent.Verb`), to what (`target`, any model instance), in which program, from which
    IP (taken from `request`), with `details` (JSON, never message content)."""
    # Scaffolding: the audit helper replaces this body with the real write.
    return None
