"""Who is calling: a browser session (with its CSRF token) or a personal access token.

Both count against one rate limit per caller, kept in Django's cache so that it holds across
processes whenever the cache is shared (CACHE_URL pointing at Redis or Memcached, say).
"""

import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import AuthenticationError, Throttled
from ninja.security import APIKeyCookie, HttpBearer

from lodestar.accounts.tokens import token_authenticate

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


def check_rate(ident: str) -> None:
    """Count one request for this caller in the current fixed window; Throttled past the limit."""
    limit, period = parse_rate(settings.API_RATE_LIMIT)
    now = time.time()
    window = int(now // period)
    key = f"api-rate:{ident}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the window's key expired between add and incr
        cache.set(key, 1, timeout=period + 1)
        count = 1
    if count > limit:
        raise Throttled(wait=math.ceil((window + 1) * period - now))


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        api_token = token_authenticate(token)
        if api_token is None:
            # A token was offered and is no good: say so rather than fall back to a session.
            raise AuthenticationError()
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
