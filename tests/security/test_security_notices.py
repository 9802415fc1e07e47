"""A person hears by email of every change to how they sign in (password, second factor), with
where it came from; and sign-in emails go through the outbox, so a failing mail server neither
breaks the page nor loses the message."""

import pytest
from django.core import mail

from lodestar.core.models import OutgoingEmail
from tests import factories
from tests.core.test_mfa import current_code, log_in, start_totp_setup
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "another long pass-phrase"


def test_a_changed_password_is_told_to_its_owner_with_where_it_came_from(
    client, django_capture_on_commit_callbacks
):
    user = factories.make_user("owner@example.com")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/change/",
            {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
            REMOTE_ADDR="203.0.113.9",
            HTTP_USER_AGENT="Firefox on a stranger's laptop",
        )

    assert response.status_code == 302
    [notice] = mail.outbox
    assert notice.to == ["owner@example.com"]
    assert notice.subject == "[Lodestar] Password Changed"
    assert "Your password has been changed." in notice.body
    assert "203.0.113.9" in notice.body
    assert "Firefox on a stranger's laptop" in notice.body


@pytest.mark.django_db(transaction=True)
def test_turning_on_an_authenticator_app_is_told_to_its_owner(client):
    # allauth sends this one once the activation commits, still within the request: real commits.
    user = factories.make_user("careful@example.com")
    log_in(client, user.email)
    secret = start_totp_setup(client)

    client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})

    subjects = [m.subject for m in mail.outbox if m.to == ["careful@example.com"]]
    assert "[Lodestar] Authenticator App Activated" in subjects


def test_a_failed_change_tells_nobody(client, django_capture_on_commit_callbacks):
    user = factories.make_user("owner@example.com")
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/change/",
            {
                "oldpassword": "not the password",
                "password1": NEW_PASSWORD,
                "password2": NEW_PASSWORD,
            },
        )

    assert response.status_code == 200
    assert mail.outbox == []
    assert not OutgoingEmail.objects.exists()


class DownMailServer:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def test_a_password_reset_with_the_mail_server_down_is_kept_to_send_later(
    client, settings, django_capture_on_commit_callbacks
):
    factories.make_user("forgetful@example.com")
    settings.EMAIL_BACKEND = f"{__name__}.DownMailServer"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "forgetful@example.com"})

    assert response.status_code == 302  # no error page
    email = OutgoingEmail.objects.get(to="forgetful@example.com")
    assert email.sent_at is None
    assert "the mail server is down" in email.last_error
    assert "/accounts/password/reset/key/" in email.text  # the link waits in the outbox


def test_a_sent_password_reset_link_is_not_kept_in_the_outbox(
    client, django_capture_on_commit_callbacks
):
    factories.make_user("forgetful@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": "forgetful@example.com"})

    [sent] = mail.outbox
    assert "/accounts/password/reset/key/" in sent.body  # the person got the link
    email = OutgoingEmail.objects.get(to="forgetful@example.com")
    assert email.sent_at is not None
    assert email.subject == sent.subject  # what was sent, and when, is still traceable
    assert (email.text, email.html) == ("", "")


def test_other_emails_keep_their_body_once_sent(coordinator, django_capture_on_commit_callbacks):
    from lodestar.core.emails import email_queue

    with django_capture_on_commit_callbacks(execute=True):
        email_queue(to="someone@example.com", subject="Hello", text="Kept", html="<p>Kept</p>")

    assert OutgoingEmail.objects.get(to="someone@example.com").text == "Kept"
