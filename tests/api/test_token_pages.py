from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from lodestar.accounts.models import ApiToken
from lodestar.accounts.tokens import token_authenticate, token_create
from tests.factories import PASSWORD


def log_in(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def test_the_profile_links_to_the_tokens_page(client, outsider):
    log_in(client, outsider)
    assert reverse("api_tokens").encode() in client.get(reverse("profile")).content


def test_creating_a_token_shows_its_secret_once(client, outsider):
    log_in(client, outsider)
    expires = timezone.localdate() + timedelta(days=30)
    response = client.post(
        reverse("api_tokens"),
        {"name": "Weekly report", "scope": "read", "expires_on": expires.isoformat()},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=outsider)
    secret = response.context["secret"]
    assert token_authenticate(secret) == token
    assert secret.encode() in response.content
    assert b"only time it is shown" in response.content
    assert "no-store" in response["Cache-Control"]

    listing = client.get(reverse("api_tokens"))
    assert secret.encode() not in listing.content
    assert f"lsk_{token.prefix}".encode() in listing.content
    assert b"Weekly report" in listing.content


def test_a_token_needs_an_expiry_within_a_year(client, outsider):
    log_in(client, outsider)
    too_late = timezone.localdate() + timedelta(days=400)
    response = client.post(
        reverse("api_tokens"), {"name": "x", "scope": "read", "expires_on": too_late.isoformat()}
    )
    assert response.status_code == 400
    assert b"at most a year" in response.content
    assert not ApiToken.objects.exists()


def test_revoking_a_token_stops_it_at_once(client, outsider):
    token, secret = token_create(
        user=outsider, name="x", scope="read", expires_on=timezone.localdate() + timedelta(days=3)
    )
    log_in(client, outsider)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert token_authenticate(secret) is None
    assert b"Revoked" in client.get(reverse("api_tokens")).content


def test_another_persons_token_cannot_be_revoked(client, outsider, mentor):
    token, secret = token_create(
        user=mentor, name="x", scope="read", expires_on=timezone.localdate() + timedelta(days=3)
    )
    log_in(client, outsider)
    assert client.post(reverse("api_token_revoke", args=[token.pk])).status_code == 404
    assert token_authenticate(secret) == token
    assert b"lsk_" + token.prefix.encode() not in client.get(reverse("api_tokens")).content


def test_the_tokens_page_needs_a_login(client):
    response = client.get(reverse("api_tokens"))
    assert response.status_code == 302
