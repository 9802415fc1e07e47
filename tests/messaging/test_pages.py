"""The thread page, its poll, editing and deleting from the page, the inbox, the unread count
in the navigation, and the workspace panel — with bounded queries."""

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from lodestar.messaging.models import Message
from lodestar.messaging.selectors import unread_count
from lodestar.messaging.workspace import panel
from tests import factories
from tests.messaging.conftest import send

pytestmark = pytest.mark.django_db


def thread_url(pair):
    return reverse("messages", args=[pair.pk])


# The thread ----------------------------------------------------------------------------------


def test_members_read_the_thread_oldest_first_and_it_is_marked_read(client, pair, mentee, mentor):
    send(pair, mentor, "First from Max")
    send(pair, mentee, "Reply from Mia")
    send(pair, mentor, "Second from Max")
    assert unread_count(mentee) == 2
    client.force_login(mentee)

    content = client.get(thread_url(pair)).content.decode()

    assert content.index("First from Max") < content.index("Reply from Mia")
    assert content.index("Reply from Mia") < content.index("Second from Max")
    assert "Messages with Max Mentor" in content
    assert 'role="log"' in content
    assert 'for="id_body"' in content and 'for="id_attachment"' in content
    assert unread_count(mentee) == 0
    assert unread_count(mentor) == 1


def test_sending_from_the_page(client, pair, mentee):
    client.force_login(mentee)
    response = client.post(thread_url(pair), {"body": "Hello Max"})
    message = Message.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{thread_url(pair)}#message-{message.pk}"
    assert message.body == "Hello Max"


def test_an_empty_message_from_the_page_shows_the_error_next_to_the_field(client, pair, mentee):
    client.force_login(mentee)
    response = client.post(thread_url(pair), {"body": "  "})
    assert response.status_code == 400
    assert "Write a message or attach a file." in response.content.decode()
    assert not Message.objects.exists()


def test_the_last_50_are_shown_with_a_link_to_earlier_messages(client, pair, mentee, mentor):
    messages = [send(pair, mentor, f"Message number {n:03d}") for n in range(60)]
    client.force_login(mentee)

    latest = client.get(thread_url(pair)).content.decode()
    assert "Message number 010" in latest and "Message number 059" in latest
    assert "Message number 009" not in latest
    assert f'href="?before={messages[10].pk}"' in latest

    earlier = client.get(thread_url(pair), {"before": messages[10].pk}).content.decode()
    assert "Message number 000" in earlier and "Message number 009" in earlier
    assert "Message number 010" not in earlier
    assert "Earlier messages" not in earlier
    assert "Latest messages" in earlier
    assert "thread-poll" not in earlier  # an older page does not poll


def test_edit_and_delete_are_offered_on_my_recent_messages_only(client, pair, mentee, mentor):
    old = send(pair, mentee, "Old one", now=timezone.now() - timedelta(hours=2))
    recent = send(pair, mentee, "Fresh one")
    theirs = send(pair, mentor, "From Max")
    client.force_login(mentee)
    content = client.get(thread_url(pair)).content.decode()
    assert reverse("message_edit", args=[recent.pk]) in content
    assert reverse("message_edit", args=[old.pk]) not in content
    assert reverse("message_edit", args=[theirs.pk]) not in content
    assert reverse("message_delete", args=[old.pk]) in content
    assert reverse("message_delete", args=[theirs.pk]) not in content
    report = reverse("concern_report", args=[pair.pk])
    assert f"{report}?message={theirs.pk}" in content
    assert f"{report}?message={recent.pk}" not in content


def test_editing_from_the_page(client, pair, mentee):
    message = send(pair, mentee, "Typo")
    client.force_login(mentee)
    url = reverse("message_edit", args=[message.pk])
    assert "Typo" in client.get(url).content.decode()
    response = client.post(url, {"body": "Fixed"}, follow=True)
    content = response.content.decode()
    assert "Message updated." in content
    assert "Fixed" in content and "edited" in content


def test_a_late_edit_from_the_page_explains_why(client, pair, mentee):
    message = send(pair, mentee, "Old", now=timezone.now() - timedelta(hours=1))
    client.force_login(mentee)
    url = reverse("message_edit", args=[message.pk])
    assert "can no longer be edited" in client.get(url, follow=True).content.decode()
    response = client.post(url, {"body": "New"}, follow=True)
    assert "can be edited for 15 minutes" in response.content.decode()
    message.refresh_from_db()
    assert message.body == "Old"


def test_the_other_member_cannot_edit_or_delete_my_message(client, pair, mentee, mentor):
    message = send(pair, mentee, "Mine")
    client.force_login(mentor)
    assert client.get(reverse("message_edit", args=[message.pk])).status_code == 404
    assert client.post(reverse("message_edit", args=[message.pk]), {"body": "x"}).status_code == 404
    assert client.post(reverse("message_delete", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert (message.body, message.deleted_at) == ("Mine", None)


def test_a_deleted_message_reads_message_deleted(client, pair, mentee, mentor):
    message = send(pair, mentee, "Regrettable")
    client.force_login(mentee)
    response = client.post(reverse("message_delete", args=[message.pk]), follow=True)
    assert "Message deleted." in response.content.decode()
    client.force_login(mentor)
    content = client.get(thread_url(pair)).content.decode()
    assert "Regrettable" not in content
    assert "Message deleted" in content


def test_a_finished_mentorship_shows_its_history_without_a_form(client, pair, mentee, mentor):
    send(pair, mentor, "Good luck with everything!")
    mine = send(pair, mentee, "Thank you")
    pair.status = "completed"
    pair.save()
    client.force_login(mentee)
    content = client.get(thread_url(pair)).content.decode()
    assert "Good luck with everything!" in content
    assert "kept as history" in content
    assert 'name="body"' not in content
    assert reverse("message_delete", args=[mine.pk]) not in content
    assert reverse("message_edit", args=[mine.pk]) not in content
    response = client.post(thread_url(pair), {"body": "One more"}, follow=True)
    assert "kept as history" in response.content.decode()
    assert Message.objects.count() == 2


# The poll ------------------------------------------------------------------------------------


def test_the_poll_returns_only_newer_messages_and_marks_them_read(client, pair, mentee, mentor):
    seen = send(pair, mentor, "Already on the page")
    client.force_login(mentee)
    client.get(thread_url(pair))
    poll = reverse("messages_poll", args=[pair.pk])

    nothing = client.get(poll, {"after": seen.pk}, headers={"HX-Request": "true"})
    assert nothing.status_code == 204

    new = send(pair, mentor, "Just arrived")
    assert unread_count(mentee) == 1
    response = client.get(poll, {"after": seen.pk}, headers={"HX-Request": "true"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Just arrived" in content
    assert "Already on the page" not in content
    assert f"?after={new.pk}" in content  # the next poll asks for what comes after
    assert "<html" not in content
    assert unread_count(mentee) == 0


# Unread counts -------------------------------------------------------------------------------


def test_the_navigation_counts_unread_messages_across_mentorships(
    client, program, pair, mentee, mentor
):
    other_mentee = factories.make_user("second@example.com", name="Sam Second")
    second = factories.make_mentorship(
        program,
        mentor=pair.memberships.get(user=mentor).enrolment,
        mentees=[factories.make_enrolment(program, other_mentee, role="mentee")],
    )
    send(pair, mentee, "From Mia")
    send(second, other_mentee, "From Sam")
    send(second, other_mentee, "Again from Sam")
    client.force_login(mentor)
    content = client.get(reverse("dashboard")).content.decode()
    assert "Messages (3 unread)" in content
    assert 'aria-live="polite"' in content
    assert reverse("messages_unread") in content


def test_the_unread_fragment_answers_204_when_the_count_shown_is_right(
    client, pair, mentee, mentor
):
    send(pair, mentor, "Hi")
    client.force_login(mentee)
    url = reverse("messages_unread")
    htmx = {"HX-Request": "true"}
    response = client.get(url, {"shown": 0}, headers=htmx)
    assert response.status_code == 200
    assert "Messages (1 unread)" in response.content.decode()
    assert f"{url}?shown=1" in response.content.decode()
    assert client.get(url, {"shown": 1}, headers=htmx).status_code == 204
    client.get(thread_url(pair))
    cleared = client.get(url, {"shown": 1}, headers=htmx).content.decode()
    assert "unread)" not in cleared and ">Messages</span>" in cleared
    assert client.get(url, {"shown": 0}, headers=htmx).status_code == 204


def test_the_inbox_lists_my_conversations_with_unread_counts(client, pair, mentee, mentor):
    send(pair, mentor, "Hi Mia")
    client.force_login(mentee)
    content = client.get(reverse("message_inbox")).content.decode()
    assert thread_url(pair) in content
    assert "Max Mentor" in content
    assert "1 unread" in content
    assert "Hi Mia" not in content


def test_coordinators_have_no_unread_messages(client, pair, mentee, coordinator):
    send(pair, mentee, "Private")
    assert unread_count(coordinator) == 0
    client.force_login(coordinator)
    content = client.get(reverse("message_inbox")).content.decode()
    assert "Private" not in content and thread_url(pair) not in content


# The workspace panel -------------------------------------------------------------------------


def test_members_see_the_three_latest_messages_and_their_unread_count(client, pair, mentee, mentor):
    for n in range(4):
        send(pair, mentor, f"Update {n}\nsecond line {n}")
    context = panel(pair, mentee, content=True)
    assert [m.first_line for m in context["messaging_recent"]] == [
        "Update 3",
        "Update 2",
        "Update 1",
    ]
    assert context["messaging_unread"] == 4
    client.force_login(mentee)
    content = client.get(reverse("mentorship_detail", args=[pair.pk])).content.decode()
    assert "Update 3" in content and "second line 3" not in content
    assert "Update 0" not in content
    assert "4 unread messages" in content
    assert thread_url(pair) in content


def test_the_panel_shows_times_in_the_viewers_zone(pair, mentee, mentor):
    sent = timezone.now().replace(hour=23, minute=30, second=0, microsecond=0)
    send(pair, mentor, "Late night", now=sent)
    context = panel(pair, mentee, content=True)
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        html = render_to_string("messaging/workspace_panel.html", context)
    assert sent.astimezone(ZoneInfo("Asia/Tokyo")).isoformat() in html


# Queries -------------------------------------------------------------------------------------


def many_messages(pair, mentee, mentor, count):
    for n in range(count):
        send(pair, mentor if n % 2 else mentee, f"Message {n}")


@pytest.mark.parametrize("count", [3, 80])
def test_the_thread_page_does_a_bounded_number_of_queries(
    client, pair, mentee, mentor, count, django_assert_max_num_queries
):
    many_messages(pair, mentee, mentor, count)
    client.force_login(mentee)
    client.get(thread_url(pair))
    send(pair, mentor, "New")
    with django_assert_max_num_queries(15):
        response = client.get(thread_url(pair))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [3, 80])
def test_the_poll_and_the_unread_fragment_are_cheap(
    client, program, pair, mentee, mentor, count, django_assert_max_num_queries
):
    many_messages(pair, mentee, mentor, count)
    for n in range(count // 10):
        person = factories.make_user(f"extra{n}@example.com")
        factories.make_mentorship(
            program,
            mentor=pair.memberships.get(user=mentor).enrolment,
            mentees=[factories.make_enrolment(program, person, role="mentee")],
        )
    client.force_login(mentor)
    htmx = {"HX-Request": "true"}
    with django_assert_max_num_queries(3):  # session, user, the count
        client.get(reverse("messages_unread"), headers=htmx)
    with django_assert_max_num_queries(14):  # the first read of the thread: its mark is made
        client.get(reverse("messages_poll", args=[pair.pk]), {"after": 0}, headers=htmx)


def test_the_panel_is_two_queries_for_members_and_one_for_coordinators(
    pair, mentee, mentor, coordinator, django_assert_num_queries
):
    many_messages(pair, mentee, mentor, 10)
    with django_assert_num_queries(2):
        panel(pair, mentee, content=True)
    with django_assert_num_queries(1):
        panel(pair, coordinator, content=False)


def test_the_inbox_does_a_bounded_number_of_queries(
    client, program, pair, mentee, mentor, django_assert_max_num_queries
):
    many_messages(pair, mentee, mentor, 10)
    for n in range(5):
        person = factories.make_user(f"extra{n}@example.com")
        other = factories.make_mentorship(
            program,
            mentor=pair.memberships.get(user=mentor).enrolment,
            mentees=[factories.make_enrolment(program, person, role="mentee")],
        )
        send(other, person, "Hello")
    client.force_login(mentor)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("message_inbox"))
    assert response.content.decode().count("1 unread") == 5
