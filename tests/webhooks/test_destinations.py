"""Server-side request forgery: a webhook goes to a public http(s) address only, checked when
it is registered and again before each attempt (DNS may have changed since), unless
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES says otherwise."""

import socket

import pytest
from django.core.exceptions import ValidationError

from lodestar.webhooks.destinations import is_public
from lodestar.webhooks.models import Endpoint, Event
from lodestar.webhooks.services import endpoint_create, endpoint_update, webhook_emit

pytestmark = pytest.mark.django_db

REFUSED = [
    "http://127.0.0.1:8000/hook",
    "http://localhost/hook",
    "http://10.1.2.3/hook",
    "http://192.168.0.10/hook",
    "http://172.16.5.5/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://[fe80::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://0.0.0.0/hook",
    "http://100.64.0.1/hook",
]


@pytest.fixture
def private_refused(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False


@pytest.mark.parametrize("url", REFUSED)
def test_a_private_loopback_or_link_local_address_is_refused_at_registration(
    private_refused, program, coordinator, url
):
    with pytest.raises(ValidationError) as error:
        endpoint_create(program=program, by=coordinator, url=url, events=["enrolment.created"])
    assert error.value.message_dict["url"] == [
        "This address is on a private network; webhooks only go to public addresses."
    ]
    assert Endpoint.objects.count() == 0


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://93.184.215.14/hook", "Use an http:// or https:// URL."),
        ("file:///etc/passwd", "Use an http:// or https:// URL."),
        ("javascript:alert(1)", "Use an http:// or https:// URL."),
        ("https:///nohost", "The URL has no host name."),
        (
            "https://user:pw@93.184.215.14/",
            "Put no user name or password in the URL: the signature proves who is calling.",
        ),
        ("https://93.184.215.14:99999/", "This is not a valid URL."),
        ("", "Enter the URL to send events to."),
    ],
)
def test_other_urls_that_cannot_be_called_are_refused_with_a_reason(
    private_refused, program, coordinator, url, message
):
    with pytest.raises(ValidationError) as error:
        endpoint_create(program=program, by=coordinator, url=url, events=["enrolment.created"])
    assert error.value.message_dict["url"] == [message]


def test_a_public_address_is_accepted(private_refused, program, coordinator):
    endpoint = endpoint_create(
        program=program,
        by=coordinator,
        url=" https://93.184.215.14/hook ",
        events=["meeting.completed"],
    )
    assert endpoint.url == "https://93.184.215.14/hook"


def test_an_update_to_a_private_address_is_refused_and_changes_nothing(
    private_refused, program, coordinator
):
    endpoint = endpoint_create(
        program=program,
        by=coordinator,
        url="https://93.184.215.14/hook",
        events=["meeting.completed"],
    )
    with pytest.raises(ValidationError):
        endpoint_update(endpoint=endpoint, by=coordinator, url="http://10.0.0.1/")
    endpoint.refresh_from_db()
    assert endpoint.url == "https://93.184.215.14/hook"


def test_a_name_that_now_resolves_to_a_private_address_is_refused_at_send_time(
    settings, monkeypatch, program, receiver, django_capture_on_commit_callbacks
):
    # Registered while the name pointed somewhere public; its DNS now says 127.0.0.1.
    endpoint = Endpoint.objects.create(
        program=program,
        url=receiver.url.replace("127.0.0.1", "hooks.example.com"),
        events=["meeting.completed"],
    )
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    real = socket.getaddrinfo

    def rebound(host, *args, **kwargs):
        return real("127.0.0.1" if host == "hooks.example.com" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    with django_capture_on_commit_callbacks(execute=True):
        [delivery] = webhook_emit(event=Event.MEETING_COMPLETED, program=program, data={})
    delivery.refresh_from_db()
    assert receiver.requests == []
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_error == (
        "UnsafeDestination: This address is on a private network; "
        "webhooks only go to public addresses."
    )
    assert endpoint.pk == delivery.endpoint_id


def test_the_connection_goes_to_the_address_that_was_checked(
    monkeypatch, program, receiver, django_capture_on_commit_callbacks
):
    # The name resolves once; the request is made to that address with the name as Host.
    Endpoint.objects.create(
        program=program,
        url=receiver.url.replace("127.0.0.1", "hooks.example.com"),
        events=["meeting.completed"],
    )
    real = socket.getaddrinfo
    lookups = []

    def resolver(host, *args, **kwargs):
        lookups.append(host)
        return real("127.0.0.1" if host == "hooks.example.com" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    with django_capture_on_commit_callbacks(execute=True):
        webhook_emit(event=Event.MEETING_COMPLETED, program=program, data={})
    [request] = receiver.requests
    assert request.headers["host"].startswith("hooks.example.com:")
    assert lookups.count("hooks.example.com") == 1


@pytest.mark.parametrize(
    "address, public",
    [
        ("93.184.215.14", True),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("169.254.169.254", False),
        ("::1", False),
        ("::ffff:10.0.0.1", False),
        ("224.0.0.1", False),
        ("fc00::1", False),
    ],
)
def test_which_addresses_are_public(address, public):
    assert is_public(address) is public
