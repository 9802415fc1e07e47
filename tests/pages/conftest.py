"""The matrix's world is built once (it takes a while) inside a transaction that is rolled back
at the end; each test runs in a savepoint of its own (pytest-django's `db`), rolled back after
it, so that what one role's POST changed is never seen by the next case."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings

from .world import build_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock(), transaction.atomic():
        world = build_world()
        # One session per role, made once: signing in for each of thousands of requests would
        # cost more than the requests.
        world.sessions = {}
        for role, user in world.people.items():
            if user is not None:
                client = Client()
                client.force_login(user)
                world.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def case(world, db):
    """The world, in the savepoint that `db` opens for each test (rolled back after it), with
    fresh rate-limit counters (they live in the cache, which outlives a savepoint)."""
    cache.clear()
    yield world
    cache.clear()
