"""Notifications in the API: each person's own, filtered by unread, marked read one by one or
all at once through the notifications page's service. Anybody else's is a 404."""

import json

import pytest

from lodestar.engagement.models import Notification
from lodestar.engagement.services import notify

from .conftest import assert_problem, bearer

LIST = "/api/v1/notifications/"


def call(client, user, method, url, scope="read_write"):
    return client.generic(method, url, **(bearer(user, scope) if user else {}))


@pytest.fixture
def mine(mentee, mentor):
    first = notify(
        user=mentee,
        kind="meeting_proposed",
        url="/meetings/7/",
        email=False,
        person="Max Mentor",
        when="Tuesday",
    )
    second = notify(
        user=mentee,
        kind="meeting_cancelled",
        url="https://evil.example/",
        email=False,
        person="Max Mentor",
        when="Friday",
    )
    notify(user=mentor, kind="meeting_confirmed", email=False, person="Mia", when="Tuesday")
    return [first, second]


def test_a_person_lists_their_own_notifications_newest_first(client, mine, mentee):
    results = call(client, mentee, "GET", LIST).json()["results"]
    assert [n["id"] for n in results] == [mine[1].pk, mine[0].pk]
    assert results[1]["text"] == "Max Mentor proposes to meet on Tuesday."
    assert results[1]["url"] == "http://testserver/meetings/7/"
    assert results[0]["url"] == ""  # only ever a page of this site
    assert results[0]["read_at"] is None


def test_nobody_sees_anybody_elses(client, mine, mentor, outsider):
    assert [n["kind"] for n in call(client, mentor, "GET", LIST).json()["results"]] == [
        "meeting_confirmed"
    ]
    assert call(client, outsider, "GET", LIST).json()["count"] == 0
    assert_problem(call(client, None, "GET", LIST), 401)


def test_marking_one_read_and_filtering_by_unread(client, mine, mentee):
    response = call(client, mentee, "POST", f"{LIST}{mine[0].pk}/read/")
    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    unread = call(client, mentee, "GET", LIST + "?unread=true").json()["results"]
    assert [n["id"] for n in unread] == [mine[1].pk]
    read = call(client, mentee, "GET", LIST + "?unread=false").json()["results"]
    assert [n["id"] for n in read] == [mine[0].pk]


def test_someone_elses_notification_is_not_found_and_stays_unread(client, mine, mentor):
    assert_problem(call(client, mentor, "POST", f"{LIST}{mine[0].pk}/read/"), 404)
    mine[0].refresh_from_db()
    assert mine[0].read_at is None


def test_marking_all_read_counts_them(client, mine, mentee, mentor):
    assert call(client, mentee, "POST", LIST + "read/").json() == {"marked": 2}
    assert call(client, mentee, "POST", LIST + "read/").json() == {"marked": 0}
    assert Notification.objects.filter(user=mentor, read_at__isnull=True).count() == 1


def test_a_read_only_token_marks_nothing(client, mine, mentee):
    assert_problem(call(client, mentee, "POST", LIST + "read/", scope="read"), 403)
    assert Notification.objects.filter(user=mentee, read_at__isnull=True).count() == 2


@pytest.mark.parametrize("query, field", [("?unread=perhaps", "unread"), ("?page=0", "page")])
def test_a_bad_filter_is_unprocessable(client, mine, mentee, query, field):
    problem = assert_problem(call(client, mentee, "GET", LIST + query), 422)
    assert field in [e["field"] for e in problem["errors"]]


def test_the_list_takes_a_bounded_number_of_queries(client, mentee, django_assert_max_num_queries):
    for n in range(15):
        notify(user=mentee, kind="meeting_proposed", email=False, person=f"P{n}", when="now")
    headers = bearer(mentee)
    with django_assert_max_num_queries(10):
        response = client.get(LIST, **headers)
    assert json.loads(response.content)["count"] == 15
