"""Growth personas: a mentorship between the spring program's mentor and mentee, a rival
program's pair, files in a temporary media folder, and small helpers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from lodestar.growth import services
from lodestar.programs.models import Enrolment
from tests import factories

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


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
    return factories.make_mentorship(program, mentor=mentor_e, mentees=[mentee_e])


@pytest.fixture
def other_member(program):
    """A second mentee of the spring program, in a mentorship of their own with another mentor."""
    mentee = factories.make_user("second-mentee@example.com", name="Sam Second")
    mentor = factories.make_user("second-mentor@example.com", name="Sue Second")
    factories.make_mentorship(
        program,
        mentor=factories.make_enrolment(program, mentor, role="mentor", capacity=1),
        mentees=[factories.make_enrolment(program, mentee, role="mentee")],
    )
    return mentee


@pytest.fixture
def other_pair(other_program):
    mentor = factories.make_user("other-mentor@example.com", name="Olga Other")
    mentee = factories.make_user("other-mentee@example.com", name="Omar Other")
    return factories.make_mentorship(
        other_program,
        mentor=factories.make_enrolment(other_program, mentor, role="mentor", capacity=1),
        mentees=[factories.make_enrolment(other_program, mentee, role="mentee")],
    )


@pytest.fixture
def resource(program, coordinator):
    return services.resource_add(
        program=program,
        by=coordinator,
        kind="article",
        title="Giving feedback well",
        url="https://example.com/feedback",
        description="How to give and take feedback.",
        tags=["Communication"],
    )


def ask(pair, mentee, **kwargs):
    fields = {"title": "My CV", "question": "Is the summary clear?", "text": "Summary…"}
    fields.update(kwargs)
    return services.feedback_request_create(mentorship=pair, by=mentee, **fields)
