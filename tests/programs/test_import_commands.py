"""`lodestar import_participants`: the same checks and the same import as the web page."""

import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from lodestar.accounts.models import User
from lodestar.programs.models import Enrolment, Invitation
from tests import factories

pytestmark = pytest.mark.django_db

GOOD = (
    "email,name,role,capacity,Goals\n"
    "ana@example.com,Ana,mentee,,Find a first job\n"
    "ben@example.com,Ben,mentor,2,\n"
)


@pytest.fixture
def questions(program):
    factories.make_question(program, label="Goals", role="mentee", kind="long_text", required=True)


@pytest.fixture
def csv_file(tmp_path):
    def write(text: str):
        path = tmp_path / "people.csv"
        path.write_text(text, encoding="utf-8")
        return str(path)

    return write


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_participants", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_a_good_file_and_prints_a_summary(
    program, questions, coordinator, csv_file, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out, _err = run("spring", csv_file(GOOD), "--by", "Coordinator@Example.com")

    assert "2 participants enrolled in “spring”: 2 invitations sent" in out
    assert Enrolment.objects.filter(program=program, status="approved").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.com", "ben@example.com"]


def test_a_dry_run_checks_the_file_and_changes_nothing(program, questions, coordinator, csv_file):
    out, _err = run("spring", csv_file(GOOD), "--by", "coordinator@example.com", "--dry-run")

    assert "2 rows checked, no errors: 2 new people would be invited" in out
    assert "Nothing was imported (dry run)." in out
    assert not User.objects.filter(email="ana@example.com").exists()
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize("dry_run", [False, True])
def test_every_error_is_printed_with_row_and_column_and_the_command_fails(
    program, questions, coordinator, csv_file, dry_run
):
    text = GOOD + "cleo@example.com,Cleo,coach,,\nana@example.com,,mentee,,\n"
    err = io.StringIO()

    with pytest.raises(CommandError, match=r"3 errors; nothing was imported\."):
        call_command(
            "import_participants",
            "spring",
            csv_file(text),
            "--by",
            "coordinator@example.com",
            *(["--dry-run"] if dry_run else []),
            stdout=io.StringIO(),
            stderr=err,
        )

    assert err.getvalue().splitlines() == [
        "row 4, column role: “coach” is not a role in this program. Use one of: mentor, mentee.",
        "row 5, column email: This email address is also on row 2.",
        "row 5, column Goals: This question needs an answer.",
    ]
    assert not User.objects.filter(email="ana@example.com").exists()
    assert not Invitation.objects.exists()


def test_a_file_level_error_is_printed_and_the_command_fails(program, coordinator, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes("email,role\nzoé@example.com,mentee\n".encode("latin-1"))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command(
            "import_participants",
            "spring",
            str(path),
            "--by",
            "coordinator@example.com",
            stderr=err,
        )

    assert err.getvalue().startswith("This file is not UTF-8 text.")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["nope", "people.csv", "--by", "coordinator@example.com"],
            "No program has the short name",
        ),
        (
            ["spring", "people.csv", "--by", "rival@example.com"],
            "rival@example.com does not coordinate",
        ),
        (
            ["spring", "people.csv", "--by", "nobody@example.com"],
            "nobody@example.com does not coordinate",
        ),
        (["spring", "missing.csv", "--by", "coordinator@example.com"], "Cannot read missing.csv"),
    ],
)
def test_the_command_refuses_a_wrong_program_person_or_path(
    program, coordinator, other_coordinator, tmp_path, monkeypatch, args, message
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "people.csv").write_text(GOOD)

    with pytest.raises(CommandError, match=message):
        run(*args)

    assert not Enrolment.objects.exists()
