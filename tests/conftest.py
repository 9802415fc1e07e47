"""Shared personas and settings for the whole suite.

Personas follow the people who use Lodestar: a coordinator of `program`, an approved mentor and
mentee in it, an outsider with an account but no part in it, and a rival coordinator who runs
`other_program`.
"""

import pytest
from django.conf import settings

from tests import factories


def pytest_configure(config):
    # Fast hashing for tests; production keeps Argon2. Plain static storage: no collectstatic.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.SITE_URL = "http://testserver"


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
