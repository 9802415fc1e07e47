"""Who is calling: a browser session (with its CSRF token) or a personal access token.

Both count against one rate limit per caller, kept in Django's cache so that it holds across
processes whenever the cache is shared (CACHE_URL pointing at Redis or Memcached, say). A token
that is refused counts against its client address instead (API_TOKEN_FAILURE_RATE): past that
limit the address waits out the window, whatever token it sends, and each refusal within the
limit is written to the audit trail, so the trail grows by a bounded amount however hard
somebody guesses.
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import AuthenticationError, Throttled
from ninja.security import APIKeyCookie, HttpBearer

from lodestar.accounts.tokens import token_authenticate, token_prefix
from lodestar.audit.context import client_ip
from lodestar.audit.models import Verb
from lodestar.audit.services import record

from .problems import ReadOnlyToken

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
PERIODS = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "h": 3600,
    "hour": 3600,
    "d": 86400,
    "day": 86400,
}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "120/minute" → (120, 60): requests allowed, and the window in seconds."""
    count, _, period = rate.partition("/")
    return int(count), PERIODS[period.strip().lower()]


def _window(ident: str, rate: str, *, add: int) -> tuple[int, int, int]:
    """(count, limit, seconds to the window's end) for this caller in the current fixed window
    of `rate`, after adding `add` to its count."""
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    key = f"api-rate:{ident}:{window}"
    wait = math.ceil((window + 1) * period - now)
    if not add:
        return cache.get(key, 0), limit, wait
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key, add)
    except ValueError:  # the window's key expired between add and incr
        cache.set(key, add, timeout=period + 1)
        count = add
    return count, limit, wait


def check_rate(ident: str) -> None:
    """Count one request for this caller in the current fixed window; Throttled past the limit."""
    count, limit, wait = _window(ident, settings.API_RATE_LIMIT, add=1)
    if count > limit:
        raise Throttled(wait=wait)


def _refused_token(request: HttpRequest, raw: str) -> None:
    """A token that is no good: counted against the address, audited within the limit."""
    address = client_ip(request) or "unknown"
    count, limit, wait = _window(f"refused:{address}", settings.API_TOKEN_FAILURE_RATE, add=1)
    if count > limit:
        raise Throttled(wait=wait)
    # The prefix is the token's public half: it tells the owner which token was tried. The
    # secret half is never kept.
    record(
        Verb.TOKEN_REFUSED,
        request=request,
        details={"prefix": token_prefix(raw) or "", "method": request.method},
    )
    raise AuthenticationError()


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        address = client_ip(request) or "unknown"
        count, limit, wait = _window(f"refused:{address}", settings.API_TOKEN_FAILURE_RATE, add=0)
        if count >= limit:
            # Cooling off: not even a good token is checked until the window ends, or guessing
            # could go on at full speed as long as one good token is mixed in.
            raise Throttled(wait=wait)
        api_token = token_authenticate(token)
        if api_token is None:
            # A token was offered and is no good: say so rather than fall back to a session.
            _refused_token(request, token)
        if request.method not in SAFE_METHODS and not api_token.can_write:
            raise ReadOnlyToken()
        check_rate(f"token:{api_token.pk}")
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


class Session(APIKeyCookie):
    """Django's session, with CSRF checked on unsafe methods as on any page."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a session cookie there is nobody to check CSRF for: a script that sent no
        # credentials should hear 401, not a CSRF complaint.
        if self.param_name not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = request.user
        if key is None or not user.is_authenticated or not user.is_active:
            return None
        check_rate(f"user:{user.pk}")
        return user


api_auth = [BearerToken(), Session()]
