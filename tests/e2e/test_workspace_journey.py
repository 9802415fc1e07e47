"""The mentorship workspace in the browser, each new page checked with axe-core.

A mentor in London and a mentee in New York, in an active mentorship, each in a browser of
their own: they agree the mentoring agreement (the mentee rewords a section, then both sign),
the mentee sets a SMART goal with a milestone, the mentor plans a meeting at one of the times
suggested from their overlapping availability and the mentee confirms it (everyone's calendar
gets the invitation), the mentor writes while the mentee's page shows the unread count change
without a reload, the mentee replies, and once the meeting has taken place the mentor marks it
held, writes the shared note and gives the mentee an action item, which the mentee then finds
in the workspace.
"""

from datetime import time, timedelta
from email.mime.base import MIMEBase

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from lodestar.accounts.models import AvailabilityWindow
from lodestar.meetings.models import ActionItem, Meeting, MeetingNote
from lodestar.meetings.states import MeetingStatus
from lodestar.mentorships.models import AgreementVersion, Goal
from lodestar.messaging.models import Message
from tests import factories
from tests.e2e.conftest import assert_accessible, heading, log_in
from tests.e2e.conftest import flash_messages as flash

pytestmark = pytest.mark.e2e

MENTOR, MENTEE = "Max Mentor", "Mia Mentee"
WORKSPACE = f"{MENTOR} · {MENTEE}"
GOAL = "Lead a design review for my team"
MILESTONE = "Shadow two design reviews"
EXPECTATIONS = "Mia hopes to learn to run design reviews; Max shares how he runs his."
NOTE = "We walked through Mia's first review plan and agreed on a checklist."
ACTION = "Draft the review checklist"


def open_workspace(page, other: str, *, check: bool = True):
    """Mentorships → the mentorship with `other` (as the list names them)."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentorships").click()
    expect(heading(page)).to_have_text("Your mentorships")
    if check:
        assert_accessible(page)
    page.get_by_role("region", name="Under way").get_by_role("link", name=other).click()
    expect(heading(page)).to_have_text(WORKSPACE)
    if check:
        assert_accessible(page)


def open_agreement(page):
    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Agreement").click()
    expect(heading(page)).to_have_text("Your mentoring agreement")


def available(user, zone: str, start: time, end: time) -> None:
    user.timezone = zone
    user.save(update_fields=["timezone"])
    AvailabilityWindow.objects.bulk_create(
        AvailabilityWindow(user=user, weekday=day, start=start, end=end) for day in range(7)
    )


@pytest.fixture
def pair(program, mentor, mentee):
    """An active mentorship; the mentor free 13:00–18:00 in London, the mentee 07:00–14:00 in
    New York: the same afternoons, whatever summer time does on either side."""
    available(mentor, "Europe/London", time(13), time(18))
    available(mentee, "America/New_York", time(7), time(14))
    enrolments = {e.user_id: e for e in program.enrolments.all()}
    return factories.make_mentorship(
        program, mentor=enrolments[mentor.pk], mentees=[enrolments[mentee.pk]]
    )


def agree(mentor_page, mentee_page):
    """The mentor opens the agreement (drafting it), the mentee rewords a section and signs,
    the mentor signs: it is agreed."""
    open_workspace(mentor_page, f"{MENTEE} (mentee)")
    open_agreement(mentor_page)
    expect(mentor_page.get_by_text("Not agreed yet")).to_be_visible()
    assert_accessible(mentor_page)

    open_workspace(mentee_page, f"{MENTOR} (mentor)")
    open_agreement(mentee_page)
    assert_accessible(mentee_page)
    mentee_page.get_by_text("Edit the text").click()
    mentee_page.get_by_label("Expectations").fill(EXPECTATIONS)
    mentee_page.get_by_role("button", name="Save the agreement").click()
    expect(flash(mentee_page)).to_contain_text("Your changes to the draft are saved.")
    expect(mentee_page.get_by_role("region", name="Version 1")).to_contain_text(EXPECTATIONS)
    mentee_page.get_by_role("button", name="Sign version 1").click()
    expect(flash(mentee_page)).to_contain_text("You signed. The others are asked to sign too.")
    expect(mentee_page.get_by_text(f"You have signed. Still to sign: {MENTOR}.")).to_be_visible()
    assert_accessible(mentee_page)

    mentor_page.reload()
    expect(mentor_page.get_by_role("region", name="Version 1")).to_contain_text(EXPECTATIONS)
    mentor_page.get_by_role("button", name="Sign version 1").click()
    expect(flash(mentor_page)).to_contain_text(
        "You signed: everybody has, so the agreement is agreed."
    )
    signatures = mentor_page.get_by_role("region", name="Signatures")
    expect(signatures.get_by_text("Agreed", exact=True)).to_be_visible()
    expect(signatures).to_contain_text(f"{MENTEE}: signed on")
    expect(signatures).to_contain_text(f"{MENTOR}: signed on")
    expect(mentor_page.get_by_role("button", name="Sign version 1")).to_have_count(0)
    assert_accessible(mentor_page)


def set_goal(mentee_page):
    mentee_page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name=WORKSPACE
    ).click()
    expect(heading(mentee_page)).to_have_text(WORKSPACE)
    expect(
        mentee_page.get_by_role("region", name="Agreement").get_by_text("Agreed", exact=True)
    ).to_be_visible()
    mentee_page.get_by_role("navigation", name="Workspace").get_by_role(
        "link", name="Goals"
    ).click()
    expect(heading(mentee_page)).to_have_text("Goals")
    assert_accessible(mentee_page)
    target = timezone.localdate() + timedelta(days=60)
    mentee_page.get_by_label("Goal:", exact=True).fill(GOAL)
    mentee_page.get_by_label("How you will know you got there").fill(
        "My team runs a review I lead, and two colleagues say it helped."
    )
    mentee_page.get_by_label("Why it matters and how you will get there").fill(
        "I am moving into a senior role; first I watch Max run one."
    )
    mentee_page.get_by_label("Target date").fill(target.isoformat())
    mentee_page.get_by_role("button", name="Set this goal").click()
    expect(heading(mentee_page)).to_have_text(GOAL)
    expect(flash(mentee_page)).to_contain_text("Your goal is set.")
    assert_accessible(mentee_page)

    mentee_page.get_by_label("Milestone:", exact=True).fill(MILESTONE)
    mentee_page.get_by_label("Due date").fill((target - timedelta(days=30)).isoformat())
    mentee_page.get_by_role("button", name="Add the milestone").click()
    expect(flash(mentee_page)).to_contain_text("Milestone added.")
    expect(mentee_page.get_by_role("region", name="Milestones")).to_contain_text(MILESTONE)
    assert_accessible(mentee_page)


def plan_and_confirm(mentor_page, mentee_page, pair) -> Meeting:
    """The mentor proposes the first suggested time; the mentee confirms it."""
    mentor_page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name=WORKSPACE
    ).click()
    expect(heading(mentor_page)).to_have_text(WORKSPACE)
    mentor_page.get_by_role("region", name="Meetings").get_by_role(
        "button", name="Plan a meeting"
    ).click()
    expect(heading(mentor_page)).to_have_text("Plan a meeting")
    assert_accessible(mentor_page)
    slots = mentor_page.get_by_role("group", name="When").get_by_role("radio")
    first = slots.first
    expect(first).not_to_have_attribute("value", "other")
    # Each suggestion shows the mentee's local time beside the mentor's.
    expect(mentor_page.get_by_role("group", name="When")).to_contain_text(
        f"for {MENTEE} (America/New_York)"
    )
    chosen = first.get_attribute("value")
    first.check()
    mentor_page.get_by_label("Place or link").fill("https://meet.example.com/max-mia")
    mentor_page.get_by_label("Agenda").fill("Mia's first design review: the plan.")
    mentor_page.get_by_role("button", name="Propose this meeting").click()
    expect(flash(mentor_page)).to_contain_text(
        "You proposed this meeting. The other members are asked to confirm."
    )
    expect(heading(mentor_page)).to_contain_text("Meeting on")
    expect(mentor_page.get_by_text("waiting for another member to confirm")).to_be_visible()
    assert_accessible(mentor_page)

    meeting = Meeting.objects.get(mentorship=pair)
    assert meeting.start.strftime("%Y-%m-%dT%H:%MZ") == chosen
    assert meeting.status == MeetingStatus.PROPOSED

    open_workspace(mentee_page, f"{MENTOR} (mentor)", check=False)
    next_meeting = mentee_page.get_by_role("article", name="Next meeting")
    expect(next_meeting).to_contain_text("Proposed")
    expect(next_meeting).to_contain_text(f"for {MENTOR} (Europe/London)")
    assert_accessible(mentee_page)
    next_meeting.get_by_role("link").first.click()
    expect(heading(mentee_page)).to_contain_text("Meeting on")
    expect(mentee_page.get_by_text(f"proposed by {MENTOR}")).to_be_visible()
    assert_accessible(mentee_page)
    mentee_page.get_by_role("button", name="Confirm this time").click()
    expect(flash(mentee_page)).to_contain_text(
        "Confirmed. Everyone gets an invitation for their calendar."
    )
    expect(mentee_page.get_by_text("Confirmed", exact=True)).to_be_visible()
    expect(mentee_page.get_by_role("button", name="Confirm this time")).to_have_count(0)
    assert_accessible(mentee_page)

    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CONFIRMED
    assert meeting.confirmed_at is not None
    return meeting


def calendar_parts(message) -> list[MIMEBase]:
    return [
        part
        for part in message.attachments
        if isinstance(part, MIMEBase) and part.get_content_type() == "text/calendar"
    ]


def assert_invitations_sent(meeting, mentor, mentee) -> None:
    invitations = {
        message.to[0]: calendar_parts(message) for message in mail.outbox if calendar_parts(message)
    }
    assert set(invitations) == {mentor.email, mentee.email}, [m.subject for m in mail.outbox]
    for (part,) in invitations.values():
        assert part.get_param("method") == "REQUEST"
        ics = part.get_payload(decode=True).decode()
        assert "METHOD:REQUEST" in ics
        assert meeting.ical_uid in ics


def exchange_messages(mentor_page, mentee_page) -> None:
    """The mentor writes while the mentee's workspace is open: its navigation shows the unread
    message without a reload; the mentee opens the thread and replies."""
    # The navigation polls every 20 seconds: a fake clock, installed before the page loads,
    # lets the test move time on instead of waiting.
    mentee_page.clock.install()
    mentee_page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Mentorship"
    ).click()
    expect(heading(mentee_page)).to_have_text(WORKSPACE)
    nav = mentee_page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Messages", exact=True)).to_be_visible()
    mentee_page.evaluate("window.__same = true")

    mentor_page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Mentorship"
    ).click()
    expect(heading(mentor_page)).to_have_text(WORKSPACE)
    mentor_page.get_by_role("link", name="Open the messages").click()
    expect(heading(mentor_page)).to_have_text(f"Messages with {MENTEE}")
    assert_accessible(mentor_page)
    mentor_page.get_by_label("Your message").fill("Looking forward to it. Bring your plan!")
    mentor_page.get_by_role("button", name="Send").click()
    expect(flash(mentor_page)).to_contain_text("Message sent.")
    expect(mentor_page.get_by_role("log")).to_contain_text("Bring your plan!")
    assert_accessible(mentor_page)

    mentee_page.clock.fast_forward("00:25")
    unread = nav.get_by_role("link", name="Messages (1 unread)")
    expect(unread).to_be_visible()
    assert mentee_page.evaluate("window.__same") is True  # no reload

    unread.click()
    expect(heading(mentee_page)).to_have_text("Your messages")
    assert_accessible(mentee_page)
    mentee_page.get_by_role("link", name=MENTOR).click()
    expect(heading(mentee_page)).to_have_text(f"Messages with {MENTOR}")
    expect(mentee_page.get_by_role("log")).to_contain_text("Bring your plan!")
    assert_accessible(mentee_page)
    mentee_page.get_by_label("Your message").fill("I will. Thank you, Max!")
    mentee_page.get_by_role("button", name="Send").click()
    expect(flash(mentee_page)).to_contain_text("Message sent.")
    expect(mentee_page.get_by_role("log")).to_contain_text("I will. Thank you, Max!")
    expect(nav.get_by_role("link", name="Messages", exact=True)).to_be_visible()
    assert_accessible(mentee_page)


def hold_meeting(mentor_page, mentee_page, meeting) -> None:
    """After the meeting's time, the mentor marks it held, writes the shared note and gives
    the mentee an action item; the mentee sees it in the workspace."""
    # Time passes: the meeting began two hours ago.
    Meeting.objects.filter(pk=meeting.pk).update(start=timezone.now() - timedelta(hours=2))

    mentor_page.goto(f"/meetings/{meeting.pk}/")
    expect(heading(mentor_page)).to_contain_text("Meeting on")
    assert_accessible(mentor_page)
    mentor_page.get_by_label("How long you met, in minutes").fill("50")
    mentor_page.get_by_role("button", name="We met").click()
    expect(flash(mentor_page)).to_contain_text("Marked as held. Your time together is counted.")
    expect(mentor_page.get_by_text("Held", exact=True)).to_be_visible()
    expect(mentor_page.get_by_text("met for 50 minutes")).to_be_visible()
    assert_accessible(mentor_page)

    mentor_page.get_by_role("textbox", name="Shared note", exact=True).fill(NOTE)
    mentor_page.get_by_role("button", name="Save the shared note").click()
    expect(flash(mentor_page)).to_contain_text("The shared note is saved.")
    expect(mentor_page.get_by_role("textbox", name="Shared note", exact=True)).to_have_value(NOTE)

    mentor_page.get_by_label("What to do").fill(ACTION)
    mentor_page.get_by_label("Who does it").select_option(label=MENTEE)
    mentor_page.get_by_label("By when").fill((timezone.localdate() + timedelta(days=7)).isoformat())
    mentor_page.get_by_role("button", name="Add this action item").click()
    expect(flash(mentor_page)).to_contain_text("The action item is added.")
    items = mentor_page.get_by_role("table", name="Action items from this meeting")
    expect(items.get_by_role("row").filter(has_text=ACTION)).to_contain_text(MENTEE)
    assert_accessible(mentor_page)

    mentee_page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Mentorship in Spring Cohort"
    ).click()
    expect(heading(mentee_page)).to_have_text(WORKSPACE)
    meetings = mentee_page.get_by_role("region", name="Meetings")
    expect(meetings.get_by_role("listitem").filter(has_text=ACTION)).to_contain_text(MENTEE)
    expect(meetings.get_by_role("button", name=f"Mark “{ACTION}” done")).to_be_visible()
    expect(meetings).to_contain_text("1 meeting held")
    assert_accessible(mentee_page)


def test_a_pair_agrees_sets_a_goal_meets_talks_and_follows_up(
    page, browser, live_server, pair, mentor, mentee
):
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", timezone_id="America/New_York"
    )
    context.set_default_timeout(15_000)
    try:
        mentee_page = context.new_page()
        log_in(page, mentor.email, check=True)
        log_in(mentee_page, mentee.email, check=True)

        agree(page, mentee_page)
        set_goal(mentee_page)
        meeting = plan_and_confirm(page, mentee_page, pair)
        assert_invitations_sent(meeting, mentor, mentee)
        exchange_messages(page, mentee_page)
        hold_meeting(page, mentee_page, meeting)
    finally:
        context.close()

    version = AgreementVersion.objects.get(mentorship=pair)
    assert version.agreed_at is not None
    assert version.sections["expectations"] == EXPECTATIONS
    assert set(version.signatures.values_list("user", flat=True)) == {mentor.pk, mentee.pk}

    goal = Goal.objects.get(mentorship=pair)
    assert (goal.title, goal.owner, goal.accepted) == (GOAL, mentee, True)
    assert list(goal.milestones.values_list("title", flat=True)) == [MILESTONE]

    meeting.refresh_from_db()
    assert (meeting.status, meeting.minutes_logged) == (MeetingStatus.COMPLETED, 50)
    assert MeetingNote.objects.get(meeting=meeting).text == NOTE

    assert list(
        Message.objects.filter(conversation__mentorship=pair)
        .order_by("pk")
        .values_list("author", "body")
    ) == [
        (mentor.pk, "Looking forward to it. Bring your plan!"),
        (mentee.pk, "I will. Thank you, Max!"),
    ]

    item = ActionItem.objects.get(mentorship=pair)
    assert (item.title, item.assignee, item.meeting, item.created_by) == (
        ACTION,
        mentee,
        meeting,
        mentor,
    )
    assert item.done_at is None
