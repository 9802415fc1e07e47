"""allauth's MFA adapter with its encryption hook filled in: TOTP keys and the recovery codes'
seed are stored encrypted (core/encryption.py), so that a copy of the database or a backup does
not hand over anybody's second factor."""

from allauth.mfa.adapter import DefaultMFAAdapter
from django.db import transaction

from lodestar.core import encryption


class MfaAdapter(DefaultMFAAdapter):
    def encrypt(self, text: str) -> str:
        return encryption.encrypt(text)

    def decrypt(self, encrypted_text: str) -> str:
        return encryption.decrypt(encrypted_text)


def map_authenticator_secrets(data: dict, transform) -> dict:
    """An authenticator's `data` with `transform` applied to each of its secrets: a TOTP key, a
    recovery-code seed, recovery codes brought from elsewhere."""
    data = dict(data)
    for field in ("secret", "seed"):
        if isinstance(data.get(field), str):
            data[field] = transform(data[field])
    if isinstance(data.get("migrated_codes"), list):
        data["migrated_codes"] = [transform(code) for code in data["migrated_codes"]]
    return data


def authenticators_reencrypt(model=None, transform=encryption.reencrypt) -> int:
    """Every authenticator's secrets under the first key (encrypted now if stored in the clear);
    how many were rewritten. `model` is a migration's historical Authenticator."""
    if model is None:
        from allauth.mfa.models import Authenticator as model
    count = 0
    with transaction.atomic():
        for authenticator in model.objects.select_for_update().order_by("pk"):
            authenticator.data = map_authenticator_secrets(authenticator.data, transform)
            authenticator.save(update_fields=["data"])
            count += 1
    return count
