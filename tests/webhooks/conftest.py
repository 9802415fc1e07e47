"""Webhook fixtures: a real HTTP receiver on loopback, an endpoint of `program` pointing at it,
private addresses allowed (the receiver is on 127.0.0.1), and a clock for the worker."""

from datetime import timedelta

import pytest
from django.utils import timezone

from lodestar.webhooks.models import SUBSCRIBABLE, Endpoint

from .receiver import Receiver


@pytest.fixture(autouse=True)
def loopback_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    settings.WEBHOOK_TIMEOUT = 2


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def endpoint(program, coordinator, receiver):
    endpoint = Endpoint.objects.create(
        program=program, url=receiver.url, events=list(SUBSCRIBABLE), created_by=coordinator
    )
    receiver.secret = endpoint.secret
    return endpoint


@pytest.fixture
def clock(monkeypatch):
    """The worker's time: starts now; `clock.advance(minutes=5)` moves it on."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    fixed = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed
