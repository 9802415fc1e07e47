"""In real Chromium, under the strict CSP: a double click on a form's submit button sends one
message — submit-once.js marks each POST form with a submission token and drops the second
submit — and the page still works afterwards for the next message."""

import re

import pytest
from playwright.sync_api import expect

from lodestar.messaging.models import Message
from lodestar.programs.models import Enrolment
from tests import factories
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def pair(program, mentor, mentee):
    return factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(program=program, user=mentor),
        mentees=[Enrolment.objects.get(program=program, user=mentee)],
    )


def test_a_double_click_on_send_sends_one_message(page, pair, mentee):
    log_in(page, mentee.email)
    page.goto(f"/mentorships/{pair.pk}/messages/")
    form = page.locator("form", has=page.get_by_label("Your message"))
    token = form.locator('input[name="_submission"]')
    expect(token).to_have_value(re.compile(r"^[0-9a-f-]{36}$"))

    page.get_by_label("Your message").fill("Only once, please")
    page.get_by_role("button", name="Send").dblclick()
    expect(page.locator("#messages")).to_contain_text("Message sent.")
    expect(page.get_by_role("log")).to_contain_text("Only once, please")
    assert Message.objects.filter(body="Only once, please").count() == 1

    # The next message is a new submission, with a new token.
    page.get_by_label("Your message").fill("And a second one")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("log")).to_contain_text("And a second one")
    assert Message.objects.count() == 2
