"""Coordinator alerts reach the program's chat webhook once, after commit; never the network."""

import json
from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from lodestar.engagement.models import Notification
from lodestar.engagement.services import alert_coordinators, notify

pytestmark = pytest.mark.django_db

HOOK = "https://hooks.example.com/services/T000/B000/XXXX"


@pytest.fixture
def urlopen():
    # Nothing leaves the machine: every test here replaces the network call.
    with mock.patch("urllib.request.urlopen") as fake:
        yield fake


def raise_alert(program, django_capture_on_commit_callbacks, kind="checkin_help_wanted"):
    with django_capture_on_commit_callbacks(execute=True):
        alert_coordinators(
            program=program,
            kind=kind,
            url=f"/coordinate/{program.slug}/check-ins/",
            person="Mia Mentee",
            other="Max Mentor",
        )


def test_an_alert_posts_once_to_the_webhook_with_its_text(
    program, coordinator, other_coordinator, urlopen, django_capture_on_commit_callbacks
):
    program.coordinators.add(other_coordinator)
    program.alert_webhook_url = HOOK
    program.save()

    raise_alert(program, django_capture_on_commit_callbacks)

    assert urlopen.call_count == 1
    request = urlopen.call_args.args[0]
    assert urlopen.call_args.kwargs["timeout"] == 5
    assert request.full_url == HOOK and request.get_method() == "POST"
    assert request.get_header("Content-type") == "application/json"
    assert json.loads(request.data) == {
        "text": "Mia Mentee would like a coordinator of Spring Cohort to get in touch. "
        "http://testserver/coordinate/spring/check-ins/"
    }
    # Both coordinators still get it in the app and by email.
    assert Notification.objects.filter(kind="checkin_help_wanted").count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [coordinator.email, other_coordinator.email]
    )


def test_pair_at_risk_is_a_coordinator_alert_too(
    program, urlopen, django_capture_on_commit_callbacks
):
    program.alert_webhook_url = HOOK
    program.save()
    raise_alert(program, django_capture_on_commit_callbacks, kind="pair_at_risk")
    text = json.loads(urlopen.call_args.args[0].data)["text"]
    assert text.startswith("The mentorship of Mia Mentee and Max Mentor in Spring Cohort may be")


def test_no_webhook_when_the_program_has_none(
    program, coordinator, urlopen, django_capture_on_commit_callbacks
):
    raise_alert(program, django_capture_on_commit_callbacks, kind="concern_reported")
    urlopen.assert_not_called()
    assert Notification.objects.filter(user=coordinator, kind="concern_reported").exists()


def test_nothing_is_posted_before_the_transaction_commits(
    program, urlopen, django_capture_on_commit_callbacks
):
    program.alert_webhook_url = HOOK
    program.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alert_coordinators(program=program, kind="concern_reported", person="Mia")
    urlopen.assert_not_called()
    assert callbacks  # the post waits for the commit


def test_ordinary_notices_never_go_to_the_webhook(
    program, mentee, urlopen, django_capture_on_commit_callbacks
):
    program.alert_webhook_url = HOOK
    program.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=mentee, kind="mentorship_started", other="Max", program=program.name)
    urlopen.assert_not_called()
    with pytest.raises(ValueError):
        alert_coordinators(program=program, kind="mentorship_started")


def test_only_http_and_https_webhooks_are_accepted(program, urlopen):
    program.alert_webhook_url = "ftp://hooks.example.com/x"
    with pytest.raises(ValidationError) as error:
        program.full_clean()
    assert "alert_webhook_url" in error.value.message_dict
    program.alert_webhook_url = "http://hooks.example.com/x"
    program.full_clean()


def test_a_file_url_slipped_into_the_database_is_never_opened(
    program, urlopen, django_capture_on_commit_callbacks
):
    type(program).objects.filter(pk=program.pk).update(alert_webhook_url="file:///etc/passwd")
    program.refresh_from_db()
    raise_alert(program, django_capture_on_commit_callbacks)
    urlopen.assert_not_called()


def test_a_failing_webhook_does_not_stop_the_alerts(
    program, coordinator, urlopen, django_capture_on_commit_callbacks
):
    urlopen.side_effect = TimeoutError("timed out")
    program.alert_webhook_url = HOOK
    program.save()
    raise_alert(program, django_capture_on_commit_callbacks)
    assert urlopen.call_count == 1
    assert Notification.objects.filter(user=coordinator).exists()
    assert len(mail.outbox) == 1


def test_a_check_in_asking_for_the_coordinator_reaches_the_programs_webhook(
    program, coordinator, mentor, mentee, urlopen, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    from lodestar.engagement.checkins import checkin_submit
    from lodestar.programs.models import Enrolment
    from tests import factories

    program.alert_webhook_url = HOOK
    program.save()
    pair = factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(user=mentor, program=program),
        mentees=[Enrolment.objects.get(user=mentee, program=program)],
    )
    with django_capture_on_commit_callbacks(execute=True):
        checkin_submit(
            mentorship=pair,
            by=mentee,
            mood=2,
            blockers="We have not met for a month.",
            wants_contact=True,
            today=timezone.localdate() + timedelta(days=30),
        )
    assert urlopen.call_count == 1
    text = json.loads(urlopen.call_args.args[0].data)["text"]
    assert "Mia Mentee" in text
    assert "We have not met" not in text  # what the member wrote stays in Lodestar
