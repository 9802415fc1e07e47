"""Single sign-on settings built from plain values, so that settings.py and the tests agree.

Pure Python on purpose: settings.py imports it before Django's apps are loaded.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def check_server_url(server_url: str) -> None:
    """The identity provider must be reached over TLS, except on this machine.

    allauth takes the id_token straight from the provider's token endpoint and, as OpenID Connect
    Core 3.1.3.7 allows for a TLS channel, checks its issuer, audience and expiry but not its
    signature. Over plain HTTP that token could be rewritten on the way, so we refuse it.
    """
    parts = urlsplit(server_url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS:
        return
    raise ImproperlyConfigured(
        f"OIDC_SERVER_URL must be an https:// URL (or http:// on loopback), not {server_url!r}."
    )


def oidc_settings(
    *,
    server_url: str,
    client_id: str,
    client_secret: str,
    provider_id: str = "sso",
    name: str = "SSO",
    allowed_domains: list[str] | tuple[str, ...] = (),
    form_action: list[str] | tuple[str, ...] = ("'self'",),
    extra_form_action: list[str] | tuple[str, ...] = (),
) -> dict:
    """The settings that turn SSO on: the allauth app, the allowed domains, the CSP addition.

    The "Sign in with …" button posts to allauth, which answers with a redirect to the provider's
    authorization endpoint; browsers apply the page's form-action to that redirect, so the
    provider's origin (and any other origin its discovery document names) must be allowed.
    """
    check_server_url(server_url)
    if not client_id or not client_secret:
        raise ImproperlyConfigured("OIDC_SERVER_URL needs OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.")
    domains = [domain.strip().lower().lstrip("@") for domain in allowed_domains if domain.strip()]
    if not domains:
        # Without a list nobody could sign in; "*" must be said out loud, never implied.
        raise ImproperlyConfigured('OIDC_SERVER_URL needs OIDC_ALLOWED_DOMAINS (or "*").')
    origins = [origin_of(server_url), *(origin_of(url) for url in extra_form_action)]
    return {
        "OIDC_ALLOWED_DOMAINS": domains,
        "SOCIALACCOUNT_PROVIDERS": {
            "openid_connect": {
                "APPS": [
                    {
                        "provider_id": provider_id,
                        "name": name,
                        "client_id": client_id,
                        "secret": client_secret,
                        "settings": {
                            "server_url": server_url,
                            # PKCE binds the code to this browser's login attempt.
                            "oauth_pkce_enabled": True,
                        },
                    }
                ],
                # Verification comes only from the email_verified claim (see sso.py).
                "VERIFIED_EMAIL": False,
            }
        },
        "CSP_FORM_ACTION": list(dict.fromkeys([*form_action, *origins])),
    }
