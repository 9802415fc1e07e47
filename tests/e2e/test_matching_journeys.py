"""Matching in the browser, each page checked with axe-core.

(a) A coordinator runs matching on the demo program, pins one pair, excludes another, runs
    again, checks the new run kept the pin and left the excluded pair out, and publishes; a
    mentor then accepts their proposed mentorship.
(b) A mentee in a program where mentees choose reads why a mentor was recommended, asks two
    mentors; the first asks a question, the mentee answers, the mentor accepts, and the
    mentee's other request is withdrawn.
"""

import re

import pytest
from playwright.sync_api import expect

from lodestar.demo import data
from lodestar.demo.generator import generate
from lodestar.matches.models import Exclusion, MatchRun, MentorshipRequest, Pin
from lodestar.matches.states import RequestStatus, RunStatus
from lodestar.mentorships.models import Membership, Mentorship
from lodestar.mentorships.states import MentorshipStatus, Response
from lodestar.programs.models import Program
from tests import factories
from tests.e2e.conftest import assert_accessible, heading, log_in

PAIRS_CAPTION = "Pairs, lowest score first, with each criterion's points"


def proposed_pairs(page) -> dict[str, tuple[str, str]]:
    """{mentee: (mentor, score cell text)} as the run's table of pairs shows them."""
    table = page.get_by_role("table", name=PAIRS_CAPTION)
    expect(table).to_be_visible()
    pairs = {}
    for row in table.locator("tbody tr").all():
        mentee = row.get_by_role("rowheader").inner_text().strip()
        cells = row.get_by_role("cell")
        pairs[mentee] = (cells.nth(0).inner_text().strip(), cells.nth(1).inner_text().strip())
    return pairs


def run_matching(page, number: int) -> dict[str, tuple[str, str]]:
    """From the Matching page: start an optimal run and wait for its review."""
    expect(heading(page)).to_have_text("Matching")
    page.get_by_role("radio", name=re.compile("^Optimal")).check()
    page.get_by_role("button", name="Run matching").click()
    expect(heading(page)).to_contain_text(f"Run {number}")
    # Runs execute at once in tests; if one were still queued, the page polls and reloads.
    expect(page.get_by_role("heading", name="Proposed pairs")).to_be_visible()
    assert_accessible(page)
    return proposed_pairs(page)


@pytest.mark.django_db(transaction=True)
def test_coordinator_runs_matching_adjusts_publishes_and_a_mentor_accepts(page):
    summary = generate(mentors=6, mentees=10, applicants=0, waitlisted=0, draft_program=False)
    program = Program.objects.get(slug=summary.program_slug)

    log_in(page, data.COORDINATOR.email, data.DEMO_PASSWORD, check=True)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Coordinate").click()
    expect(heading(page)).to_have_text("Programs you coordinate")
    assert_accessible(page)
    page.get_by_role("link", name=data.PROGRAM_NAME).first.click()
    expect(heading(page)).to_have_text(data.PROGRAM_NAME)
    assert_accessible(page)
    page.get_by_role("link", name="Matching runs: run, review and publish").click()
    expect(heading(page)).to_have_text("Matching")
    assert_accessible(page)

    first = run_matching(page, 1)
    assert len(first) >= 3, first
    pinned_mentee, excluded_mentee = list(first)[:2]
    pinned_mentor = first[pinned_mentee][0]
    excluded_mentor = first[excluded_mentee][0]

    # Pin the first pair.
    page.get_by_role("link", name=f"Change {pinned_mentee}").click()
    expect(heading(page)).to_have_text(pinned_mentee)
    expect(page.get_by_text(f"Proposed mentor: {pinned_mentor}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Pin this pair (every run keeps it)").click()
    expect(page.locator("#messages")).to_contain_text("Pinned: every later run keeps this pair.")
    expect(page.get_by_role("button", name="Unpin this pair")).to_be_visible()
    assert_accessible(page)

    # Exclude the second pair.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Run 1").click()
    expect(heading(page)).to_contain_text("Run 1")
    page.get_by_role("link", name=f"Change {excluded_mentee}").click()
    expect(heading(page)).to_have_text(excluded_mentee)
    assert_accessible(page)
    page.get_by_role("button", name=f"Never match {excluded_mentee} and {excluded_mentor}").click()
    expect(page.locator("#messages")).to_contain_text(
        f"{excluded_mentee} and {excluded_mentor} will never be matched in this program."
    )
    expect(page.get_by_text("Unmatched in this run:")).to_contain_text("Excluded by a coordinator")
    assert_accessible(page)
    assert Pin.objects.filter(program=program, mentee__user__name=pinned_mentee).exists()
    assert Exclusion.objects.filter(
        program=program,
        mentee__user__name=excluded_mentee,
        mentor__user__name=excluded_mentor,
    ).exists()

    # Run again: the pin is kept and the excluded pair is not proposed.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Matching").click()
    expect(heading(page)).to_have_text("Matching")
    pins = page.get_by_role("region", name="Pinned pairs")
    expect(pins).to_contain_text(f"{pinned_mentee} ↔ {pinned_mentor}")
    exclusions = page.get_by_role("region", name="Excluded pairs")
    expect(exclusions.get_by_role("row").filter(has_text=excluded_mentee)).to_contain_text(
        excluded_mentor
    )
    assert_accessible(page)
    second = run_matching(page, 2)
    assert second[pinned_mentee][0] == pinned_mentor
    assert "Pinned" in second[pinned_mentee][1]
    assert second.get(excluded_mentee, ("",))[0] != excluded_mentor

    page.get_by_role("button", name=re.compile(r"^Publish \d+ pairs?$")).click()
    expect(page.locator("#messages")).to_contain_text(
        f"Published: {len(second)} proposed mentorships."
    )
    expect(heading(page)).to_contain_text("Published")
    assert_accessible(page)

    run = MatchRun.objects.get(program=program, number=2)
    assert run.status == RunStatus.PUBLISHED
    made = Mentorship.objects.filter(program=program, match_run=run)
    assert made.count() == len(second)
    assert set(made.values_list("status", flat=True)) == {MentorshipStatus.PROPOSED}
    assert (
        made.filter(memberships__user__name=pinned_mentee)
        .get()
        .memberships.get(role="mentor")
        .user.name
        == pinned_mentor
    )
    assert (
        not made.filter(memberships__user__name=excluded_mentee)
        .filter(memberships__user__name=excluded_mentor)
        .exists()
    )
    assert MatchRun.objects.get(program=program, number=1).status == RunStatus.DONE

    # The mentor of the pinned pair follows their notification and accepts.
    mentorship = made.get(memberships__user__name=pinned_mentee)
    mentor = mentorship.memberships.get(role="mentor").user
    mentee = mentorship.memberships.get(role="mentee").user
    page.get_by_role("button", name="Sign out").click()
    log_in(page, mentor.email, data.DEMO_PASSWORD, check=True)
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile(r"^Notifications \(\d+ unread\)$")
    ).click()
    expect(heading(page)).to_have_text("Notifications")
    assert_accessible(page)
    page.get_by_role(
        "link",
        name=f"{data.PROGRAM_NAME} proposes {pinned_mentee} as your mentee. "
        "Please accept or decline.",
    ).click()
    expect(heading(page)).to_contain_text(pinned_mentee)
    expect(page.get_by_text("Proposed", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Accept this match").click()

    expect(page.locator("#messages")).to_contain_text(
        "You accepted. The mentorship starts once everyone has accepted."
    )
    expect(page.get_by_role("row").filter(has_text="(you)")).to_contain_text("Accepted")
    expect(page.get_by_role("button", name="Accept this match")).to_have_count(0)
    assert_accessible(page)
    assert Membership.objects.get(mentorship=mentorship, user=mentor).response == (
        Response.ACCEPTED
    )
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.PROPOSED  # the mentee has not answered yet

    # The mentee finds it on their Mentorships page and accepts too: it starts.
    page.get_by_role("button", name="Sign out").click()
    log_in(page, mentee.email, data.DEMO_PASSWORD, check=True)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentorships").click()
    expect(heading(page)).to_have_text("Your mentorships")
    assert_accessible(page)
    page.get_by_role("region", name="Waiting for your answer").get_by_role(
        "link", name=f"{pinned_mentor} (mentor)"
    ).click()
    expect(heading(page)).to_contain_text(pinned_mentor)
    page.get_by_role("button", name="Accept this match").click()
    expect(page.locator("#messages")).to_contain_text("You accepted: your mentorship has started.")
    expect(page.get_by_text("Active", exact=True)).to_be_visible()
    assert_accessible(page)
    mentorship.refresh_from_db()
    assert mentorship.status == MentorshipStatus.ACTIVE
    assert mentorship.start_date is not None


def test_mentee_requests_two_mentors_and_the_first_accepts_after_a_question(
    page, browser, live_server, coordinator
):
    program = factories.make_program(
        coordinator=coordinator,
        name="Open Circle",
        slug="open-circle",
        matching_mode="mentee_choice",
    )
    topics, topics_mentor = factories.make_criterion(
        program, label="Topics to grow in", choices=("Design", "Data", "Leadership", "Sales")
    )
    format_, format_mentor = factories.make_criterion(
        program,
        label="Meeting format",
        kind="single_choice",
        rule="same",
        choices=("Video", "In person"),
        weight=2,
    )

    def person(email, name, role, topic_values, meeting):
        user = factories.make_user(email, name=name)
        enrolment = factories.make_enrolment(
            program, user, role=role, capacity=2 if role == "mentor" else None
        )
        mentor_side = role == "mentor"
        factories.make_answer(
            enrolment, topics_mentor if mentor_side else topics, list(topic_values)
        )
        factories.make_answer(enrolment, format_mentor if mentor_side else format_, meeting)
        return user, enrolment

    first_user, first = person(
        "grace@example.com", "Grace Guide", "mentor", ["Design", "Data"], "Video"
    )
    _, second = person("hal@example.com", "Hal Helper", "mentor", ["Data"], "In person")
    mentee_user, mentee = person(
        "ines@example.com", "Ines Intern", "mentee", ["Design", "Data"], "Video"
    )

    # The mentee finds mentors and reads why the first one is recommended.
    log_in(page, mentee_user.email, check=True)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    page.get_by_role("link", name="Open Circle", exact=True).click()
    expect(heading(page)).to_have_text("Open Circle")
    assert_accessible(page)
    page.get_by_role("button", name="Find a mentor").click()
    expect(heading(page)).to_have_text("Find a mentor")
    assert_accessible(page)
    cards = page.locator("article.mentor-option")
    expect(cards).to_have_count(2)
    top = cards.first
    expect(top.get_by_role("heading", level=3)).to_have_text("Grace Guide")
    expect(top).to_contain_text("You both chose Design and Data")
    expect(top).to_contain_text("Same answer: Video")
    expect(cards.nth(1).get_by_role("heading", level=3)).to_have_text("Hal Helper")

    top.get_by_role("button", name="Request Grace Guide").click()
    expect(heading(page)).to_have_text("Ask Grace Guide to mentor you")
    assert_accessible(page)
    page.get_by_label("Your message to the mentor").fill(
        "I am moving into product design and would value your view on portfolio work."
    )
    page.get_by_role("button", name="Send my request to Grace Guide").click()
    expect(heading(page)).to_have_text("Your request to Grace Guide")
    expect(page.locator("#messages")).to_contain_text("Your request is on its way to Grace Guide.")
    assert_accessible(page)

    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Find a mentor"
    ).click()
    expect(heading(page)).to_have_text("Find a mentor")
    page.get_by_role("button", name="Request Hal Helper").click()
    expect(heading(page)).to_have_text("Ask Hal Helper to mentor you")
    page.get_by_label("Your message to the mentor").fill("Data work is my second interest.")
    page.get_by_role("button", name="Send my request to Hal Helper").click()
    expect(heading(page)).to_have_text("Your request to Hal Helper")
    assert_accessible(page)
    assert MentorshipRequest.objects.filter(mentee=mentee, status=RequestStatus.OPEN).count() == 2

    # The first mentor, in a browser of their own, asks a question.
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="Europe/Paris"
    )
    context.set_default_timeout(15_000)
    try:
        mentor_page = context.new_page()
        log_in(mentor_page, first_user.email, check=True)
        mentor_page.goto("/programs/open-circle/")
        mentor_page.get_by_role("link", name="Requests you received").click()
        expect(heading(mentor_page)).to_have_text("Your requests")
        assert_accessible(mentor_page)
        mentor_page.get_by_role("region", name="Requests you received").get_by_role(
            "link", name="Ines Intern"
        ).click()
        expect(heading(mentor_page)).to_have_text("Ines Intern asks you to mentor them")
        expect(mentor_page.get_by_text("portfolio work")).to_be_visible()
        assert_accessible(mentor_page)
        mentor_page.get_by_label("Your question to the mentee").fill(
            "How many hours a month can you give this?"
        )
        mentor_page.get_by_role("button", name="Send my question").click()
        expect(mentor_page.locator("#messages")).to_contain_text("Your question is sent")
        expect(mentor_page.get_by_text("How many hours a month")).to_be_visible()
        assert_accessible(mentor_page)

        # The mentee answers it.
        page.get_by_role("navigation", name="Breadcrumb").get_by_role(
            "link", name="Your requests"
        ).click()
        expect(heading(page)).to_have_text("Your requests")
        assert_accessible(page)
        page.get_by_role("region", name="Requests you sent").get_by_role(
            "link", name="Grace Guide"
        ).click()
        expect(heading(page)).to_have_text("Your request to Grace Guide")
        expect(page.get_by_text("How many hours a month can you give this?")).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Your answer").fill("About six hours a month, evenings.")
        page.get_by_role("button", name="Send my answer").click()
        expect(page.locator("#messages")).to_contain_text("Your answer is sent.")
        assert_accessible(page)

        # The mentor reads the answer and accepts.
        mentor_page.reload()
        expect(mentor_page.get_by_text("About six hours a month, evenings.")).to_be_visible()
        mentor_page.get_by_role("button", name="Accept and become Ines Intern’s mentor").click()
        expect(mentor_page.locator("#messages")).to_contain_text(
            "You are now Ines Intern’s mentor. Your mentorship has started."
        )
        expect(heading(mentor_page)).to_contain_text("Grace Guide")
        expect(heading(mentor_page)).to_contain_text("Ines Intern")
        expect(mentor_page.get_by_text("Active", exact=True)).to_be_visible()
        expect(mentor_page.get_by_text("Mentee’s request", exact=True)).to_be_visible()
        assert_accessible(mentor_page)
    finally:
        context.close()

    mentorship = Mentorship.objects.get(program=program)
    assert (mentorship.status, mentorship.origin) == (MentorshipStatus.ACTIVE, "self_match")
    assert set(mentorship.memberships.values_list("enrolment", flat=True)) == {
        first.pk,
        mentee.pk,
    }
    accepted = MentorshipRequest.objects.get(mentee=mentee, mentor=first)
    assert (accepted.status, accepted.mentorship) == (RequestStatus.ACCEPTED, mentorship)
    other = MentorshipRequest.objects.get(mentee=mentee, mentor=second)
    assert other.status == RequestStatus.WITHDRAWN

    # The mentee sees both outcomes on their requests page.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Your requests"
    ).click()
    expect(heading(page)).to_have_text("Your requests")
    sent = page.get_by_role("region", name="Requests you sent")
    expect(sent.get_by_role("row").filter(has_text="Grace Guide")).to_contain_text("Accepted")
    expect(sent.get_by_role("row").filter(has_text="Hal Helper")).to_contain_text("Withdrawn")
    assert_accessible(page)
