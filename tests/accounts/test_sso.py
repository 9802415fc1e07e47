"""Single sign-on with OpenID Connect, against a real identity provider on loopback.

Each sign-in runs the whole flow: the test client starts it on our site, the test visits the
provider's authorization endpoint over HTTP as the browser would, then the test client brings the
code back to our callback, and allauth fetches discovery, tokens and userinfo from the provider.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.models import SocialAccount
from django.core.exceptions import ImproperlyConfigured

from lodestar.accounts.models import User
from lodestar.accounts.sso_config import oidc_settings
from tests import factories
from tests.support.oidc_provider import OIDCProvider, switch_on_sso

START_URL = "/accounts/oidc/acme/login/"


@pytest.fixture
def idp():
    provider = OIDCProvider().start()
    yield provider
    provider.stop()


@pytest.fixture
def sso(idp, settings, db):
    """SSO switched on for this test, for addresses at acme.test."""
    switch_on_sso(settings, idp)
    return idp


def sign_in_through(client, idp, *, next_url: str = ""):
    """Click "Sign in with Acme SSO", consent at the provider, come back: the final response."""
    started = client.post(START_URL + (f"?next={next_url}" if next_url else ""))
    assert started.status_code == 302, started.content
    callback = urlsplit(idp.authorize(started["Location"]))
    assert callback.path == "/accounts/oidc/acme/login/callback/"
    return client.get(f"{callback.path}?{callback.query}")


def signed_in_user(client):
    response = client.get("/dashboard/")
    return response.wsgi_request.user if response.status_code == 200 else None


# --- off by default ------------------------------------------------------------------------


def test_without_configuration_there_is_no_sso_button_and_no_provider(client, db):
    content = client.get("/accounts/login/").content.decode()
    assert "Sign in with" not in content
    assert "/accounts/oidc/" not in content
    assert client.get("/accounts/oidc/sso/login/").status_code == 404
    assert client.post("/accounts/oidc/sso/login/").status_code == 404


# --- the button ----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_entrance_pages_offer_a_sign_in_button_for_the_provider(client, sso, path):
    response = client.get(path)
    content = response.content.decode()
    form = re.search(
        r'<form method="post" action="/accounts/oidc/acme/login/[^"]*">(.*?)</form>', content, re.S
    )
    assert form, "a POST form to the provider's login URL"
    assert "csrfmiddlewaretoken" in form.group(1)
    assert re.search(r'<button type="submit"[^>]*>Sign in with Acme SSO</button>', form.group(1))
    assert content.count("<h1>") == 1


def test_the_page_lets_its_form_redirect_to_the_provider(client, sso):
    # The sign-in form posts to us and we redirect to the provider: browsers hold that redirect
    # to the page's form-action, so without the provider's origin the button would do nothing.
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    form_action = re.search(r"form-action ([^;]+)", policy).group(1).split()
    assert form_action == ["'self'", sso.issuer]


# --- just-in-time accounts -----------------------------------------------------------------


def test_first_sign_in_from_an_allowed_domain_creates_the_account(client, sso):
    sso.sign_in_as(
        sub="ada-1",
        email="Ada.Lovelace@Acme.test",
        email_verified=True,
        given_name="Ada",
        family_name="Lovelace",
    )

    response = sign_in_through(client, sso)

    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    user = signed_in_user(client)
    assert user is not None and user.email == "ada.lovelace@acme.test"
    assert user.name == "Ada Lovelace"
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).uid == "ada-1"
    # PKCE: the code was bound to this login attempt and the verifier checked by the provider.
    assert sso.grants_used[0].code_challenge


def test_a_returning_person_reaches_the_same_account_and_the_page_they_asked_for(client, sso):
    sso.sign_in_as(sub="grace-1", email="grace@acme.test", email_verified=True, name="Grace H.")
    sign_in_through(client, sso)
    client.post("/accounts/logout/")

    response = sign_in_through(client, sso, next_url="/accounts/email/")

    assert response["Location"] == "/accounts/email/"
    assert User.objects.count() == 1
    assert signed_in_user(client).name == "Grace H."


def test_another_domain_is_refused_and_nobody_is_created(client, sso):
    sso.sign_in_as(email="eve@elsewhere.test", email_verified=True)

    response = sign_in_through(client, sso)

    assert response.status_code == 403
    assert "not open to addresses in this domain" in response.content.decode()
    assert not User.objects.exists() and not SocialAccount.objects.exists()
    assert signed_in_user(client) is None


@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_address_the_provider_has_not_verified_is_refused(client, sso, verified):
    claims = {"email": "new@acme.test"}
    if verified is not None:
        claims["email_verified"] = verified
    sso.sign_in_as(**claims)

    response = sign_in_through(client, sso)

    assert response.status_code == 403
    assert "has not verified your email address" in response.content.decode()
    assert not User.objects.exists()
    assert signed_in_user(client) is None


# --- existing accounts ---------------------------------------------------------------------


def test_an_existing_local_account_is_connected_rather_than_duplicated(client, sso):
    local = factories.make_user("max@acme.test", name="Max Mentor")
    sso.sign_in_as(sub="max-1", email="MAX@acme.test", email_verified=True, name="Maximilian")

    sign_in_through(client, sso)

    assert signed_in_user(client) == local
    assert User.objects.count() == 1
    assert SocialAccount.objects.get(uid="max-1").user == local
    local.refresh_from_db()
    assert local.name == "Max Mentor"  # their own choice stays
    assert local.has_usable_password()  # their address was verified: nothing to fear


@pytest.mark.parametrize("address_on_record", [True, False])
def test_connecting_an_account_whose_address_was_never_verified_drops_its_password(
    client, sso, address_on_record
):
    # Someone may have registered the address before its owner; the owner's SSO sign-in proves
    # the address, and whoever chose that password must not keep a way in.
    squatted = User.objects.create_user(email="ops@acme.test", password=factories.PASSWORD)
    if address_on_record:
        EmailAddress.objects.create(user=squatted, email=squatted.email, primary=True)
    sso.sign_in_as(email="ops@acme.test", email_verified=True)

    sign_in_through(client, sso)

    squatted.refresh_from_db()
    assert signed_in_user(client) == squatted
    assert not squatted.has_usable_password()
    assert EmailAddress.objects.get(user=squatted).verified  # the provider's word is recorded


def test_a_local_account_elsewhere_is_not_connected_through_sso(client, sso):
    factories.make_user("max@elsewhere.test")
    sso.sign_in_as(email="max@elsewhere.test", email_verified=True)

    assert sign_in_through(client, sso).status_code == 403
    assert not SocialAccount.objects.exists()


def test_a_deactivated_person_cannot_sign_in_through_sso(client, sso):
    sso.sign_in_as(sub="leaver-1", email="leaver@acme.test", email_verified=True)
    sign_in_through(client, sso)
    client.post("/accounts/logout/")
    User.objects.filter(email="leaver@acme.test").update(is_active=False)

    response = sign_in_through(client, sso)

    assert response.status_code == 403
    assert "deactivated" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_deactivated_local_account_is_neither_connected_nor_duplicated(client, sso):
    leaver = factories.make_user("leaver@acme.test", is_active=False)
    sso.sign_in_as(email="leaver@acme.test", email_verified=True)

    response = sign_in_through(client, sso)

    assert response.status_code == 403
    assert list(User.objects.all()) == [leaver]
    assert not SocialAccount.objects.exists()
    assert signed_in_user(client) is None


def test_local_two_factor_is_still_asked_for_after_sso(client, sso):
    careful = factories.make_user("careful@acme.test")
    TOTP.activate(careful, generate_totp_secret())
    sso.sign_in_as(email="careful@acme.test", email_verified=True)

    response = sign_in_through(client, sso)

    assert response.status_code == 302 and response["Location"] == "/accounts/2fa/authenticate/"
    assert signed_in_user(client) is None


# --- tokens that must not be believed ------------------------------------------------------


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"aud": "another-client"}, id="for another client"),
        pytest.param({"iss": "http://127.0.0.1:9/"}, id="from another issuer"),
        pytest.param({"exp": 1_000_000_000}, id="expired"),
    ],
)
def test_an_id_token_that_is_not_for_us_is_refused(client, sso, changes):
    sso.sign_in_as(email="ada@acme.test", email_verified=True)
    sso.id_token_changes = changes

    response = sign_in_through(client, sso)

    assert "Third-Party Login Failure" in response.content.decode()
    assert not User.objects.exists()
    assert signed_in_user(client) is None


def test_a_callback_this_browser_did_not_start_is_refused(client, sso):
    # Someone else's code (say, an attacker's own account) pasted into a victim's browser.
    sso.sign_in_as(email="mallory@acme.test", email_verified=True)
    attacker = sso.authorize(client.post(START_URL)["Location"])
    victim = type(client)()

    callback = urlsplit(attacker)
    response = victim.get(f"{callback.path}?{callback.query}")

    assert "Third-Party Login Failure" in response.content.decode()
    assert signed_in_user(victim) is None
    assert parse_qs(callback.query)["code"]  # the code existed; only the browser was wrong


# --- configuration -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides, problem",
    [
        ({"server_url": "http://idp.example.com"}, "https"),
        ({"allowed_domains": []}, "OIDC_ALLOWED_DOMAINS"),
        ({"client_secret": ""}, "OIDC_CLIENT_SECRET"),
    ],
)
def test_an_unsafe_or_incomplete_configuration_stops_the_server_starting(overrides, problem):
    values = {
        "server_url": "https://idp.example.com/realms/acme",
        "client_id": "lodestar",
        "client_secret": "s3cret",
        "allowed_domains": ["acme.test"],
        **overrides,
    }
    with pytest.raises(ImproperlyConfigured, match=problem):
        oidc_settings(**values)


def test_configuration_normalises_domains_and_allows_the_provider_in_form_action():
    values = oidc_settings(
        server_url="https://login.acme.test/realms/staff",
        client_id="lodestar",
        client_secret="s3cret",
        allowed_domains=[" Acme.test", "@staff.acme.test", ""],
        extra_form_action=["https://mfa.acme.test/challenge"],
    )
    assert values["OIDC_ALLOWED_DOMAINS"] == ["acme.test", "staff.acme.test"]
    assert values["CSP_FORM_ACTION"] == [
        "'self'",
        "https://login.acme.test",
        "https://mfa.acme.test",
    ]
