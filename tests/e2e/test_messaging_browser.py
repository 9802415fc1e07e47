"""In real Chromium (under the strict CSP): a message from the other member appears in the
open thread without a reload, and a message with a file goes out from the form."""

import re

import pytest
from playwright.sync_api import expect

from lodestar.messaging.models import Message
from tests.e2e.conftest import assert_accessible, log_in
from tests.messaging import conftest as messaging
from tests.messaging.conftest import PDF, send

# The messaging tests' fixtures, shared with this journey (browser fixtures live in tests/e2e).
media = messaging.media
mentor_e = messaging.mentor_e
mentee_e = messaging.mentee_e
pair = messaging.pair

pytestmark = pytest.mark.e2e


def test_a_new_message_appears_without_a_reload_and_a_file_goes_out(
    page,
    pair,
    mentee,
    mentor,
    tmp_path,
):
    send(pair, mentor, "Welcome, Mia!")
    log_in(page, mentee.email)
    expect(page.get_by_role("link", name="Messages (1 unread)")).to_be_visible()

    page.get_by_role("link", name="Messages (1 unread)").click()
    page.get_by_role("link", name="Max Mentor").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages with Max Mentor")
    expect(page.get_by_role("log")).to_contain_text("Welcome, Mia!")
    assert_accessible(page)
    page.evaluate("window.__sameDocument = true")

    send(pair, mentor, "Are you free on Friday?")
    expect(page.get_by_role("log")).to_contain_text("Are you free on Friday?", timeout=15_000)
    assert page.evaluate("window.__sameDocument") is True  # arrived without a reload

    plan = tmp_path / "plan.pdf"
    plan.write_bytes(PDF)
    page.get_by_label("Your message").fill("Yes! Here is my plan.")
    page.get_by_label("Attach a file (optional)").set_input_files(plan)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("#messages")).to_contain_text("Message sent.")
    expect(page.get_by_role("link", name=re.compile(r"^Download plan\.pdf"))).to_be_visible()
    assert_accessible(page)
    sent = Message.objects.get(author=mentee)
    assert (sent.body, sent.attachment_name) == ("Yes! Here is my plan.", "plan.pdf")
