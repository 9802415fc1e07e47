"""Sign-up, log-in and account pages come from django-allauth, dressed in our layout."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from lodestar.accounts.models import User
from tests.factories import PASSWORD


def test_signup_stores_the_email_in_lower_case_and_sends_a_verification_email(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {"email": "New.Person@Example.COM", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"

    user = User.objects.get()
    assert user.email == "new.person@example.com"
    assert EmailAddress.objects.get(user=user).verified is False
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.com"]
    assert "/accounts/confirm-email/" in mail.outbox[0].body


def test_person_cannot_log_in_before_verifying_their_email(client, db):
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD},
    )
    client.logout()
    client.post("/accounts/login/", {"login": "new@example.com", "password": PASSWORD})
    assert client.get("/dashboard/").status_code == 302


def test_signup_with_an_address_in_use_creates_no_one_and_warns_its_owner(
    client, mentee, django_capture_on_commit_callbacks
):
    # allauth answers as if all went well, so the form cannot be used to discover who has an
    # account; the owner of the address is told by email instead.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/signup/",
            {"email": "MENTEE@example.com", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="mentee@example.com").count() == 1
    assert [message.to for message in mail.outbox] == [["mentee@example.com"]]


def test_signup_with_a_malformed_email_marks_the_field(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "not-an-address", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert '<small class="field-error" id="id_email_error">' in content
    assert re.search(r'<input[^>]*aria-invalid="true"[^>]*id="id_email"', content)
    assert not User.objects.exists()


@pytest.mark.parametrize("path", ["/accounts/login/", "/accounts/signup/"])
def test_entrance_forms_have_visible_labels(client, db, path):
    content = client.get(path).content.decode()
    assert content.count("<h1>") == 1
    for field_id in re.findall(
        r'<input[^>]*type="(?:email|password|text)"[^>]*id="([^"]+)"', content
    ):
        assert f'<label for="{field_id}">' in content


def test_wrong_password_is_explained_in_an_alert(client, mentee):
    response = client.post("/accounts/login/", {"login": mentee.email, "password": "nope"})
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()


def test_a_short_password_error_sits_next_to_its_field(client, db):
    response = client.post(
        "/accounts/signup/", {"email": "a@example.com", "password1": "short", "password2": "short"}
    )
    content = response.content.decode()
    assert re.search(
        r'aria-invalid="true"[^>]*aria-describedby="[^"]*id_password1_error[^"]*"[^>]*id="id_password1"',
        content,
    )
    assert '<small class="field-error" id="id_password1_error">' in content
    assert not User.objects.exists()


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/password/reset/",
        "/accounts/2fa/",
    ],
)
def test_account_pages_render_inside_our_layout(client, mentee, path):
    client.force_login(mentee)
    response = client.get(path)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'class="skip-link"' in content  # our base layout
    assert content.count("<h1>") == 1


def test_email_page_lists_addresses_with_labelled_choices(client, mentee):
    client.force_login(mentee)
    content = client.get("/accounts/email/").content.decode()
    match = re.search(r'<input type="radio" name="email"[^>]*id="([^"]+)"', content)
    assert match and f'<label for="{match.group(1)}">' in content


def test_two_factor_page_offers_pico_buttons(client, mentee):
    client.force_login(mentee)
    content = client.get("/accounts/2fa/").content.decode()
    assert 'href="/accounts/2fa/totp/activate/" role="button"' in content
