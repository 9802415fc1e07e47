"""Downloading one's own data: from the profile, as JSON or a zip readable offline; only
one's own; escaped; in a bounded number of queries whatever the amount of data."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from lodestar.messaging.models import Message
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
    with zipfile.ZipFile(io.BytesIO(response.content)) as bundle:
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
