"""Deployment checks of Lodestar's own settings, run by `lodestar check --deploy`."""

from django.conf import settings
from django.core import checks
from django.core.checks.security import base as django_security

# Held to what Django asks of SECRET_KEY (security.W009): long, and not one character repeated.
KEY_MIN_LENGTH = django_security.SECRET_KEY_MIN_LENGTH
KEY_MIN_UNIQUE = django_security.SECRET_KEY_MIN_UNIQUE_CHARACTERS


@checks.register(checks.Tags.security, deploy=True)
def check_encryption_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    keys = [key for key in getattr(settings, "ENCRYPTION_KEYS", []) if key]
    if not keys:
        return [
            checks.Warning(
                "ENCRYPTION_KEYS is not set: the stored secrets (authenticator keys, webhook "
                "secrets) are encrypted with a key derived from SECRET_KEY, so changing "
                "SECRET_KEY without keeping the old one in SECRET_KEY_FALLBACKS makes them "
                "unreadable, and anyone who has SECRET_KEY can read them.",
                hint="Set ENCRYPTION_KEYS to a long random value of its own, kept apart from "
                "the backups.",
                id="lodestar.W001",
            )
        ]
    weak = [
        position
        for position, key in enumerate(keys, start=1)
        if len(key) < KEY_MIN_LENGTH or len(set(key)) < KEY_MIN_UNIQUE
    ]
    if weak:
        return [
            checks.Warning(
                f"ENCRYPTION_KEYS: key {', '.join(map(str, weak))} is too short or too "
                f"simple to protect the stored secrets.",
                hint=f"Use random values of at least {KEY_MIN_LENGTH} characters, then run "
                "`lodestar encryption_rotate` with the new key first.",
                id="lodestar.W002",
            )
        ]
    return []
