"""Privacy first: a mentorship's messages are for its members. A third person, another
program's coordinator and the program's own coordinators all get a 404 on the thread, its
poll, its files and its edit and delete actions; coordinators see counts and dates on the
workspace page, never a word of what was written."""

import pytest
from django.urls import reverse

from lodestar.messaging.models import Message
from tests import factories
from tests.messaging.conftest import PDF, send, upload

pytestmark = pytest.mark.django_db

SECRET = "My manager and I keep clashing about the reorg"


@pytest.fixture
def thread(pair, mentee, mentor):
    message = send(pair, mentee, SECRET, attachment=upload("plan.pdf", PDF))
    send(pair, mentor, "Let us talk about it on Friday.")
    return message


@pytest.fixture
def superuser(db):
    return factories.make_user("root@example.com", name="Root", is_staff=True, is_superuser=True)


def urls(pair, message):
    return {
        "thread": reverse("messages", args=[pair.pk]),
        "poll": reverse("messages_poll", args=[pair.pk]) + "?after=0",
        "attachment": reverse("message_attachment", args=[message.pk]),
        "edit": reverse("message_edit", args=[message.pk]),
        "concern": reverse("concern_report", args=[pair.pk]) + f"?message={message.pk}",
    }


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "coordinator", "superuser"])
@pytest.mark.parametrize("page", ["thread", "poll", "attachment", "edit", "concern"])
def test_only_members_open_the_thread_its_poll_and_its_files(
    client, request, thread, pair, persona, page, other_program
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(urls(pair, thread)[page], headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert SECRET not in response.content.decode(errors="replace")


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "coordinator"])
def test_nobody_else_sends_edits_or_deletes(client, request, thread, pair, persona, other_program):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("messages", args=[pair.pk]), {"body": "Hi!"}).status_code == 404
    edit = reverse("message_edit", args=[thread.pk])
    assert client.post(edit, {"body": "Changed"}).status_code == 404
    assert client.post(reverse("message_delete", args=[thread.pk])).status_code == 404
    thread.refresh_from_db()
    assert thread.body == SECRET
    assert thread.deleted_at is None
    assert Message.objects.count() == 2


def test_members_of_another_mentorship_get_a_404(client, thread, other_pair):
    stranger = other_pair.memberships.first().user
    client.force_login(stranger)
    for url in urls(pair=thread.conversation.mentorship, message=thread).values():
        assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in_and_polls_stop(client, thread, pair):
    for url in urls(pair, thread).values():
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    poll = client.get(urls(pair, thread)["poll"], headers={"HX-Request": "true"})
    assert poll.status_code == 286  # htmx stops polling; nothing swapped into the page
    unread = client.get(reverse("messages_unread"), headers={"HX-Request": "true"})
    assert unread.status_code == 286


def test_the_coordinator_sees_counts_and_dates_on_the_workspace_never_a_body(
    client, coordinator, thread, pair
):
    client.force_login(coordinator)
    response = client.get(reverse("mentorship_detail", args=[pair.pk]))
    content = response.content.decode()
    assert response.status_code == 200
    assert SECRET not in content
    assert "Let us talk about it on Friday." not in content
    assert "plan.pdf" not in content
    assert reverse("messages", args=[pair.pk]) not in content


def test_the_coordinator_panel_shows_only_metadata(coordinator, thread, pair):
    from django.template.loader import render_to_string

    from lodestar.messaging.workspace import panel

    context = panel(pair, coordinator, content=False)
    assert context["messaging_recent_count"] == 2
    assert context["messaging_last_at"] is not None
    assert not any(isinstance(value, list) for value in context.values())
    html = render_to_string("messaging/workspace_panel.html", context)
    assert SECRET not in html
    assert "Messages in the last 30 days" in html
    assert "<dd>2</dd>" in html


def test_files_are_not_under_a_public_url(client, mentee, thread, pair, settings):
    client.force_login(mentee)
    content = client.get(reverse("messages", args=[pair.pk])).content.decode()
    assert reverse("message_attachment", args=[thread.pk]) in content
    assert settings.MEDIA_URL not in content
    assert thread.attachment.name.startswith("messages/")
    assert "plan" not in thread.attachment.name  # a random name on disk
