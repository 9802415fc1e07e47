"""Webhook secrets are stored encrypted (core/encryption.py); existing ones are encrypted now."""

import lodestar.core.encryption
import lodestar.webhooks.models
from django.db import migrations
from django.db.models import Value

from lodestar.webhooks.services import endpoint_secrets_reencrypt


def encrypt(apps, schema_editor):
    endpoint_secrets_reencrypt(apps.get_model("webhooks", "Endpoint"))


def decrypt(apps, schema_editor):
    # Value() goes around the field, which would encrypt: the old column holds the secret itself.
    Endpoint = apps.get_model("webhooks", "Endpoint")
    for endpoint in Endpoint.objects.only("pk", "secret"):
        Endpoint.objects.filter(pk=endpoint.pk).update(secret=Value(endpoint.secret))


class Migration(migrations.Migration):

    dependencies = [
        ('webhooks', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='endpoint',
            name='secret',
            field=lodestar.core.encryption.EncryptedTextField(default=lodestar.webhooks.models.new_secret, editable=False, verbose_name='secret'),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
