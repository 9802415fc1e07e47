"""Two-factor authentication: required of coordinators and site admins when
MFA_REQUIRED_FOR_COORDINATORS is on, and a TOTP code works once only."""

import time as real_time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal import auth as totp_auth
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value

from tests import factories
from tests.security.conftest import sign_in

SETUP = "/accounts/2fa/totp/activate/"
SECRET = "JBSWY3DPEHPK3PXP"


class FrozenClock:
    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now

    monotonic = staticmethod(real_time.monotonic)
    sleep = staticmethod(real_time.sleep)


def code_at(secret: str, now: float) -> str:
    return format_hotp_value(hotp_value(secret, int(now) // 30))


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED_FOR_COORDINATORS = True


@pytest.fixture
def admin(db):
    return factories.make_user("admin@example.com", is_staff=True, is_superuser=True)


def test_the_requirement_is_off_unless_configured(client, coordinator, settings):
    assert settings.MFA_REQUIRED_FOR_COORDINATORS is False
    client.force_login(coordinator)
    assert client.get("/dashboard/").status_code == 200


def test_a_coordinator_without_two_factor_is_sent_to_set_it_up(
    client, required, coordinator, program
):
    client.force_login(coordinator)
    for path in ("/dashboard/", f"/programs/{program.slug}/", "/profile/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == SETUP
    page = client.get(SETUP, follow=True)  # setup asks for the password first, and may
    assert page.status_code == 200
    assert "must use two-factor authentication" in page.content.decode()


def test_a_site_admin_without_two_factor_is_sent_to_set_it_up(client, required, admin):
    client.force_login(admin)
    assert client.get("/admin/")["Location"] == SETUP


def test_setup_logout_static_files_and_the_api_stay_reachable(
    client, required, coordinator, program
):
    client.force_login(coordinator)
    assert client.get(SETUP)["Location"].startswith("/accounts/reauthenticate/")
    assert client.get("/api/v1/programs/").status_code == 200
    assert client.get("/static/lodestar/app.js").status_code != 302
    assert client.post("/accounts/logout/")["Location"] != SETUP
    assert client.get("/dashboard/").status_code == 302  # signed out


def test_with_two_factor_a_coordinator_goes_anywhere(client, required, coordinator, program):
    TOTP.activate(coordinator, SECRET)
    client.force_login(coordinator)
    assert client.get(f"/programs/{program.slug}/").status_code == 200


def test_participants_are_not_asked(client, required, mentee):
    client.force_login(mentee)
    assert client.get("/dashboard/").status_code == 200


def test_a_totp_code_is_accepted_once_only(client, monkeypatch, mentee):
    clock = FrozenClock(real_time.time())
    monkeypatch.setattr(totp_auth, "time", clock)
    TOTP.activate(mentee, SECRET)
    code = code_at(SECRET, clock.now)

    sign_in(client, mentee.email)
    client.post("/accounts/2fa/authenticate/", {"code": code})
    assert client.get("/dashboard/").status_code == 200

    client.post("/accounts/logout/")
    sign_in(client, mentee.email)
    reused = client.post("/accounts/2fa/authenticate/", {"code": code})  # same time window
    assert reused.status_code == 200
    assert "Incorrect code" in reused.content.decode()
    assert client.get("/dashboard/").status_code == 302

    clock.now += 30  # the next code, in the next window, works
    client.post("/accounts/2fa/authenticate/", {"code": code_at(SECRET, clock.now)})
    assert client.get("/dashboard/").status_code == 200
    assert Authenticator.objects.filter(user=mentee).count() == 1
