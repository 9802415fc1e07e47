import re

from django.core import mail

from tests import factories

NEW_PASSWORD = "a-brand-new-pass-phrase"


def test_a_person_who_forgot_their_password_resets_it_from_the_emailed_link(
    client, db, django_capture_on_commit_callbacks
):
    user = factories.make_user("forgetful@example.com")
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after commit
        client.post("/accounts/password/reset/", {"email": "Forgetful@Example.com"})

    (message,) = mail.outbox
    assert message.to == ["forgetful@example.com"]
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_common_password_is_refused_at_sign_up(client, db):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "password123", "password2": "password123"},
    )
    assert response.status_code == 200
    assert "This password is too common." in response.content.decode()
    assert not factories.User.objects.filter(email="new@example.com").exists()
