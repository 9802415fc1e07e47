"""The coordinator's webhook pages: a link from the program page, the list with recent
deliveries in a bounded number of queries, add, edit, disable, delete, the secret and its
rotation, a test ping and a redelivery — and a 404 for everyone but the program's coordinators."""

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from lodestar.webhooks.models import Delivery, Endpoint
from tests import factories

pytestmark = pytest.mark.django_db


def urls(endpoint: Endpoint, delivery: Delivery) -> list[tuple[str, str]]:
    slug, pk = endpoint.program.slug, endpoint.pk
    return [
        ("get", reverse("webhook_endpoints", args=[slug])),
        ("get", reverse("webhook_endpoint_new", args=[slug])),
        ("get", reverse("webhook_endpoint", args=[slug, pk])),
        ("post", reverse("webhook_endpoint", args=[slug, pk])),
        ("get", reverse("webhook_endpoint_delete", args=[slug, pk])),
        ("post", reverse("webhook_endpoint_delete", args=[slug, pk])),
        ("post", reverse("webhook_endpoint_rotate", args=[slug, pk])),
        ("post", reverse("webhook_endpoint_ping", args=[slug, pk])),
        ("post", reverse("webhook_delivery_redeliver", args=[slug, pk, delivery.pk])),
    ]


@pytest.fixture
def failed(endpoint):
    return Delivery.objects.create(
        endpoint=endpoint,
        event="meeting.completed",
        payload={},
        status="failed",
        attempts=7,
        last_status_code=500,
        last_error="HTTP 500",
    )


@pytest.mark.parametrize("persona", ["mentor", "mentee", "outsider", "other_coordinator"])
def test_only_the_programs_coordinators_reach_its_webhooks(
    request, client, endpoint, failed, persona
):
    client.force_login(request.getfixturevalue(persona))
    for method, url in urls(endpoint, failed):
        assert getattr(client, method)(url).status_code == 404, (method, url)
    endpoint.refresh_from_db()
    assert endpoint.active and Delivery.objects.get() == failed


def test_anonymous_visitors_are_sent_to_log_in(client, endpoint, failed):
    for method, url in urls(endpoint, failed):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_site_admin_manages_any_programs_webhooks(client, endpoint):
    client.force_login(factories.make_user("root@example.com", is_superuser=True))
    response = client.get(reverse("webhook_endpoints", args=["spring"]))
    assert response.status_code == 200 and endpoint.url in response.content.decode()


def test_the_program_page_links_to_its_webhooks(client, program, coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("program_manage", args=[program.slug])).content.decode()
    assert f'href="{reverse("webhook_endpoints", args=[program.slug])}"' in page
    assert ">Webhooks<" in page


def test_a_coordinator_adds_an_endpoint_and_sees_its_secret(client, program, coordinator, receiver):
    client.force_login(coordinator)
    response = client.post(
        reverse("webhook_endpoint_new", args=[program.slug]),
        {"url": receiver.url, "events": ["meeting.completed", "checkin.flagged"], "active": "on"},
        follow=True,
    )
    endpoint = Endpoint.objects.get()
    assert endpoint.events == ["meeting.completed", "checkin.flagged"]
    assert endpoint.created_by == coordinator and endpoint.active
    page = response.content.decode()
    assert "The endpoint is registered." in page
    assert endpoint.secret in page and "Show the secret" in page


def test_a_bad_url_is_shown_next_to_its_field_and_nothing_is_saved(
    client, program, coordinator, settings
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    client.force_login(coordinator)
    response = client.post(
        reverse("webhook_endpoint_new", args=[program.slug]),
        {"url": "http://169.254.169.254/latest/", "events": []},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "webhooks only go to public addresses" in page
    assert "Choose at least one event to send." in page
    assert '<label for="id_url">Payload URL' in page
    assert not Endpoint.objects.exists()


def test_a_coordinator_edits_and_disables_an_endpoint(client, endpoint, coordinator, receiver):
    client.force_login(coordinator)
    url = reverse("webhook_endpoint", args=["spring", endpoint.pk])
    response = client.post(
        url, {"url": receiver.url, "events": ["mentorship.closed"], "description": "CRM"}
    )
    assert response.status_code == 302
    endpoint.refresh_from_db()
    assert endpoint.events == ["mentorship.closed"] and endpoint.description == "CRM"
    assert endpoint.active is False  # the box was left unticked
    page = client.get(reverse("webhook_endpoints", args=["spring"])).content.decode()
    assert "Disabled" in page


def test_rotating_the_secret_changes_it(client, endpoint, coordinator):
    client.force_login(coordinator)
    old = endpoint.secret
    response = client.post(
        reverse("webhook_endpoint_rotate", args=["spring", endpoint.pk]), follow=True
    )
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in response.content.decode()
    assert endpoint.secret_rotated_at is not None


def test_a_test_ping_is_sent_by_the_worker_and_shown_with_its_answer(
    client, endpoint, coordinator, receiver, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("webhook_endpoint_ping", args=["spring", endpoint.pk]))
    assert response.status_code == 302
    assert [r.headers["lodestar-event"] for r in receiver.requests] == ["ping"]
    page = client.get(response["Location"]).content.decode()
    assert "A test ping is on its way." in page
    assert "Test ping" in page and "Delivered" in page and "200" in page


def test_a_ping_to_a_disabled_endpoint_is_refused(client, endpoint, coordinator, receiver):
    endpoint.active = False
    endpoint.save()
    client.force_login(coordinator)
    response = client.post(
        reverse("webhook_endpoint_ping", args=["spring", endpoint.pk]), follow=True
    )
    assert "enable it to send it a test ping" in response.content.decode()
    assert not Delivery.objects.exists()


def test_a_failed_delivery_is_redelivered_from_the_page(
    client, endpoint, failed, coordinator, receiver, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    page = client.get(reverse("webhook_endpoint", args=["spring", endpoint.pk])).content.decode()
    assert "Redeliver" in page and "HTTP 500" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("webhook_delivery_redeliver", args=["spring", endpoint.pk, failed.pk]))
    failed.refresh_from_db()
    assert failed.status == "delivered"
    assert receiver.requests[0].headers["lodestar-delivery"] == str(failed.uuid)
    # Delivered: nothing to redeliver any more.
    response = client.post(
        reverse("webhook_delivery_redeliver", args=["spring", endpoint.pk, failed.pk]), follow=True
    )
    assert "Only a failed delivery can be sent again" in response.content.decode()


def test_deleting_an_endpoint_removes_its_deliveries(client, endpoint, failed, coordinator):
    client.force_login(coordinator)
    url = reverse("webhook_endpoint_delete", args=["spring", endpoint.pk])
    assert "Delete the endpoint" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    assert not Endpoint.objects.exists() and not Delivery.objects.exists()


def test_times_are_shown_in_the_viewers_time_zone(client, endpoint, coordinator):
    coordinator.timezone = "Pacific/Auckland"
    coordinator.save(update_fields=["timezone"])
    Delivery.objects.create(
        endpoint=endpoint,
        event="ping",
        payload={},
        created_at=datetime(2027, 1, 11, 0, 30, tzinfo=UTC),
    )
    client.force_login(coordinator)
    page = client.get(reverse("webhook_endpoints", args=["spring"])).content.decode()
    assert "Jan. 11, 2027, 1:30 p.m." in page  # 00:30 UTC is 13:30 in Auckland in January


def test_the_list_page_makes_the_same_queries_for_one_endpoint_or_many(
    client, program, coordinator, endpoint, django_assert_num_queries
):
    client.force_login(coordinator)
    url = reverse("webhook_endpoints", args=[program.slug])

    def add(count):
        for n in range(count):
            extra = Endpoint.objects.create(
                program=program, url=f"https://93.184.215.14/{n}", events=["ping"]
            )
            for _ in range(8):
                Delivery.objects.create(endpoint=extra, event="ping", payload={})

    add(1)
    client.get(url)  # warm the session and the caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add(6)
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("<tbody>") == 7  # endpoints with deliveries
