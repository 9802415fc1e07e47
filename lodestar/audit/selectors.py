"""Reads on the audit trail: the searches of the audit pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from .models import AuditEvent


@dataclass(frozen=True)
class Search:
    verb: str = ""
    actor: str = ""
    text: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.verb or self.actor or self.text or self.date_from or self.date_to)


def _start_of(day: dt.date) -> dt.datetime:
    """Midnight of `day` in the viewer's time zone (the active one), as an aware moment."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def search_events(search: Search, *, program=None) -> QuerySet[AuditEvent]:
    """Events matching `search`, newest first; only `program`'s when given. Dates are days in
    the viewer's time zone, both ends included."""
    events = AuditEvent.objects.select_related("program").order_by("-at", "-id")
    if program is not None:
        events = events.filter(program=program)
    if search.verb:
        events = events.filter(verb=search.verb)
    if search.actor:
        events = events.filter(actor_label__icontains=search.actor)
    if search.text:
        events = events.filter(target_label__icontains=search.text)
    if search.date_from:
        events = events.filter(at__gte=_start_of(search.date_from))
    if search.date_to:
        events = events.filter(at__lt=_start_of(search.date_to + dt.timedelta(days=1)))
    return events
