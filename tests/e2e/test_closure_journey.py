"""Closing a mentorship in the browser, each new page checked with axe-core.

Max mentors Mia; they met twice and she achieved her goal. Max closes the mentorship from the
workspace ("goals achieved") and writes his reflection with a note of thanks; Mia, in a browser
of her own, finds the closure from the workspace, reads Max's note, writes her reflection with a
note of her own, and with that the mentorship is complete: she opens her certificate of
participation, and Max, back on the closure page, reads her note. The coordinator opens the
program's closures and sees the pair completed, with what each wants next, then the program's
dashboard, which counts it, and downloads the dashboard as CSV.
"""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lodestar.meetings.models import Meeting
from lodestar.mentorships.models import Closure, Goal, Mentorship, Reflection
from tests import factories
from tests.e2e.conftest import assert_accessible, heading
from tests.e2e.conftest import flash_messages as flash

pytestmark = pytest.mark.e2e

MENTOR, MENTEE = "Max Mentor", "Mia Mentee"
WORKSPACE = f"{MENTOR} · {MENTEE}"
MAX_THANKS = "Mia, your questions made me a better designer. Thank you."
MIA_THANKS = "Max, thank you for every Tuesday and every red pen."
MIA_DID = "I led my first design review and my team asked for another."


@pytest.fixture
def pair(program, mentor, mentee):
    enrolments = {e.user_id: e for e in program.enrolments.all()}
    pair = factories.make_mentorship(
        program, mentor=enrolments[mentor.pk], mentees=[enrolments[mentee.pk]]
    )
    for weeks in (3, 1):
        Meeting.objects.create(
            mentorship=pair,
            proposed_by=mentor,
            start=timezone.now() - timedelta(weeks=weeks),
            duration=60,
            status="completed",
        )
    Goal.objects.create(
        mentorship=pair,
        owner=mentee,
        title="Lead a design review",
        status="achieved",
        progress=100,
        achieved_at=timezone.now(),
    )
    return pair


def open_workspace(page, other: str):
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Mentorships").click()
    page.get_by_role("region", name="Under way").get_by_role("link", name=other).click()
    expect(heading(page)).to_have_text(WORKSPACE)


def write_reflection(page, *, did: str, thanks: str, next_step: str, button: str):
    form = page.get_by_role("region", name="Your reflection")
    form.get_by_label("What did you accomplish?").fill(did)
    form.get_by_label("What did you learn?").fill("That a good question beats a quick answer.")
    form.get_by_label("A note of thanks (optional)").fill(thanks)
    form.get_by_role("group", name="What comes next?").get_by_label(next_step).check()
    form.get_by_role("button", name=button).click()


def test_a_pair_closes_with_reflections_and_notes_of_thanks_and_the_coordinator_sees_it(
    open_as, pair, mentor, mentee, coordinator, program
):
    # Max closes the mentorship from the workspace.
    max_page = open_as(mentor.email)
    open_workspace(max_page, f"{MENTEE} (mentee)")
    max_page.get_by_role("region", name="Pause or end").get_by_role(
        "button", name="Close this mentorship"
    ).click()
    expect(heading(max_page)).to_have_text("Closure")
    assert_accessible(max_page)
    start = max_page.get_by_role("region", name="Close this mentorship")
    start.get_by_role("group", name="Why is the mentorship ending?").get_by_label(
        "Goals achieved"
    ).check()
    start.get_by_role("button", name="Start closing").click()
    expect(flash(max_page)).to_contain_text("The mentorship is closing.")
    expect(max_page.get_by_role("region", name="Where it stands")).to_contain_text("Closing")
    assert_accessible(max_page)

    write_reflection(
        max_page,
        did="Mia runs design reviews on her own now.",
        thanks=MAX_THANKS,
        next_step="Keep in touch informally",
        button="Save my reflection",
    )
    expect(flash(max_page)).to_contain_text("your reflection is saved")
    expect(max_page.get_by_role("region", name="Reflections written")).to_contain_text(
        f"{MENTEE} has not written a reflection yet"
    )
    assert_accessible(max_page)

    # Mia finds the closure on her workspace and reads Max's note.
    mia_page = open_as(mentee.email)
    open_workspace(mia_page, f"{MENTOR} (mentor)")
    mia_page.get_by_role("link", name="Closure: reflections and notes of thanks").click()
    expect(heading(mia_page)).to_have_text("Closure")
    thanks = mia_page.get_by_role("region", name="Notes of thanks")
    expect(thanks).to_contain_text(MAX_THANKS)
    expect(thanks).to_contain_text(f"From {MENTOR}")
    expect(mia_page.get_by_text("Mia runs design reviews on her own now.")).to_have_count(0)
    assert_accessible(mia_page)

    write_reflection(
        mia_page,
        did=MIA_DID,
        thanks=MIA_THANKS,
        next_step="Done for now",
        button="Save my reflection",
    )
    expect(flash(mia_page)).to_contain_text("everyone has reflected, and the mentorship is closed")
    expect(mia_page.get_by_role("region", name="Where it stands")).to_contain_text("Completed")
    expect(mia_page.get_by_role("region", name="Notes of thanks")).to_contain_text(MAX_THANKS)
    expect(mia_page.get_by_role("region", name="Your reflection")).to_contain_text(MIA_DID)
    assert_accessible(mia_page)

    # Her certificate.
    mia_page.get_by_role("region", name="Next steps").get_by_role(
        "link", name="Your certificate of participation"
    ).click()
    expect(heading(mia_page)).to_have_text("Certificate of participation")
    certificate = mia_page.get_by_role("article", name="Certificate of participation")
    expect(certificate).to_contain_text(MENTEE)
    expect(certificate).to_contain_text(program.name)
    expect(certificate).to_contain_text("2 hours, in 2 meetings")
    expect(mia_page.get_by_role("button", name="Print or save as PDF")).to_be_visible()
    assert_accessible(mia_page)

    # Max reads Mia's note; the workspace shows the mentorship completed, read-only.
    max_page.reload()
    expect(max_page.get_by_role("region", name="Notes of thanks")).to_contain_text(MIA_THANKS)
    expect(max_page.get_by_text(MIA_DID)).to_have_count(0)
    max_page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name=WORKSPACE
    ).click()
    expect(heading(max_page)).to_have_text(WORKSPACE)
    expect(max_page.get_by_role("region", name="About this mentorship")).to_contain_text(
        "Completed"
    )
    assert_accessible(max_page)

    # The coordinator sees it among the program's closures.
    cora_page = open_as(coordinator.email)
    cora_page.goto(f"/coordinate/{program.slug}/")
    cora_page.get_by_role(
        "link", name="Closures: reflections, outcomes, closing the cohort"
    ).click()
    expect(heading(cora_page)).to_have_text("Closures")
    row = cora_page.get_by_role("row", name=WORKSPACE)
    expect(row).to_contain_text("Completed")
    expect(row).to_contain_text("Goals achieved")
    expect(row).to_contain_text(f"{MENTEE}: reflected — Done for now")
    assert_accessible(cora_page)

    # The program's dashboard counts the completed mentorship, and its CSV export says so too.
    cora_page.goto(f"/coordinate/{program.slug}/")
    cora_page.get_by_role("link", name="Dashboard: figures, charts and exports").click()
    retention = cora_page.get_by_role("table", name="Retention: how mentorships ended")
    expect(retention.get_by_role("row", name="Completed")).to_contain_text("1")
    assert_accessible(cora_page)
    with cora_page.expect_download() as download:
        cora_page.get_by_role("link", name="Download as CSV").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "retention,Completed,Mentorships,1" in exported

    assert Mentorship.objects.get(pk=pair.pk).status == "completed"
    closure = Closure.objects.get(mentorship=pair)
    assert (closure.reason, closure.outcome, closure.started_by) == (
        "goals_achieved",
        "completed",
        mentor,
    )
    assert set(Reflection.objects.values_list("user", "gratitude")) == {
        (mentor.pk, MAX_THANKS),
        (mentee.pk, MIA_THANKS),
    }


def test_a_coordinator_closes_the_cohort_after_a_confirmation(
    open_as, pair, program, coordinator, mentor
):
    other = factories.make_enrolment(
        program, factories.make_user("nina@example.com", name="Nina Next"), role="mentee"
    )
    second = factories.make_mentorship(
        program, mentor=pair.memberships.get(user=mentor).enrolment, mentees=[other]
    )
    cora_page = open_as(coordinator.email)
    cora_page.goto(f"/coordinate/{program.slug}/closures/")
    expect(heading(cora_page)).to_have_text("Closures")
    cohort = cora_page.get_by_role("region", name="Close the cohort")
    choices = cohort.get_by_role("group", name="Mentorships to close")
    expect(choices.get_by_role("checkbox")).to_have_count(2)
    assert_accessible(cora_page)
    choices.get_by_label(f"{MENTOR} · Nina Next").uncheck()
    cohort.get_by_role("button", name="Review the mentorships to close").click()

    expect(heading(cora_page)).to_have_text("Close 1 mentorship?")
    assert_accessible(cora_page)
    cora_page.get_by_role("button", name="Yes, close 1 mentorship").click()
    expect(flash(cora_page)).to_contain_text("1 mentorship is closing")
    expect(cora_page.get_by_role("row", name=WORKSPACE)).to_contain_text("Closing")
    assert_accessible(cora_page)

    assert Mentorship.objects.get(pk=pair.pk).status == "closing"
    assert Mentorship.objects.get(pk=second.pk).status == "active"
