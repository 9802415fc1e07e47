"""Notifications: the page, opening one, marking all read, and the count in the navigation."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from lodestar.engagement.context_processors import notifications
from lodestar.engagement.models import Notification
from lodestar.engagement.services import notify

pytestmark = pytest.mark.django_db


def tell(user, kind="mentorship_started", url="/mentorships/1/", **params):
    params = {"other": "Max Mentor", "program": "Spring Cohort", **params}
    return notify(user=user, kind=kind, url=url, email=False, **params)


def test_the_page_lists_my_notifications_newest_first_with_unread_in_words(client, mentee):
    older = tell(mentee, kind="mentorship_created")
    newer = tell(mentee)
    Notification.objects.filter(pk=older.pk).update(read_at=older.created_at)
    client.force_login(mentee)

    content = client.get(reverse("notifications")).content.decode()

    started = "Your mentorship with Max Mentor in Spring Cohort has started."
    created = "A coordinator of Spring Cohort paired you with Max Mentor."
    assert content.index(started) < content.index(created)
    assert content.count(">Unread<") == 1
    assert reverse("notification_open", args=[newer.pk]) in content
    assert "Mark all as read" in content


def test_other_peoples_notifications_are_not_listed(client, mentee, mentor):
    tell(mentor, other="Secret Person")
    client.force_login(mentee)
    content = client.get(reverse("notifications")).content.decode()
    assert "Secret Person" not in content
    assert "No notifications yet." in content


def test_opening_one_marks_it_read_and_goes_where_it_points(client, mentee):
    notification = tell(mentee, url="/mentorships/7/")
    other = tell(mentee)
    client.force_login(mentee)

    response = client.get(reverse("notification_open", args=[notification.pk]))

    assert response.status_code == 302
    assert response["Location"] == "/mentorships/7/"
    notification.refresh_from_db()
    other.refresh_from_db()
    assert notification.read_at is not None
    assert other.read_at is None


def test_opening_also_works_by_post(client, mentee):
    notification = tell(mentee)
    client.force_login(mentee)
    response = client.post(reverse("notification_open", args=[notification.pk]))
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/phish",
        "//evil.example.com/phish",
        "/\\evil.example.com",
        "javascript:alert(1)",
        "",
    ],
)
def test_only_relative_urls_are_followed(client, mentee, url):
    notification = tell(mentee, url=url)
    client.force_login(mentee)
    response = client.get(reverse("notification_open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications")


def test_nobody_opens_someone_elses_notification(client, mentee, mentor):
    notification = tell(mentor)
    client.force_login(mentee)
    assert client.get(reverse("notification_open", args=[notification.pk])).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, mentee):
    notification = tell(mentee)
    for url in (
        reverse("notifications"),
        reverse("notification_open", args=[notification.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_as_read_only_touches_mine(client, mentee, mentor):
    for _ in range(3):
        tell(mentee)
    theirs = tell(mentor)
    client.force_login(mentee)

    response = client.post(reverse("notifications_read_all"), follow=True)

    assert "3 notifications marked as read." in response.content.decode()
    assert not Notification.objects.filter(user=mentee).unread().exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("notifications_read_all")).status_code == 405


def test_the_nav_shows_the_unread_count_in_words(client, mentee):
    client.force_login(mentee)
    content = client.get(reverse("dashboard")).content.decode()
    assert ">Notifications</a>" in content

    tell(mentee)
    tell(mentee)
    content = client.get(reverse("dashboard")).content.decode()
    assert "Notifications (2 unread)" in content

    client.post(reverse("notifications_read_all"))
    content = client.get(reverse("dashboard")).content.decode()
    assert ">Notifications</a>" in content


def test_the_nav_count_costs_one_query_and_none_for_visitors(
    client, mentee, django_assert_num_queries
):
    tell(mentee)
    request = RequestFactory().get("/")
    request.user = mentee
    context = notifications(request)
    with django_assert_num_queries(1):
        assert context["unread_notification_count"]() == 1
        assert context["unread_notification_count"]() == 1

    request.user = AnonymousUser()
    with django_assert_num_queries(0):
        assert notifications(request) == {}
    response = client.get(reverse("account_login"))
    assert "Notifications" not in response.content.decode()


def test_a_real_notice_links_to_the_mentorship(client, program, mentee, mentor):
    from lodestar.mentorships.services import mentorship_create, mentorship_decline

    proposed = mentorship_create(
        program=program,
        mentors=[mentor.enrolments.get()],
        mentees=[mentee.enrolments.get()],
        origin="algorithm",
        by=None,
    )
    mentorship_decline(mentorship=proposed, user=mentee, reason="Not a fit")
    client.force_login(mentor)
    notice = Notification.objects.get(user=mentor)
    response = client.get(reverse("notification_open", args=[notice.pk]), follow=True)
    assert response.status_code == 200
    assert "Mia Mentee" in response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("mentorship_detail", args=[proposed.pk])
