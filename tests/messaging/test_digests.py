"""The unread-messages email: at most one an hour per person, only messages older than a few
minutes and still unread, never the same message twice; from cron and from the worker."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from lodestar.messaging.digests import digest_send, digests_send_due
from lodestar.messaging.models import DigestState
from lodestar.messaging.services import conversation_mark_read, message_delete
from lodestar.messaging.tasks import send_message_digest
from tests import factories
from tests.messaging.conftest import PDF, send, upload

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0) - timedelta(days=1)


def minutes(n: float):
    return T0 + timedelta(minutes=n)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run the digests at a given time and return the emails sent."""

    def run_at(when):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            digests_send_due(now=when)
        return list(mail.outbox)

    return run_at


def test_an_unread_message_is_emailed_once_it_is_a_few_minutes_old(run, pair, mentee, mentor):
    send(
        pair, mentee, "Could we move Friday's call?\nI have a dentist appointment.", now=minutes(0)
    )
    assert run(minutes(2)) == []  # still fresh: they may be reading it in the page
    emails = run(minutes(6))
    assert [e.to for e in emails] == [["mentor@example.com"]]
    email = emails[0]
    assert email.subject == "[Lodestar] You have 1 unread message"
    assert "Mia Mentee" in email.body
    assert "Could we move Friday's call?" in email.body
    assert "dentist" not in email.body  # the first line only
    assert f"http://testserver/mentorships/{pair.pk}/messages/" in email.body
    html = email.alternatives[0][0]
    assert f'href="http://testserver/mentorships/{pair.pk}/messages/"' in html


def test_read_messages_are_not_emailed(run, pair, mentee, mentor):
    send(pair, mentee, "Hi", now=minutes(0))
    conversation_mark_read(mentorship=pair, user=mentor, now=minutes(1))
    assert run(minutes(10)) == []


def test_at_most_one_email_an_hour_and_never_the_same_message_twice(run, pair, mentee, mentor):
    send(pair, mentee, "First", now=minutes(0))
    assert len(run(minutes(10))) == 1
    assert run(minutes(20)) == []  # nothing new
    send(pair, mentee, "Second", now=minutes(20))
    assert run(minutes(30)) == []  # within the hour
    assert run(minutes(69)) == []
    emails = run(minutes(71))
    assert len(emails) == 1
    assert "Second" in emails[0].body
    assert "First" not in emails[0].body  # already in the first digest, though still unread
    assert run(minutes(200)) == []
    assert DigestState.objects.get(user=mentor).sent_count == 2


def test_messages_from_several_mentorships_come_in_one_email(
    run, program, pair, mentee, mentor, mentor_e
):
    other = factories.make_user("sam@example.com", name="Sam Second")
    second = factories.make_mentorship(
        program,
        mentor=mentor_e,
        mentees=[factories.make_enrolment(program, other, role="mentee")],
    )
    send(pair, mentee, "From Mia", now=minutes(0))
    send(second, other, "From Sam", now=minutes(1))
    send(second, other, "", attachment=upload("cv.pdf", PDF), now=minutes(2))
    emails = run(minutes(10))
    assert len(emails) == 1
    body = emails[0].body
    assert emails[0].subject == "[Lodestar] You have 3 unread messages"
    assert "With Mia Mentee (Spring Cohort)" in body and "With Sam Second (Spring Cohort)" in body
    assert "From Mia" in body and "From Sam" in body and "cv.pdf" in body


def test_own_and_deleted_messages_and_coordinators_get_nothing(
    run, pair, mentee, mentor, coordinator
):
    gone = send(pair, mentor, "Sorry, wrong thread", now=minutes(0))
    message_delete(message=gone, by=mentor, now=minutes(1))
    assert run(minutes(10)) == []


def test_times_are_in_the_recipients_zone(run, pair, mentee, mentor):
    mentor.timezone = "Asia/Tokyo"
    mentor.save()
    sent = T0.replace(hour=15, minute=0)
    send(pair, mentee, "Evening in Tokyo", now=sent)
    body = run(sent + timedelta(minutes=10))[0].body
    assert "midnight" in body  # 15:00 UTC
    assert "3 p.m." not in body
    assert "Asia/Tokyo" in body


def test_inactive_people_get_no_email(run, pair, mentee, mentor):
    mentor.is_active = False
    mentor.save()
    send(pair, mentee, "Hello?", now=minutes(0))
    assert run(minutes(10)) == []


def test_a_second_run_at_the_same_moment_sends_nothing(run, pair, mentee, mentor):
    send(pair, mentee, "Once", now=minutes(0))
    assert len(run(minutes(10))) == 1
    assert digest_send(user=mentor, now=minutes(10)) == 0


def test_the_command_sends_what_is_due(pair, mentee, django_capture_on_commit_callbacks):
    send(pair, mentee, "From the command", now=timezone.now() - timedelta(minutes=30))
    out = io.StringIO()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_message_digests", stdout=out)
    assert out.getvalue().strip() == "Sent 1 message digest."
    assert len(mail.outbox) == 1


def test_the_worker_task_checks_one_person(
    pair, mentee, mentor, django_capture_on_commit_callbacks
):
    send(pair, mentee, "Via the worker", now=timezone.now() - timedelta(minutes=30))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = send_message_digest.enqueue(user_id=mentor.pk)
    assert result.return_value == 1
    assert [e.to for e in mail.outbox] == [["mentor@example.com"]]


TASKS_DEFERRED = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_sending_schedules_a_digest_check_for_the_others_when_the_worker_defers(
    pair, mentee, mentor, django_capture_on_commit_callbacks
):
    DigestState.objects.create(user=mentor, last_sent_at=minutes(0))
    with override_settings(TASKS=TASKS_DEFERRED):
        backend = send_message_digest.get_backend()
        with django_capture_on_commit_callbacks(execute=True):
            send(pair, mentee, "Later", now=minutes(10))
        scheduled = [r for r in backend.results if r.task.name == "send_message_digest"]
    assert [r.kwargs for r in scheduled] == [{"user_id": mentor.pk}]
    # Not before the mentor's hourly pause is over (minute 60), and not before 15 minutes.
    assert scheduled[0].task.run_after == minutes(61)


def test_no_check_is_scheduled_on_a_worker_that_runs_tasks_at_once(
    pair, mentee, mentor, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        send(pair, mentee, "Immediate backend")
    assert mail.outbox == []  # the cron command covers it


def test_the_digest_has_a_one_click_unsubscribe_for_digests_only(client, run, pair, mentee, mentor):
    send(pair, mentee, "Are you free on Friday?", now=minutes(0))
    [email] = run(minutes(6))
    link = email.extra_headers["List-Unsubscribe"].strip("<>")
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"Stop emails about “Unread messages”: {link}" in email.body
    assert f'href="{link}"' in email.alternatives[0][0]

    # A mail client's one-click POST, without a login or a CSRF token.
    response = client.post(link.removeprefix("http://testserver"))
    assert response.status_code == 200
    prefs = {p.category: p.email for p in mentor.notification_preferences.all()}
    assert prefs == {"messages": False}  # every other kind of email stays on

    send(pair, mentee, "Hello again?", now=minutes(70))
    assert run(minutes(80)) == []
    assert run(minutes(200)) == []


def test_turning_digests_back_on_in_the_preferences_sends_them_again(
    client, run, pair, mentee, mentor
):
    client.force_login(mentor)
    client.post("/notifications/preferences/", {})  # every box unticked
    send(pair, mentee, "Anyone there?", now=minutes(0))
    assert run(minutes(10)) == []
    client.post("/notifications/preferences/", {"messages-email": "on"})
    send(pair, mentee, "Second try", now=minutes(20))
    assert [e.to for e in run(minutes(30))] == [["mentor@example.com"]]
