"""Nothing private stays in the browser's storage: htmx keeps no copies of pages for the back
button (a shared computer's next user could read them after sign-out), and going back after an
htmx address change reloads the page from the server."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.conftest import log_in
from tests.messaging import conftest as messaging

mentor_e = messaging.mentor_e
mentee_e = messaging.mentee_e
pair = messaging.pair

pytestmark = pytest.mark.e2e


def stored_keys(page) -> list[str]:
    """What the page's origin keeps in local and session storage (htmx uses the latter)."""
    return page.evaluate(
        "Object.keys(window.localStorage).concat(Object.keys(window.sessionStorage))"
    )


def test_pages_changed_by_htmx_leave_no_copy_in_the_browsers_storage(page, pair, mentee):
    log_in(page, mentee.email)
    page.goto(reverse("meeting_new", args=[pair.pk]))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Plan a meeting")

    with page.expect_response(lambda r: "duration=30" in r.url):
        page.get_by_label("Length").select_option("30")
    expect(page).to_have_url(re.compile(r"duration=30"))

    assert "htmx-history-cache" not in stored_keys(page)  # (only the current path is kept)

    page.go_back()
    expect(heading).to_have_text("Plan a meeting")  # reloaded whole from the server
    expect(page.get_by_label("Length")).not_to_have_value("30")
    assert "htmx-history-cache" not in stored_keys(page)
