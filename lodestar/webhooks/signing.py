"""Webhook signatures: `Lodestar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>`.

The HMAC is over "<t>.<raw body>" with the endpoint's secret, so a receiver proves both who sent
the body and when: a captured request replayed later fails the time check. This module needs
only the standard library, so that a receiver written in Python may copy it as it is.
"""

import hashlib
import hmac
import time

SCHEME = "v1"
DEFAULT_TOLERANCE = 300  # seconds


def _as_bytes(value: bytes | str) -> bytes:
    return value.encode() if isinstance(value, str) else value


def compute_signature(secret: str, timestamp: int, body: bytes | str) -> str:
    """The hex HMAC-SHA256 of "<timestamp>.<body>" with the secret."""
    message = str(int(timestamp)).encode() + b"." + _as_bytes(body)
    return hmac.new(_as_bytes(secret), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes | str, timestamp: int | None = None) -> str:
    """The value of the Lodestar-Signature header for this body, signed now (or at timestamp)."""
    timestamp = int(time.time() if timestamp is None else timestamp)
    return f"t={timestamp},{SCHEME}={compute_signature(secret, timestamp, body)}"


def parse_header(header: str) -> tuple[int | None, list[str]]:
    """The timestamp and every v1 signature of a header; (None, []) when it is unreadable."""
    timestamp, signatures = None, []
    for part in (header or "").split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            continue
        if key == "t":
            try:
                timestamp = int(value)
            except ValueError:
                return None, []
        elif key == SCHEME:
            signatures.append(value.strip().lower())
    return timestamp, signatures


def verify_signature(
    secret: str,
    header: str,
    body: bytes | str,
    tolerance: int = DEFAULT_TOLERANCE,
    now: float | None = None,
) -> bool:
    """True if `header` (the Lodestar-Signature value) signs this exact raw body with this
    secret, and was made at most `tolerance` seconds from now (either way: clocks drift).

    Pass the body as received, before any JSON parsing: re-serialising changes the bytes."""
    timestamp, signatures = parse_header(header)
    if timestamp is None or not signatures:
        return False
    now = time.time() if now is None else now
    if abs(now - timestamp) > tolerance:
        return False
    expected = compute_signature(secret, timestamp, body)
    # Constant time, and any of several v1 values may match (a sender may sign with two keys).
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
