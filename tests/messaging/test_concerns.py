"""Concerns: a member tells the program's coordinators; every coordinator is told (in the app
and by email); the coordinator reads the concern and, for a message, that message — nothing
else of the conversation."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from lodestar.engagement.models import Notification
from lodestar.messaging.models import Concern
from lodestar.messaging.services import concern_handle, concern_report, message_edit
from tests import factories
from tests.messaging.conftest import send

pytestmark = pytest.mark.django_db

WORRY = "He keeps asking me to do his slides for free."
BAD = "Do my slides by Monday or I tell the coordinator you are lazy."
PRIVATE = "Also, between us, I am thinking of quitting my job."


@pytest.fixture
def second_coordinator(program):
    person = factories.make_user("co@example.com", name="Cody Second")
    program.coordinators.add(person)
    return person


@pytest.fixture
def conversation(pair, mentee, mentor):
    send(pair, mentee, PRIVATE)
    return send(pair, mentor, BAD)


def test_every_coordinator_is_told_in_the_app_and_by_email(
    pair,
    mentee,
    coordinator,
    second_coordinator,
    conversation,
    other_coordinator,
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        concern = concern_report(mentorship=pair, by=mentee, text=WORRY, message=conversation)
    notices = Notification.objects.filter(kind="concern_reported")
    assert sorted(n.user.email for n in notices) == ["co@example.com", "coordinator@example.com"]
    assert notices[0].text == "Mia Mentee reported a concern about a mentorship in Spring Cohort."
    assert notices[0].url == reverse("concern_detail", args=[concern.pk])
    assert sorted(m.to[0] for m in mail.outbox) == ["co@example.com", "coordinator@example.com"]
    # The email says that there is a concern, not what it says.
    assert all(WORRY not in m.body and BAD not in m.body for m in mail.outbox)


def test_the_coordinator_reads_the_concern_and_the_reported_message_only(
    client, pair, mentee, coordinator, conversation
):
    concern = concern_report(mentorship=pair, by=mentee, text=WORRY, message=conversation)
    client.force_login(coordinator)
    content = client.get(reverse("concern_detail", args=[concern.pk])).content.decode()
    assert WORRY in content
    assert BAD in content
    assert "Max Mentor" in content
    assert PRIVATE not in content


def test_a_coordinator_who_is_a_site_admin_is_offered_the_recorded_access_to_the_thread(
    client, pair, mentee, coordinator, conversation
):
    concern = concern_report(mentorship=pair, by=mentee, text=WORRY, message=conversation)
    access = reverse("privacy_conversation_access", args=[pair.pk]) + f"?concern={concern.pk}"
    client.force_login(coordinator)
    page = client.get(reverse("concern_detail", args=[concern.pk])).content.decode()
    assert "Ask for access to the conversation" not in page  # coordinators never read it

    coordinator.is_staff = True
    coordinator.save(update_fields=["is_staff"])
    page = client.get(reverse("concern_detail", args=[concern.pk])).content.decode()
    assert f'href="{access}"' in page.replace("&amp;", "&")
    form = client.get(access)
    assert form.status_code == 200
    assert PRIVATE not in form.content.decode()  # a reason first, then the thread


def test_a_concern_about_the_mentorship_shows_no_message(
    client, pair, mentee, coordinator, conversation
):
    concern = concern_report(mentorship=pair, by=mentee, text=WORRY)
    client.force_login(coordinator)
    content = client.get(reverse("concern_detail", args=[concern.pk])).content.decode()
    assert WORRY in content
    assert BAD not in content and PRIVATE not in content
    assert "The message they reported" not in content


def test_the_reported_words_survive_an_edit_or_a_deletion(
    client, pair, mentee, mentor, coordinator
):
    message = send(pair, mentor, BAD)
    concern = concern_report(mentorship=pair, by=mentee, text=WORRY, message=message)
    message_edit(message=message, by=mentor, body="Nothing to see here.")
    client.force_login(mentor)
    client.post(reverse("message_delete", args=[message.pk]))
    client.force_login(coordinator)
    content = client.get(reverse("concern_detail", args=[concern.pk])).content.decode()
    assert BAD in content


def test_the_text_is_required(pair, mentee):
    with pytest.raises(ValidationError) as error:
        concern_report(mentorship=pair, by=mentee, text="   ")
    assert error.value.message_dict == {"text": ["Tell the coordinators what worries you."]}
    assert not Concern.objects.exists()
    assert not Notification.objects.exists()


def test_only_members_report_and_only_about_their_own_thread(
    pair, mentee, outsider, coordinator, other_pair
):
    for person in (outsider, coordinator):
        with pytest.raises(ValidationError, match="not part of this mentorship"):
            concern_report(mentorship=pair, by=person, text=WORRY)
    elsewhere = send(other_pair, other_pair.memberships.first().user, "Elsewhere")
    with pytest.raises(ValidationError, match="not part of this mentorship"):
        concern_report(mentorship=pair, by=mentee, text=WORRY, message=elsewhere)
    assert not Concern.objects.exists()


def test_a_member_of_a_finished_mentorship_can_still_report(pair, mentee, coordinator):
    pair.status = "ended_early"
    pair.save()
    assert concern_report(mentorship=pair, by=mentee, text=WORRY).pk


def test_reporting_through_the_page(client, pair, mentee, coordinator, conversation):
    client.force_login(mentee)
    url = reverse("concern_report", args=[pair.pk])
    form = client.get(url, {"message": conversation.pk}).content.decode()
    assert BAD in form
    assert "nothing else of your conversation" in form
    assert 'for="id_text"' in form

    empty = client.post(url, {"message": conversation.pk, "text": ""})
    assert empty.status_code == 400
    assert "Tell the coordinators what worries you." in empty.content.decode()
    assert not Concern.objects.exists()

    done = client.post(url, {"message": conversation.pk, "text": WORRY}, follow=True)
    assert "The coordinators of Spring Cohort have been told" in done.content.decode()
    concern = Concern.objects.get()
    assert (concern.message, concern.quoted_body, concern.text) == (conversation, BAD, WORRY)


def test_a_member_cannot_report_a_message_of_another_thread_by_url(
    client, pair, mentee, other_pair
):
    elsewhere = send(other_pair, other_pair.memberships.first().user, "Elsewhere")
    client.force_login(mentee)
    url = reverse("concern_report", args=[pair.pk])
    assert client.get(url, {"message": elsewhere.pk}).status_code == 404
    assert client.post(url, {"message": elsewhere.pk, "text": WORRY}).status_code == 404
    assert not Concern.objects.exists()


def test_other_coordinators_and_members_cannot_open_a_concern(
    client, pair, mentee, mentor, other_coordinator, other_program, outsider
):
    concern = concern_report(mentorship=pair, by=mentee, text=WORRY)
    for person in (other_coordinator, mentor, mentee, outsider):
        client.force_login(person)
        assert client.get(reverse("concern_detail", args=[concern.pk])).status_code == 404
        assert client.post(reverse("concern_handle", args=[concern.pk])).status_code == 404
        assert client.get(reverse("program_concerns", args=["spring"])).status_code == 404
    concern.refresh_from_db()
    assert concern.handled_at is None


def test_the_coordinator_lists_and_handles_concerns(client, pair, mentee, coordinator):
    concern = concern_report(mentorship=pair, by=mentee, text=WORRY)
    client.force_login(coordinator)
    listing = client.get(reverse("program_concerns", args=["spring"])).content.decode()
    assert reverse("concern_detail", args=[concern.pk]) in listing
    assert WORRY not in listing  # the list shows who and when; the text is one click away
    response = client.post(reverse("concern_handle", args=[concern.pk]), follow=True)
    assert "Concern marked as handled." in response.content.decode()
    concern.refresh_from_db()
    assert concern.handled_by == coordinator
    with pytest.raises(ValidationError, match="already"):
        concern_handle(concern=concern, by=coordinator)


def test_a_program_without_coordinators_tells_the_site_admins(program, pair, mentee, coordinator):
    root = factories.make_user("root@example.com", is_superuser=True, is_staff=True)
    program.coordinators.clear()
    concern_report(mentorship=pair, by=mentee, text=WORRY)
    assert [n.user for n in Notification.objects.filter(kind="concern_reported")] == [root]
