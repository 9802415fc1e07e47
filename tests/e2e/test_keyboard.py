"""Keyboard only: every journey below is done with Tab, Shift+Tab, Enter, Space and the arrow
keys — no click — and ends in what the person expects to see. Wherever the focus lands it shows
a ring that can be seen (a solid outline, 2px or more, at 3:1 or more against the page), in the
light theme and the dark one; the skip link comes first and works; the focus never gets stuck.

Pages are opened by address (as typing it or following a bookmark would), never by a click.
"""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lodestar.accounts.models import AvailabilityWindow
from lodestar.engagement.models import CheckIn
from lodestar.matches.models import MatchRun
from lodestar.matches.states import RunStatus
from lodestar.meetings.models import Meeting
from lodestar.messaging.models import Message
from lodestar.programs.models import Enrolment
from lodestar.programs.states import EnrolmentStatus
from tests import factories
from tests.e2e.conftest import flash_messages, heading

pytestmark = pytest.mark.django_db(transaction=True)

MAX_STOPS = 120  # focus stops walked on one page before giving up


# --- keyboard helpers ---------------------------------------------------------------------------


def focused(page) -> dict:
    """What has the focus, and how it shows it."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            if (!el || el === document.body) return {tag: 'body'};
            const style = getComputedStyle(el);
            const page = getComputedStyle(document.documentElement).backgroundColor;
            const box = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(),
                id: el.id,
                text: (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '')
                    .trim().slice(0, 60),
                outlineStyle: style.outlineStyle,
                outlineWidth: parseFloat(style.outlineWidth),
                outlineColor: style.outlineColor,
                background: page,
                visible: box.width > 0 && box.height > 0,
            };
        }"""
    )


def tab_to(page, target, *, backwards: bool = False) -> None:
    """Tab (or Shift+Tab) until `target` has the focus; fail if the focus never gets there."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_STOPS):
        page.keyboard.press(key)
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{key} never reached {target}; the focus is on {focused(page)}")


def rgb(colour: str) -> tuple[float, float, float]:
    parts = colour[colour.index("(") + 1 : colour.index(")")].replace("/", ",").split(",")
    return tuple(float(part) for part in parts[:3])


def luminance(colour: str) -> float:
    def channel(value: float) -> float:
        value /= 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(value) for value in rgb(colour))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted([luminance(first), luminance(second)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def walk_focus(page) -> list[dict]:
    """Every focus stop from the top of the page round to the top again."""
    page.locator("body").evaluate("body => body.focus()")
    stops: list[dict] = []
    for _ in range(MAX_STOPS):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop["tag"] == "body" or (stops and stop == stops[0]):
            return stops  # round the page and back to the browser: no trap
        stops.append(stop)
    raise AssertionError(f"the focus never came back round after {MAX_STOPS} stops: {stops[-5:]}")


def assert_focus_visible(stops: list[dict]) -> None:
    hidden = [
        stop
        for stop in stops
        if not stop["visible"]
        or stop["outlineStyle"] in ("none", "hidden")
        or stop["outlineWidth"] < 2
        or contrast(stop["outlineColor"], stop["background"]) < 3
    ]
    assert not hidden, "focus that cannot be seen:\n" + "\n".join(map(str, hidden))


# --- a pair in mid-mentorship -------------------------------------------------------------------


@pytest.fixture
def pair(program, mentor, mentee):
    """An active mentorship that started five weeks ago, both members free on weekday
    afternoons in Paris (so the meeting planner has times to suggest)."""
    for user in (mentor, mentee):
        user.timezone = "Europe/Paris"
        user.save(update_fields=["timezone"])
        AvailabilityWindow.objects.bulk_create(
            AvailabilityWindow(user=user, weekday=day, start=time(13), end=time(18))
            for day in range(7)
        )
    enrolments = {e.user_id: e for e in program.enrolments.all()}
    mentorship = factories.make_mentorship(
        program, mentor=enrolments[mentor.pk], mentees=[enrolments[mentee.pk]]
    )
    mentorship.start_date = timezone.localdate() - timedelta(days=35)
    mentorship.save(update_fields=["start_date"])
    return mentorship


def sign_in_with_keys(page, email: str) -> None:
    page.goto("/accounts/login/")
    tab_to(page, page.get_by_label("Email"))
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Password")).to_be_focused()
    page.keyboard.type(factories.PASSWORD)
    page.keyboard.press("Enter")
    expect(heading(page)).to_contain_text("Hello")


# --- focus and the skip link --------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_is_visible_at_every_stop_of_the_dashboard_and_a_form(
    browser, live_server, pair, mentee, scheme
):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Paris", color_scheme=scheme
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in_with_keys(page, mentee.email)
        dashboard = walk_focus(page)
        assert len(dashboard) >= 10, dashboard
        assert_focus_visible(dashboard)

        page.goto(f"/mentorships/{pair.pk}/check-in/")
        form = walk_focus(page)
        assert {"input", "textarea", "button"} <= {stop["tag"] for stop in form}, form
        assert_focus_visible(form)
    finally:
        context.close()


def test_the_skip_link_comes_first_shows_itself_and_moves_the_focus(page, mentee):
    sign_in_with_keys(page, mentee.email)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, f"the skip link is off screen: {box}"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab goes on inside the content, not back to the navigation.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")


def test_the_focus_goes_round_a_page_both_ways_without_a_trap(page, program, coordinator):
    applicant = factories.make_user("ada@example.com", name="Ada Applicant")
    factories.make_enrolment(program, applicant, status=EnrolmentStatus.APPLIED)
    sign_in_with_keys(page, coordinator.email)
    page.goto("/coordinate/spring/participants/")
    # Open the note disclosure with the keyboard: it must not hold on to the focus.
    summary = page.get_by_text("Add a note")
    tab_to(page, summary)
    page.keyboard.press("Enter")
    note = page.get_by_label("Note to the applicant (optional)")
    expect(note).to_be_visible()
    forward = walk_focus(page)
    assert any(stop["tag"] == "textarea" for stop in forward)
    # Shift+Tab from the end walks the same stops in reverse.
    tab_to(page, page.get_by_role("button", name="Dark mode"))
    tab_to(page, page.get_by_role("link", name="Skip to main content"), backwards=True)


# --- journeys -----------------------------------------------------------------------------------


def test_signing_in_with_the_keyboard(page, mentee):
    sign_in_with_keys(page, mentee.email)
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Sign out")


def test_sending_a_message_with_the_keyboard(page, pair, mentee):
    sign_in_with_keys(page, mentee.email)
    page.goto(f"/mentorships/{pair.pk}/messages/")
    tab_to(page, page.get_by_role("textbox", name="Message"))
    page.keyboard.type("Could we talk about my portfolio on Thursday?")
    tab_to(page, page.get_by_role("button", name="Send", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("log")).to_contain_text("Could we talk about my portfolio on Thursday?")
    assert Message.objects.filter(conversation__mentorship=pair).count() == 1


def test_checking_in_with_the_keyboard(page, pair, mentee):
    sign_in_with_keys(page, mentee.email)
    page.goto(f"/mentorships/{pair.pk}/check-in/")
    # Tab into the radio group, then the arrow keys choose within it.
    tab_to(page, page.get_by_role("radio").first)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_role("radio", name="4 — well")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.get_by_label("What went well, what did you make progress on?")).to_be_focused()
    page.keyboard.type("I finished the first case study.")
    tab_to(page, page.get_by_label("I would like the coordinator to get in touch"))
    page.keyboard.press("Space")
    expect(page.get_by_label("I would like the coordinator to get in touch")).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Send my check-in"))
    page.keyboard.press("Enter")
    expect(flash_messages(page)).to_be_visible()
    expect(page.get_by_text("Done for this period.")).to_be_visible()
    checkin = CheckIn.objects.get(mentorship=pair, user=mentee)
    assert (checkin.mood, checkin.wants_contact) == (4, True)


def test_scheduling_a_meeting_with_the_keyboard(page, pair, mentor):
    sign_in_with_keys(page, mentor.email)
    page.goto(f"/mentorships/{pair.pk}/meetings/new/")
    expect(heading(page)).to_have_text("Plan a meeting")
    first_time = page.get_by_role("group", name="When").get_by_role("radio").first
    tab_to(page, first_time)
    page.keyboard.press("Space")
    expect(first_time).to_be_checked()
    tab_to(page, page.get_by_label("Place or link"))
    page.keyboard.type("https://meet.example.com/max-mia")
    tab_to(page, page.get_by_label("Agenda"))
    page.keyboard.type("Portfolio review.")
    tab_to(page, page.get_by_role("button", name="Propose this meeting"))
    page.keyboard.press("Enter")
    expect(flash_messages(page)).to_contain_text("You proposed this meeting.")
    expect(heading(page)).to_contain_text("Meeting on")
    meeting = Meeting.objects.get(mentorship=pair)
    assert meeting.agenda == "Portfolio review."


def test_a_coordinator_approves_an_application_with_the_keyboard(page, program, coordinator):
    applicant = factories.make_user("ada@example.com", name="Ada Applicant")
    factories.make_enrolment(program, applicant, status=EnrolmentStatus.APPLIED)
    other = factories.make_user("bo@example.com", name="Bo Applicant")
    factories.make_enrolment(program, other, status=EnrolmentStatus.APPLIED)
    sign_in_with_keys(page, coordinator.email)
    page.goto("/coordinate/spring/participants/")
    row = page.get_by_role("row").filter(has_text="Ada Applicant")
    tab_to(page, row.get_by_text("Add a note"))
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(row.get_by_label("Note to the applicant (optional)")).to_be_focused()
    page.keyboard.type("Welcome aboard!")
    page.keyboard.press("Tab")
    expect(row.get_by_role("button", name="Approve Ada Applicant")).to_be_focused()
    page.keyboard.press("Enter")
    expect(row.get_by_text("Approved")).to_be_visible()
    expect(flash_messages(page)).to_contain_text("Ada Applicant")
    # The row was redrawn in place; the keyboard carries on from there, not from the top.
    page.keyboard.press("Tab")
    assert focused(page)["text"] != "Skip to main content"
    enrolment = Enrolment.objects.get(user=applicant)
    assert (enrolment.status, enrolment.decision_note) == (
        EnrolmentStatus.APPROVED,
        "Welcome aboard!",
    )


def test_on_a_phone_a_wide_table_scrolls_with_the_arrow_keys(page, program, coordinator):
    for n in range(3):
        person = factories.make_user(f"p{n}@example.com", name=f"Participant Number {n}")
        factories.make_enrolment(program, person, status=EnrolmentStatus.APPLIED)
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in_with_keys(page, coordinator.email)
    page.goto("/coordinate/spring/participants/")
    wrap = page.locator(".table-wrap").first
    expect(wrap).to_have_attribute("tabindex", "0")
    expect(wrap).to_have_attribute("role", "region")
    tab_to(page, wrap)
    assert focused(page)["outlineWidth"] >= 2
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 0", arg=wrap.element_handle())

    # Wide enough for the table: the wrap leaves the tab order again.
    page.set_viewport_size({"width": 1600, "height": 900})
    expect(wrap).not_to_have_attribute("tabindex", "0")


def test_a_coordinator_runs_and_publishes_matching_with_the_keyboard(page, program, coordinator):
    wants, offers = factories.make_criterion(program, label="What do you want to learn?")
    for number, topic in enumerate(["Design", "Data"]):
        mentor = factories.make_user(f"mentor{number}@example.com", name=f"Mentor {number}")
        enrolment = factories.make_enrolment(program, mentor, role="mentor", capacity=1)
        factories.make_answer(enrolment, offers, [topic])
        mentee = factories.make_user(f"mentee{number}@example.com", name=f"Mentee {number}")
        enrolment = factories.make_enrolment(program, mentee, role="mentee")
        factories.make_answer(enrolment, wants, [topic])
    sign_in_with_keys(page, coordinator.email)
    page.goto("/coordinate/spring/matching/")
    expect(heading(page)).to_have_text("Matching")
    tab_to(page, page.get_by_role("button", name="Run matching"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Proposed pairs")).to_be_visible()
    publish = page.get_by_role("button", name="Publish 2 pairs")
    tab_to(page, publish)
    page.keyboard.press("Enter")
    expect(flash_messages(page)).to_contain_text("Published: 2 proposed mentorships.")
    assert MatchRun.objects.get(program=program).status == RunStatus.PUBLISHED
