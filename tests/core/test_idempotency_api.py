"""An API client that retries a write with the same Idempotency-Key gets the first answer again
and one record, whether it created a message, a check-in or a meeting; the same key with another
body is refused, and a retry while the first request still runs is told to wait."""

import json
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from lodestar.core.idempotency import idempotency_purge
from lodestar.core.models import IdempotencyRecord
from lodestar.engagement.models import CheckIn
from lodestar.meetings.models import Meeting
from lodestar.mentorships.models import Mentorship
from lodestar.messaging.models import Message
from lodestar.programs.models import Enrolment
from tests import factories
from tests.api.conftest import assert_problem, bearer

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program, mentor, mentee):
    return factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(program=program, user=mentor),
        mentees=[Enrolment.objects.get(program=program, user=mentee)],
    )


def post(client, auth, url, body, key="retry-1", **headers):
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **auth,
        **headers,
    )


@pytest.fixture
def started(pair):
    """Began a month ago: a check-in is due."""
    Mentorship.objects.filter(pk=pair.pk).update(
        start_date=timezone.localdate() - timedelta(days=31)
    )
    return pair


def test_a_retried_message_is_sent_once_and_the_retry_hears_the_first_answer(client, pair, mentee):
    auth = bearer(mentee)
    url = f"/api/v1/mentorships/{pair.pk}/messages/"
    first = post(client, auth, url, {"body": "Thanks for today!"})
    again = post(client, auth, url, {"body": "Thanks for today!"})
    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert again["Content-Type"] == first["Content-Type"]
    assert Message.objects.filter(body="Thanks for today!").count() == 1


def test_a_retried_check_in_makes_one(client, started, mentee):
    auth = bearer(mentee)
    url = f"/api/v1/mentorships/{started.pk}/check-ins/"
    body = {"mood": 4, "progress": "Sent my CV", "blockers": "", "wants_contact": False}
    answers = [post(client, auth, url, body, key="checkin-7") for _ in range(3)]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert CheckIn.objects.count() == 1


def test_a_retried_meeting_proposal_makes_one_meeting(client, pair, mentee):
    auth = bearer(mentee)
    start = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    body = {"start": start.isoformat(), "duration": 45, "mode": "video", "agenda": "My CV"}
    url = f"/api/v1/mentorships/{pair.pk}/meetings/"
    first = post(client, auth, url, body, key="3f2b8c1e-meeting")
    # The same JSON written differently is the same request.
    again = client.post(
        url,
        data=json.dumps(dict(reversed(body.items())), indent=2),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="3f2b8c1e-meeting",
        **auth,
    )
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert Meeting.objects.count() == 1


def test_without_a_key_a_retry_is_a_second_write(client, pair, mentee):
    auth = bearer(mentee)
    url = f"/api/v1/mentorships/{pair.pk}/messages/"
    for _ in range(2):
        client.post(url, data={"body": "Hi"}, content_type="application/json", **auth)
    assert Message.objects.filter(body="Hi").count() == 2
    assert not IdempotencyRecord.objects.exists()


def test_the_same_key_with_another_body_is_refused_and_writes_nothing(client, pair, mentee):
    auth = bearer(mentee)
    url = f"/api/v1/mentorships/{pair.pk}/messages/"
    post(client, auth, url, {"body": "First"})
    body = assert_problem(post(client, auth, url, {"body": "Second"}), 422)
    assert "different request" in body["detail"]
    assert list(Message.objects.values_list("body", flat=True)) == ["First"]


def test_keys_belong_to_their_caller(client, pair, mentor, mentee):
    url = f"/api/v1/mentorships/{pair.pk}/messages/"
    post(client, bearer(mentee), url, {"body": "Same words"}, key="shared")
    theirs = post(client, bearer(mentor), url, {"body": "Same words"}, key="shared")
    assert theirs.status_code == 201 and not theirs.has_header("Idempotent-Replayed")
    assert Message.objects.filter(body="Same words").count() == 2


def test_a_browser_session_has_keys_too(pair, mentee):
    browser = Client()
    browser.force_login(mentee)
    url = f"/api/v1/mentorships/{pair.pk}/messages/"
    answers = [post(browser, {}, url, {"body": "From the page"}) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert Message.objects.filter(body="From the page").count() == 1


def test_a_refusal_is_replayed_too_but_a_refused_token_is_not_remembered(client, pair, mentee):
    url = f"/api/v1/mentorships/{pair.pk}/messages/"
    auth = bearer(mentee)
    assert_problem(post(client, auth, url, {"body": ""}, key="empty"), 400)
    replayed = post(client, auth, url, {"body": ""}, key="empty")
    assert_problem(replayed, 400)
    assert replayed["Idempotent-Replayed"] == "true"
    # A read-only token is refused (403): not kept, so the key stays free for a proper retry.
    read_only = bearer(mentee, scope="read")
    assert_problem(post(client, read_only, url, {"body": "Hi"}, key="k"), 403)
    assert not IdempotencyRecord.objects.filter(key="k").exists()


def test_a_malformed_key_is_a_bad_request(client, pair, mentee):
    url = f"/api/v1/mentorships/{pair.pk}/messages/"
    body = assert_problem(post(client, bearer(mentee), url, {"body": "Hi"}, key="x" * 256), 400)
    assert "Idempotency-Key" in body["detail"]
    assert not Message.objects.exists()


def test_a_retry_while_the_first_runs_is_a_conflict(client, pair, mentee):
    url = f"/api/v1/mentorships/{pair.pk}/messages/"
    auth = bearer(mentee)
    post(client, auth, url, {"body": "Slow"}, key="slow")
    # As if the first request were still running: its answer not stored yet, its lock held.
    IdempotencyRecord.objects.filter(key="slow").update(
        status=None, locked_until=timezone.now() + timedelta(seconds=30)
    )
    response = post(client, auth, url, {"body": "Slow"}, key="slow")
    assert_problem(response, 409)
    assert response["Retry-After"] == "1"
    assert Message.objects.filter(body="Slow").count() == 1


def test_a_key_whose_holder_died_is_taken_over_once_its_lock_lapses(client, pair, mentee):
    """A server killed mid-request committed neither its writes nor the answer (one
    transaction): its claim is all that is left, and after the lock a retry does the work."""
    url = f"/api/v1/mentorships/{pair.pk}/messages/"
    auth = bearer(mentee)
    post(client, auth, url, {"body": "Lost"}, key="died")
    Message.objects.all().delete()  # what the rolled-back transaction leaves
    IdempotencyRecord.objects.filter(key="died").update(
        status=None, locked_until=timezone.now() - timedelta(seconds=1)
    )
    retry = post(client, auth, url, {"body": "Lost"}, key="died")
    assert retry.status_code == 201 and not retry.has_header("Idempotent-Replayed")
    assert Message.objects.filter(body="Lost").count() == 1


def test_keys_are_forgotten_after_a_day(client, pair, mentee, settings):
    url = f"/api/v1/mentorships/{pair.pk}/messages/"
    auth = bearer(mentee)
    post(client, auth, url, {"body": "Day one"}, key="daily")
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    again = post(client, auth, url, {"body": "Day one"}, key="daily")
    assert again.status_code == 201 and not again.has_header("Idempotent-Replayed")
    assert Message.objects.filter(body="Day one").count() == 2
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_purge() == 1
    assert not IdempotencyRecord.objects.exists()


def test_the_api_description_explains_the_header(client):
    description = client.get("/api/v1/openapi.json").json()["info"]["description"]
    assert "Idempotency-Key" in description


@pytest.mark.django_db(transaction=True)
def test_two_requests_at_once_with_one_key_make_one_message(pair, mentee):
    """Two clients racing with the same key: one does the work, the other hears either the
    replayed answer or 409 — never a second message."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        "file:memorydb"
    ):
        pytest.skip("threads do not share SQLite's in-memory test database")
    auth = bearer(mentee)
    url = f"/api/v1/mentorships/{pair.pk}/messages/"
    statuses = []
    barrier = threading.Barrier(2)

    def send():
        barrier.wait()
        statuses.append(post(Client(), auth, url, {"body": "Race"}, key="race").status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) in ([201, 201], [201, 409])
    assert Message.objects.filter(body="Race").count() == 1
