"""Growth and support in the browser, each new page checked with axe-core.

Four people, each in a browser of their own. A mentor recommends a resource from the program's
library to their mentee with a note, then introduces the mentee to a third person in the same
program. The mentee finds the recommendation in the workspace and marks it in progress, and
accepts the introduction; the third person follows their notification and accepts too. Only
then does each see the other's email address. Later the mentee checks in, unhappy, and asks the
coordinator to get in touch; the coordinator finds the request under "Needs attention" on the
program's page and as an unread notification.
"""

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lodestar.engagement.checkins import period_days
from lodestar.engagement.models import CheckIn
from lodestar.growth import services as growth
from lodestar.growth.models import Recommendation
from lodestar.growth.states import RecommendationStatus
from lodestar.mentorships.models import Mentorship
from lodestar.network.models import Introduction
from lodestar.network.states import Answer, IntroductionStatus
from lodestar.programs.models import Enrolment
from lodestar.programs.states import ProgramStatus
from tests import factories
from tests.e2e.conftest import assert_accessible, heading, log_in
from tests.e2e.conftest import flash_messages as flash

pytestmark = pytest.mark.e2e

PROGRAM = "Spring Cohort"
MENTOR, MENTEE, THIRD = "Max Mentor", "Mia Mentee", "Tess Third"
THIRD_EMAIL = "tess@example.com"
WORKSPACE = f"{MENTOR} · {MENTEE}"
RESOURCE = "Running a design review"
RECOMMENDATION_NOTE = "Read the part on asking questions before your first review."
INTRODUCTION_NOTE = "Tess ran the design reviews at Atlas for years; ask her how she started."
PROGRESS = "I read half of the article Max recommended."
BLOCKERS = "My manager keeps moving our meetings; I am losing heart."


def main_nav(page):
    return page.get_by_role("navigation", name="Main")


def open_workspace(page, other: str):
    """Mentorships → the mentorship with `other` (as the list names them)."""
    main_nav(page).get_by_role("link", name="Mentorships").click()
    expect(heading(page)).to_have_text("Your mentorships")
    assert_accessible(page)
    page.get_by_role("region", name="Under way").get_by_role("link", name=other).click()
    expect(heading(page)).to_have_text(WORKSPACE)
    assert_accessible(page)


def back_to_workspace(page):
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name=WORKSPACE).click()
    expect(heading(page)).to_have_text(WORKSPACE)


def unread_link(page, count: int):
    return main_nav(page).get_by_role(
        "link", name=re.compile(rf"^Notifications \({count} unread\)$")
    )


def open_notification(page, text: str, *, unread: int):
    """The navigation's unread count, then the notification centre, then the notice itself."""
    unread_link(page, unread).click()
    expect(heading(page)).to_have_text("Notifications")
    assert_accessible(page)
    notice = page.get_by_role("listitem").filter(has_text=text)
    expect(notice).to_contain_text("Unread")
    notice.get_by_role("link", name=text).click()


@contextmanager
def browser_page(browser, live_server):
    """A browser context of one's own (cookies, session), closed afterwards."""
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Paris"
    )
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def third(program):
    """Somebody else in the program, whom the mentor can introduce the mentee to."""
    user = factories.make_user(THIRD_EMAIL, name=THIRD)
    factories.make_enrolment(program, user, role="mentor", capacity=1)
    return user


@pytest.fixture
def pair(program, mentor, mentee):
    """A running program and an active mentorship that began a period and a few days ago, so
    that a check-in is open."""
    program.status = ProgramStatus.RUNNING
    program.save(update_fields=["status"])
    mentorship = factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(program=program, user=mentor),
        mentees=[Enrolment.objects.get(program=program, user=mentee)],
    )
    started = timezone.localdate() - timedelta(days=period_days(mentorship) + 3)
    Mentorship.objects.filter(pk=mentorship.pk).update(start_date=started)
    mentorship.refresh_from_db()
    return mentorship


@pytest.fixture
def resource(program, coordinator):
    return growth.resource_add(
        program=program,
        by=coordinator,
        kind="article",
        title=RESOURCE,
        url="https://example.com/design-reviews",
        description="How to prepare, run and follow up a design review.",
        tags=["Leadership"],
    )


def recommend(mentor_page):
    """From the workspace, through the library, to the recommendation form."""
    open_workspace(mentor_page, f"{MENTEE} (mentee)")
    panel = mentor_page.get_by_role("region", name="Resources and feedback")
    expect(panel).to_contain_text("No resources recommended yet.")
    panel.get_by_role("link", name="Browse the library").click()
    expect(heading(mentor_page)).to_have_text("Resource library")
    assert_accessible(mentor_page)
    mentor_page.get_by_role("link", name=f"Recommend {RESOURCE}").click()
    expect(heading(mentor_page)).to_have_text(f"Recommend “{RESOURCE}”")
    assert_accessible(mentor_page)
    mentor_page.get_by_label("Recommend to").select_option(label=MENTEE)
    mentor_page.get_by_label("A note for them (optional)").fill(RECOMMENDATION_NOTE)
    mentor_page.get_by_role("button", name="Recommend this resource").click()
    expect(flash(mentor_page)).to_contain_text(f"You recommended “{RESOURCE}” to {MENTEE}.")
    expect(heading(mentor_page)).to_have_text("Recommended resources")
    recommendation = mentor_page.get_by_role("article").filter(has_text=RESOURCE)
    expect(recommendation).to_contain_text(f"{MENTOR} recommended this to {MENTEE}")
    expect(recommendation).to_contain_text(RECOMMENDATION_NOTE)
    expect(recommendation).to_contain_text("Status: New")
    assert_accessible(mentor_page)


def introduce(mentor_page):
    back_to_workspace(mentor_page)
    network = mentor_page.get_by_role("region", name="Introductions and referrals")
    expect(network).to_contain_text("No introductions yet.")
    network.get_by_role("link", name="Introduce your mentee to someone").click()
    expect(heading(mentor_page)).to_have_text("Introduce your mentee")
    assert_accessible(mentor_page)
    # The only mentee is chosen already.
    expect(mentor_page.get_by_label("Your mentee").locator("option:checked")).to_have_text(MENTEE)
    mentor_page.get_by_label("Introduce them to").select_option(label=THIRD)
    mentor_page.get_by_label("Why they should meet").fill(INTRODUCTION_NOTE)
    mentor_page.get_by_role("button", name="Send the introduction").click()
    expect(flash(mentor_page)).to_contain_text(
        "Introduction sent: both are asked, and connected once both agree."
    )
    expect(heading(mentor_page)).to_have_text(f"Your introduction of {MENTEE} to {THIRD}")
    expect(mentor_page.get_by_text("Waiting for answers")).to_be_visible()
    expect(mentor_page.get_by_role("region", name=f"{MENTOR}’s note")).to_contain_text(
        INTRODUCTION_NOTE
    )
    assert_accessible(mentor_page)


def follow_the_recommendation(mentee_page):
    open_workspace(mentee_page, f"{MENTOR} (mentor)")
    panel = mentee_page.get_by_role("region", name="Resources and feedback")
    expect(panel.get_by_role("listitem").filter(has_text=RESOURCE)).to_contain_text(
        f"for {MENTEE} · New"
    )
    panel.get_by_role("link", name="Open the recommended resources").click()
    expect(heading(mentee_page)).to_have_text("Recommended resources")
    assert_accessible(mentee_page)
    recommendation = mentee_page.get_by_role("article").filter(has_text=RESOURCE)
    expect(recommendation).to_contain_text(RECOMMENDATION_NOTE)
    recommendation.get_by_label("Where you are with it").select_option(label="In progress")
    recommendation.get_by_label("Your rating").select_option(label="4")
    recommendation.get_by_role("button", name=f"Save my progress on {RESOURCE}").click()
    expect(flash(mentee_page)).to_contain_text("Saved.")
    recommendation = mentee_page.get_by_role("article").filter(has_text=RESOURCE)
    expect(recommendation).to_contain_text("Status: In progress")
    expect(recommendation).to_contain_text("Rated 4 stars out of 5")
    assert_accessible(mentee_page)


def mentee_accepts(mentee_page):
    """From the workspace's network panel; before both said yes, no email address shows."""
    back_to_workspace(mentee_page)
    network = mentee_page.get_by_role("region", name="Introductions and referrals")
    item = network.get_by_role("listitem").filter(has_text=f"{MENTEE} and {THIRD}")
    expect(item).to_contain_text("Waiting for your answer")
    expect(item).to_contain_text(INTRODUCTION_NOTE)
    item.get_by_role("link", name=f"{MENTEE} and {THIRD}").click()
    expect(heading(mentee_page)).to_have_text(f"{MENTOR} introduces you to {THIRD}")
    expect(mentee_page.get_by_text("Contact details are shared once both of you")).to_be_visible()
    expect(mentee_page.get_by_role("region", name="Contact details")).to_have_count(0)
    expect(mentee_page.locator("body")).not_to_contain_text(THIRD_EMAIL)
    assert_accessible(mentee_page)
    mentee_page.get_by_role("button", name=f"Accept: connect me with {THIRD}").click()
    expect(flash(mentee_page)).to_contain_text("Thank you: you will be connected once both agree.")
    expect(mentee_page.get_by_text("You accepted", exact=True)).to_be_visible()
    expect(mentee_page.get_by_role("button", name=re.compile("^Accept"))).to_have_count(0)
    expect(mentee_page.get_by_role("region", name="Contact details")).to_have_count(0)
    expect(mentee_page.locator("body")).not_to_contain_text(THIRD_EMAIL)
    assert_accessible(mentee_page)


def third_accepts(third_page, mentee):
    open_notification(third_page, f"{MENTOR} would like to introduce you to {MENTEE}.", unread=1)
    expect(heading(third_page)).to_have_text(f"{MENTOR} introduces you to {MENTEE}")
    expect(third_page.get_by_role("region", name=f"{MENTOR}’s note")).to_contain_text(
        INTRODUCTION_NOTE
    )
    expect(third_page.locator("body")).not_to_contain_text(mentee.email)
    assert_accessible(third_page)
    third_page.get_by_role("button", name=f"Accept: connect me with {MENTEE}").click()
    expect(flash(third_page)).to_contain_text("You are connected: you can now write to each other.")
    expect(third_page.get_by_text("Connected", exact=True)).to_be_visible()
    contact = third_page.get_by_role("region", name="Contact details")
    expect(contact.get_by_role("link", name=mentee.email)).to_have_attribute(
        "href", f"mailto:{mentee.email}"
    )
    assert_accessible(third_page)


def mentee_sees_contact(mentee_page):
    mentee_page.reload()
    expect(heading(mentee_page)).to_have_text(f"{MENTOR} introduces you to {THIRD}")
    expect(mentee_page.get_by_text("Connected", exact=True)).to_be_visible()
    contact = mentee_page.get_by_role("region", name="Contact details")
    expect(contact).to_contain_text(THIRD)
    expect(contact.get_by_role("link", name=THIRD_EMAIL)).to_have_attribute(
        "href", f"mailto:{THIRD_EMAIL}"
    )
    assert_accessible(mentee_page)


def check_in_asking_for_help(mentee_page):
    back_to_workspace_from_introduction(mentee_page)
    support = mentee_page.get_by_role("region", name="Check-ins and kudos")
    expect(support).to_contain_text("Check-in due.")
    support.get_by_role("button", name="Check in now").click()
    expect(heading(mentee_page)).to_have_text("Check-in")
    assert_accessible(mentee_page)
    mentee_page.get_by_role("group", name="How is your mentorship going?").get_by_role(
        "radio", name="2 — badly"
    ).check()
    mentee_page.get_by_label("What went well, what did you make progress on?").fill(PROGRESS)
    mentee_page.get_by_label("Is anything in the way?").fill(BLOCKERS)
    mentee_page.get_by_role("checkbox", name="I would like the coordinator to get in touch").check()
    mentee_page.get_by_role("button", name="Send my check-in").click()
    expect(flash(mentee_page)).to_contain_text(
        "Thank you for checking in. The coordinators were asked to get in touch."
    )
    expect(mentee_page.get_by_text("Done for this period.")).to_be_visible()
    row = (
        mentee_page.get_by_role("table", name="Your check-ins, newest first")
        .get_by_role("row")
        .filter(has_text=BLOCKERS)
    )
    expect(row).to_contain_text("2 — badly")
    expect(row.get_by_role("cell").last).to_have_text("Yes")
    assert_accessible(mentee_page)


def back_to_workspace_from_introduction(page):
    """The introduction page leads to the introductions; the workspace is under Mentorships."""
    main_nav(page).get_by_role("link", name="Mentorships").click()
    expect(heading(page)).to_have_text("Your mentorships")
    page.get_by_role("region", name="Under way").get_by_role(
        "link", name=f"{MENTOR} (mentor)"
    ).click()
    expect(heading(page)).to_have_text(WORKSPACE)


def coordinator_sees_the_call(coordinator_page):
    main_nav(coordinator_page).get_by_role("link", name="Coordinate").click()
    expect(heading(coordinator_page)).to_have_text("Programs you coordinate")
    assert_accessible(coordinator_page)
    coordinator_page.get_by_role("link", name=PROGRAM, exact=True).click()
    expect(heading(coordinator_page)).to_have_text(PROGRAM)
    attention = coordinator_page.get_by_role("region", name="Needs attention")
    expect(attention.get_by_role("heading", name="1 request for help")).to_be_visible()
    expect(attention).to_contain_text(f"{MENTEE} asked a coordinator to get in touch")
    # Names and dates only: what the mentee wrote stays on the check-ins page.
    expect(attention).not_to_contain_text(BLOCKERS)
    assert_accessible(coordinator_page)

    open_notification(
        coordinator_page,
        f"{MENTEE} would like a coordinator of {PROGRAM} to get in touch.",
        unread=1,
    )
    expect(heading(coordinator_page)).to_have_text("Check-ins")
    # She asked to be contacted, so the coordinator may read her words.
    expect(coordinator_page.get_by_role("region", name="Requests for contact")).to_contain_text(
        BLOCKERS
    )
    expect(
        main_nav(coordinator_page).get_by_role("link", name="Notifications", exact=True)
    ).to_be_visible()
    assert_accessible(coordinator_page)


def test_mentor_recommends_and_introduces_and_a_call_for_help_reaches_the_coordinator(
    page, browser, live_server, pair, resource, coordinator, mentor, mentee, third
):
    with (
        browser_page(browser, live_server) as mentee_page,
        browser_page(browser, live_server) as third_page,
        browser_page(browser, live_server) as coordinator_page,
    ):
        log_in(page, mentor.email, check=True)
        recommend(page)
        introduce(page)

        log_in(mentee_page, mentee.email, check=True)
        follow_the_recommendation(mentee_page)
        mentee_accepts(mentee_page)

        log_in(third_page, third.email, check=True)
        third_accepts(third_page, mentee)
        mentee_sees_contact(mentee_page)

        check_in_asking_for_help(mentee_page)

        log_in(coordinator_page, coordinator.email, check=True)
        coordinator_sees_the_call(coordinator_page)

    recommendation = Recommendation.objects.get(mentorship=pair)
    assert (recommendation.resource, recommendation.from_user, recommendation.to_user) == (
        resource,
        mentor,
        mentee,
    )
    assert recommendation.note == RECOMMENDATION_NOTE
    assert (recommendation.status, recommendation.rating) == (RecommendationStatus.IN_PROGRESS, 4)

    introduction = Introduction.objects.get(mentorship=pair)
    assert (introduction.introducer, introduction.mentee, introduction.other) == (
        mentor,
        mentee,
        third,
    )
    assert introduction.note == INTRODUCTION_NOTE
    assert introduction.status == IntroductionStatus.CONNECTED
    assert (introduction.mentee_answer, introduction.other_answer) == (
        Answer.ACCEPTED,
        Answer.ACCEPTED,
    )
    assert introduction.connected_at is not None

    checkin = CheckIn.objects.get(mentorship=pair, user=mentee)
    assert (checkin.mood, checkin.progress, checkin.blockers) == (2, PROGRESS, BLOCKERS)
    assert checkin.wants_contact is True
    assert checkin.handled_at is None
