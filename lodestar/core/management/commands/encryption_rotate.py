"""Re-encrypt every stored secret under the first encryption key."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from lodestar.accounts.mfa_adapter import authenticators_reencrypt
from lodestar.core.encryption import DecryptionError
from lodestar.webhooks.services import endpoint_secrets_reencrypt


class Command(BaseCommand):
    help = (
        "Rewrite the stored secrets (authenticator apps' keys, recovery-code seeds, webhook "
        "secrets) under the first of ENCRYPTION_KEYS (or SECRET_KEY when that is not set), "
        "encrypting any still stored in the clear. Run it after putting a new key first; then "
        "the old key can be removed. Nothing changes if any secret cannot be decrypted."
    )

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                authenticators = authenticators_reencrypt()
                endpoints = endpoint_secrets_reencrypt()
        except DecryptionError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Re-encrypted the secrets of {authenticators} authenticator(s) and "
            f"{endpoints} webhook endpoint(s) under the first key."
        )
