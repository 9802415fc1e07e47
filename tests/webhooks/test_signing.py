"""Signatures a receiver can check: Lodestar-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
"<t>.<raw body>">, refused when the body, the secret or the time is not right."""

import hashlib
import hmac

from lodestar.webhooks.signing import signature_header, verify_signature

SECRET = "whsec_test"
BODY = b'{"event":"ping","id":"1"}'
NOW = 1_900_000_000


def test_a_signature_verifies_with_the_same_secret_and_body():
    header = signature_header(SECRET, BODY, timestamp=NOW)
    assert verify_signature(SECRET, header, BODY, now=NOW)
    assert verify_signature(SECRET, header, BODY.decode(), now=NOW + 10)


def test_the_header_is_the_documented_hmac_of_timestamp_dot_body():
    header = signature_header(SECRET, BODY, timestamp=NOW)
    expected = hmac.new(SECRET.encode(), f"{NOW}.".encode() + BODY, hashlib.sha256).hexdigest()
    assert header == f"t={NOW},v1={expected}"


def test_a_changed_body_or_another_secret_is_refused():
    header = signature_header(SECRET, BODY, timestamp=NOW)
    assert not verify_signature(SECRET, header, BODY.replace(b"ping", b"pong"), now=NOW)
    assert not verify_signature("whsec_other", header, BODY, now=NOW)


def test_a_replayed_request_is_refused_once_outside_the_tolerance():
    header = signature_header(SECRET, BODY, timestamp=NOW)
    assert verify_signature(SECRET, header, BODY, now=NOW + 300)
    assert not verify_signature(SECRET, header, BODY, now=NOW + 301)
    assert not verify_signature(SECRET, header, BODY, now=NOW - 301)  # from the future
    assert verify_signature(SECRET, header, BODY, tolerance=3600, now=NOW + 3000)


def test_a_new_timestamp_on_an_old_signature_is_refused():
    old = signature_header(SECRET, BODY, timestamp=NOW)
    forged = old.replace(f"t={NOW}", f"t={NOW + 1000}")
    assert not verify_signature(SECRET, forged, BODY, now=NOW + 1000)


def test_unreadable_headers_are_refused():
    for header in ["", "garbage", f"t={NOW}", "v1=abc", "t=soon,v1=abc", f"t={NOW},v1="]:
        assert not verify_signature(SECRET, header, BODY, now=NOW), header


def test_any_of_several_v1_signatures_may_match():
    good = signature_header(SECRET, BODY, timestamp=NOW).split(",")[1]
    header = f"t={NOW},v1={'0' * 64},{good}"
    assert verify_signature(SECRET, header, BODY, now=NOW)
