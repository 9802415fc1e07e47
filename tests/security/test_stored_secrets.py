"""Secrets Lodestar reads back (authenticator apps' keys, recovery-code seeds, webhook secrets)
are stored encrypted: the database, and so a backup, never holds them in the clear; they still
work; keys rotate without locking anybody out; a missing key is a clear error."""

import io

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.core.management import CommandError, call_command
from django.db import connection

from lodestar.core import encryption
from lodestar.webhooks.models import Endpoint
from tests import factories
from tests.core.test_mfa import current_code, log_in, start_totp_setup

pytestmark = pytest.mark.django_db


def raw_column(table: str, column: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return str(cursor.fetchone()[0])


def turn_on_totp(client, email: str):
    user = factories.make_user(email)
    log_in(client, user.email)
    secret = start_totp_setup(client)
    client.post("/accounts/2fa/totp/activate/", {"code": current_code(secret)})
    client.post("/accounts/logout/")
    return user, secret


def sign_in_with_totp(client, user, secret) -> bool:
    log_in(client, user.email)
    client.post("/accounts/2fa/authenticate/", {"code": current_code(secret)})
    return client.get("/dashboard/").status_code == 200


def test_an_authenticator_apps_key_is_stored_encrypted_and_still_signs_in(client):
    user, secret = turn_on_totp(client, "careful@example.com")

    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    stored = raw_column("mfa_authenticator", "data", totp.pk)
    assert secret not in stored
    assert encryption.PREFIX in stored
    assert sign_in_with_totp(client, user, secret)


def test_recovery_codes_come_from_an_encrypted_seed_and_still_work(client):
    user, _secret = turn_on_totp(client, "codes@example.com")
    recovery = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    assert recovery.data["seed"].startswith(encryption.PREFIX)
    seed = encryption.decrypt(recovery.data["seed"])
    assert seed not in raw_column("mfa_authenticator", "data", recovery.pk)

    log_in(client, user.email)
    client.post(
        "/accounts/2fa/authenticate/", {"code": RecoveryCodes(recovery).get_unused_codes()[0]}
    )
    assert client.get("/dashboard/").status_code == 200


def test_a_webhook_secret_is_stored_encrypted_and_read_back_as_made(program):
    endpoint = Endpoint.objects.create(program=program, url="https://example.org/hook")
    made = endpoint.secret
    assert made.startswith("whsec_")
    assert made not in raw_column("webhooks_endpoint", "secret", endpoint.pk)
    assert Endpoint.objects.get(pk=endpoint.pk).secret == made
    assert Endpoint.objects.values_list("secret", flat=True).get(pk=endpoint.pk) == made


def test_equal_secrets_are_stored_differently():
    assert encryption.encrypt("same") != encryption.encrypt("same")
    assert encryption.decrypt(encryption.encrypt("same")) == "same"


def test_a_rotation_moves_every_secret_to_the_new_key_without_locking_anybody_out(
    client, settings, program
):
    settings.ENCRYPTION_KEYS = ["the old key"]
    user, secret = turn_on_totp(client, "rotating@example.com")
    endpoint = Endpoint.objects.create(program=program, url="https://example.org/hook")
    made = endpoint.secret

    settings.ENCRYPTION_KEYS = ["the new key", "the old key"]
    assert Endpoint.objects.get(pk=endpoint.pk).secret == made  # the old key still reads
    call_command("encryption_rotate", stdout=io.StringIO())

    settings.ENCRYPTION_KEYS = ["the new key"]
    assert sign_in_with_totp(client, user, secret)
    assert Endpoint.objects.get(pk=endpoint.pk).secret == made

    settings.ENCRYPTION_KEYS = ["the old key"]  # rotated away from: it opens nothing now
    with pytest.raises(encryption.DecryptionError, match="ENCRYPTION_KEYS"):
        Endpoint.objects.get(pk=endpoint.pk)


def test_without_encryption_keys_the_secret_key_and_its_fallbacks_serve(settings, program):
    settings.ENCRYPTION_KEYS = []
    settings.SECRET_KEY = "first secret key " + "x" * 40
    endpoint = Endpoint.objects.create(program=program, url="https://example.org/hook")
    made = endpoint.secret

    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "second secret key " + "y" * 40
    assert Endpoint.objects.get(pk=endpoint.pk).secret == made


def test_secrets_written_before_encryption_are_read_and_then_encrypted(client, program):
    user, secret = turn_on_totp(client, "legacy@example.com")
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    Authenticator.objects.filter(pk=totp.pk).update(data={"secret": secret})  # as allauth did
    endpoint = Endpoint.objects.create(program=program, url="https://example.org/hook")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE webhooks_endpoint SET secret = %s WHERE id = %s", ["whsec_old", endpoint.pk]
        )

    assert sign_in_with_totp(client, user, secret)
    assert Endpoint.objects.get(pk=endpoint.pk).secret == "whsec_old"

    call_command("encryption_rotate", stdout=io.StringIO())

    assert secret not in raw_column("mfa_authenticator", "data", totp.pk)
    assert "whsec_old" not in raw_column("webhooks_endpoint", "secret", endpoint.pk)
    assert Endpoint.objects.get(pk=endpoint.pk).secret == "whsec_old"


def test_a_rotation_missing_the_old_key_says_so_and_changes_nothing(client, settings, program):
    settings.ENCRYPTION_KEYS = ["the old key"]
    user, _secret = turn_on_totp(client, "locked@example.com")
    before = raw_column(
        "mfa_authenticator", "data", Authenticator.objects.filter(user=user).first().pk
    )
    Endpoint.objects.create(program=program, url="https://example.org/hook")

    settings.ENCRYPTION_KEYS = ["a new key only"]
    with pytest.raises(CommandError, match="ENCRYPTION_KEYS"):
        call_command("encryption_rotate", stdout=io.StringIO())

    settings.ENCRYPTION_KEYS = ["the old key"]
    after = raw_column(
        "mfa_authenticator", "data", Authenticator.objects.filter(user=user).first().pk
    )
    assert after == before


def test_the_migration_encrypts_what_is_stored_in_the_clear(client):
    from django.apps import apps

    from lodestar.accounts.migrations import __name__ as package

    migration = __import__(f"{package}.0005_encrypt_authenticators", fromlist=["encrypt"])
    user, secret = turn_on_totp(client, "upgrade@example.com")
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    Authenticator.objects.filter(pk=totp.pk).update(data={"secret": secret})

    migration.encrypt(apps, None)
    assert secret not in raw_column("mfa_authenticator", "data", totp.pk)
    migration.decrypt(apps, None)  # reversed: as allauth stores it without our adapter
    assert Authenticator.objects.get(pk=totp.pk).data == {"secret": secret}
