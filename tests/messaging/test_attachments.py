"""Attachments: only safe types, checked by name and by contents, within the size cap, stored
under a random name, downloaded only by members, always as a download."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lodestar.messaging.models import Message
from tests.messaging.conftest import EXE, HTML, PDF, PNG, odt_file, office_file, send, upload

pytestmark = pytest.mark.django_db

GOOD = [
    ("report.pdf", PDF, "application/pdf"),
    ("photo.PNG", PNG, "image/png"),
    ("photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + b"\x00" * 20, "image/jpeg"),
    ("anim.gif", b"GIF89a" + b"\x00" * 20, "image/gif"),
    ("pic.webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 20, "image/webp"),
    ("notes.txt", "Café notes\n".encode(), "text/plain; charset=utf-8"),
    ("data.csv", b"name,score\nMia,3\n", "text/csv; charset=utf-8"),
    (
        "cv.docx",
        office_file("word/"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "plan.xlsx",
        office_file("xl/"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "deck.pptx",
        office_file("ppt/"),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("essay.odt", odt_file(), "application/vnd.oasis.opendocument.text"),
]


@pytest.mark.parametrize(("name", "content", "content_type"), GOOD, ids=[g[0] for g in GOOD])
def test_safe_types_are_accepted_and_kept_under_a_random_name(
    pair, mentee, name, content, content_type
):
    message = send(pair, mentee, "", attachment=upload(name, content))
    assert message.attachment_name == name
    assert message.attachment_size == len(content)
    assert message.attachment_type == content_type
    stored = message.attachment.name
    assert stored.startswith("messages/") and stored.count("/") == 3
    assert name.rsplit(".", 1)[0] not in stored


BAD_TYPES = ["logo.svg", "page.html", "page.htm", "setup.exe", "run.sh", "macro.docm", "noext"]


@pytest.mark.parametrize("name", BAD_TYPES)
def test_unsafe_or_unknown_types_are_refused_by_name(pair, mentee, name):
    with pytest.raises(ValidationError) as error:
        send(pair, mentee, "Here", attachment=upload(name, b"<svg onload=alert(1)>"))
    assert "cannot be attached" in error.value.message_dict["attachment"][0]
    assert "PDF, PNG, JPEG" in error.value.message_dict["attachment"][0]
    assert not Message.objects.exists()


DISGUISED = [
    ("invoice.pdf", EXE, "PDF"),
    ("invoice.pdf", HTML, "PDF"),
    ("photo.png", PDF, "PNG"),
    ("photo.jpg", HTML, "JPEG"),
    ("readme.txt", EXE, "TXT"),
    ("readme.txt", HTML, "TXT"),
    ("table.csv", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "CSV"),
    ("cv.docx", b"PK\x03\x04not really a zip", "DOCX"),
    ("cv.docx", office_file("xl/"), "DOCX"),
    ("essay.odt", office_file("word/"), "ODT"),
]


@pytest.mark.parametrize(("name", "content", "label"), DISGUISED)
def test_a_renamed_file_is_refused_by_its_contents(pair, mentee, media, name, content, label):
    with pytest.raises(ValidationError) as error:
        send(pair, mentee, "Have a look", attachment=upload(name, content, "application/pdf"))
    assert error.value.message_dict == {
        "attachment": [
            f"This file’s contents are not a {label} file, whatever its name says. "
            f"Save it again as {label}, or send another file."
        ]
    }
    assert not Message.objects.exists()
    assert not (media / "messages").exists()


def test_files_over_the_cap_and_empty_files_are_refused(pair, mentee, settings):
    settings.MESSAGE_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        send(pair, mentee, "", attachment=upload("big.pdf", PDF + b" " * 1024))
    assert error.value.message_dict["attachment"] == [
        "This file is 1.1\xa0KB; files may be up to 1.0\xa0KB."
    ]
    with pytest.raises(ValidationError, match="empty"):
        send(pair, mentee, "", attachment=upload("empty.pdf", b""))
    assert not Message.objects.exists()


def test_the_types_can_be_narrowed_by_settings_but_never_widened(pair, mentee, settings):
    settings.MESSAGE_ATTACHMENT_TYPES = ["pdf", "svg", "html"]
    with pytest.raises(ValidationError, match="Allowed: PDF; up to"):
        send(pair, mentee, "", attachment=upload("photo.png", PNG))
    with pytest.raises(ValidationError, match="cannot be attached"):
        send(pair, mentee, "", attachment=upload("logo.svg", b"<svg/>"))
    assert send(pair, mentee, "", attachment=upload("a.pdf", PDF)).pk


def test_a_body_and_a_file_errors_are_reported_together(pair, mentee):
    with pytest.raises(ValidationError) as error:
        send(pair, mentee, "x" * 5001, attachment=upload("a.exe", EXE))
    assert set(error.value.message_dict) == {"body", "attachment"}


def test_names_are_cleaned_of_folders_and_control_characters(pair, mentee):
    message = send(pair, mentee, "", attachment=upload("../../etc/pass\x00wd\n.pdf", PDF))
    assert message.attachment_name == "passwd.pdf"


def test_members_download_as_an_attachment_with_nosniff(client, pair, mentee, mentor):
    message = send(pair, mentee, "", attachment=upload("Plan B (final).pdf", PDF))
    client.force_login(mentor)
    response = client.get(reverse("message_attachment", args=[message.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "Plan B (final).pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_deleted_message_file_is_gone(client, pair, mentee):
    message = send(pair, mentee, "", attachment=upload("a.pdf", PDF))
    client.force_login(mentee)
    client.post(reverse("message_delete", args=[message.pk]))
    assert client.get(reverse("message_attachment", args=[message.pk])).status_code == 404


def test_a_message_without_a_file_has_no_download(client, pair, mentee):
    message = send(pair, mentee, "Just words")
    client.force_login(mentee)
    assert client.get(reverse("message_attachment", args=[message.pk])).status_code == 404


def test_uploading_through_the_page(client, pair, mentee, mentor):
    client.force_login(mentee)
    response = client.post(
        reverse("messages", args=[pair.pk]),
        {"body": "My CV", "attachment": upload("cv.pdf", PDF)},
        follow=True,
    )
    assert "Message sent." in response.content.decode()
    message = Message.objects.get()
    assert "Download cv.pdf (" in response.content.decode()
    assert message.attachment_name == "cv.pdf"


def test_a_disguised_file_through_the_page_shows_the_error_next_to_the_field(client, pair, mentee):
    client.force_login(mentee)
    response = client.post(
        reverse("messages", args=[pair.pk]),
        {"body": "Open this", "attachment": upload("invoice.pdf", EXE)},
    )
    content = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_attachment_error"' in content
    assert "not a PDF file" in content
    assert "Open this" in content  # what they typed is kept
    assert not Message.objects.exists()
