"""Two-factor authentication: TOTP with recovery codes, through django-allauth."""

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from tests import factories
from tests.factories import PASSWORD


def current_code(secret: str) -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


def log_in(client, email):
    return client.post("/accounts/login/", {"login": email, "password": PASSWORD})


def start_totp_setup(client) -> str:
    """Changing two-factor settings asks for the password again, even right after login."""
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302 and "/accounts/reauthenticate/" in response["Location"]
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert client.get("/accounts/2fa/totp/activate/").status_code == 200
    return client.session["mfa.totp.secret"]


def test_a_person_turns_on_totp_and_then_needs_a_second_factor_to_log_in(client, db):
    user = factories.make_user("careful@example.com")
    log_in(client, user.email)

    secret = start_totp_setup(client)

    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert not Authenticator.objects.filter(user=user).exists()

    client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    codes = RecoveryCodes(recovery).get_unused_codes()
    assert len(codes) >= 8

    client.post("/accounts/logout/")
    response = log_in(client, user.email)
    assert response.status_code == 302
    assert "/accounts/2fa/authenticate/" in response["Location"]
    assert client.get("/dashboard/").status_code == 302  # not logged in yet

    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    assert client.get("/dashboard/").status_code == 200


def test_a_recovery_code_works_only_once(client, db):
    user = factories.make_user("once@example.com")
    log_in(client, user.email)
    secret = start_totp_setup(client)
    client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    code = RecoveryCodes(
        Authenticator.objects.get(user=user, type="recovery_codes")
    ).get_unused_codes()[0]

    for dashboard_status in (200, 302):  # the first use logs in; the second is refused
        client.post("/accounts/logout/")
        log_in(client, user.email)
        client.post("/accounts/2fa/authenticate/", {"code": code})
        assert client.get("/dashboard/").status_code == dashboard_status
