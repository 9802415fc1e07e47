"""Single sign-on in a real browser: the button, the provider, and back to the dashboard."""

import pytest
from playwright.sync_api import expect

from lodestar.accounts.models import User
from tests.e2e.conftest import assert_accessible, heading
from tests.support.oidc_provider import OIDCProvider, switch_on_sso


@pytest.fixture
def idp():
    provider = OIDCProvider().start()
    yield provider
    provider.stop()


def test_a_person_signs_in_with_their_organisation_and_lands_on_their_dashboard(
    page, settings, idp
):
    switch_on_sso(settings, idp)
    # The live server speaks plain HTTP; the provider must send the browser back to it.
    settings.ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
    idp.sign_in_as(email="ada@acme.test", email_verified=True, name="Ada Lovelace")

    page.goto("/accounts/login/")
    assert_accessible(page)
    button = page.get_by_role("button", name="Sign in with Acme SSO")
    # By keyboard: the button takes focus and Enter submits it, through the provider and back
    # (which also proves the page's CSP lets its form redirect to the provider).
    button.focus()
    page.keyboard.press("Enter")

    expect(heading(page)).to_have_text("Hello, Ada Lovelace")
    assert_accessible(page)
    assert User.objects.get(email="ada@acme.test").name == "Ada Lovelace"
