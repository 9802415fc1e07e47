"""Checking a participant CSV before anything is imported: every cell, and the file itself."""

import pytest

from lodestar.accounts.models import User
from lodestar.programs.models import Enrolment
from lodestar.programs.services.imports import MAX_ROWS, import_preview
from lodestar.programs.states import ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = "email,name,role,capacity,Goals,Industry,Years of experience,Expertise,Skills"


@pytest.fixture
def questions(program):
    make = factories.make_question
    return {
        "goals": make(program, label="Goals", role="mentee", kind="long_text", required=True),
        "industry": make(
            program,
            label="Industry",
            role="mentee",
            kind="single_choice",
            choices=["Tech", "Health", "Finance"],
        ),
        "years": make(
            program,
            label="Years of experience",
            role="mentee",
            kind="number",
            min_value=0,
            max_value=50,
        ),
        "expertise": make(
            program,
            label="Expertise",
            role="mentor",
            kind="multiple_choice",
            choices=["Leadership", "Career change", "Public speaking"],
        ),
        "mentee_skills": make(
            program, label="Skills", role="mentee", kind="profile", profile_field="skills"
        ),
        "mentor_skills": make(
            program, label="Skills", role="mentor", kind="profile", profile_field="skills"
        ),
    }


def preview_of(program, *lines: str, header: str = HEADER):
    return import_preview(program=program, text="\n".join([header, *lines]) + "\n")


def only_error(preview):
    assert preview.file_errors == []
    errors = [(row.number, e.column, e.message) for row in preview.rows for e in row.errors]
    assert len(errors) == 1, errors
    return errors[0]


def test_a_good_file_is_previewed_row_by_row_with_no_errors(program, questions, outsider):
    preview = preview_of(
        program,
        "ana@example.com,Ana,mentee,,Find a first job,tech,3,,Python; SQL",
        "ben@example.com,Ben,Mentor,4,,,,Leadership; career change,Coaching",
        "cleo@example.com,Cleo,mentor,,,,,Public speaking,",
        "outsider@example.com,,mentee,,Switch careers,,,,",
    )

    assert not preview.has_errors
    assert [row.number for row in preview.rows] == [2, 3, 4, 5]
    ana, ben, cleo, otto = preview.rows
    assert (ana.email, ana.name, ana.role, ana.capacity) == (
        "ana@example.com",
        "Ana",
        "mentee",
        None,
    )
    assert {q.label: v for q, v in ana.answers}["Industry"] == "Tech"
    assert {q.label: v for q, v in ben.answers}["Expertise"] == [
        "Leadership",
        "Career change",
    ]
    assert ben.role == "mentor" and ben.capacity == 4
    assert cleo.capacity == program.default_mentor_capacity
    assert otto.user == outsider
    assert (preview.new_people, preview.existing_people, preview.already_enrolled) == (3, 1, 0)
    assert preview.columns == HEADER.split(",")


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("not-an-email,,mentee,,Goal,,,,", "email", "“not-an-email” is not a valid email address."),
        (",Nobody,mentee,,Goal,,,,", "email", "Enter an email address."),
        ("a@example.com,,coach,,Goal,,,,", "role", "“coach” is not a role in this program."),
        ("a@example.com,,,,Goal,,,,", "role", "Enter a role"),
        ("a@example.com,,mentor,0,,,,,", "capacity", "Enter a whole number from 1 to 20."),
        ("a@example.com,,mentor,21,,,,,", "capacity", "Enter a whole number from 1 to 20."),
        ("a@example.com,,mentor,two,,,,,", "capacity", "Enter a whole number from 1 to 20."),
        ("a@example.com,,mentee,2,Goal,,,,", "capacity", "Only mentors have a capacity"),
        (
            "a@example.com,,mentee,,Goal,Farming,,,",
            "Industry",
            "“Farming” is not one of the options",
        ),
        (
            "a@example.com,,mentee,,Goal,,80,,",
            "Years of experience",
            "Enter a number of at most 50.",
        ),
        ("a@example.com,,mentee,,Goal,,lots,,", "Years of experience", "“lots” is not a number"),
        ("a@example.com,,mentee,,,,,,", "Goals", "This question needs an answer."),
        ("a@example.com,,mentee,,Goal,,,Leadership,", "Expertise", "This question is for mentors"),
        ("a@example.com,,mentor,,A goal,,,,", "Goals", "This question is for mentees"),
    ],
)
def test_each_bad_cell_is_reported_with_its_row_and_column(
    program, questions, row, column, message
):
    preview = preview_of(program, row)

    number, error_column, error_message = only_error(preview)
    assert (number, error_column) == (2, column)
    assert error_message.startswith(message)
    assert preview.has_errors


def test_a_repeated_email_is_reported_on_its_second_row_naming_the_first(program, questions):
    preview = preview_of(
        program,
        "sam@example.com,Sam,mentee,,Goal,,,,",
        "kim@example.com,Kim,mentee,,Goal,,,,",
        "SAM@example.com,Sam again,mentor,,,,,,",
    )

    assert only_error(preview) == (4, "email", "This email address is also on row 2.")


def test_someone_already_in_the_program_cannot_be_imported_again(program, questions, mentee):
    preview = preview_of(program, "Mentee@Example.com,,mentee,,Goal,,,,")

    assert only_error(preview) == (
        2,
        "email",
        "This person is already in the program (Approved).",
    )
    assert preview.already_enrolled == 1


def test_every_error_of_every_row_is_reported_at_once(program, questions):
    preview = preview_of(
        program,
        "bad,,coach,,,,,,",
        "ok@example.com,,mentee,,Goal,,,,",
        "ok2@example.com,,mentee,,,Farming,,,",
    )

    assert preview.rows_with_errors == 2
    assert preview.error_lines() == [
        "row 2, column email: “bad” is not a valid email address.",
        "row 2, column role: “coach” is not a role in this program. Use one of: mentor, mentee.",
        "row 4, column Goals: This question needs an answer.",
        "row 4, column Industry: “Farming” is not one of the options: Tech, Health, Finance.",
    ]


def test_unknown_columns_are_named_and_no_row_is_read(program, questions):
    preview = preview_of(
        program, "a@example.com,mentee,x,y", header="email,role,Favourite colour,Shoe size"
    )

    assert preview.rows == []
    assert preview.file_errors == [
        "Unknown columns: “Favourite colour”, “Shoe size”. Use email, name, role, capacity and "
        "the labels of this program's questions."
    ]


def test_a_file_without_an_email_or_role_column_is_refused(program, questions):
    assert preview_of(program, "Ana,mentee", header="name,role").file_errors == [
        "The file needs a column headed “email”."
    ]
    assert preview_of(program, "a@example.com", header="email").file_errors == [
        "The file needs a column headed “role”."
    ]


def test_a_column_heading_used_twice_is_refused(program):
    preview = preview_of(program, "a@example.com,mentee,a@example.com", header="email,role,Email")

    assert preview.file_errors == ["The column “Email” appears twice."]


def test_headings_match_question_labels_whatever_their_case_and_spacing(program, questions):
    preview = preview_of(program, "a@example.com,MENTEE,a goal", header=" EMAIL , Role ,  goals  ")

    assert not preview.has_errors
    assert preview.rows[0].answers == [(questions["goals"], "a goal")]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"\n\n  \n", "The file is empty."),
        (b"email,role\n", "The file has a header row but no participants under it."),
        (b"email,role\n,\n\n", "The file has a header row but no participants under it."),
        ("email,role\nzoé@example.com,mentee\n".encode("latin-1"), "This file is not UTF-8 text."),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00", "This does not look like a CSV file."),
    ],
)
def test_an_empty_or_unreadable_file_gets_a_clear_error(program, data, message):
    preview = import_preview(program=program, file_bytes=data)

    assert len(preview.file_errors) == 1
    assert preview.file_errors[0].startswith(message)
    assert preview.rows == []


def test_a_file_over_the_size_limit_is_refused_unread(program, settings):
    settings.IMPORT_MAX_BYTES = 1000
    data = ("email,role\n" + "someone@example.com,mentee\n" * 60).encode()

    preview = import_preview(program=program, file_bytes=data)

    assert preview.file_errors == ["The file is 1.6\xa0KB; the largest accepted is 1000\xa0bytes."]


def test_a_file_with_too_many_rows_is_refused(program):
    lines = [f"person{n}@example.com,mentee" for n in range(MAX_ROWS + 1)]

    preview = preview_of(program, *lines, header="email,role")

    assert preview.file_errors == ["The file has 5001 rows; import at most 5000 at a time."]
    assert preview.rows == []


def test_a_semicolon_separated_file_is_read(program, questions):
    preview = preview_of(
        program,
        "ana@example.com;Ana;mentee;;A goal;Health",
        header="email;name;role;capacity;Goals;Industry",
    )

    assert not preview.has_errors
    assert (preview.rows[0].name, preview.rows[0].values["Industry"]) == ("Ana", "Health")


def test_a_label_holding_the_other_separator_does_not_confuse_the_reader(program):
    factories.make_question(program, label="Where, exactly?", role="mentee")

    preview = preview_of(
        program, "ana@example.com;mentee;Lyon, France", header="email;role;Where, exactly?"
    )

    assert not preview.has_errors
    assert preview.rows[0].answers[0][1] == "Lyon, France"


def test_a_byte_order_mark_from_excel_is_ignored(program, questions):
    data = "email,role,Goals\r\nana@example.com,mentee,Grow\r\n".encode("utf-8-sig")

    preview = import_preview(program=program, file_bytes=data)

    assert not preview.has_errors
    assert preview.rows[0].email == "ana@example.com"


def test_blank_lines_are_skipped_and_rows_keep_their_spreadsheet_numbers(program, questions):
    preview = preview_of(
        program,
        "",
        "ana@example.com,mentee,A goal",
        ",,",
        "ben@example.com,mentor,",
        header="email,role,Goals",
    )

    assert [row.number for row in preview.rows] == [3, 5]
    assert not preview.has_errors


def test_columns_only_an_export_has_are_accepted_and_ignored(program, questions):
    preview = preview_of(
        program,
        "ana@example.com,mentee,withdrawn,2020-01-01T00:00:00Z,,A goal",
        header="email,role,status,applied_at,intake_completed,Goals",
    )

    assert not preview.has_errors
    assert preview.columns == ["email", "role", "Goals"]


def test_a_row_longer_than_the_header_is_an_error(program):
    preview = preview_of(program, "ana@example.com,mentee,surprise", header="email,role")

    assert only_error(preview) == (
        2,
        None,
        "This row has more cells than the header has columns.",
    )


def test_a_closed_program_takes_no_import(program):
    program.status = ProgramStatus.ARCHIVED
    program.save()

    preview = preview_of(program, "ana@example.com,mentee", header="email,role")

    assert preview.file_errors == ["This program no longer takes new participants."]


def test_a_preview_changes_nothing(program, questions):
    users, enrolments = User.objects.count(), Enrolment.objects.count()

    preview_of(program, "ana@example.com,Ana,mentee,,A goal,,,,")

    assert (User.objects.count(), Enrolment.objects.count()) == (users, enrolments)


def test_the_preview_reads_a_large_file_in_a_few_queries(
    program, questions, django_assert_max_num_queries
):
    for n in range(20):
        factories.make_user(f"known{n}@example.com")
    lines = [f"known{n}@example.com,,mentee,,Goal,,,," for n in range(20)]
    lines += [f"new{n}@example.com,,mentor,2,,,,Leadership," for n in range(200)]

    with django_assert_max_num_queries(5):
        preview = preview_of(program, *lines)

    assert not preview.has_errors
    assert (preview.new_people, preview.existing_people) == (200, 20)


def test_a_peer_program_takes_peers_and_no_capacity(coordinator):
    peers = factories.make_program(coordinator=coordinator, name="Peer Circle", kind="peer")

    preview = preview_of(
        peers,
        "ana@example.com,peer,",
        "ben@example.com,mentor,",
        "cleo@example.com,peer,2",
        header="email,role,capacity",
    )

    assert preview.error_lines() == [
        "row 3, column role: “mentor” is not a role in this program. Use one of: peer.",
        "row 4, column capacity: Only mentors have a capacity; leave this blank.",
    ]


def test_weekly_availability_cannot_be_filled_in_from_a_file(program):
    factories.make_question(
        program, label="When are you free?", kind="profile", profile_field="availability"
    )

    preview = preview_of(
        program,
        "ana@example.com,mentee,Mondays",
        "ben@example.com,mentee,",
        header="email,role,When are you free?",
    )

    assert preview.error_lines() == [
        "row 2, column When are you free?: Weekly availability is set on the profile page, "
        "not in a file; leave it blank."
    ]
