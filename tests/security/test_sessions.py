"""Sessions: a new id at sign-in, an idle and an absolute limit, every other session ended by a
password change, all of them by a password reset or a deactivation, and the password asked
again before the email address or the second factor changes."""

import re

from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client

from lodestar.accounts.security import SEEN, STARTED
from tests.factories import PASSWORD
from tests.security.conftest import sign_in

NEW_PASSWORD = "a quite different pass phrase for spring"


def signed_in(user) -> Client:
    client = Client()
    assert sign_in(client, user.email).status_code == 302
    assert client.get("/dashboard/").status_code == 200
    return client


def turn_clock_back(client: Client, key: str, seconds: int) -> None:
    """As if `seconds` more had passed since the session's clock was set."""
    session = client.session
    session[key] -= seconds
    session.save()


def test_signing_in_gives_a_new_session_id(client, mentee):
    before = client.session
    before["language_hint"] = "en"  # an anonymous visitor's session, as a browser has
    before.save()
    old_key = before.session_key

    sign_in(client, mentee.email)

    assert client.session.session_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()


def test_a_session_idle_for_longer_than_the_limit_is_ended(mentee, settings):
    client = signed_in(mentee)
    turn_clock_back(client, SEEN, settings.SESSION_IDLE_SECONDS + 1)

    response = client.get("/dashboard/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fdashboard%2F"
    page = client.get(response["Location"])
    assert "signed out after 30 minutes without activity" in page.content.decode()
    assert client.get("/dashboard/").status_code == 302  # still signed out
    assert response["Clear-Site-Data"] == '"cache"'


def test_activity_within_the_idle_limit_keeps_the_session(mentee, settings):
    client = signed_in(mentee)
    turn_clock_back(client, SEEN, settings.SESSION_IDLE_SECONDS - 60)
    assert client.get("/dashboard/").status_code == 200
    turn_clock_back(client, SEEN, settings.SESSION_IDLE_SECONDS - 60)  # the clock moved on
    assert client.get("/dashboard/").status_code == 200


def test_a_session_ends_at_the_absolute_limit_however_busy(mentee, settings):
    client = signed_in(mentee)
    turn_clock_back(client, STARTED, settings.SESSION_ABSOLUTE_SECONDS + 1)

    response = client.get("/profile/", follow=True)

    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert "sessions last 12.0 hours at most" in response.content.decode()


def test_signing_out_tells_the_browser_to_forget_the_pages_it_kept(mentee):
    client = signed_in(mentee)

    response = client.post("/accounts/logout/")

    assert response.status_code == 302
    # "cache" alone: cookies would be cleared across the whole registrable domain.
    assert response["Clear-Site-Data"] == '"cache"'
    assert client.get("/dashboard/").status_code == 302


def test_only_the_response_that_ends_a_session_clears_the_browser(client, mentee):
    assert "Clear-Site-Data" not in client.get("/accounts/login/")
    assert "Clear-Site-Data" not in client.post("/accounts/logout/")  # nobody to sign out
    response = sign_in(client, mentee.email)
    assert "Clear-Site-Data" not in response
    assert "Clear-Site-Data" not in client.get("/dashboard/")


def test_the_limits_are_configurable_with_sane_defaults(settings):
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
    assert settings.SESSION_COOKIE_AGE <= settings.SESSION_ABSOLUTE_SECONDS


def test_changing_the_password_ends_every_other_session(mentee):
    here, elsewhere = signed_in(mentee), signed_in(mentee)

    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.check_password(NEW_PASSWORD)
    assert here.get("/dashboard/").status_code == 200  # the session that changed it stays
    assert elsewhere.get("/dashboard/").status_code == 302


def test_a_password_reset_ends_every_session(client, mentee, django_capture_on_commit_callbacks):
    elsewhere = signed_in(mentee)

    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        client.post("/accounts/password/reset/", {"email": mentee.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", mail.outbox[-1].body)
    form_page = client.get(link.group(1), follow=True)
    client.post(
        form_page.redirect_chain[-1][0], {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    )

    mentee.refresh_from_db()
    assert mentee.check_password(NEW_PASSWORD)
    assert elsewhere.get("/dashboard/").status_code == 302


def test_deactivating_an_account_ends_its_sessions(mentee):
    first, second = signed_in(mentee), signed_in(mentee)

    mentee.is_active = False
    mentee.save(update_fields=["is_active"])

    for client in (first, second):
        assert client.get("/dashboard/").status_code == 302
    again = Client()
    assert sign_in(again, mentee.email)["Location"] == "/accounts/inactive/"
    assert again.get("/dashboard/").status_code == 302  # and cannot sign in again


def test_changing_the_email_address_asks_for_the_password_again(client, mentee, settings):
    assert settings.ACCOUNT_REAUTHENTICATION_REQUIRED
    client.force_login(mentee)  # signed in a while ago: no recent password entry

    response = client.post("/accounts/email/", {"action_add": "", "email": "new@example.com"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert not mentee.emailaddress_set.filter(email="new@example.com").exists()


def test_turning_on_two_factor_asks_for_the_password_again(client, mentee):
    client.force_login(mentee)
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
