"""Strict CSP that the pages keep (no inline script or style, no event-handler attributes), and
no caching of anything private."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from tests.security.conftest import sign_in


class InlineFinder(HTMLParser):
    """Everything a strict CSP would block: inline <script>/<style> without a nonce, style=""
    attributes and on*="" handlers."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name.lower(): value for name, value in attrs}
        inline = tag in ("script", "style") and "src" not in names and "nonce" not in names
        # json_script's <script type="application/json"> is data, which the browser never runs.
        if inline and (tag == "style" or names.get("type") != "application/json"):
            self.problems.append(f"inline <{tag}>")
        for name in names:
            if name == "style" or name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")


def inline_problems(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.problems


def test_the_policy_allows_no_inline_code_and_no_framing(client, db):
    policy = client.get("/accounts/login/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/signup/"])
def test_public_pages_have_no_inline_code(client, db, path):
    response = client.get(path)
    assert response.status_code == 200
    assert inline_problems(response.content.decode()) == []


def test_signed_in_pages_have_no_inline_code(client, pair, mentee, coordinator, program):
    pages = [
        "/dashboard/",
        "/profile/",
        f"/mentorships/{pair.pk}/",
        f"/mentorships/{pair.pk}/messages/",
        f"/mentorships/{pair.pk}/goals/",
        f"/programs/{program.slug}/resources/",
        "/accounts/password/change/",
    ]
    client.force_login(mentee)
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert inline_problems(response.content.decode()) == [], path
    client.force_login(coordinator)
    response = client.get(f"/programs/{program.slug}/")
    assert response.status_code == 200
    assert inline_problems(response.content.decode()) == []


def test_every_page_for_a_signed_in_person_is_not_stored(client, pair, mentee):
    client.force_login(mentee)
    for path in ("/dashboard/", f"/mentorships/{pair.pk}/messages/", "/no-such-page/"):
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, path


def test_a_redirect_after_sign_in_is_not_stored_either(client, mentee):
    response = sign_in(client, mentee.email)
    assert response.status_code == 302
    assert "no-store" in response["Cache-Control"]


def test_api_responses_are_not_stored(client, db):
    response = client.get("/api/v1/programs/")
    assert response.status_code == 401
    assert "no-store" in response["Cache-Control"]


def test_public_static_files_keep_their_own_caching(mentee, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source folders, as `make run` does
    client = Client()  # a handler built with that setting
    client.force_login(mentee)
    response = client.get("/" + settings.STATIC_URL.lstrip("/") + "lodestar/app.js")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_anonymous_public_pages_are_left_cacheable(client, db):
    assert "no-store" not in client.get("/").get("Cache-Control", "")


def test_settings_send_nosniff_and_deny_framing():
    assert settings.SECURE_CONTENT_TYPE_NOSNIFF
    assert settings.X_FRAME_OPTIONS == "DENY"


@pytest.mark.parametrize("signed_in", [False, True])
def test_pages_refuse_the_camera_microphone_and_location(client, mentee, signed_in):
    if signed_in:
        client.force_login(mentee)
    response = client.get("/dashboard/" if signed_in else "/")
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy
