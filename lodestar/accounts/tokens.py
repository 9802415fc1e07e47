"""Personal access tokens for the JSON API: made, revoked and checked only here.

A token reads `lsk_<prefix>_<random>`. The prefix (8 hex characters) finds the row; the whole
string is hashed with SHA-256 and compared in constant time. The random part carries 256 bits,
so a fast hash is right: a slow one only helps against guessable secrets like passwords.
"""

import hashlib
import hmac
import secrets
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.audit.services import record

from .models import ApiToken, TokenScope, User

TOKEN_PREFIX = "lsk"  # noqa: S105 -- a label, not a secret  # nosec B105
DEFAULT_LIFETIME_DAYS = 90
MAX_LIFETIME_DAYS = 365
NAME_MAX = 80
# Writing last_used_at on every request would turn each read into a write; a minute is precise
# enough to tell a person whether a token is still in use.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def default_expiry(today: date | None = None) -> date:
    return (today or timezone.localdate()) + timedelta(days=DEFAULT_LIFETIME_DAYS)


def _expiry_moment(user: User, expires_on: date) -> datetime:
    """The token works until the end of that day in the person's own time zone."""
    zone = ZoneInfo(user.timezone or "UTC")
    return datetime.combine(expires_on + timedelta(days=1), time.min, tzinfo=zone)


def _validate(*, user: User, name: str, scope: str, expires_on: date | None) -> None:
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Give the token a name, so that you can tell it apart later.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Keep the name to %(max)d characters.") % {"max": NAME_MAX}
    if scope not in TokenScope.values:
        errors["scope"] = _("Choose read only, or read and write.")
    today = timezone.localdate(timezone=ZoneInfo(user.timezone or "UTC"))
    if expires_on is None:
        errors["expires_on"] = _("Every token needs an expiry date.")
    elif expires_on <= today:
        errors["expires_on"] = _("The expiry date must be in the future.")
    elif expires_on > today + timedelta(days=MAX_LIFETIME_DAYS):
        errors["expires_on"] = _("A token can last at most a year.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def token_create(
    *, user: User, name: str, scope: str, expires_on: date | None
) -> tuple[ApiToken, str]:
    """A new token and its secret. The secret is returned this once and never stored."""
    name = (name or "").strip()
    _validate(user=user, name=name, scope=scope, expires_on=expires_on)
    prefix = secrets.token_hex(4)
    while ApiToken.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name,
        prefix=prefix,
        hash=hash_secret(secret),
        scope=scope,
        expires_at=_expiry_moment(user, expires_on),
    )
    record("token_created", actor=user, target=token, details={"scope": scope, "prefix": prefix})
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, by: User) -> ApiToken:
    """Revoke a token at once. Revoking a revoked token changes nothing."""
    if token.user_id != by.pk:
        raise ValidationError(_("This is not your token."), code="not_owner")
    current = ApiToken.objects.select_for_update().get(pk=token.pk)
    if current.revoked_at is None:
        current.revoked_at = timezone.now()
        current.save(update_fields=["revoked_at"])
    return current


def token_prefix(raw: str) -> str | None:
    """The prefix (the public half) of a well-formed token, or None."""
    parts = (raw or "").split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != 8 or not parts[2]:
        return None
    return parts[1]


def token_authenticate(raw: str) -> ApiToken | None:
    """The token this secret belongs to if it may be used now; None otherwise."""
    prefix = token_prefix(raw)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None or not hmac.compare_digest(token.hash, hash_secret(raw)):
        return None
    if not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
