"""Where a webhook may be sent: http or https, on the public internet.

A coordinator types the URL, and the server makes the request: without this check, a webhook
could make the server call its own network (a database, a cloud metadata service at
169.254.169.254 — server-side request forgery). The check runs when the URL is registered and
again before every attempt, on the addresses the name resolves to then (DNS may have changed),
and the connection goes to the address that was checked, not to a second lookup.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES lifts the check (tests, a closed intranet).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

SCHEMES = {"http": 80, "https": 443}
URL_MAX = 500


class UnsafeDestination(Exception):
    """The URL may not be called: a reason a coordinator can read."""


def allow_private() -> bool:
    return bool(getattr(settings, "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False))


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def split_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL we may call; UnsafeDestination otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeDestination(_("This is not a valid URL.")) from None
    if parts.scheme not in SCHEMES:
        raise UnsafeDestination(_("Use an http:// or https:// URL."))
    if not parts.hostname:
        raise UnsafeDestination(_("The URL has no host name."))
    if parts.username or parts.password:
        raise UnsafeDestination(
            _("Put no user name or password in the URL: the signature proves who is calling.")
        )
    return parts.scheme, parts.hostname, port or SCHEMES[parts.scheme]


def resolve(host: str, port: int) -> list[str]:
    """The addresses to connect to, all checked; UnsafeDestination when the host cannot be
    found or any of its addresses is not public (unless private addresses are allowed)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        raise UnsafeDestination(_("The host name could not be found.")) from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if not addresses:
        raise UnsafeDestination(_("The host name could not be found."))
    if not allow_private() and not all(is_public(a) for a in addresses):
        raise UnsafeDestination(
            _("This address is on a private network; webhooks only go to public addresses.")
        )
    return addresses


def check_url(url: str) -> str:
    """The URL, stripped, if a webhook may be registered for it; a ValidationError on `url`
    otherwise."""
    url = (url or "").strip()
    if not url:
        raise ValidationError({"url": _("Enter the URL to send events to.")}, code="required")
    if len(url) > URL_MAX:
        raise ValidationError(
            {"url": _("Keep the URL under %(max)d characters.") % {"max": URL_MAX}},
            code="too_long",
        )
    try:
        _scheme, host, port = split_url(url)
        if not allow_private():
            resolve(host, port)
    except UnsafeDestination as error:
        raise ValidationError({"url": str(error)}, code="unsafe_url") from None
    return url
