"""A form sent twice — a double click, or back and submit again — makes one record: the second
submission of the same `_submission` token gets the first one's redirect, and the view does not
run again. A form shown again with errors is not remembered: corrected, it goes through."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from lodestar.core.idempotency import idempotency_purge
from lodestar.core.models import IdempotencyRecord
from lodestar.engagement.models import CheckIn
from lodestar.meetings.models import Meeting
from lodestar.messaging.models import Message
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db
TOKEN = "6f1c2d3e-4b5a-4c6d-8e7f-0123456789ab"


@pytest.fixture
def pair(program, mentor, mentee):
    program.meeting_cadence = "weekly"
    program.save(update_fields=["meeting_cadence"])
    return factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(program=program, user=mentor),
        mentees=[Enrolment.objects.get(program=program, user=mentee)],
    )


def test_a_message_posted_twice_is_sent_once(client, pair, mentee):
    client.force_login(mentee)
    url = reverse("messages", args=[pair.pk])
    first = client.post(url, {"body": "See you Tuesday", "_submission": TOKEN})
    again = client.post(url, {"body": "See you Tuesday", "_submission": TOKEN})
    assert first.status_code == again.status_code == 302
    assert again["Location"] == first["Location"]
    assert Message.objects.filter(body="See you Tuesday").count() == 1


def test_a_check_in_posted_twice_is_one_check_in_and_no_error(client, pair, mentee, monkeypatch):
    from django.utils import timezone

    start = pair.start_date or date.today()
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: start + timedelta(days=8))
    client.force_login(mentee)
    url = reverse("checkin", args=[pair.pk])
    answers = [client.post(url, {"mood": "4", "_submission": TOKEN}) for _ in range(2)]
    # Without the token the second would be "You have already checked in" (400).
    assert [a.status_code for a in answers] == [302, 302]
    assert CheckIn.objects.count() == 1


def test_a_meeting_scheduled_twice_is_one_meeting(client, pair, mentor):
    client.force_login(mentor)
    url = reverse("meeting_new", args=[pair.pk])
    when = (date.today() + timedelta(days=9)).isoformat() + "T10:30"
    data = {"slot": "other", "when": when, "duration": 30, "mode": "phone", "_submission": TOKEN}
    first = client.post(url, data)
    again = client.post(url, data)
    assert first.status_code == again.status_code == 302, first.content
    assert Meeting.objects.count() == 1
    assert (
        again["Location"]
        == first["Location"]
        == reverse("meeting_detail", args=[Meeting.objects.get().pk])
    )


def test_two_different_submissions_are_two_messages(client, pair, mentee):
    client.force_login(mentee)
    url = reverse("messages", args=[pair.pk])
    client.post(url, {"body": "One", "_submission": TOKEN})
    client.post(url, {"body": "Two", "_submission": TOKEN.replace("6f", "70")})
    client.post(url, {"body": "Three"})  # no token (no JavaScript): as before
    assert Message.objects.count() == 3


def test_a_form_shown_again_with_errors_is_not_remembered(client, pair, mentee):
    client.force_login(mentee)
    url = reverse("messages", args=[pair.pk])
    refused = client.post(url, {"body": "", "_submission": TOKEN})
    assert refused.status_code == 400 and not IdempotencyRecord.objects.exists()
    corrected = client.post(url, {"body": "Now with words", "_submission": TOKEN})
    assert corrected.status_code == 302
    assert Message.objects.filter(body="Now with words").count() == 1


def test_one_persons_token_does_not_replay_for_another(client, pair, mentor, mentee):
    url = reverse("messages", args=[pair.pk])
    client.force_login(mentee)
    client.post(url, {"body": "Hello", "_submission": TOKEN})
    client.force_login(mentor)
    client.post(url, {"body": "Hello", "_submission": TOKEN})
    assert Message.objects.filter(body="Hello").count() == 2


def test_a_repeat_waits_for_the_first_submission_then_gets_its_answer(
    client, pair, mentee, settings
):
    """The first submission is still running (its claim held, no answer yet): the repeat waits
    for it, and when the wait runs out says so rather than doing the work a second time."""
    settings.FORM_SUBMISSION_WAIT_SECONDS = 0.3
    client.force_login(mentee)
    url = reverse("messages", args=[pair.pk])
    client.post(url, {"body": "Slow one", "_submission": TOKEN})
    from django.utils import timezone

    IdempotencyRecord.objects.update(status=None, locked_until=timezone.now() + timedelta(hours=1))
    waited = client.post(url, {"body": "Slow one", "_submission": TOKEN})
    assert waited.status_code == 409 and "still being sent" in waited.content.decode()
    assert Message.objects.filter(body="Slow one").count() == 1


def test_submissions_are_forgotten_after_ten_minutes(client, pair, mentee):
    from django.utils import timezone

    client.force_login(mentee)
    client.post(reverse("messages", args=[pair.pk]), {"body": "Hi", "_submission": TOKEN})
    IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(minutes=11))
    assert idempotency_purge() == 1


def test_every_page_loads_the_submit_once_script(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("dashboard")).content.decode()
    assert "lodestar/submit-once.js" in page


def test_signing_out_is_never_replayed(client, mentee):
    """Account flows change the session: a second sign-out must really sign out."""
    client.force_login(mentee)
    client.post("/accounts/logout/", {"_submission": TOKEN})
    assert not IdempotencyRecord.objects.exists()
