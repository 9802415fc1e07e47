"""The admin: every messaging model is there; it never shows what people wrote in a message;
lists stay cheap."""

import pytest
from django.contrib import admin
from django.urls import reverse

from lodestar.messaging.models import Concern, Conversation, DigestState, Message, ReadMark
from lodestar.messaging.services import concern_report, conversation_mark_read
from tests import factories
from tests.messaging.conftest import PDF, send, upload

pytestmark = pytest.mark.django_db

MODELS = [Conversation, Message, ReadMark, DigestState, Concern]
SECRET = "A very private sentence"


@pytest.fixture
def admin_client(client, db):
    root = factories.make_user("root@example.com", name="Root", is_staff=True, is_superuser=True)
    client.force_login(root)
    return client


@pytest.fixture
def data(pair, mentee, mentor):
    for n in range(5):
        send(pair, mentee, f"{SECRET} {n}", attachment=upload("a.pdf", PDF) if n == 0 else None)
    conversation_mark_read(mentorship=pair, user=mentor)
    DigestState.objects.create(user=mentor)
    concern_report(mentorship=pair, by=mentor, text="Concern text, private too")


def url(model, view, *args):
    return reverse(f"admin:messaging_{model._meta.model_name}_{view}", args=args)


def test_every_messaging_model_is_in_the_admin():
    assert set(MODELS) <= set(admin.site._registry)


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_lists_open_cheaply_and_show_no_content(
    admin_client, data, model, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        response = admin_client.get(url(model, "changelist"))
    assert response.status_code == 200
    content = response.content.decode()
    assert SECRET not in content
    assert "Concern text" not in content


def test_searching_messages_does_not_search_their_words(admin_client, data):
    response = admin_client.get(url(Message, "changelist"), {"q": "private"})
    assert "0 messages" in response.content.decode()


def test_a_site_admin_opens_one_message_but_never_reads_it_nor_changes_it(admin_client, data):
    # Reading a thread is privacy/access.py's recorded, announced act (tests/privacy).
    message = Message.objects.first()
    response = admin_client.get(url(Message, "change", message.pk))
    assert response.status_code == 200
    assert SECRET not in response.content.decode()
    assert "/media/" not in response.content.decode()  # the file is only named
    assert admin_client.post(url(Message, "change", message.pk), {"body": "x"}).status_code == 403
    assert admin_client.get(url(Message, "add")).status_code == 403
    assert admin_client.get(url(Concern, "add")).status_code == 403
    message.refresh_from_db()
    assert message.body.startswith(SECRET)
