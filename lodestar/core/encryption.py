"""Secrets Lodestar must read back are stored encrypted: an authenticator app's TOTP key and the
recovery codes' seed (allauth's MFA adapter hook), and each webhook endpoint's signing secret.
A copy of the database or a backup file alone then gives none of them away. Secrets that are
only ever compared (passwords, API tokens, calendar feed tokens) are hashed instead, elsewhere.

The keys: ENCRYPTION_KEYS when set (the first encrypts, all decrypt), otherwise SECRET_KEY and
then SECRET_KEY_FALLBACKS. Each is stretched into a Fernet key (AES-128-CBC with an HMAC-SHA256
tag) by HKDF. Rotating: put the new key first, keep the old one after it, run
`lodestar encryption_rotate`, then drop the old one.

A stored value is "enc:v1:" followed by a Fernet token. A value without that prefix was written
before encryption and is read as it is, until the rotate command (or a migration) encrypts it.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

PREFIX = "enc:v1:"
_SALT = b"lodestar.core.encryption"
_INFO = b"stored secrets v1"


class DecryptionError(Exception):
    """A stored secret none of the configured keys opens: the key it was written with is gone
    from ENCRYPTION_KEYS (or from SECRET_KEY and SECRET_KEY_FALLBACKS), or the value was
    altered."""


def configured_keys() -> tuple[str, ...]:
    keys = tuple(k for k in getattr(settings, "ENCRYPTION_KEYS", ()) if k)
    if keys:
        return keys
    return (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)


@lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(_derive(key)) for key in keys])


def _derive(key: str) -> bytes:
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=_INFO)
    return base64.urlsafe_b64encode(kdf.derive(key.encode()))


def is_encrypted(stored: str) -> bool:
    return stored.startswith(PREFIX)


def encrypt(text: str) -> str:
    token = _cipher(configured_keys()).encrypt(text.encode())
    return PREFIX + token.decode("ascii")


def decrypt(stored: str) -> str:
    if not is_encrypted(stored):
        return stored  # written before encryption: read as it is until rotated
    try:
        return _cipher(configured_keys()).decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as error:
        raise DecryptionError(
            "A stored secret cannot be decrypted with the configured keys. Put the key it was "
            "written with back into ENCRYPTION_KEYS (or SECRET_KEY_FALLBACKS if "
            "ENCRYPTION_KEYS is not set)."
        ) from error


def reencrypt(stored: str) -> str:
    """The same secret under the first key (encrypted now if it was stored in the clear)."""
    return encrypt(decrypt(stored))


class EncryptedTextField(models.TextField):
    """Text kept encrypted in the database and plain in Python. Not searchable: each write
    encrypts afresh, so equal secrets are stored differently."""

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return value if value is None or value == "" else encrypt(value)
