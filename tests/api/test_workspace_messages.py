"""A mentorship's messages in the API: the thread's members read and write it; coordinators,
site admins and everyone else get the page's 404 and learn nothing of it."""

import json

import pytest

from lodestar.mentorships.states import MentorshipStatus
from lodestar.messaging import services
from lodestar.messaging.models import Message
from lodestar.messaging.selectors import unread_in
from tests import factories

from .conftest import assert_problem, bearer, call


def url(pair):
    return f"/api/v1/mentorships/{pair.pk}/messages/"


@pytest.fixture
def thread(pair, mentor, mentee):
    return [
        services.message_send(mentorship=pair, author=mentor, body="How did the interview go?"),
        services.message_send(mentorship=pair, author=mentee, body="I got the job!"),
    ]


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 401),
        ("mentee", 200),
        ("mentor", 200),
        ("other_member", 404),
        ("outsider", 404),
        ("coordinator", 404),
        ("site_admin", 404),
    ],
)
def test_the_thread_is_read_by_its_members_only(client, pair, thread, people, role, status):
    response = call(client, people[role], "GET", url(pair))
    if status != 200:
        body = assert_problem(response, status)
        assert "interview" not in json.dumps(body) and "job" not in json.dumps(body)
        return
    assert response.status_code == 200
    results = response.json()["results"]
    assert [m["body"] for m in results] == ["I got the job!", "How did the interview go?"]
    assert results[0]["author"] == {"user_id": thread[1].author_id, "name": "Mia Mentee"}
    assert results[0]["deleted"] is False and results[0]["attachment"] is None


def test_a_deleted_message_keeps_its_place_without_its_words(client, pair, thread, mentor):
    services.message_delete(message=thread[0], by=thread[0].author)
    oldest = call(client, mentor, "GET", url(pair)).json()["results"][1]
    assert oldest["deleted"] is True and oldest["body"] == ""


def test_polling_for_newer_messages_and_paging_back(client, pair, thread, mentee):
    newer = call(client, mentee, "GET", url(pair) + f"?after={thread[0].pk}").json()
    assert [m["id"] for m in newer["results"]] == [thread[1].pk]
    older = call(client, mentee, "GET", url(pair) + f"?before={thread[1].pk}").json()
    assert [m["id"] for m in older["results"]] == [thread[0].pk]
    assert call(client, mentee, "GET", url(pair) + f"?after={2**70}").json()["count"] == 0
    assert call(client, mentee, "GET", url(pair) + f"?before={2**70}").json()["count"] == 2
    page = call(client, mentee, "GET", url(pair) + "?page_size=1").json()
    assert page["count"] == 2 and "page=2" in page["next"]


def test_another_pairs_messages_never_show(client, program, pair, thread, mentee):
    mentor2 = factories.make_user("mentor2@example.com", name="Mo Mentor")
    mentee2 = factories.make_user("mentee2@example.com", name="Meg Mentee")
    other = factories.make_mentorship(
        program,
        mentor=factories.make_enrolment(program, mentor2, role="mentor"),
        mentees=[factories.make_enrolment(program, mentee2, role="mentee")],
    )
    services.message_send(mentorship=other, author=mentee2, body="Private to us")
    assert "Private to us" not in call(client, mentee, "GET", url(pair)).content.decode()
    assert_problem(call(client, mentee, "GET", url(other)), 404)


def test_a_member_sends_a_message(client, pair, mentee):
    response = call(client, mentee, "POST", url(pair), {"body": "  See you Tuesday  "})
    assert response.status_code == 201, response.content
    assert response.json()["body"] == "See you Tuesday"
    assert Message.objects.get().author == mentee


def test_an_empty_message_is_refused_naming_body(client, pair, mentee):
    problem = assert_problem(call(client, mentee, "POST", url(pair), {"body": "   "}), 400)
    assert [e["field"] for e in problem["errors"]] == ["body"]
    assert not Message.objects.exists()


def test_an_ended_mentorships_thread_is_history(client, pair, thread, mentee):
    pair.status = MentorshipStatus.COMPLETED
    pair.save(update_fields=["status"])
    assert call(client, mentee, "GET", url(pair)).status_code == 200
    assert (
        "read-only"
        in assert_problem(call(client, mentee, "POST", url(pair), {"body": "Hi"}), 400)["detail"]
    )
    assert Message.objects.count() == 2


@pytest.mark.parametrize(
    "body, field",
    [({}, "body.body"), ({"body": ["Hi"]}, "body.body"), ({"body": "nul\x00"}, "body.body")],
)
def test_a_bad_body_is_unprocessable_and_names_the_field(client, pair, mentee, body, field):
    problem = assert_problem(call(client, mentee, "POST", url(pair), body), 422)
    assert field in [e["field"] for e in problem["errors"]]
    assert not Message.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "site_admin", "other_member", "outsider"])
def test_non_members_cannot_write_to_the_thread(client, pair, people, role):
    assert_problem(call(client, people[role], "POST", url(pair), {"body": "Hello"}), 404)
    assert not Message.objects.exists()


def test_a_read_only_token_cannot_send(client, pair, mentee):
    assert_problem(call(client, mentee, "POST", url(pair), {"body": "Hi"}, scope="read"), 403)
    assert not Message.objects.exists()


def test_the_thread_takes_a_bounded_number_of_queries(
    client, pair, mentor, mentee, django_assert_max_num_queries
):
    for n in range(15):
        services.message_send(mentorship=pair, author=(mentor, mentee)[n % 2], body=f"#{n}")
    headers = bearer(mentee)
    with django_assert_max_num_queries(12):
        response = client.get(url(pair), **headers)
    assert response.json()["count"] == 15


def read_url(pair):
    return url(pair) + "read"


def test_a_member_marks_the_thread_read_as_the_page_does(client, pair, thread, mentor, mentee):
    assert unread_in(pair, mentee) == 1

    response = call(client, mentee, "POST", read_url(pair), {})

    assert response.status_code == 200
    assert response.json() == {"unread": 0}
    assert unread_in(pair, mentee) == 0
    assert unread_in(pair, mentor) == 1  # the mentor's own mark is theirs


def test_reading_up_to_a_message_leaves_the_newer_ones_unread_and_never_goes_back(
    client, pair, thread, mentor, mentee
):
    later = services.message_send(mentorship=pair, author=mentor, body="Congratulations!")
    assert call(client, mentee, "POST", read_url(pair), {"up_to": thread[0].pk}).json() == {
        "unread": 1
    }
    call(client, mentee, "POST", read_url(pair), {"up_to": later.pk})
    # An older mark does not undo what was read.
    assert call(client, mentee, "POST", read_url(pair), {"up_to": thread[0].pk}).json() == {
        "unread": 0
    }


def test_a_message_of_another_thread_is_refused_by_name_and_changes_nothing(
    client, pair, thread, program, mentee
):
    elsewhere = factories.make_mentorship(
        program,
        mentor=factories.make_enrolment(
            program, factories.make_user("m2@example.com"), role="mentor"
        ),
        mentees=[factories.make_enrolment(program, factories.make_user("e2@example.com"))],
    )
    other = services.message_send(
        mentorship=elsewhere, author=elsewhere.memberships.first().user, body="Not yours"
    )

    problem = assert_problem(
        call(client, mentee, "POST", read_url(pair), {"up_to": other.pk + 1000}), 400
    )
    assert [e["field"] for e in problem["errors"]] == ["up_to"]
    assert_problem(call(client, mentee, "POST", read_url(pair), {"up_to": other.pk}), 400)
    assert unread_in(pair, mentee) == 1


@pytest.mark.parametrize("role", ["coordinator", "site_admin", "outsider", "other_member"])
def test_only_members_mark_a_thread_read(client, pair, thread, people, role, mentee):
    assert_problem(call(client, people[role], "POST", read_url(pair), {}), 404)
    assert unread_in(pair, mentee) == 1
