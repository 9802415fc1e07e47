"""API personas: the suite's people with a mentorship between mentor and mentee, a member of
another program, a site admin, and a way to call the API with a token."""

import json
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from lodestar.accounts.tokens import token_create
from lodestar.programs.models import Enrolment
from tests import factories


@pytest.fixture(autouse=True)
def fresh_rate_limit(db, settings):
    # The rate limiter counts in the cache, a database table by default: each API call would add
    # its reads and writes to the query counts asserted here, which measure the endpoints. A
    # process-local cache keeps the limiter's own cost out (tests/security proves the counters
    # are shared between processes with the real cache).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pair(program, mentor, mentee):
    return factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(program=program, user=mentor),
        mentees=[Enrolment.objects.get(program=program, user=mentee)],
    )


@pytest.fixture
def other_member(other_program):
    """Takes part in another program: must learn nothing of `program`'s people."""
    user = factories.make_user("other@example.com", name="Olga Other")
    factories.make_enrolment(other_program, user, role="mentee")
    return user


@pytest.fixture
def site_admin(db):
    return factories.make_user("admin@example.com", name="Ada Admin", is_superuser=True)


@pytest.fixture
def people(coordinator, mentor, mentee, other_member, site_admin, outsider):
    """Each role of the authorisation matrix, by name (None for an anonymous caller)."""
    return {
        "anonymous": None,
        "coordinator": coordinator,
        "mentor": mentor,
        "mentee": mentee,
        "other_member": other_member,
        "site_admin": site_admin,
        "outsider": outsider,
    }


def bearer(user, scope="read_write") -> dict:
    _token, secret = token_create(
        user=user,
        name="script",
        scope=scope,
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


PROBLEM_KINDS = {
    400: "invalid",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    409: "conflict",
    422: "unprocessable",
    429: "throttled",
}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert set(body) >= {"type", "title", "status", "detail", "errors"}
    assert body["type"] == "urn:lodestar:problem:" + PROBLEM_KINDS[status]
    assert body["title"] and body["detail"]
    return body


def call(client, user, method, url, body=None, scope="read_write"):
    """Call the API as `user` (anonymously for None) with a JSON body, if any."""
    headers = bearer(user, scope) if user else {}
    if body is not None:
        headers.update(data=json.dumps(body), content_type="application/json")
    return client.generic(method, url, **headers)
