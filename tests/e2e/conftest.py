"""Browser journeys: Playwright driving the system's Chromium against the live test server."""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.cache import cache
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect, sync_playwright

from tests import factories

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make around it
# are ordinary blocking calls, which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
SERIOUS = {"serious", "critical"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}; .ci/run installs Debian's chromium package."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


def forget_attempts() -> None:
    """Sign-ins are throttled per address in the shared cache, a database table that flushing
    between tests leaves alone: journeys that each sign in again would otherwise add up to the
    limit (30 a minute from 127.0.0.1) and meet "Too many attempts"."""
    cache.clear()


@pytest.fixture
def page(browser, live_server):
    forget_attempts()
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Paris"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


_axe = Axe()


def assert_accessible(page) -> None:
    """No serious or critical axe-core violation on the page as it is now.

    A click that navigates returns before the new document exists; axe run in that gap sees no
    document, so the check waits for the load and tries once more if it still raced.
    """
    page.wait_for_load_state("load")
    try:
        results = _axe.run(page)
    except PlaywrightError:
        page.wait_for_load_state("load")
        results = _axe.run(page)
    problems = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert not problems, f"Accessibility violations on {page.url}:\n" + "\n".join(
        f"- {v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}"
        for v in problems
    )


# --- what every journey does ------------------------------------------------------------------


def heading(page):
    return page.get_by_role("heading", level=1)


def flash_messages(page):
    """The messages a page shows after an action ("Saved.", or what went wrong)."""
    return page.locator("#messages")


def log_in(page, email: str, password: str = factories.PASSWORD, *, check: bool = False) -> None:
    """Sign in through the login form; `check` runs axe on the login page and the dashboard."""
    page.goto("/accounts/login/")
    if check:
        assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    expect(heading(page)).to_contain_text("Hello")
    if check:
        assert_accessible(page)


@pytest.fixture
def open_as(browser, live_server):
    """A browser of their own for each person, in their time zone, logged in."""
    forget_attempts()
    contexts = []

    def open_as(email: str, zone: str = "Europe/Paris"):
        context = browser.new_context(base_url=live_server.url, locale="en-GB", timezone_id=zone)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        log_in(page, email)
        return page

    yield open_as
    for context in contexts:
        context.close()
