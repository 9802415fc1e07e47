"""Session lifetime, the two-factor requirement for coordinators and site admins, no caching of
private pages, and the cache table that makes throttling hold across processes.

- SessionTimeoutMiddleware ends a session after SESSION_IDLE_SECONDS without a request or
  SESSION_ABSOLUTE_SECONDS after sign-in, and sends the person to the sign-in page with a word
  on why.
- MfaRequiredMiddleware (MFA_REQUIRED_FOR_COORDINATORS) sends a coordinator of any program, or a
  staff user, who has no authenticator app yet to its setup page, whatever they asked for.
- NoStoreMiddleware marks every response to a signed-in person, and every API response,
  `Cache-Control: private, no-store`: a shared computer's back button or a proxy must not keep
  somebody's messages. Static files never get here (WhiteNoise answers them first).
- ClearSiteDataMiddleware tells the browser to drop what it keeps of this site's pages when a
  request ends a session (signing out, erasing one's account, a session that timed out).
"""

from __future__ import annotations

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.management import call_command
from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from lodestar.audit.context import client_ip
from lodestar.core.prepared import PreparedQuery

# Session keys: when this sign-in started, when the session was last used (epoch seconds), and
# the address it was last used from (shown on the sessions page, beside the sign-in's).
STARTED = "lodestar.security.started"
SEEN = "lodestar.security.seen"
SEEN_FROM = "lodestar.security.seen_from"
# "Last used" is written at most this often, so that most requests do not rewrite the session;
# a new address is written at once.
SEEN_GRANULARITY = 60
API_PREFIX = "/api/"


def _mark_seen(session, now: float, address: str | None) -> None:
    session[SEEN] = now
    if address is not None:  # a sign-in made in code (tests, the shell) has none
        session[SEEN_FROM] = address


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def session_expired(session, now: float) -> str | None:
    """Why this signed-in session is over ("idle" or "absolute"), or None if it is not.
    `session` is a session store or the decoded data of a stored session."""
    started = session.get(STARTED)
    seen = session.get(SEEN)
    if started is None or seen is None:
        return None
    if now - started >= settings.SESSION_ABSOLUTE_SECONDS:
        return "absolute"
    if now - seen >= settings.SESSION_IDLE_SECONDS:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            reason = session_expired(request.session, now)
            if reason is not None:
                return self._expire(request, reason)
            session = request.session
            session.setdefault(STARTED, now)
            address = client_ip(request)
            moved = address is not None and session.get(SEEN_FROM, address) != address
            if moved or now - session.get(SEEN, 0) >= SEEN_GRANULARITY:
                _mark_seen(session, now, address)
        return self.get_response(request)

    def _expire(self, request: HttpRequest, reason: str) -> HttpResponse:
        logout(request)  # a new, empty session: the old id is gone from the store
        if reason == "idle":
            text = _("You were signed out after %(minutes)s minutes without activity.") % {
                "minutes": settings.SESSION_IDLE_SECONDS // 60
            }
        else:
            text = _("You were signed out: sessions last %(hours)s hours at most.") % {
                "hours": round(settings.SESSION_ABSOLUTE_SECONDS / 3600, 1)
            }
        if _is_api(request):
            # The API answers for itself: the request goes on, signed out (a 401 follows).
            return self.get_response(request)
        messages.info(request, text + " " + _("Sign in again to continue."))
        login = reverse(settings.LOGIN_URL)
        if request.method == "GET":
            login += "?" + urlencode({"next": request.get_full_path()})
        if getattr(request, "htmx", False):
            response = HttpResponse(status=200)
            response["HX-Redirect"] = login
            return response
        return HttpResponseRedirect(login)


def start_session_clock(sender, request, user, **kwargs) -> None:
    """user_logged_in: both clocks start at sign-in (written with the new session, so the first
    pages after it need not write the session again)."""
    session = getattr(request, "session", None)
    if session is not None:
        now = time.time()
        session[STARTED] = now
        _mark_seen(session, now, client_ip(request))


def needs_mfa(user) -> bool:
    """A coordinator of any program or a staff user without an authenticator app."""
    return _NEEDS_MFA.exists(user=user.pk)


def _without_authenticator_but_needing_one(user: int):
    from allauth.mfa.models import Authenticator

    from lodestar.accounts.models import User
    from lodestar.programs.models import Program

    coordinates = Program.coordinators.through.objects.filter(user=OuterRef("pk"))
    has_app = Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
    return User.objects.filter(
        Q(is_staff=True) | Q(is_superuser=True) | Exists(coordinates), pk=user
    ).exclude(Exists(has_app))


# Asked on every request of a signed-in person: compiled once (core/prepared.py).
_NEEDS_MFA = PreparedQuery(_without_authenticator_but_needing_one, "user")


def _mfa_exempt_prefixes() -> tuple[str, ...]:
    static = "/" + settings.STATIC_URL.lstrip("/")
    return (
        reverse("mfa_index"),  # the second-factor pages, setup included
        reverse("account_reauthenticate"),  # setup asks for the password first
        reverse("account_logout"),
        static,
        API_PREFIX,  # tokens, not sessions; the API has its own rules
        "/i18n/",
    )


class MfaRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.MFA_REQUIRED_FOR_COORDINATORS
            and request.user.is_authenticated
            and not request.path.startswith(_mfa_exempt_prefixes())
            and needs_mfa(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Coordinators and administrators must use two-factor authentication. "
                    "Set up an authenticator app to continue."
                ),
            )
            target = reverse("mfa_activate_totp")
            if getattr(request, "htmx", False):
                response = HttpResponse(status=200)
                response["HX-Redirect"] = target
                return response
            return HttpResponseRedirect(target)
        return self.get_response(request)


class ClearSiteDataMiddleware:
    """`Clear-Site-Data: "cache"` on the response that ends a session, so that the browser
    forgets every page of the site it still holds, the back-forward cache included: the next
    person at a shared computer cannot go back to somebody's messages.

    Not "cookies": browsers clear those for the whole registrable domain, which would sign the
    person out of every other service under it. Not "storage": it holds nothing but the light or
    dark theme, which is no secret and which the person chose. Django's sign-out already ends
    the session cookie.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        was_signed_in = request.user.is_authenticated
        response = self.get_response(request)
        # logout() puts an anonymous user on the request, whoever called it.
        if was_signed_in and not request.user.is_authenticated:
            response["Clear-Site-Data"] = '"cache"'
        return response


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if _is_api(request) or (user is not None and user.is_authenticated):
            # Replaces any public caching a view may have asked for: private pages only.
            if "Cache-Control" in response:
                del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
        return response


def create_cache_table(sender, using: str = "default", **kwargs) -> None:
    """post_migrate: make the database cache's table (a no-op when it exists or when CACHE_URL
    names another cache), so `lodestar migrate` is all a new installation needs."""
    if sender.name != "lodestar.accounts":
        return
    call_command("createcachetable", database=using, verbosity=0)
