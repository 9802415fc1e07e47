"""Fuzzing the participant CSV import: any file gets a preview that says what is wrong, row
and column, never an exception; committing a file with any error changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import example, given

from lodestar.accounts.models import User
from lodestar.programs.models import Answer, Enrolment, Invitation
from lodestar.programs.services.imports import ImportPreview, import_commit, import_preview
from tests import factories

from .strategies import FUZZ, csv_tables, encoded

pytestmark = pytest.mark.django_db

HEADINGS = [
    "email",
    "name",
    "role",
    "capacity",
    "status",
    "Goals",
    "Industry",
    "Years of experience",
    "Expertise",
    "Skills",
    "Languages",
    "Time zone",
    "Seniority",
    "Availability",
    "Confidence",
]
VALUES = ["mentor", "mentee", "Tech", "Leadership", "12", "3", "senior", "Europe/Paris", "es"]
# A mentor row whose capacity has more digits than int() reads: it used to raise ValueError.
HUGE_CAPACITY = f"email,role,capacity\nmax@example.com,mentor,{'1' * 5000}\n"


@pytest.fixture
def questions(program):
    make = factories.make_question
    make(program, label="Goals", kind="long_text", required=True)
    make(program, label="Industry", kind="single_choice", choices=["Tech", "Health"])
    make(program, label="Years of experience", kind="number", min_value=0, max_value=50)
    make(program, label="Confidence", kind="scale")
    make(program, label="Expertise", role="mentor", kind="multiple_choice", choices=["Leadership"])
    for role in ("mentor", "mentee"):
        make(program, label="Skills", role=role, kind="profile", profile_field="skills")
    make(program, label="Languages", kind="profile", profile_field="languages")
    make(program, label="Time zone", kind="profile", profile_field="timezone")
    make(program, label="Seniority", role="mentor", kind="profile", profile_field="seniority")
    make(program, label="Availability", kind="profile", profile_field="availability")


def snapshot() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (User, Enrolment, Answer, Invitation))


@FUZZ
@given(data=encoded(csv_tables(HEADINGS, VALUES)))
@example(data=HUGE_CAPACITY.encode())
@example(data=b"\xef\xbb\xbf" + HUGE_CAPACITY.encode())
@example(data=b"email,role\n\x00\n")
@example(data=b"\xff\xfe e\x00m\x00")
def test_any_file_gets_a_preview_naming_row_and_column(program, questions, data):
    before = snapshot()

    preview = import_preview(program=program, file_bytes=data)

    assert isinstance(preview, ImportPreview)
    assert all(message.strip() for message in preview.file_errors)
    for row in preview.rows:
        assert row.number >= 2  # the header is row 1
        for error in row.errors:
            assert error.message.strip()
            # An error points at a cell the preview shows, or at the row as a whole.
            assert error.column is None or error.column in row.values
    file_lines = len(preview.file_errors)
    assert all(line.startswith("row ") for line in preview.error_lines()[file_lines:])
    assert snapshot() == before


@FUZZ
@given(text=csv_tables(HEADINGS, VALUES))
@example(text=HUGE_CAPACITY)
@example(text="email,role\nnew@example.com,mentee\nnew@example.com,mentor\n")
def test_commit_of_a_file_with_any_error_changes_nothing(program, questions, coordinator, text):
    with transaction.atomic():
        before = snapshot()
        try:
            result = import_commit(program=program, text=text, by=coordinator)
        except ValidationError as error:
            assert error.messages and all(message.strip() for message in error.messages)
            assert snapshot() == before
        else:
            assert result.enrolled == snapshot()[1] - before[1]
        transaction.set_rollback(True)
