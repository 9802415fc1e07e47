"""Erasing an account: by the person (password and a typed word) or by a site admin on
request; what the partner sees afterwards; figures unchanged; sessions ended."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from lodestar.accounts.models import User
from lodestar.engagement.models import Kudos
from lodestar.meetings.models import Meeting
from lodestar.messaging.models import Message
from lodestar.privacy.erasure import account_erase, message_placeholder
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def erase(client, **data):
    return client.post(reverse("account_erase"), data)


def test_a_person_erases_their_account_and_is_logged_out(client, person):
    client.force_login(person.user)
    response = erase(client, password=PASSWORD, confirm="ERASE")
    assert response.status_code == 302
    user = User.objects.get(pk=person.user.pk)
    assert user.erased_at is not None
    assert not user.is_active
    assert not user.has_usable_password()
    assert user.email == f"erased-{user.pk}@invalid"
    assert user.name == ""
    assert user.display_name == "Former participant"
    assert client.get(reverse("dashboard")).status_code == 302  # logged out
    assert response["Clear-Site-Data"] == '"cache"'  # the browser forgets the pages it kept


@pytest.mark.parametrize(
    "data",
    [
        {"password": "wrong", "confirm": "ERASE"},
        {"password": PASSWORD, "confirm": "erase please"},
        {"confirm": "ERASE"},
    ],
    ids=["wrong password", "wrong word", "no password"],
)
def test_without_the_password_and_the_word_nothing_changes(client, person, data):
    client.force_login(person.user)
    response = erase(client, **data)
    assert response.status_code == 400
    user = User.objects.get(pk=person.user.pk)
    assert user.erased_at is None
    assert user.name == person.canaries["accounts.User.name"]
    assert Message.objects.filter(body=person.canaries["messaging.Message.body"]).exists()


def test_every_other_session_of_the_person_ends(person):
    elsewhere = Client()
    elsewhere.force_login(person.user)
    assert elsewhere.get(reverse("dashboard")).status_code == 200
    account_erase(user=person.user, by=person.user)
    assert elsewhere.get(reverse("dashboard")).status_code == 302


def test_the_partner_reads_former_participant_and_a_placeholder(client, person):
    account_erase(user=person.user, by=person.user)
    client.force_login(person.partner)
    page = client.get(reverse("messages", args=[person.mentorship.pk])).content.decode()
    assert "Former participant" in page
    assert message_placeholder() in page
    assert "Hello from Pat" in page  # the partner's own words stay
    assert person.canaries["accounts.User.name"] not in page


def test_figures_stay_as_they_were(person):
    before = (
        Message.objects.filter(conversation__mentorship=person.mentorship).count(),
        Meeting.objects.filter(mentorship=person.mentorship, status="completed").count(),
        Kudos.objects.filter(mentorship=person.mentorship).count(),
    )
    account_erase(user=person.user, by=person.user)
    after = (
        Message.objects.filter(conversation__mentorship=person.mentorship).count(),
        Meeting.objects.filter(mentorship=person.mentorship, status="completed").count(),
        Kudos.objects.filter(mentorship=person.mentorship).count(),
    )
    assert after == before


def test_an_account_is_erased_once(person, site_admin):
    account_erase(user=person.user, by=person.user)
    with pytest.raises(ValidationError, match="already been erased"):
        account_erase(user=User.objects.get(pk=person.user.pk), by=site_admin)


@pytest.fixture
def site_admin(db):
    return factories.make_user("admin@example.com", name="Ada Admin", is_staff=True)


def test_a_site_admin_erases_an_account_on_request(client, person, site_admin):
    client.force_login(site_admin)
    response = client.post(
        reverse("privacy_staff_erase"),
        {"email": person.user.email, "reason": "Asked by email on 3 May", "confirm": "ERASE"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=person.user.pk).is_erased


def test_the_site_admin_form_refuses_an_unknown_address(client, site_admin):
    client.force_login(site_admin)
    response = client.post(
        reverse("privacy_staff_erase"),
        {"email": "nobody@example.com", "reason": "Asked by email", "confirm": "ERASE"},
    )
    assert response.status_code == 400
    assert "No account has this email address." in response.content.decode()


def test_only_site_admins_see_the_erasure_page(client, person, outsider):
    client.force_login(outsider)
    assert client.get(reverse("privacy_staff_erase")).status_code == 404
    response = client.post(
        reverse("privacy_staff_erase"),
        {"email": person.user.email, "reason": "Because", "confirm": "ERASE"},
    )
    assert response.status_code == 404
    assert not User.objects.get(pk=person.user.pk).is_erased


def test_nobody_else_may_erase_a_person(person, outsider):
    with pytest.raises(Exception) as refused:
        account_erase(user=person.user, by=outsider)
    assert type(refused.value).__name__ == "PermissionDenied"
    assert not User.objects.get(pk=person.user.pk).is_erased
