"""Messaging personas: a mentorship between the spring program's mentor and mentee, files in
a temporary media folder, and small helpers to send and to make uploads."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lodestar.messaging.services import message_send
from lodestar.programs.models import Enrolment
from tests import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def office_file(folder: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(f"{folder}document.xml", "<document/>")
    return buffer.getvalue()


def odt_file() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def mentor_e(mentor, program):
    return Enrolment.objects.get(user=mentor, program=program)


@pytest.fixture
def mentee_e(mentee, program):
    return Enrolment.objects.get(user=mentee, program=program)


@pytest.fixture
def pair(program, mentor_e, mentee_e):
    """An active mentorship between the mentor and the mentee."""
    return factories.make_mentorship(program, mentor=mentor_e, mentees=[mentee_e])


@pytest.fixture
def other_pair(other_program):
    """A mentorship in the rival's program, with its own people."""
    mentor = factories.make_user("other-mentor@example.com", name="Olga Other")
    mentee = factories.make_user("other-mentee@example.com", name="Omar Other")
    return factories.make_mentorship(
        other_program,
        mentor=factories.make_enrolment(other_program, mentor, role="mentor", capacity=1),
        mentees=[factories.make_enrolment(other_program, mentee, role="mentee")],
    )


def send(mentorship, author, body="Hello!", **kwargs):
    return message_send(mentorship=mentorship, author=author, body=body, **kwargs)
