"""The coordinator's import screens: upload, preview, confirm; and who may open them."""

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from lodestar.accounts.models import User
from lodestar.programs.models import Enrolment, Invitation
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/coordinate/spring/import/"


@pytest.fixture
def questions(program):
    make = factories.make_question
    make(program, label="Goals", role="mentee", kind="long_text", required=True)
    make(
        program,
        label="Expertise",
        role="mentor",
        kind="single_choice",
        choices=["Leadership", "Career change"],
    )


def upload(client, text: str | bytes, name: str = "people.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


GOOD = "email,name,role,Goals,Expertise\nana@example.com,Ana,mentee,A job,\nben@example.com,Ben,mentor,,Leadership\n"


def test_the_upload_page_explains_the_columns_and_offers_a_template(client, coordinator, questions):
    client.force_login(coordinator)

    content = client.get(URL).content.decode()

    assert '<label for="id_file">CSV file' in content
    assert 'enctype="multipart/form-data"' in content
    for heading in ("email", "name", "role", "capacity"):
        assert f"<code>{heading}</code>" in content
    assert "Intake questions for: Mentor" in content and "Expertise" in content
    assert "One of: Leadership, Career change." in content
    assert "Intake questions for: Mentee" in content and "Goals" in content
    assert f'href="{URL}?template=1"' in content


def test_the_template_is_a_csv_with_the_programs_headings(client, coordinator, questions):
    client.force_login(coordinator)

    response = client.get(URL, {"template": "1"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"] == 'attachment; filename="spring-participants-template.csv"'
    )
    assert response.content.decode("utf-8-sig") == "email,name,role,capacity,Expertise,Goals\r\n"


def test_a_good_file_is_shown_for_confirmation_without_importing_anything(
    client, coordinator, questions
):
    client.force_login(coordinator)

    response = upload(client, GOOD)

    content = response.content.decode()
    assert response.status_code == 200
    assert "2 rows" in content and "0 with errors" in content
    assert "2 new people will get an invitation" in content
    assert "ana@example.com" in content and "Leadership" in content
    assert "Import 2 participants" in content
    assert 'type="hidden" name="csv_text"' in content
    assert not User.objects.filter(email="ana@example.com").exists()


def test_confirming_imports_everyone_and_returns_to_the_program_with_a_summary(
    client, coordinator, questions, outsider, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    text = GOOD + "outsider@example.com,,mentee,Grow,\n"

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"csv_text": text})

    assert response.status_code == 302
    assert response["Location"] == "/coordinate/spring/"
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("3 participants enrolled. 2 invitations sent.")
    assert "1 person who already had an account was told by email." in message
    assert Enrolment.objects.filter(program__slug="spring", status="approved").count() == 3
    assert len(mail_recipients()) == 3


def mail_recipients():
    return sorted(message.to[0] for message in mail.outbox)


def test_errors_are_shown_in_their_cells_and_nothing_can_be_imported(
    client, coordinator, questions
):
    client.force_login(coordinator)
    text = GOOD + "not-an-email,Cleo,mentee,,\n"

    response = upload(client, text)

    content = response.content.decode()
    assert "3 rows" in content and "1 with errors" in content
    assert 'id="row-4" class="row-error"' in content
    assert "“not-an-email” is not a valid email address." in content
    assert "Row 4, column “Goals”: This question needs an answer." in content
    assert "Import 3 participants" not in content
    assert 'name="csv_text"' not in content
    assert "Upload the corrected file" in content
    assert not Enrolment.objects.filter(program__slug="spring").exists()


def test_a_tampered_confirmation_is_checked_again_and_imports_nothing(
    client, coordinator, questions
):
    client.force_login(coordinator)

    response = client.post(URL, {"csv_text": GOOD + "ana@example.com,Ana again,mentee,Dup,\n"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was imported: the file has errors." in content
    assert "This email address is also on row 2." in content
    assert not User.objects.filter(email="ana@example.com").exists()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("email,role\nzoé@example.com,mentee\n".encode("cp1252"), "This file is not UTF-8 text."),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This file is not UTF-8 text."),
        (b"", "The submitted file is empty."),
        ("name,role\nAna,mentee\n", "The file needs a column headed “email”."),
        ("email,role,Colour\na@example.com,mentee,red\n", "Unknown columns: “Colour”."),
    ],
)
def test_a_file_that_cannot_be_read_gets_a_clear_message_not_a_crash(
    client, coordinator, questions, data, message
):
    client.force_login(coordinator)

    response = upload(client, data)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Enrolment.objects.exists()


def test_a_file_over_the_size_limit_is_refused_next_to_the_file_field(
    client, coordinator, program, settings
):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(coordinator)

    response = upload(client, "email,role\n" + "someone@example.com,mentee\n" * 10)

    content = response.content.decode()
    assert (
        '<ul class="errorlist" id="id_file_error"><li>The file is 281\xa0bytes; the largest accepted is 100\xa0bytes.</li></ul>'
        in content
    )
    assert 'aria-invalid="true" aria-describedby="id_file_helptext id_file_error"' in content


def test_submitting_without_a_file_asks_for_one(client, coordinator, program):
    client.force_login(coordinator)

    response = client.post(URL, {})

    assert "This field is required." in response.content.decode()


@pytest.mark.parametrize("persona", ["mentee", "mentor", "outsider", "other_coordinator"])
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", URL),
        ("get", URL + "?template=1"),
        ("post", URL),
        ("get", "/coordinate/spring/export.csv"),
    ],
)
def test_only_the_programs_coordinators_can_import_or_export(
    client, request, program, persona, method, url
):
    client.force_login(request.getfixturevalue(persona))

    response = getattr(client, method)(url, {"csv_text": GOOD} if method == "post" else None)

    assert response.status_code == 404
    assert not User.objects.filter(email="ana@example.com").exists()


@pytest.mark.parametrize("url", [URL, "/coordinate/spring/export.csv"])
def test_anonymous_visitors_are_sent_to_log_in(client, program, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_coordinator_cannot_import_into_another_coordinators_program(
    client, coordinator, other_program
):
    client.force_login(coordinator)

    response = client.post("/coordinate/autumn/import/", {"csv_text": GOOD})

    assert response.status_code == 404
    assert not Enrolment.objects.exists()
