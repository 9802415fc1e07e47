"""Every page a person can reach passes axe-core, in the light theme and in the dark one.

For each role (anonymous, mentee, mentor, coordinator, site admin) a browser signs in once and
walks the site breadth-first over its own links, from the page that role starts on, in a world
where every screen has something to show (the demo program and its pair, plus a match run,
check-ins, resources, a recommendation, a request for feedback and an introduction). On each
page it runs the vendored axe-core (tests/support/axe, see scripts/vendor-assets.sh) with the
WCAG 2.0, 2.1 and 2.2 A and AA rules; a serious or critical violation anywhere fails the test
with the page, the rule and the elements. The same pages are checked again in the dark theme,
chosen both ways a person can choose it: the system's preference and the site's own toggle, and
on a 320-pixel-wide phone: axe again (touch-target sizes, scrolling regions a keyboard can
reach), and nothing but a table or code may make the page scroll sideways (WCAG 1.4.10).

Django's own admin is checked for the site admin and reported, but does not fail the test: its
templates are Django's, not ours.
"""

from __future__ import annotations

import re
from collections import Counter, deque
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

from lodestar.accounts.models import User
from lodestar.demo import data
from lodestar.demo.generator import generate
from lodestar.engagement.checkins import checkin_submit
from lodestar.engagement.kudos import kudos_send
from lodestar.growth.services import (
    feedback_request_create,
    recommendation_create,
    resource_add,
)
from lodestar.matches.services.runs import run_start
from lodestar.mentorships.models import Mentorship
from lodestar.network.services import introduction_propose
from lodestar.programs.models import Enrolment, Program
from tests.e2e.conftest import SERIOUS, log_in

AXE_DIR = Path(__file__).resolve().parents[1] / "support" / "axe"
AXE_VERSION = (AXE_DIR / "VERSION").read_text(encoding="utf-8").strip()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

MAX_PAGES = 120  # per role
MAX_PER_NAME = 2  # visits of one URL name, with different objects or parameters

# Links a crawler must not follow: they change state, download a file, leave the pages, or
# belong to other clients (the API, static files, Django's admin, checked on its own below).
SKIPPED_NAMES = {
    "account_logout",
    "notification_open",  # marks the notification read on the way through
    "notification_unsubscribe",
    "set_language",
    "mfa_download_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_deactivate_totp",
    "message_attachment",
    "resource_file",
    "feedback_file",
    "meeting_invite",
    "calendar_feed_ics",
    "openid_connect_login",
    "openid_connect_callback",
}
SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/media/")
DOWNLOAD = re.compile(r"\.(ics|csv|zip|json|xlsx|pdf)$")

# What each role's crawl must reach, so that a broken crawl fails loudly instead of passing on
# three pages.
MUST_REACH = {
    "anonymous": {"home", "account_login", "account_signup", "account_reset_password"},
    "mentee": {
        "dashboard",
        "mentorship_detail",
        "messages",
        "meeting_list",
        "meeting_detail",
        "goals",
        "goal_detail",
        "checkin",
        "my_surveys",
        "survey_answer",
        "mentorship_resources",
        "introductions",
        "notifications",
        "profile",
        "program_detail",
    },
    "mentor": {
        "dashboard",
        "mentorship_detail",
        "messages",
        "meeting_list",
        "goals",
        "checkin",
        "feedback_list",
        "introduction_new",
        "resource_library",
    },
    "coordinator": {
        "dashboard",
        "coordinator_programs",
        "program_manage",
        "participant_list",
        "match_runs",
        "match_run",
        "program_dashboard",
        "program_checkins",
        "survey_list",
        "survey_results",
        "program_mentorships",
        "program_health",
    },
    "site admin": {"dashboard", "profile"},
}


# --- the world --------------------------------------------------------------------------------


def seed_world() -> dict[str, str]:
    """The demo program with its working pair, and one of everything the demo leaves out."""
    generate(mentors=5, mentees=8, applicants=2, waitlisted=1)
    program = Program.objects.get(slug=data.PROGRAM_SLUG)
    coordinator = User.objects.get(email=data.COORDINATOR.email)
    mentor = User.objects.get(email=data.MENTOR.email)
    mentee = User.objects.get(email=data.MENTEE.email)
    pair = Mentorship.objects.filter(program=program, memberships__user=mentee).get(
        memberships__user=mentor
    )

    run_start(program=program, solver="optimal", by=coordinator)
    checkin_submit(
        mentorship=pair, by=mentee, mood=4, progress="Drafted my portfolio.", wants_contact=True
    )
    checkin_submit(mentorship=pair, by=mentor, mood=5, progress="Good momentum.")
    kudos_send(mentorship=pair, by=mentor, to=mentee, message="Great interview prep!")
    resource = resource_add(
        program=program,
        by=coordinator,
        kind="article",
        title="Negotiating your first raise",
        url="https://example.com/raise",
        description="A short guide with scripts to practise.",
        tags=["negotiation", "career"],
    )
    recommendation_create(
        resource=resource, mentorship=pair, by=mentor, to=mentee, note="Read before Friday."
    )
    feedback_request_create(
        mentorship=pair,
        by=mentee,
        title="My CV",
        question="Does the first half read as a data analyst's?",
        link="https://example.com/cv",
    )
    other = (
        Enrolment.objects.filter(program=program, role="mentor", status="approved")
        .exclude(user=mentor)
        .select_related("user")
        .first()
        .user
    )
    introduction_propose(
        mentorship=pair,
        introducer=mentor,
        mentee=mentee,
        other=other,
        note="She moved from retail into analytics too.",
    )
    admin = User.objects.get(email=data.ADMIN.email)
    return {
        "mentee": mentee.email,
        "mentor": mentor.email,
        "coordinator": coordinator.email,
        "site admin": admin.email,
    }


# --- crawling and checking --------------------------------------------------------------------


@dataclass
class Crawl:
    pages: list[str] = field(default_factory=list)
    names: Counter = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)
    templates: dict[str, str] = field(default_factory=dict)  # one page of each URL name


def url_name(path: str) -> str | None:
    try:
        return resolve(path).url_name or ""
    except Resolver404:
        return None


def run_axe(page, tags=WCAG_TAGS) -> list[dict]:
    """axe-core's violations on the page as it is now. Every context of this module loads axe
    as an init script (see new_context): the browser adds it to each document before the
    page's own scripts, so the site's CSP stays as it is and axe is compiled once."""
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags},
                                               resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.map(n => ({target: n.target,
                                                                     impact: n.impact,
                                                                     summary: n.failureSummary}))}));
        }""",
        tags,
    )
    return result


def describe(url: str, violation: dict) -> str:
    targets = [" ".join(node["target"]) for node in violation["nodes"][:4]]
    more = len(violation["nodes"]) - len(targets)
    extra = f" (+{more} more)" if more > 0 else ""
    return (
        f"{url}: {violation['id']} ({violation['impact']}) {violation['help']} — {targets}{extra}"
    )


def check(page, url: str, crawl: Crawl, theme: str) -> None:
    for violation in run_axe(page):
        if violation["impact"] in SERIOUS:
            crawl.problems.append(f"[{theme}] " + describe(url, violation))


def links(page, origin: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(a => a.href)")
    found = []
    for href in hrefs:
        href, _fragment = urldefrag(href)
        if href.startswith(origin):
            found.append(href[len(origin) :] or "/")
    return found


def wanted(path: str, crawl: Crawl, seen: set[str]) -> str | None:
    """The URL name if the crawler should visit this path, else None."""
    if path in seen:
        return None
    bare = urlsplit(path).path
    if bare.startswith(SKIPPED_PREFIXES) or DOWNLOAD.search(bare):
        return None
    name = url_name(bare)
    if name is None or name in SKIPPED_NAMES:
        return None
    return None if crawl.names[name] >= MAX_PER_NAME else name


def crawl_site(page, origin: str, starts: list[str]) -> Crawl:
    crawl = Crawl()
    seen: set[str] = set(starts)
    queue = deque(starts)
    crawl.names.update(url_name(urlsplit(start).path) for start in starts)
    while queue and len(crawl.pages) < MAX_PAGES:
        path = queue.popleft()
        try:
            response = page.goto(path)
        except PlaywrightError as error:
            if "Download is starting" in str(error):
                continue  # a download behind an ordinary-looking link (?template=1)
            raise
        landed = page.url[len(origin) :] if page.url.startswith(origin) else page.url
        if response is not None and response.status >= 400:
            crawl.problems.append(f"{path}: answered {response.status}")
            continue
        if landed != path and landed in crawl.pages:
            continue  # a redirect to a page already checked
        crawl.pages.append(path)
        crawl.templates.setdefault(url_name(urlsplit(path).path), path)
        check(page, path, crawl, "light")
        for link in links(page, origin):
            name = wanted(link, crawl, seen)
            if name is not None:
                seen.add(link)
                crawl.names[name] += 1
                queue.append(link)
    return crawl


def new_context(browser, live_server, **options):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Paris", **options
    )
    context.add_init_script(path=AXE_DIR / "axe.min.js")
    context.set_default_timeout(15_000)
    return context


def recheck_dark(browser, live_server, storage_state, paths: list[str], crawl: Crawl) -> None:
    """Pages again in the dark theme: the system asks for dark, and the site's own toggle was
    set to dark (theme.js reads it from local storage before the first paint)."""
    context = new_context(browser, live_server, color_scheme="dark", storage_state=storage_state)
    context.add_init_script("try { localStorage.setItem('lodestar-theme', 'dark'); } catch (e) {}")
    page = context.new_page()
    try:
        for path in paths:
            page.goto(path)
            theme = page.evaluate("document.documentElement.getAttribute('data-theme')")
            assert theme == "dark", f"{path} is not in the dark theme ({theme})"
            check(page, path, crawl, "dark")
    finally:
        context.close()


# WCAG 2.2 1.4.10 Reflow: 320 CSS pixels wide, the width of a small phone (or 1280 at 400 %).
PHONE = {"width": 320, "height": 640}
# What may scroll sideways on its own: data tables and code (1.4.10 exempts two-dimensional
# content), inside a container of ours that scrolls.
OVERFLOW_SCRIPT = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.body.querySelectorAll('*')) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    if (el.closest('table, pre, .table-scroll, [data-scroll-x]')) continue;
    const style = getComputedStyle(el);
    if (style.position === 'fixed' || style.visibility === 'hidden') continue;
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') { clipped = true; break; }
    }
    if (clipped) continue;
    const tag = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    wide.push(tag + ' (' + Math.round(box.right) + 'px)');
    if (wide.length >= 3) break;
  }
  return {scroll: document.documentElement.scrollWidth, width, wide};
}"""


def recheck_phone(browser, live_server, storage_state, paths: list[str], crawl: Crawl) -> None:
    """Pages again on a small phone: nothing but tables and code may make the page scroll
    sideways, and axe still passes (target sizes included)."""
    context = new_context(browser, live_server, viewport=PHONE, storage_state=storage_state)
    page = context.new_page()
    try:
        for path in paths:
            page.goto(path)
            found = page.evaluate(OVERFLOW_SCRIPT)
            if found["scroll"] > found["width"] + 1 and found["wide"]:
                crawl.problems.append(
                    f"[phone] {path}: {found['scroll']}px wide in a {found['width']}px window; "
                    + ", ".join(found["wide"])
                )
            check(page, path, crawl, "phone")
    finally:
        context.close()


def admin_report(page) -> list[str]:
    """Django admin's index and its first few lists: reported, never failing (they are Django's
    own templates)."""
    page.goto("/admin/")
    lists = page.eval_on_selector_all(
        "a[href^='/admin/']", "els => els.map(a => a.getAttribute('href'))"
    )
    found = []
    models = list(dict.fromkeys(h for h in lists if re.fullmatch(r"/admin/\w+/\w+/", h)))
    for path in ["/admin/", *models[:3]]:
        page.goto(path)
        found += [describe(path, v) for v in run_axe(page) if v["impact"] in SERIOUS]
    return found


ROLES = ["anonymous", "mentee", "mentor", "coordinator", "site admin"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_a_role_reaches_passes_axe_in_light_dark_and_on_a_phone(
    browser, live_server, role
):
    """One world, one sign-in. Light: every page the role reaches. Dark and phone: one page of
    each URL name (colours and layout come from the templates and the CSS, not from the objects
    shown). One test per role, so that the roles' crawls run side by side in the suite."""
    emails = seed_world()
    context = new_context(browser, live_server, color_scheme="light")
    page = context.new_page()
    try:
        if role == "anonymous":
            starts = ["/"]
        else:
            log_in(page, emails[role], data.DEMO_PASSWORD)
            # The coordinator begins with the seeded program, so that its pages (the match run,
            # the survey results) come before the other demo programs' in the queue.
            first = [f"/coordinate/{data.PROGRAM_SLUG}/"] if role == "coordinator" else []
            starts = [*first, "/dashboard/"]
        crawl = crawl_site(page, live_server.url, starts)
        admin = admin_report(page) if role == "site admin" else []
        storage = context.storage_state()
    finally:
        context.close()
    one_each = list(crawl.templates.values())
    recheck_dark(browser, live_server, storage, one_each, crawl)
    recheck_phone(browser, live_server, storage, one_each, crawl)

    report = [
        f"{role}: {len(crawl.pages)} pages of {len(crawl.templates)} URL names in light, "
        "each name again in dark and on a phone"
    ]
    if admin:
        report.append(f"  Django admin (reported, not failing): {len(admin)} serious or critical")
        report += [f"    {line}" for line in admin]
    failures = []
    missing = MUST_REACH[role] - set(crawl.templates)
    if missing:
        failures.append(f"the {role} crawl never reached {sorted(missing)}: {crawl.pages}")
    failures += crawl.problems

    print(f"\n{AXE_VERSION}, WCAG 2.0-2.2 A and AA:\n" + "\n".join(report))
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


def test_the_vendored_axe_is_the_pinned_one():
    script = (Path(__file__).resolve().parents[2] / "scripts" / "vendor-assets.sh").read_text()
    pinned = re.search(r"^AXE=(\S+)$", script, re.M).group(1)
    assert f"axe-core {pinned}" == AXE_VERSION
    assert (AXE_DIR / "axe.min.js").read_text().startswith(f"/*! axe v{pinned}")
    # Test-only: nothing under the static files the product serves.
    static = Path(__file__).resolve().parents[2] / "lodestar" / "static"
    assert not list(static.rglob("axe*.js"))
