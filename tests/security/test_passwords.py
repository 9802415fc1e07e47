"""Guessable passwords are refused on every form that sets one; long pass-phrases are welcome."""

import pytest

from lodestar.accounts.models import User
from tests.factories import PASSWORD

LONG_PHRASE = "the quiet river runs past the old mill where we met every tuesday at noon"


def sign_up(client, email: str, password: str):
    return client.post(
        "/accounts/signup/", {"email": email, "password1": password, "password2": password}
    )


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("password123", "too common"),
        ("iloveyou", "too common"),
        ("aaaaaaaabbbbbbbb", "repeats the same character"),
        ("abababababababab", "too few different characters"),
        ("Xk-12345-trouble", "easy sequence"),
        ("qwertyuiop-green", "easy sequence"),
        ("my lodestar pass", "the site’s name"),
        ("samantha-river-77", "your email address"),
    ],
)
def test_guessable_passwords_are_refused_at_sign_up(client, db, password, reason):
    response = sign_up(client, "samantha@example.com", password)
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not User.objects.filter(email="samantha@example.com").exists()


def test_a_long_pass_phrase_with_spaces_is_welcome(client, db):
    assert len(LONG_PHRASE) >= 64
    response = sign_up(client, "phrase@example.com", LONG_PHRASE)
    assert response.status_code == 302
    assert User.objects.get(email="phrase@example.com").check_password(LONG_PHRASE)


def test_changing_to_a_guessable_password_is_refused(client, mentee):
    client.force_login(mentee)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "1111111111aa", "password2": "1111111111aa"},
    )
    assert response.status_code == 200
    assert "repeats the same character" in response.content.decode()
    mentee.refresh_from_db()
    assert mentee.check_password(PASSWORD)


def test_changing_to_a_long_pass_phrase_works(client, mentee):
    client.force_login(mentee)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": LONG_PHRASE, "password2": LONG_PHRASE},
    )
    assert response.status_code == 302
    mentee.refresh_from_db()
    assert mentee.check_password(LONG_PHRASE)
