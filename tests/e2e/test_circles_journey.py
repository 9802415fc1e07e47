"""Circles in the browser, each new page checked with axe-core.

A coordinator of a group program builds two circles from the program's page — Ada with Cleo
and Dan, Ben with Eve — and moves Dan from Ada's circle to Ben's. Then Eve writes in her
circle's conversation: Dan (who has just joined) and Ben read it; Ada and Cleo, in the first
circle, and an outsider neither find it in their inbox nor can open the thread.
"""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lodestar.mentorships.models import FormerMember, Mentorship
from lodestar.messaging.models import Message
from tests import factories
from tests.e2e.conftest import assert_accessible, heading, log_in
from tests.e2e.conftest import flash_messages as flash

pytestmark = pytest.mark.e2e

WELCOME = "Welcome to our circle, Dan! We meet on Thursdays."


@pytest.fixture
def group(coordinator):
    """“Guild”, a group program: mentors Ada and Ben (two seats each), mentees Cleo, Dan, Eve."""
    program = factories.make_program(coordinator=coordinator, name="Guild", kind="group")
    for name in ("Ada", "Ben"):
        person = factories.make_user(f"{name.lower()}@example.com", name=name)
        factories.make_enrolment(program, person, role="mentor", capacity=2)
    for name in ("Cleo", "Dan", "Eve"):
        person = factories.make_user(f"{name.lower()}@example.com", name=name)
        factories.make_enrolment(program, person, role="mentee")
    return program


def build_circle(page, mentor: str, mentees: list[str]):
    form = page.get_by_role("region", name="New circle")
    form.get_by_role("group", name="Mentors").get_by_label(mentor).check()
    for mentee in mentees:
        form.get_by_role("group", name="Mentees").get_by_label(mentee).check()
    form.get_by_role("button", name="Build the circle").click()
    expect(flash(page)).to_contain_text("The circle is built and its members are told.")
    expect(heading(page)).to_have_text(f"Circle of {mentor}")


def test_a_coordinator_builds_two_circles_moves_a_mentee_and_the_conversation_follows(
    page, open_as, group, coordinator, outsider
):
    # The coordinator: program page → Circles.
    log_in(page, coordinator.email)
    page.goto(reverse("program_manage", args=[group.slug]))
    page.get_by_role("link", name="Circles: build them, add, remove and move members").click()
    expect(heading(page)).to_have_text("Circles")
    expect(page.get_by_text("No circle yet.")).to_be_visible()
    assert_accessible(page)

    build_circle(page, "Ada", ["Cleo", "Dan"])
    assert_accessible(page)
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Circles").click()
    build_circle(page, "Ben", ["Eve"])

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Circles").click()
    circles = page.get_by_role("region", name="2 circles")
    expect(circles.get_by_role("row", name="Circle of Ada")).to_contain_text("2 of 2 seats taken")
    expect(circles.get_by_role("row", name="Circle of Ben")).to_contain_text("1 of 2 seats taken")
    assert_accessible(page)

    # Dan moves from Ada's circle to Ben's.
    circles.get_by_role("link", name="Circle of Ada").click()
    expect(heading(page)).to_have_text("Circle of Ada")
    assert_accessible(page)
    page.get_by_text("Move Dan to another circle").click()
    page.get_by_label("Move Dan to").select_option(label="Circle of Ben")
    page.get_by_role("button", name="Move Dan", exact=True).click()
    expect(flash(page)).to_contain_text("Dan moved to Circle of Ben.")
    members = page.get_by_role("region", name="Members", exact=True)
    expect(members).to_contain_text("Cleo")
    expect(members).not_to_contain_text("Dan")
    expect(page.get_by_role("region", name="Former members")).to_contain_text("Dan")
    assert_accessible(page)

    first = Mentorship.objects.get(memberships__user__name="Ada")
    second = Mentorship.objects.get(memberships__user__name="Ben")
    assert sorted(second.memberships.values_list("user__name", flat=True)) == ["Ben", "Dan", "Eve"]
    assert FormerMember.objects.get().moved_to == second

    # Eve writes in her circle's conversation.
    eve = open_as("eve@example.com")
    eve.goto(reverse("messages", args=[second.pk]))
    eve.get_by_label("Your message").fill(WELCOME)
    eve.get_by_role("button", name="Send").click()
    expect(flash(eve)).to_contain_text("Message sent.")
    assert Message.objects.get().body == WELCOME

    # Dan, who has just joined, and Ben find it in their inbox and read it.
    for email, others in (("dan@example.com", "Ben, Eve"), ("ben@example.com", "Eve, Dan")):
        member = open_as(email)
        member.get_by_role("link", name="Messages (1 unread)").click()
        expect(heading(member)).to_have_text("Your messages")
        member.get_by_role("link", name=others).click()
        expect(member.get_by_role("log")).to_contain_text(WELCOME)
        assert_accessible(member)

    # The first circle, and an outsider: not in their inbox, and the thread is not found.
    for email in ("ada@example.com", "cleo@example.com", outsider.email):
        someone = open_as(email)
        expect(someone.get_by_role("link", name="Messages", exact=True)).to_be_visible()
        someone.goto(reverse("message_inbox"))
        expect(someone.get_by_role("main")).not_to_contain_text("Eve")
        response = someone.goto(reverse("messages", args=[second.pk]))
        assert response.status == 404
    # Dan no longer opens the circle he left.
    dan = open_as("dan@example.com")
    assert dan.goto(reverse("mentorship_detail", args=[first.pk])).status == 404
