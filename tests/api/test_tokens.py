from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lodestar.accounts.models import ApiToken
from lodestar.accounts.tokens import hash_secret, token_authenticate, token_create, token_revoke
from tests import factories

from .conftest import assert_problem


def in_days(days: int):
    return timezone.localdate() + timedelta(days=days)


def test_a_token_is_stored_hashed_and_its_secret_is_given_once(outsider):
    token, secret = token_create(user=outsider, name="report", scope="read", expires_on=in_days(5))
    assert secret.startswith(f"lsk_{token.prefix}_")
    assert len(token.prefix) == 8
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.hash == hash_secret(secret)
    assert secret not in {stored.hash, stored.prefix, stored.name}
    assert token_authenticate(secret) == token


def test_creating_a_token_checks_name_scope_and_expiry(outsider):
    with pytest.raises(ValidationError) as error:
        token_create(user=outsider, name=" ", scope="admin", expires_on=in_days(366))
    assert set(error.value.message_dict) == {"name", "scope", "expires_on"}
    with pytest.raises(ValidationError) as error:
        token_create(user=outsider, name="x", scope="read", expires_on=timezone.localdate())
    assert "expires_on" in error.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_refused(outsider):
    token, secret = token_create(user=outsider, name="x", scope="read", expires_on=in_days(5))
    token_revoke(token=token, by=outsider)
    assert token_authenticate(secret) is None


def test_only_the_owner_can_revoke_a_token(outsider, mentor):
    token, secret = token_create(user=outsider, name="x", scope="read", expires_on=in_days(5))
    with pytest.raises(ValidationError):
        token_revoke(token=token, by=mentor)
    assert token_authenticate(secret) == token


def test_an_expired_token_is_refused(outsider):
    token, secret = token_create(user=outsider, name="x", scope="read", expires_on=in_days(5))
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert token_authenticate(secret) is None


def test_a_deactivated_persons_token_is_refused(outsider):
    _token, secret = token_create(user=outsider, name="x", scope="read", expires_on=in_days(5))
    outsider.is_active = False
    outsider.save()
    assert token_authenticate(secret) is None


def test_a_tampered_secret_with_a_real_prefix_is_refused(outsider):
    _token, secret = token_create(user=outsider, name="x", scope="read", expires_on=in_days(5))
    assert token_authenticate(secret[:-2] + ("AA" if not secret.endswith("AA") else "BB")) is None
    assert token_authenticate("not-a-token") is None


def test_last_used_is_recorded_at_most_once_a_minute(outsider):
    token, secret = token_create(user=outsider, name="x", scope="read", expires_on=in_days(5))
    token_authenticate(secret)
    first = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    token_authenticate(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    token_authenticate(secret)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first - timedelta(minutes=2)


def test_a_read_only_token_is_refused_on_a_write_with_a_problem(client, pair, mentor):
    from .conftest import bearer

    url = f"/api/v1/mentorships/{pair.pk}/pause/"
    body = assert_problem(client.post(url, **bearer(mentor, scope="read")), 403)
    assert "read-only" in body["detail"]
    pair.refresh_from_db()
    assert pair.status == "active"


def test_a_revoked_token_gets_401_from_the_api(client, mentor):
    from .conftest import bearer

    headers = bearer(mentor)
    token = ApiToken.objects.get(user=mentor)
    token_revoke(token=token, by=mentor)
    response = client.get("/api/v1/programs/", **headers)
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_site_admin_sees_tokens_without_secrets_and_can_revoke_them(client, outsider):
    token, secret = token_create(user=outsider, name="Laptop", scope="read", expires_on=in_days(30))
    admin_user = factories.make_user(
        "root@example.com", name="Root", is_superuser=True, is_staff=True
    )
    client.force_login(admin_user)
    listing = client.get("/admin/accounts/apitoken/").content.decode()
    assert "Laptop" in listing and token.prefix in listing and secret not in listing
    assert client.get("/admin/accounts/apitoken/add/").status_code == 403
    client.post(
        "/admin/accounts/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    assert token_authenticate(secret) is None
