"""Sign-in, sign-up, password reset, re-authentication and second-factor codes are throttled in a
cache that every process shares (a database table by default), and the throttle cools off."""

import os
import subprocess
import sys
import textwrap
import time as real_time
from pathlib import Path

import pytest
from allauth.core.internal import ratelimit
from django.conf import settings

from tests.factories import PASSWORD
from tests.security.conftest import sign_in

PROJECT = Path(__file__).resolve().parents[2]
REFUSED = "Too many failed sign-in attempts. Wait a few minutes, then try again."


class Clock:
    """The clock allauth's limiter reads, moved forward by hand (sleeping is real)."""

    def __init__(self):
        self.offset = 0.0

    def time(self) -> float:
        return real_time.time() + self.offset

    monotonic = staticmethod(real_time.monotonic)
    sleep = staticmethod(real_time.sleep)


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(ratelimit, "time", fake)
    return fake


def test_the_default_cache_is_shared_by_every_process():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"


def test_repeated_wrong_passwords_are_refused_then_allowed_after_the_window(client, mentee, clock):
    for _ in range(5):
        response = sign_in(client, mentee.email, "not the password at all")
        assert response.status_code == 200
        assert REFUSED not in response.content.decode()

    refused = sign_in(client, mentee.email)  # even the right password, for now
    assert refused.status_code == 200
    assert REFUSED in refused.content.decode()
    assert client.get("/dashboard/").status_code == 302

    clock.offset = 5 * 60 + 1  # the five-minute window passes: a cool-off, not a lockout
    assert sign_in(client, mentee.email).status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_the_limit_is_per_account_not_for_everyone(client, mentee, mentor, clock):
    for _ in range(5):
        sign_in(client, mentee.email, "not the password at all")
    assert sign_in(client, mentor.email).status_code == 302


def test_sign_up_is_throttled_per_address(client, db, clock):
    statuses = [
        client.post(
            "/accounts/signup/",
            {"email": f"bot{n}@example.com", "password1": PASSWORD, "password2": PASSWORD},
        ).status_code
        for n in range(21)
    ]
    assert 429 not in statuses[:20]
    assert statuses[20] == 429


def test_password_reset_requests_are_throttled(client, mentee, clock):
    statuses = [
        client.post("/accounts/password/reset/", {"email": mentee.email}).status_code
        for _ in range(6)
    ]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429


def test_reauthentication_is_throttled(client, mentee, clock):
    client.force_login(mentee)
    for _ in range(10):
        client.post("/accounts/reauthenticate/", {"password": "wrong guess"})
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 429


SCRIPT = textwrap.dedent(
    """
    import os, sys
    import django
    os.environ["DJANGO_SETTINGS_MODULE"] = "lodestar.settings"
    django.setup()
    from django.conf import settings
    # No collectstatic here: plain static storage, as in the test suite.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    from django.test import Client
    from lodestar.accounts.models import User

    step = sys.argv[1]
    client = Client()
    login = {"login": "person@example.com"}
    if step == "guess":
        User.objects.create_user("person@example.com", password="the right pass phrase")
        for _ in range(5):
            client.post("/accounts/login/", {**login, "password": "a wrong guess"})
    else:
        response = client.post("/accounts/login/", {**login, "password": "the right pass phrase"})
        print("REFUSED" if b"Too many failed sign-in attempts" in response.content else "IN")
    """
)


def test_the_failed_sign_in_count_is_shared_between_processes(tmp_path, migrated_sqlite_url):
    """One process guesses; another, with its own connection, is then refused."""
    environment = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "DEBUG": "0",
        "ACCOUNT_EMAIL_VERIFICATION": "none",
        "LODESTAR_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": migrated_sqlite_url,  # the cache's table included
    }

    def run(step: str) -> str:
        result = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", SCRIPT, step],
            cwd=PROJECT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    run("guess")
    assert run("sign-in") == "REFUSED"
