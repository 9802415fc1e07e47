"""Flash mentoring in the browser, each new page checked with axe-core.

Max, a mentor in Paris, opens weekly office hours through the form. Mia, a mentee in New York,
finds him on “Book a session”, reads the session in New York time and books it with a
question: both get an email with a calendar invitation. The session then takes place; Max
records it held and both leave feedback; the coordinator's “Sessions and feedback” shows one
session held and the ratings. Each person has a browser of their own, in their own zone.
"""

import re
from datetime import timedelta
from email.mime.base import MIMEBase
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.template.loader import render_to_string
from django.utils import timezone, translation
from playwright.sync_api import expect

from lodestar.flash.models import Booking, SessionFeedback, Slot
from tests import factories
from tests.e2e.conftest import assert_accessible, flash_messages, heading

pytestmark = pytest.mark.e2e

PARIS, NEW_YORK = "Europe/Paris", "America/New_York"
QUESTION = "How do I explain a two-year gap in my CV?"
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@pytest.fixture
def flash(coordinator):
    """A running flash program; Max (Paris) mentors, Mia (New York) is a mentee."""
    program = factories.make_program(
        coordinator=coordinator, name="Flash Week", kind="flash", status="running"
    )
    max_ = factories.make_user("max@example.com", name="Max Mentor", timezone=PARIS)
    factories.make_enrolment(program, max_, role="mentor")
    mia = factories.make_user("mia@example.com", name="Mia Mentee", timezone=NEW_YORK)
    factories.make_enrolment(program, mia, role="mentee")
    return program, max_, mia


def when(moment, zone: str) -> str:
    """A moment as the pages print it for a person in `zone` (whose browser asks for British
    English)."""
    with translation.override("en-gb"), timezone.override(ZoneInfo(zone)):
        html = render_to_string("meetings/_when.html", {"value": moment})
    return re.sub(r"<[^>]+>", "", html).strip()


def publish_office_hours(page, program) -> str:
    """Max opens weekly office hours, at 17:00 in Paris, two days from now; the weekday."""
    weekday = WEEKDAYS[(timezone.now().astimezone(ZoneInfo(PARIS)) + timedelta(days=2)).weekday()]
    page.goto(f"/programs/{program.slug}/")
    page.get_by_role("button", name="Your office hours").click()
    expect(heading(page)).to_have_text("Your office hours")
    assert_accessible(page)
    page.get_by_role("radio", name="Every week").check()
    page.get_by_label("Day of the week").select_option(label=weekday)
    page.get_by_label("Start time").fill("17:00")
    expect(page.get_by_label("Time zone")).to_have_value(PARIS)
    page.get_by_label("Length in minutes").fill("45")
    page.get_by_label("People per session").fill("1")
    page.get_by_label("Topics").fill("CV review, Interviews")
    page.get_by_label("Place or link").fill("https://meet.example.com/max")
    page.get_by_role("button", name="Publish these office hours").click()
    expect(flash_messages(page)).to_contain_text("Your office hours are published:")
    expect(page.get_by_role("region", name="Your office hours").last).to_contain_text(
        f"Every {weekday} at 5 p.m. (Europe/Paris)"
    )
    assert_accessible(page)
    return weekday


def book_first_session(page, program, slot) -> None:
    """Mia finds Max, reads the session in New York time, and books it."""
    in_new_york = when(slot.start, NEW_YORK)
    page.goto(f"/programs/{program.slug}/")
    page.get_by_role("button", name="Book a session").click()
    expect(heading(page)).to_have_text("Book a session")
    assert_accessible(page)
    card = page.get_by_role("article", name="Max Mentor")
    expect(card).to_contain_text(in_new_york)
    expect(card).to_contain_text("5 p.m. for the mentor, Europe/Paris")
    expect(card).to_contain_text("CV review, Interviews")
    card.get_by_role("button", name=f"Book a session with Max Mentor, {in_new_york}").click()
    expect(heading(page)).to_have_text("Book a session with Max Mentor")
    expect(page.get_by_text(f"{in_new_york} for you (America/New_York)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("textbox", name="Your question").fill(QUESTION)
    page.get_by_role("button", name="Book this session").click()
    expect(flash_messages(page)).to_contain_text(
        "Booked. You and Max Mentor each get a calendar invitation by email."
    )
    expect(heading(page)).to_contain_text("Session with Max Mentor on")
    expect(page.get_by_text(QUESTION)).to_be_visible()
    assert_accessible(page)


def calendar_parts(message) -> list[MIMEBase]:
    return [
        part
        for part in message.attachments
        if isinstance(part, MIMEBase) and part.get_content_type() == "text/calendar"
    ]


def assert_invitations_sent(slot, max_, mia) -> None:
    invitations = {m.to[0]: calendar_parts(m) for m in mail.outbox if calendar_parts(m)}
    assert set(invitations) == {max_.email, mia.email}, [m.subject for m in mail.outbox]
    for (part,) in invitations.values():
        assert part.get_param("method") == "REQUEST"
        ics = part.get_payload(decode=True).decode()
        assert slot.ical_uid in ics and "METHOD:REQUEST" in ics


def leave_feedback(page, rating: str, *, follow_up: bool) -> None:
    form = page.get_by_role("region", name="Your feedback")
    form.get_by_role("group", name=re.compile("How was the session")).get_by_label(rating).check()
    form.get_by_role("group", name="Was it useful?").get_by_label("Yes").check()
    if follow_up:
        form.get_by_label("A follow-up session would help").check()
    form.get_by_label("Comment (optional)").fill("Clear and kind.")
    form.get_by_role("button", name="Send my feedback").click()
    expect(flash_messages(page)).to_contain_text("Thank you for your feedback.")
    expect(page.get_by_role("region", name="Your feedback")).to_contain_text(f"{rating} out of 5")
    assert_accessible(page)


def test_a_mentor_opens_office_hours_a_mentee_abroad_books_and_both_give_feedback(
    open_as, flash, coordinator
):
    program, max_, mia = flash
    max_page = open_as(max_.email, PARIS)
    publish_office_hours(max_page, program)
    slot = Slot.objects.order_by("start").first()
    assert slot.start.astimezone(ZoneInfo(PARIS)).hour == 17

    mia_page = open_as(mia.email, NEW_YORK)
    book_first_session(mia_page, program, slot)
    booking = Booking.objects.get()
    assert (booking.slot, booking.mentee.user, booking.question) == (slot, mia, QUESTION)
    assert_invitations_sent(slot, max_, mia)

    # The session took place: it began an hour and a half ago.
    start = timezone.now() - timedelta(minutes=90)
    Slot.objects.filter(pk=slot.pk).update(start=start, end=start + timedelta(minutes=45))

    max_page.reload()
    outcome = max_page.get_by_role("region", name="Did these sessions take place?")
    expect(outcome).to_contain_text("Mia Mentee")
    assert_accessible(max_page)
    outcome.get_by_role("button", name="Held (session with Mia Mentee)").click()
    expect(flash_messages(max_page)).to_contain_text("Recorded: the session was held.")
    max_page.get_by_role("link", name="Your sessions").first.click()
    expect(heading(max_page)).to_have_text("Your sessions")
    assert_accessible(max_page)
    max_page.get_by_role("region", name="Past and cancelled").get_by_role(
        "link", name="Give feedback"
    ).click()
    expect(heading(max_page)).to_contain_text("Session with Mia Mentee on")
    expect(max_page.get_by_text("The question from Mia Mentee")).to_be_visible()
    assert_accessible(max_page)
    leave_feedback(max_page, "5", follow_up=False)

    mia_page.reload()
    leave_feedback(mia_page, "4", follow_up=True)
    expect(flash_messages(mia_page)).to_contain_text(
        "Max Mentor is told that you would like a follow-up."
    )
    expect(mia_page.get_by_role("button", name="Book a follow-up with Max Mentor")).to_be_visible()

    booking.refresh_from_db()
    assert booking.status == "held"
    ratings = dict(SessionFeedback.objects.values_list("author__email", "rating"))
    assert ratings == {max_.email: 5, mia.email: 4}

    cora = open_as(coordinator.email, PARIS)
    cora.goto(f"/coordinate/{program.slug}/")
    cora.get_by_role("link", name="Sessions and feedback").click()
    expect(heading(cora)).to_have_text("Sessions and feedback")
    counts = cora.get_by_role("table", name="Bookings by what became of them")
    expect(counts.get_by_role("row").nth(1)).to_have_text(re.compile(r"^\s*0\s+1\s+0\s+0\s+1\s"))
    scores = cora.get_by_role("table", name="Feedback scores")
    expect(scores.get_by_role("row", name=re.compile("Mentees’ average rating"))).to_contain_text(
        "4 out of 5"
    )
    expect(scores.get_by_role("row", name=re.compile("Mentors’ average rating"))).to_contain_text(
        "5 out of 5"
    )
    expect(cora.get_by_text(QUESTION)).to_have_count(0)
    assert_accessible(cora)
