"""record(): who, what, which object, which program, from which address — written in the
caller's transaction, and never a reason for the caller's action to fail."""

import logging

import pytest
from django.db import transaction
from django.test import RequestFactory, override_settings

from lodestar.audit.context import client_ip
from lodestar.audit.models import AuditEvent
from lodestar.audit.services import record
from lodestar.programs.models import Enrolment, Program

pytestmark = pytest.mark.django_db


def test_an_event_names_actor_verb_target_program_and_address(coordinator, program, mentee):
    enrolment = Enrolment.objects.get(user=mentee)
    request = RequestFactory().get("/", REMOTE_ADDR="198.51.100.4")
    event = record(
        "role_changed", actor=coordinator, target=enrolment, request=request, details={"to": "x"}
    )
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor == coordinator
    assert event.actor_label == "Cora Coordinator <coordinator@example.com>"
    assert (event.target_type.model, event.target_id) == ("enrolment", str(enrolment.pk))
    assert event.program == program  # taken from the enrolment
    assert event.ip == "198.51.100.4"
    assert event.details == {"to": "x"}


def test_the_actor_defaults_to_the_requests_user(coordinator, program):
    request = RequestFactory().get("/")
    request.user = coordinator
    event = record("exported", target=program, request=request)
    assert event.actor == coordinator and event.program == program


def test_an_event_rolls_back_with_the_action_it_records(coordinator, program):
    with pytest.raises(RuntimeError), transaction.atomic():
        record("exported", actor=coordinator, target=program)
        raise RuntimeError("the action failed")
    assert not AuditEvent.objects.filter(verb="exported").exists()


def test_a_bad_target_is_logged_and_the_event_still_written(coordinator, caplog):
    unsaved = Program(name="Never saved", slug="never")
    with caplog.at_level(logging.ERROR, logger="lodestar.audit.services"):
        event = record("exported", actor=coordinator, target=unsaved)
    assert "could not read the target" in caplog.text
    event = AuditEvent.objects.get(pk=event.pk)
    assert event.target_type is None and event.target_id == ""
    assert "Program" in event.target_label


def test_message_content_and_secrets_never_reach_the_details(coordinator, caplog):
    with caplog.at_level(logging.ERROR, logger="lodestar.audit.services"):
        event = record(
            "conversation_accessed",
            actor=coordinator,
            details={"password": "hunter2", "body": "private words", "messages": 3},
        )
    assert AuditEvent.objects.get(pk=event.pk).details == {"messages": 3}
    assert "hunter2" not in caplog.text and "private words" not in caplog.text


def test_details_that_json_cannot_hold_are_kept_as_text(coordinator):
    from datetime import date

    event = record("exported", actor=coordinator, details={"day": date(2027, 1, 2), "x": object})
    details = AuditEvent.objects.get(pk=event.pk).details
    assert details["day"] == "2027-01-02" and "object" in details["x"]


def test_an_unknown_verb_is_logged_but_not_lost(coordinator, caplog):
    with caplog.at_level(logging.ERROR, logger="lodestar.audit.services"):
        record("made_up", actor=coordinator)
    assert "unknown verb" in caplog.text
    assert AuditEvent.objects.filter(verb="made_up").count() == 1


@pytest.mark.parametrize(
    ("behind_proxy", "forwarded", "expected"),
    [
        (False, "192.0.2.9", "10.1.1.1"),  # no proxy: a client's header is ignored
        (True, "", "10.1.1.1"),  # no header: the connecting address
        (True, "192.0.2.9", "192.0.2.9"),  # the proxy's entry
        (True, "6.6.6.6, 192.0.2.9", "192.0.2.9"),  # the client's forged entry is skipped
        (True, "not-an-ip", "10.1.1.1"),
    ],
)
def test_the_client_address_is_read_from_a_proxy_only_behind_one(behind_proxy, forwarded, expected):
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=forwarded)
    with override_settings(BEHIND_PROXY=behind_proxy, SECURE_PROXY_SSL_HEADER=None):
        assert client_ip(request) == expected


def test_two_proxies_of_ours_are_counted_from_the_right():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.9, 10.0.0.2"
    )
    with override_settings(BEHIND_PROXY=True, AUDIT_TRUSTED_PROXIES=2):
        assert client_ip(request) == "192.0.2.9"
