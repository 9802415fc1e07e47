"""Helpers for the audit tests: the events recorded, and a client address to find in them."""

import pytest

from lodestar.audit.models import AuditEvent

CLIENT_IP = "203.0.113.7"


def events_of(verb: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(verb=verb).order_by("id"))


def the_event(verb: str) -> AuditEvent:
    """The one event of this verb; fails if there are none or several."""
    found = events_of(verb)
    assert len(found) == 1, [(e.verb, e.target_label, e.details) for e in found]
    return found[0]


@pytest.fixture
def site_admin(db):
    from tests import factories

    return factories.make_user(
        "admin@example.com", name="Ada Admin", is_staff=True, is_superuser=True
    )
