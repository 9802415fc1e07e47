"""A site admin reads a pair's conversation only through a recorded, announced act with a
reason; nobody else gets the page; the Django admin never shows a message's text."""

import pytest
from django.urls import reverse

from lodestar.engagement.models import Notification
from lodestar.messaging.models import Concern, Message
from lodestar.privacy.models import ConversationAccess
from tests import factories

pytestmark = pytest.mark.django_db

SECRET = "Only for the two of us"


@pytest.fixture
def site_admin(db):
    return factories.make_user("admin@example.com", name="Ada Admin", is_staff=True)


@pytest.fixture
def pair(person):
    Message.objects.create(
        conversation=Message.objects.filter(author=person.user).first().conversation,
        author=person.partner,
        body=SECRET,
    )
    return person


def access_url(pair):
    return reverse("privacy_conversation_access", args=[pair.mentorship.pk])


def read_url(pair):
    return reverse("privacy_conversation_read", args=[pair.mentorship.pk])


def test_reading_needs_a_stated_reason_first(client, pair, site_admin):
    client.force_login(site_admin)
    response = client.get(read_url(pair))
    assert response.status_code == 302
    assert response["Location"] == access_url(pair)
    page = client.get(access_url(pair)).content.decode()
    assert SECRET not in page


def test_the_reason_is_required(client, pair, site_admin):
    client.force_login(site_admin)
    response = client.post(access_url(pair), {"reason": ""})
    assert response.status_code == 400
    assert not ConversationAccess.objects.exists()
    assert not Notification.objects.filter(kind="conversation_accessed").exists()
    assert client.get(read_url(pair)).status_code == 302


def test_the_pair_is_told_and_the_admin_reads_the_thread(client, pair, site_admin):
    concern = Concern.objects.filter(mentorship=pair.mentorship).first()
    client.force_login(site_admin)
    response = client.post(
        access_url(pair) + f"?concern={concern.pk}",
        {"reason": "Concern #1 reports harassment in the thread", "concern": concern.pk},
    )
    assert response.status_code == 302
    access = ConversationAccess.objects.get()
    assert access.admin == site_admin
    assert access.concern == concern
    told = set(
        Notification.objects.filter(kind="conversation_accessed").values_list("user", flat=True)
    )
    assert told == {pair.user.pk, pair.partner.pk}
    page = client.get(read_url(pair)).content.decode()
    assert SECRET in page
    assert "<form" not in page.split("<main", 1)[1].split("</main>")[0]  # read-only


def test_the_pair_cannot_turn_the_notice_off(pair):
    from lodestar.engagement.preferences import channels_for

    assert channels_for(pair.user, "conversation_accessed").in_app


@pytest.mark.parametrize("who", ["outsider", "coordinator", "member"])
def test_anyone_but_a_site_admin_gets_404(client, pair, outsider, coordinator, who):
    user = {"outsider": outsider, "coordinator": coordinator, "member": pair.user}[who]
    client.force_login(user)
    assert client.get(access_url(pair)).status_code == 404
    assert client.post(access_url(pair), {"reason": "I just want to read it"}).status_code == 404
    assert client.get(read_url(pair)).status_code == 404
    assert not ConversationAccess.objects.exists()


def test_the_django_admin_never_shows_a_message_body(client, pair):
    root = factories.make_user("root@example.com", is_staff=True, is_superuser=True)
    client.force_login(root)
    message = Message.objects.get(body=SECRET)
    for url in (
        reverse("admin:messaging_message_changelist"),
        reverse("admin:messaging_message_change", args=[message.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert SECRET not in response.content.decode()
