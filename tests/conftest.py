"""Shared personas and settings for the whole suite.

Personas follow the people who use Lodestar: a coordinator of `program`, an approved mentor and
mentee in it, an outsider with an account but no part in it, and a rival coordinator who runs
`other_program`.
"""

import os
from itertools import count

import pytest
from django.conf import settings

from tests import factories, migrated

_scratch = count(1)


def pytest_configure(config):
    # Fast hashing for tests; production keeps Argon2. Plain static storage: no collectstatic.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SITE_URL = "http://testserver"


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Tests that use no test database first. pytest-django runs them last (after the database
    tests, which it orders as Django does, and that order is kept); among them are the longest of
    the suite, running Lodestar in processes of their own, and last they left the other workers
    idle for minutes at the end of the run."""

    def uses_database(item) -> bool:
        names = set(getattr(item, "fixturenames", ()))
        return item.get_closest_marker("django_db") is not None or bool(names & DATABASE_FIXTURES)

    items.sort(key=uses_database)


def pytest_sessionfinish(session):
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        migrated.clean_up()


# Databases for Lodestar run in processes of its own (tests/migrated.py) ------------------------


@pytest.fixture
def migrated_sqlite_url(tmp_path) -> str:
    """DATABASE_URL of a migrated SQLite file of this test's own."""
    return migrated.sqlite_copy(tmp_path / "lodestar.sqlite3")


@pytest.fixture
def migrated_postgres_url():
    """DATABASE_URL of a migrated PostgreSQL database of this test's own, dropped after it."""
    server = migrated.postgres_server()
    if server is None:
        pytest.skip("DATABASE_URL is not PostgreSQL and no server answers at 127.0.0.1:5432")
    pytest.importorskip("psycopg")
    name = f"lodestar_scratch_{os.getpid()}_{next(_scratch)}"
    try:
        yield migrated.postgres_copy(server, name)
    finally:
        migrated.postgres_drop(server, name)


@pytest.fixture
def migrated_database_url(request) -> str:
    """A migrated database of this test's own, of the kind the suite runs on."""
    if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        return request.getfixturevalue("migrated_postgres_url")
    return request.getfixturevalue("migrated_sqlite_url")


@pytest.fixture
def coordinator(db):
    return factories.make_user(
        "coordinator@example.com", name="Cora Coordinator", can_create_programs=True
    )


@pytest.fixture
def program(coordinator):
    return factories.make_program(coordinator=coordinator, name="Spring Cohort", slug="spring")


@pytest.fixture
def mentor(program):
    user = factories.make_user("mentor@example.com", name="Max Mentor")
    factories.make_enrolment(program, user, role="mentor", capacity=2)
    return user


@pytest.fixture
def mentee(program):
    user = factories.make_user("mentee@example.com", name="Mia Mentee")
    factories.make_enrolment(program, user, role="mentee")
    return user


@pytest.fixture
def outsider(db):
    return factories.make_user("outsider@example.com", name="Otto Outsider")


@pytest.fixture
def other_coordinator(db):
    return factories.make_user("rival@example.com", name="Rita Rival", can_create_programs=True)


@pytest.fixture
def other_program(other_coordinator):
    return factories.make_program(
        coordinator=other_coordinator, name="Autumn Cohort", slug="autumn"
    )


@pytest.fixture(autouse=True)
def _content_types_uncached():
    """Django keeps the content types it has looked up for the life of the process, so whether a
    page's first request looks one up depended on the tests run before it in the same worker:
    a query count compared across two requests passed or failed by the order of the suite. Each
    test starts with none cached."""
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
