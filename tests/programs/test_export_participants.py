"""Exporting participants as CSV: what a coordinator downloads, and that it imports again."""

import csv
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from lodestar.core.models import Tag
from lodestar.programs.models import Enrolment
from lodestar.programs.services.exports import participants_export_csv
from lodestar.programs.services.imports import import_commit
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/coordinate/spring/export.csv"


def add_questions(program):
    make = factories.make_question
    return {
        "expertise": make(
            program,
            label="Expertise",
            role="mentor",
            kind="multiple_choice",
            choices=["Leadership", "Career change"],
        ),
        "mentor_skills": make(
            program, label="Skills", role="mentor", kind="profile", profile_field="skills"
        ),
        "goals": make(program, label="Goals", role="mentee", kind="long_text", required=True),
        "years": make(program, label="Years", role="mentee", kind="number"),
        "mentee_skills": make(
            program, label="Skills", role="mentee", kind="profile", profile_field="skills"
        ),
        "seniority": make(
            program, label="Seniority", role="mentee", kind="profile", profile_field="seniority"
        ),
    }


@pytest.fixture
def questions(program):
    return add_questions(program)


@pytest.fixture
def answered(program, questions, mentor, mentee):
    """The mentor and the mentee have answered the intake form."""
    mentor_enrolment = mentor.enrolments.get(program=program)
    factories.make_answer(mentor_enrolment, questions["expertise"], ["Leadership", "Career change"])
    mentor.profile.skills.set(Tag.objects.named(["Coaching", "Python"]))
    mentee_enrolment = mentee.enrolments.get(program=program)
    factories.make_answer(mentee_enrolment, questions["goals"], "Lead a team,\nsomeday")
    factories.make_answer(mentee_enrolment, questions["years"], 2.5)
    mentee.profile.seniority = 2
    mentee.profile.save()
    moment = datetime.datetime(2030, 3, 4, 9, 30, tzinfo=datetime.UTC)
    Enrolment.objects.filter(pk=mentee_enrolment.pk).update(
        created_at=moment, intake_completed_at=moment
    )


def rows_of(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def test_the_export_downloads_as_an_excel_friendly_csv_attachment(
    client, coordinator, program, answered
):
    client.force_login(coordinator)

    response = client.get(URL)

    today = timezone.localdate().isoformat()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == f'attachment; filename="spring-participants-{today}.csv"'
    )
    assert response.content.startswith("\ufeff".encode())
    header = response.content.decode("utf-8-sig").splitlines()[0]
    assert header == (
        "email,name,role,capacity,status,applied_at,intake_completed,"
        "Expertise,Skills,Goals,Years,Seniority"
    )


def test_each_enrolment_is_a_row_with_its_answers_and_profile_fields(program, answered):
    rows = {row["email"]: row for row in rows_of(participants_export_csv(program=program))}

    mentor, mentee = rows["mentor@example.com"], rows["mentee@example.com"]
    assert (mentor["name"], mentor["role"], mentor["capacity"], mentor["status"]) == (
        "Max Mentor",
        "mentor",
        "2",
        "approved",
    )
    assert mentor["Expertise"] == "Leadership; Career change"
    assert mentor["Skills"] == "Coaching; Python"
    assert mentor["Goals"] == mentor["Seniority"] == ""
    assert mentee["capacity"] == ""
    assert mentee["applied_at"] == "2030-03-04T09:30:00Z"
    assert mentee["intake_completed"] == "2030-03-04T09:30:00Z"
    assert mentee["Goals"] == "Lead a team,\nsomeday"
    assert mentee["Years"] == "2.5"
    assert mentee["Seniority"] == "Early career"
    assert mentee["Expertise"] == ""


def test_an_export_imports_into_a_program_with_the_same_questions(
    program, answered, coordinator, mentor, mentee
):
    second = factories.make_program(coordinator=coordinator, name="Summer Cohort", slug="summer")
    copies = add_questions(second)

    result = import_commit(
        program=second, text=participants_export_csv(program=program), by=coordinator
    )

    assert (result.enrolled, result.invited, result.added) == (2, 0, 2)
    mentor_copy = Enrolment.objects.get(program=second, user=mentor)
    assert (mentor_copy.role, mentor_copy.capacity, mentor_copy.status) == ("mentor", 2, "approved")
    assert mentor_copy.answers.get(question=copies["expertise"]).value == [
        "Leadership",
        "Career change",
    ]
    mentee_copy = Enrolment.objects.get(program=second, user=mentee)
    assert {a.question_id: a.value for a in mentee_copy.answers.all()} == {
        copies["goals"].pk: "Lead a team,\nsomeday",
        copies["years"].pk: 2.5,
    }
    assert mentee_copy.intake_completed_at is not None


def test_cells_a_spreadsheet_would_run_as_formulas_are_defused_and_come_back_intact(
    program, coordinator, questions
):
    person = factories.make_user("sneaky@example.com", name='=HYPERLINK("http://evil")')
    enrolment = factories.make_enrolment(program, person, role="mentee")
    factories.make_answer(enrolment, questions["goals"], "+1 to everything")
    factories.make_answer(enrolment, questions["years"], -3)

    text = participants_export_csv(program=program)

    [row] = rows_of(text)
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["Goals"] == "'+1 to everything"
    assert row["Years"] == "-3"

    second = factories.make_program(coordinator=coordinator, name="Summer Cohort", slug="summer")
    copies = add_questions(second)
    import_commit(program=second, text=text, by=coordinator)
    copy = Enrolment.objects.get(program=second, user=person)
    assert copy.answers.get(question=copies["goals"]).value == "+1 to everything"
    assert copy.answers.get(question=copies["years"]).value == -3


def test_the_export_takes_a_fixed_number_of_queries_however_many_people(
    client, coordinator, program, questions, django_assert_max_num_queries
):
    for n in range(30):
        person = factories.make_user(f"person{n}@example.com", name=f"Person {n}")
        person.profile.skills.set(Tag.objects.named([f"Skill {n}", "Python"]))
        role = "mentor" if n % 3 == 0 else "mentee"
        enrolment = factories.make_enrolment(program, person, role=role, capacity=None)
        if role == "mentor":
            factories.make_answer(enrolment, questions["expertise"], ["Leadership"])
        else:
            factories.make_answer(enrolment, questions["goals"], f"Goal {n}")
            factories.make_answer(enrolment, questions["years"], n)
    client.force_login(coordinator)

    # Nine with the audit event's content type, which a fresh process looks up once.
    with django_assert_max_num_queries(9):
        response = client.get(URL)

    assert len(response.content.decode("utf-8-sig").splitlines()) == 31


def test_the_export_command_writes_to_standard_output(program, answered):
    out = io.StringIO()

    call_command("export_participants", "spring", stdout=out)

    assert out.getvalue() == participants_export_csv(program=program)


def test_the_export_command_writes_a_file_with_a_byte_order_mark(program, answered, tmp_path):
    target = tmp_path / "people.csv"

    call_command("export_participants", "spring", "-o", str(target), stdout=io.StringIO())

    data = target.read_bytes()
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig") == participants_export_csv(program=program)


def test_the_export_command_names_an_unknown_program(db):
    with pytest.raises(CommandError, match=r"No program has the short name “nope”\."):
        call_command("export_participants", "nope")
