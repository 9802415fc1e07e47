"""Two journeys through the real site in Chromium, each page checked with axe-core.

(a) A newcomer signs up, verifies their email, enrols as a mentee and answers the intake form.
(b) A coordinator creates a program, adds a required matching question, and imports
    participants from a CSV file — first with a bad row, then fixed.
"""

import re

from django.core import mail
from playwright.sync_api import expect

from lodestar.accounts.models import User
from lodestar.programs.models import Answer, Enrolment, Program, Question
from lodestar.programs.states import EnrolmentStatus
from tests import factories
from tests.e2e.conftest import assert_accessible, log_in

PASSWORD = "a-long-and-memorable-phrase"


def test_newcomer_signs_up_verifies_email_enrols_as_mentee_and_answers_intake(page, coordinator):
    program = factories.make_program(
        coordinator=coordinator, name="Spring Cohort", slug="spring", enrolment_mode="application"
    )
    track = factories.make_question(
        program,
        label="Which track interests you?",
        kind="single_choice",
        choices=["Engineering", "Design", "Product"],
        required=True,
    )
    structure = factories.make_question(
        program, label="How structured do you like your mentoring?", kind="scale", required=True
    )
    factories.make_question(program, label="What can you teach?", role="mentor")

    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Sign up").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sign Up")
    assert_accessible(page)
    page.get_by_label("Email").fill("nadia@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Verify Your Email Address")
    assert_accessible(page)
    (verification,) = [m for m in mail.outbox if m.to == ["nadia@example.com"]]
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", verification.body).group(1)
    page.goto(link)
    assert_accessible(page)
    page.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    assert_accessible(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Programs").click()
    expect(page).to_have_url(re.compile(r"/programs/$"))
    assert_accessible(page)
    page.get_by_role("link", name="Spring Cohort", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Spring Cohort")
    assert_accessible(page)
    page.get_by_role("button", name="Join as mentee").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Spring Cohort")
    expect(page.get_by_text("What can you teach?")).to_have_count(0)  # mentors' question
    assert_accessible(page)

    page.get_by_role("radio", name="Design").check()
    page.get_by_role("group", name=re.compile("How structured")).get_by_role(
        "radio", name="4"
    ).check()
    page.get_by_role("button", name="Save my answers").click()

    expect(page.get_by_text("Your answers are saved.")).to_be_visible()
    assert_accessible(page)
    enrolment = Enrolment.objects.get(user__email="nadia@example.com", program=program)
    assert (enrolment.role, enrolment.status) == ("mentee", EnrolmentStatus.APPLIED)
    assert enrolment.intake_completed_at is not None
    assert Answer.objects.get(enrolment=enrolment, question=track).value == "Design"
    assert Answer.objects.get(enrolment=enrolment, question=structure).value == 4


def add_question(page, *, role, label, kind, profile_field=None, choices=None, criterion=None):
    page.get_by_role("button", name="Add a question").click()
    assert_accessible(page)
    page.get_by_role("radio", name=role).check()
    page.get_by_label(re.compile(r"^Question:?$")).fill(label)
    page.get_by_label("Type").select_option(label=kind)
    if choices:
        page.get_by_label("Choices").fill("\n".join(choices))
    if profile_field:
        page.get_by_label("Profile field").select_option(label=profile_field)
    page.get_by_label("An answer is required").check()
    if criterion:
        page.get_by_label("Use for matching").check()
        page.get_by_label("Compared with").select_option(label=criterion["with"])
        page.get_by_label("Matching rule").select_option(label=criterion["rule"])
        page.get_by_label("Weight").fill(str(criterion["weight"]))
        page.get_by_label("Required for a match").check()
    page.get_by_role("button", name="Add the question").click()
    expect(page.get_by_role("cell", name=label).or_(page.get_by_text(label)).first).to_be_visible()


def test_coordinator_creates_program_adds_matching_question_and_imports_csv(page, coordinator):
    factories.make_user("known.mentor@example.com", name="Kim Known")
    log_in(page, coordinator.email, check=True)

    page.get_by_role("button", name="Create a program").click()
    assert_accessible(page)
    page.get_by_label(re.compile(r"^Name:?$")).fill("Autumn Leaders")
    page.get_by_label("Short name").fill("autumn-leaders")
    page.get_by_label("Description").fill("Six months of mentoring for new team leads.")
    page.get_by_role("button", name="Create the program").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Autumn Leaders")
    assert_accessible(page)

    page.get_by_role("link", name="Intake questions").click()
    assert_accessible(page)
    add_question(
        page,
        role="Mentor",
        label="Which areas can you coach?",
        kind="Multiple choice",
        choices=["Hiring", "Feedback", "Strategy"],
    )
    add_question(
        page,
        role="Mentee",
        label="Which areas do you want to grow in?",
        kind="Multiple choice",
        choices=["Hiring", "Feedback", "Strategy"],
        criterion={"with": "Mentor: Which areas can you coach?", "rule": "Overlap", "weight": 8},
    )
    assert_accessible(page)
    question = Question.objects.get(label="Which areas do you want to grow in?")
    assert (question.is_criterion, question.rule, question.weight, question.match_required) == (
        True,
        "overlap",
        8,
        True,
    )
    assert question.paired_with.label == "Which areas can you coach?"

    page.get_by_role("link", name="Autumn Leaders").first.click()
    page.get_by_role("link", name="Import participants from a CSV file").click()
    assert_accessible(page)
    header = (
        "email,name,role,capacity,Which areas can you coach?,Which areas do you want to grow in?"
    )
    bad = "\n".join(
        [
            header,
            "known.mentor@example.com,Kim Known,mentor,2,Hiring;Strategy,",
            "new.mentee@example.com,Noor New,mentee,,,Negotiation",
        ]
    )
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()

    errors = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="Errors to fix"))
    expect(errors).to_contain_text("Row 3")
    expect(errors).to_contain_text("Which areas do you want to grow in?")
    expect(errors).to_contain_text("“Negotiation” is not one of the options")
    expect(page.get_by_role("button", name=re.compile("^Import"))).to_have_count(0)
    assert_accessible(page)
    assert not Enrolment.objects.filter(program__slug="autumn-leaders").exists()

    good = bad.replace(",Negotiation", ",Feedback;Hiring")
    page.get_by_label("CSV file").set_input_files(
        files=[{"name": "people.csv", "mimeType": "text/csv", "buffer": good.encode()}]
    )
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", name="Errors to fix")).to_have_count(0)
    assert_accessible(page)
    page.get_by_role("button", name="Import 2 participants").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Autumn Leaders")
    expect(page.locator("#messages")).to_contain_text("2")
    assert_accessible(page)
    program = Program.objects.get(slug="autumn-leaders")
    enrolled = dict(program.enrolments.values_list("user__email", "role"))
    assert enrolled == {"known.mentor@example.com": "mentor", "new.mentee@example.com": "mentee"}
    newcomer = User.objects.get(email="new.mentee@example.com")
    assert not newcomer.has_usable_password()
    assert any(m.to == ["new.mentee@example.com"] for m in mail.outbox)
