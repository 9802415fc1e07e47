"""Authenticator secrets written before MFA_ADAPTER encrypted them are encrypted now (and
decrypted again if this is reversed)."""

from django.db import migrations

from lodestar.accounts.mfa_adapter import authenticators_reencrypt
from lodestar.core import encryption


def encrypt(apps, schema_editor):
    authenticators_reencrypt(apps.get_model("mfa", "Authenticator"))


def decrypt(apps, schema_editor):
    authenticators_reencrypt(apps.get_model("mfa", "Authenticator"), encryption.decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_user_erased_at"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(encrypt, decrypt)]
