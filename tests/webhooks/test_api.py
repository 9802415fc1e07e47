"""Webhooks through the JSON API: the same services and rules as the pages (the matrix in
tests/api/rules_webhooks.py covers who may call what)."""

import json

import pytest

from lodestar.webhooks.models import Delivery, Endpoint
from tests.api.conftest import assert_problem, bearer

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programs/spring/webhooks/"


def post(client, url, user, body=None, method="post"):
    return getattr(client, method)(
        url, data=json.dumps(body or {}), content_type="application/json", **bearer(user)
    )


def test_a_coordinator_registers_reads_changes_and_deletes_an_endpoint(
    client, program, coordinator, receiver
):
    created = post(
        client,
        BASE,
        coordinator,
        {"url": receiver.url, "events": ["mentorship.closed", "enrolment.created"]},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert body["events"] == ["enrolment.created", "mentorship.closed"] and body["active"]
    endpoint = Endpoint.objects.get()
    assert endpoint.created_by == coordinator and endpoint.secret == body["secret"]

    listed = client.get(BASE, **bearer(coordinator)).json()
    assert [e["id"] for e in listed["results"]] == [endpoint.pk]
    assert "secret" not in listed["results"][0]
    one = client.get(f"{BASE}{endpoint.pk}/", **bearer(coordinator)).json()
    assert one["secret"] == endpoint.secret

    changed = post(client, f"{BASE}{endpoint.pk}/", coordinator, {"active": False}, "patch")
    assert changed.status_code == 200 and changed.json()["active"] is False
    assert changed.json()["events"] == ["enrolment.created", "mentorship.closed"]

    rotated = post(client, f"{BASE}{endpoint.pk}/rotate-secret/", coordinator)
    assert rotated.status_code == 200 and rotated.json()["secret"] != endpoint.secret

    gone = client.delete(f"{BASE}{endpoint.pk}/", **bearer(coordinator))
    assert gone.status_code == 204
    assert not Endpoint.objects.exists()


def test_a_bad_url_or_event_is_a_problem_and_changes_nothing(
    client, program, coordinator, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    refused = post(client, BASE, coordinator, {"url": "http://10.0.0.5/", "events": ["ping"]})
    assert_problem(refused, 422)  # "ping" is not an event one subscribes to
    refused = post(
        client, BASE, coordinator, {"url": "http://10.0.0.5/", "events": ["meeting.completed"]}
    )
    problem = assert_problem(refused, 400)
    assert problem["errors"] == [
        {
            "field": "url",
            "message": "This address is on a private network; webhooks only go to public "
            "addresses.",
        }
    ]
    empty = post(client, BASE, coordinator, {"url": "https://93.184.215.14/", "events": []})
    assert assert_problem(empty, 400)["errors"][0]["field"] == "events"
    assert not Endpoint.objects.exists()


def test_deliveries_are_listed_and_a_failed_one_is_redelivered_with_its_id(
    client, endpoint, receiver, coordinator, django_capture_on_commit_callbacks
):
    failed = Delivery.objects.create(
        endpoint=endpoint,
        event="enrolment.created",
        payload={"event": "x"},
        status="failed",
        attempts=7,
        last_status_code=500,
    )
    listed = client.get(f"{BASE}{endpoint.pk}/deliveries/", **bearer(coordinator)).json()
    [item] = listed["results"]
    assert item["delivery_id"] == str(failed.uuid) and item["status"] == "failed"
    assert item["last_status_code"] == 500 and item["next_attempt_at"] is None

    url = f"{BASE}{endpoint.pk}/deliveries/{failed.uuid}/redeliver/"
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, url, coordinator)
    assert response.status_code == 202 and response.json()["attempts"] == 0
    failed.refresh_from_db()
    assert failed.status == "delivered"
    assert receiver.requests[0].headers["lodestar-delivery"] == str(failed.uuid)

    again = post(client, url, coordinator)
    assert "Only a failed delivery" in assert_problem(again, 409)["detail"]


def test_a_ping_is_queued_and_sent_by_the_worker(
    client, endpoint, receiver, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, f"{BASE}{endpoint.pk}/ping/", coordinator)
    assert response.status_code == 202 and response.json()["event"] == "ping"
    assert [r.headers["lodestar-event"] for r in receiver.requests] == ["ping"]


def test_another_programs_endpoint_is_a_404(client, endpoint, other_coordinator, other_program):
    response = client.get(
        f"/api/v1/programs/autumn/webhooks/{endpoint.pk}/", **bearer(other_coordinator)
    )
    assert_problem(response, 404)
    response = client.get(f"{BASE}{endpoint.pk}/", **bearer(other_coordinator))
    assert_problem(response, 404)
