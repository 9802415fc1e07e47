"""Every upload (message attachments, library resources, work shared for feedback) follows
lodestar/core/uploads.py: extension and contents checked, size capped, stored under a random name
below MEDIA_ROOT, which nothing serves, and downloaded only through a permission check."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from lodestar.growth import services as growth
from lodestar.messaging import services as messaging

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_media_is_outside_the_static_files_and_has_no_public_url():
    media = Path(django_settings.MEDIA_ROOT).resolve()
    static = Path(django_settings.STATIC_ROOT).resolve()
    assert static not in media.parents and media != static
    assert Path(django_settings.BASE_DIR, "static").resolve() not in media.parents


@pytest.mark.parametrize(("content", "kind"), [(SVG, "SVG"), (HTML, "HTML")])
def test_a_web_page_or_svg_disguised_as_png_is_refused_everywhere(
    pair, mentee, coordinator, program, content, kind
):
    with pytest.raises(ValidationError) as error:
        messaging.message_send(
            mentorship=pair, author=mentee, attachment=upload("photo.png", content)
        )
    assert "not a PNG file" in str(error.value.message_dict["attachment"])
    with pytest.raises(ValidationError) as error:
        growth.resource_add(
            program=program,
            by=coordinator,
            kind="file",
            title="Slides",
            file=upload("slides.png", content),
        )
    assert "not a PNG file" in str(error.value.message_dict["file"])
    with pytest.raises(ValidationError):
        growth.feedback_request_create(
            mentorship=pair,
            by=mentee,
            title="CV",
            question="Is it clear?",
            file=upload("cv.png", content),
        )


@pytest.mark.parametrize("name", ["page.html", "drawing.svg", "tool.exe", "script.js", "noext"])
def test_types_a_browser_could_run_are_refused_by_name(pair, mentee, name):
    with pytest.raises(ValidationError) as error:
        messaging.message_send(mentorship=pair, author=mentee, attachment=upload(name, PNG))
    assert "cannot be attached" in str(error.value.message_dict["attachment"])


def test_an_oversized_file_is_refused(pair, mentee, settings):
    settings.MESSAGE_ATTACHMENT_MAX_BYTES = 1024
    with pytest.raises(ValidationError) as error:
        messaging.message_send(
            mentorship=pair, author=mentee, attachment=upload("big.png", PNG + b"\x00" * 2000)
        )
    (text,) = error.value.message_dict["attachment"]
    assert text == "This file is 2.0\xa0KB; files may be up to 1.0\xa0KB."


def test_a_path_in_the_file_name_is_harmless(pair, mentee, media):
    message = messaging.message_send(
        mentorship=pair, author=mentee, attachment=upload("../../../etc/evil.png", PNG)
    )
    stored = Path(message.attachment.path).resolve()
    assert media.resolve() in stored.parents
    assert stored.parent.parent.parent.name == "messages"  # messages/<year>/<month>/<random>
    assert len(stored.stem) == 32 and stored.suffix == ".png"
    assert message.attachment_name == "evil.png"


def test_downloads_are_attachments_for_members_only(client, pair, mentee, mentor, outsider):
    message = messaging.message_send(
        mentorship=pair, author=mentee, attachment=upload('a"b\r\nX-Evil: 1.png', PNG)
    )
    url = f"/messages/attachments/{message.pk}/"

    client.force_login(outsider)
    assert client.get(url).status_code == 404

    client.force_login(mentor)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert "sandbox" in response["Content-Security-Policy"]
    assert "X-Evil" not in response.headers
    assert b"".join(response.streaming_content) == PNG


def test_shared_work_downloads_the_same_way(client, pair, mentee, mentor, outsider):
    request = growth.feedback_request_create(
        mentorship=pair, by=mentee, title="CV", question="Clear?", file=upload("cv.png", PNG)
    )
    url = f"/mentorships/{pair.pk}/feedback/{request.pk}/file/"
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(mentor)
    response = client.get(url)
    assert response["Content-Disposition"] == 'attachment; filename="cv.png"'
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_media_folder_is_not_served(client, pair, mentee):
    message = messaging.message_send(
        mentorship=pair, author=mentee, attachment=upload("photo.png", PNG)
    )
    client.force_login(mentee)
    assert client.get("/media/" + message.attachment.name).status_code == 404
