"""How long the audit trail keeps an event: AUDIT_KEEP_DAYS (0 keeps every event).

The trail holds names, addresses and IPs, the erased included (privacy/inventory.py says why):
a security record, kept as long as it serves that purpose and no longer. The scheduler's daily
"audit_prune" job (or `manage.py audit_prune`) deletes older events through the one door the
database triggers leave open (triggers.pruning), and records that it did.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import triggers
from .models import AuditEvent, Verb
from .services import record

log = logging.getLogger(__name__)


def audit_cutoff(now: datetime | None = None) -> datetime | None:
    """Events recorded before this moment are past their keeping; None when all are kept."""
    days = settings.AUDIT_KEEP_DAYS
    if not days or days <= 0:
        return None
    return (now or timezone.now()) - timedelta(days=days)


def audit_events_due(now: datetime | None = None) -> int:
    cutoff = audit_cutoff(now)
    return 0 if cutoff is None else AuditEvent.objects.filter(at__lt=cutoff).count()


def audit_prune(*, now: datetime | None = None) -> int:
    """Delete the events past AUDIT_KEEP_DAYS; returns how many went."""
    cutoff = audit_cutoff(now)
    if cutoff is None:
        return 0
    with transaction.atomic(), triggers.pruning(cutoff, connection):
        # The manager refuses deletes (models.py): the raw delete goes to the triggers alone.
        deleted = AuditEvent._base_manager.filter(at__lt=cutoff)._raw_delete(connection.alias)
        if deleted:
            record(
                Verb.RETENTION_PURGED,
                details={
                    "audit_events": deleted,
                    "before": cutoff.isoformat(),
                    "keep_days": settings.AUDIT_KEEP_DAYS,
                },
            )
    if deleted:
        log.info("Audit retention: %s events recorded before %s deleted", deleted, cutoff)
    return deleted
