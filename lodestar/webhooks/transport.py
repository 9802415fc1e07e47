"""One HTTP POST to a webhook receiver, as careful as a stranger's server deserves.

- the connection goes to an address `destinations.resolve` has just checked (no second DNS
  lookup that could answer differently), with the URL's host name in Host and in TLS (SNI and
  certificate check);
- one timeout (WEBHOOK_TIMEOUT) on connecting and on each read;
- redirects are not followed: a 3xx is a failed attempt like any other non-2xx;
- only the first RESPONSE_READ bytes of the answer are read, and RESPONSE_KEPT characters kept.
"""

import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings

from .destinations import resolve, split_url

RESPONSE_READ = 4096
RESPONSE_KEPT = 1000
USER_AGENT = "Lodestar-Webhooks/1"


@dataclass(frozen=True)
class Answer:
    status: int
    body: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, **kwargs):
        super().__init__(host, port, **kwargs)
        self._address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self._address = address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST the body; the receiver's answer, or an exception (UnsafeDestination, OSError — a
    refused connection, a timeout, a TLS failure —, http.client.HTTPException)."""
    scheme, host, port = split_url(url)
    address = resolve(host, port)[0]
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address, timeout=settings.WEBHOOK_TIMEOUT)
    started = time.monotonic()
    try:
        connection.request(
            "POST",
            target,
            body=body,
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                **headers,
            },
        )
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_READ)
    finally:
        connection.close()
    duration_ms = round((time.monotonic() - started) * 1000)
    text = excerpt.decode("utf-8", errors="replace")[:RESPONSE_KEPT]
    return Answer(status=response.status, body=text, duration_ms=duration_ms)
