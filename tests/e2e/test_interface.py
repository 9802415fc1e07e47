"""The interface itself: in-place updates with htmx, dark mode, and a phone-sized screen."""

import re

from playwright.sync_api import expect

from lodestar.programs.models import Enrolment
from lodestar.programs.states import EnrolmentStatus
from tests import factories
from tests.e2e.conftest import assert_accessible, log_in


def test_coordinator_approves_an_application_in_place(page, coordinator, program):
    applicant = factories.make_user("ada@example.com", name="Ada Applicant")
    factories.make_enrolment(program, applicant, status=EnrolmentStatus.APPLIED)
    other = factories.make_user("bo@example.com", name="Bo Applicant")
    factories.make_enrolment(program, other, status=EnrolmentStatus.APPLIED)
    log_in(page, coordinator.email)
    page.goto("/coordinate/spring/participants/")
    assert_accessible(page)
    page.evaluate("window.__sameDocument = true")

    row = page.get_by_role("row").filter(has_text="Ada Applicant")
    row.get_by_text("Add a note").click()
    row.get_by_label("Note to the applicant").fill("Welcome aboard!")
    row.get_by_role("button", name=re.compile("^Approve")).click()

    expect(row.get_by_text("Approved")).to_be_visible()
    expect(page.locator("#messages")).to_contain_text("Ada Applicant")
    assert page.evaluate("window.__sameDocument") is True  # no full page load
    assert_accessible(page)
    enrolment = Enrolment.objects.get(user=applicant)
    assert (enrolment.status, enrolment.decision_note) == (
        EnrolmentStatus.APPROVED,
        "Welcome aboard!",
    )
    assert Enrolment.objects.get(user=other).status == EnrolmentStatus.APPLIED


def test_dark_mode_is_remembered_and_keeps_contrast(page, mentee, program):
    log_in(page, mentee.email)
    toggle = page.get_by_role("button", name="Dark mode")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    expect(toggle).to_have_attribute("aria-pressed", "true")

    page.goto("/programs/spring/")
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert_accessible(page)
    page.goto("/profile/")
    assert_accessible(page)


def test_the_site_works_on_a_phone(page, mentee, program):
    page.set_viewport_size({"width": 375, "height": 740})
    log_in(page, mentee.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert_accessible(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways on a phone ({width}px wide)"


# The lines an element's text takes: the distinct bottoms of the boxes its text is laid out in.
TEXT_LINES = """items => items.map(item => {
  const range = document.createRange();
  range.selectNodeContents(item);
  return new Set([...range.getClientRects()].map(box => Math.round(box.bottom))).size;
})"""


def test_navigation_items_wrap_whole_rather_than_breaking_over_two_lines(
    page, coordinator, program
):
    """A coordinator's navigation (the longest a member has) on a desktop, a tablet and a phone:
    items that do not fit go to the next row, none is broken over two lines."""
    log_in(page, coordinator.email)
    items = page.get_by_role("navigation", name="Main").locator("li > a, li button")
    names = items.all_inner_texts()
    assert "Coordinate" in names and "Sign out" in names
    for width in (1280, 1024, 768, 375):
        page.set_viewport_size({"width": width, "height": 800})
        lines = dict(zip(names, items.evaluate_all(TEXT_LINES), strict=True))
        broken = {name: n for name, n in lines.items() if n > 1}
        assert not broken, f"broken over several lines at {width}px: {broken}"


ROW_TOPS = """items => [...new Set(items.map(item => Math.round(item.getBoundingClientRect().top)))]
  .sort((a, b) => a - b)"""


def test_wrapped_navigation_keeps_the_header_compact(page, coordinator, program):
    """The links that do not fit the brand's row follow right underneath, not two rows further
    down: a coordinator's navigation takes at most two rows from a tablet up, the first beside
    the brand, each row as tall as its links (Pico alone put the brand, the links and "Dark
    mode" on three rows spread over 200 px at 1280 px)."""
    log_in(page, coordinator.email)
    navigation = page.get_by_role("navigation", name="Main")
    brand = navigation.get_by_role("link", name="Lodestar")
    links = navigation.locator("li > a:not(.brand), li button")
    for width in (1280, 1024, 768):
        page.set_viewport_size({"width": width, "height": 800})
        rows = links.evaluate_all(ROW_TOPS)
        height = links.first.bounding_box()["height"]
        assert len(rows) <= 2, f"{len(rows)} rows of links at {width}px"
        assert rows[-1] - rows[0] <= height + 1, f"rows {rows} of {height}px at {width}px"
        middle = brand.bounding_box()["y"] + brand.bounding_box()["height"] / 2
        assert rows[0] <= middle <= rows[0] + height, (
            f"the brand is not beside the links at {width}px"
        )


def test_keyboard_users_can_skip_to_the_content(page, mentee):
    log_in(page, mentee.email)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
