"""Kudos: members thank each other; nobody else may, and the words stay in the mentorship."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from lodestar.engagement.kudos import kudos_send
from lodestar.engagement.models import Kudos, Notification
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program, mentor, mentee):
    return factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(user=mentor, program=program),
        mentees=[Enrolment.objects.get(user=mentee, program=program)],
    )


def test_a_member_sends_kudos_and_the_other_is_told(pair, mentor, mentee):
    kudos = kudos_send(mentorship=pair, by=mentee, to=mentor, message="  Thanks for the CV tips!  ")
    assert kudos.message == "Thanks for the CV tips!"
    note = Notification.objects.get(user=mentor)
    assert note.kind == "kudos_received"
    assert note.text == "Mia Mentee sent you kudos: “Thanks for the CV tips!”."


@pytest.mark.parametrize("message", ["", "   ", "x" * 281])
def test_the_message_is_required_and_short(pair, mentor, mentee, message):
    with pytest.raises(ValidationError) as error:
        kudos_send(mentorship=pair, by=mentee, to=mentor, message=message)
    assert "message" in error.value.message_dict
    assert not Kudos.objects.exists() and not Notification.objects.exists()


def test_kudos_go_to_another_member_of_the_same_mentorship(pair, program, mentor, mentee, outsider):
    with pytest.raises(ValidationError, match="someone else"):
        kudos_send(mentorship=pair, by=mentee, to=mentee, message="Me!")
    with pytest.raises(ValidationError, match="member of this mentorship"):
        kudos_send(mentorship=pair, by=mentee, to=outsider, message="Hi")
    with pytest.raises(ValidationError, match="not part of this mentorship"):
        kudos_send(mentorship=pair, by=outsider, to=mentee, message="Hi")
    pair.status = "completed"
    pair.save()
    with pytest.raises(ValidationError, match="read-only"):
        kudos_send(mentorship=pair, by=mentee, to=mentor, message="Thanks")
    assert not Kudos.objects.exists()


def test_kudos_page_sends_and_lists(client, pair, mentor, mentee):
    client.force_login(mentee)
    url = reverse("kudos", args=[pair.pk])
    assert client.post(url, {"to_user": mentor.pk, "message": "You rock"}).status_code == 302
    page = client.get(url).content.decode()
    assert "You rock" in page and "Mia Mentee to Max Mentor" in page
    bad = client.post(url, {"to_user": mentee.pk, "message": "self"})
    assert bad.status_code == 400
    assert Kudos.objects.count() == 1


def test_kudos_page_is_for_members_only(client, pair, coordinator, outsider):
    for person in (coordinator, outsider):
        client.force_login(person)
        assert client.get(reverse("kudos", args=[pair.pk])).status_code == 404
