"""Downloading one's own data: from the profile, as JSON or a zip readable offline; only
one's own; escaped; in a bounded number of queries whatever the amount of data."""

import io
import json
import os
import tracemalloc
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from lodestar.messaging.models import Message
from lodestar.privacy import export
from lodestar.privacy.export import export_collect
from tests import factories
from tests.privacy.conftest import build_person

pytestmark = pytest.mark.django_db


def test_the_profile_links_to_your_data(client, person):
    client.force_login(person.user)
    assert reverse("my_data") in client.get(reverse("profile")).content.decode()
    page = client.get(reverse("my_data")).content.decode()
    assert reverse("data_export_json") in page
    assert reverse("data_export_zip") in page


def test_a_person_downloads_their_data_as_json(client, person):
    client.force_login(person.user)
    response = client.get(reverse("data_export_json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    account = data["sections"]["account"]
    assert account["user"][0]["email"] == person.user.email
    assert account["api_tokens"][0]["name"] == person.canaries["accounts.ApiToken.name"]
    assert "hash" not in account["api_tokens"][0]  # never a secret
    sent = data["sections"]["messages"]["messages_sent"]
    assert [m["body"] for m in sent] == [person.canaries["messaging.Message.body"]]


def test_the_offline_page_escapes_what_people_wrote(client, person):
    Message.objects.filter(author=person.user).update(body="<script>alert(1)</script>")
    client.force_login(person.user)
    response = client.get(reverse("data_export_zip"))
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.getvalue())) as bundle:
        page = bundle.read("lodestar-data/index.html").decode()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_export_holds_only_the_persons_own_data(client, person, outsider):
    client.force_login(outsider)
    text = client.get(reverse("data_export_json")).content.decode()
    assert not any(canary in text for canary in person.canaries.values())


def test_exports_need_a_login(client):
    response = client.get(reverse("data_export_json"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_the_export_reads_in_a_bounded_number_of_queries(
    coordinator, django_assert_max_num_queries
):
    person = build_person(coordinator)
    with django_assert_max_num_queries(60) as small:
        export_collect(person.user)
    # Ten times the messages, goals and programs: the same number of queries.
    for n in range(10):
        build_person(factories.make_user(f"coord{n}@example.com"))
    for n in range(30):
        Message.objects.create(
            conversation=Message.objects.filter(author=person.user).first().conversation,
            author=person.user,
            body=f"more {n}",
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        export_collect(person.user)


def download_zip(client, user) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get(reverse("data_export_zip"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = response.getvalue()
    assert int(response["Content-Length"]) == len(body)
    return zipfile.ZipFile(io.BytesIO(body))


def bundled_files(bundle: zipfile.ZipFile) -> list[str]:
    return [name for name in bundle.namelist() if name.startswith("lodestar-data/files/")]


def test_the_zip_holds_every_file_the_person_uploaded_linked_from_the_page(client, person):
    with download_zip(client, person.user) as bundle:
        files = bundled_files(bundle)
        page = bundle.read("lodestar-data/index.html").decode()
        assert len(files) == len(person.files) == 2
        for name in files:
            assert bundle.read(name) == b"%PDF-1.7"
            assert f'href="{name.removeprefix("lodestar-data/")}"' in page
    attachment = person.canaries["messaging.Message.attachment_name"]
    work = person.canaries["growth.WorkFeedbackRequest.file_name"]
    assert any(attachment in name for name in files)
    assert any(work in name for name in files)


def test_the_zip_leaves_out_other_peoples_files_and_deleted_ones(client, person):
    theirs = Message.objects.get(author=person.partner)
    theirs.attachment.save("theirs.pdf", ContentFile(b"the partner's own file"))
    Message.objects.filter(author=person.user).update(deleted_at=timezone.now())

    with download_zip(client, person.user) as bundle:
        contents = [bundle.read(name) for name in bundled_files(bundle)]

    assert b"the partner's own file" not in contents
    assert len(contents) == 1  # the work shared for feedback; the deleted message's file is gone


def test_a_file_missing_from_storage_is_listed_and_the_rest_still_downloads(client, person):
    Path(person.files[0]).unlink()

    with download_zip(client, person.user) as bundle:
        files = bundled_files(bundle)
        page = bundle.read("lodestar-data/index.html").decode()

    assert len(files) == 1
    assert "missing from storage" in page
    assert person.canaries["messaging.Message.attachment_name"] in page


def test_a_large_export_is_built_on_disk_not_in_memory(client, person, monkeypatch):
    """Memory stays bounded whatever the person uploaded: files are copied in chunks into a
    temporary file that leaves memory past SPOOL_BYTES."""
    monkeypatch.setattr(export, "SPOOL_BYTES", 256 * 1024)
    large = os.urandom(6 * 1024 * 1024)  # incompressible: the zip is as large
    message = Message.objects.get(author=person.user)
    message.attachment.save("large.bin", ContentFile(large))

    tracemalloc.start()
    try:
        spool = export.export_zip(person.user, export_collect(person.user))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    with spool, zipfile.ZipFile(spool) as bundle:
        prefix = f"lodestar-data/files/messages/{message.pk}-"
        [name] = [n for n in bundled_files(bundle) if n.startswith(prefix)]
        assert bundle.read(name) == large
    assert peak < 2 * 1024 * 1024, f"{peak} bytes held while exporting a 6 MiB file"
