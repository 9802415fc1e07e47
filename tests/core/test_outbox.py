"""The outbox: an email is written with the change it tells about, sent by the worker once, tried
again with a growing back-off when the mail server fails, and picked up again when the worker
sending it died — never sent twice at the same time.

The mail server is the one thing mocked (the locmem backend's send): it is what leaves the
machine. Time travels with `clock` (what the worker's `timezone.now()` sees) and the `now`
passed to the retry job.
"""

import smtplib
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends import locmem
from django.db import connection, connections, transaction
from django.urls import reverse
from django.utils import timezone

from lodestar.core.emails import (
    BACKOFF,
    MAX_ATTEMPTS,
    deliver_email,
    email_deliver,
    emails_purge_sent,
    emails_retry_due,
    send_email,
    send_templated_email,
)
from lodestar.core.models import OutgoingEmail
from lodestar.engagement.services import notify
from lodestar.programs.models import Program
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """The worker's time: starts now; `clock.advance(minutes=5)` moves it on."""

    class Clock:
        now = timezone.now()

        def advance(self, **delta):
            self.now += timedelta(**delta)

    fixed = Clock()
    monkeypatch.setattr(timezone, "now", lambda: fixed.now)
    return fixed


@pytest.fixture
def mail_server_down(monkeypatch):
    """The SMTP server refuses every message until `.recover()`."""

    class Server:
        down = True
        tries = 0

        def recover(self):
            self.down = False

    server = Server()
    real_send = locmem.EmailBackend.send_messages

    def send_messages(backend, messages):
        server.tries += 1
        if server.down:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(backend, messages)

    monkeypatch.setattr(locmem.EmailBackend, "send_messages", send_messages)
    return server


def welcome(to: str = "newcomer@example.com", headers: dict | None = None) -> OutgoingEmail:
    program = Program.objects.filter(name="Spring Cohort").first()
    program = program or factories.make_program(name="Spring Cohort")
    return send_templated_email(
        to=to,
        template="invitation",
        context={
            "program": program,
            "role_label": "Mentee",
            "accept_url": "http://testserver/invitations/abc/",
            "expires_at": program.created_at,
        },
        headers=headers,
    )


def refreshed(email: OutgoingEmail) -> OutgoingEmail:
    email.refresh_from_db()
    return email


def test_the_email_is_written_with_the_change_and_sent_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        email = welcome()
        assert OutgoingEmail.objects.get() == email
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["newcomer@example.com"]]
    assert mail.outbox[0].subject == "[Lodestar] You are invited to join Spring Cohort"
    email = refreshed(email)
    assert email.sent_at is not None and email.attempts == 1 and email.claimed_until is None


def test_a_change_that_rolls_back_sends_nothing(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        welcome()
        raise RuntimeError("the change failed")
    assert callbacks == []
    assert OutgoingEmail.objects.count() == 0
    assert emails_retry_due(now=timezone.now() + timedelta(days=1)) == 0
    assert mail.outbox == []


def test_an_email_is_sent_once_however_many_times_its_task_runs(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        email = welcome()
    assert deliver_email.enqueue(email.pk).return_value == "skipped"
    assert email_deliver(pk=email.pk) == "skipped"
    assert len(mail.outbox) == 1
    assert refreshed(email).attempts == 1


def test_the_message_id_and_the_callers_headers_go_out_with_the_email(
    django_capture_on_commit_callbacks,
):
    # A notification of a category one can turn off carries the one-click unsubscribe headers.
    person = factories.make_user("mia@example.com", name="Mia")
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=person, kind="request_received", person="Max", program="Spring Cohort")
    email = OutgoingEmail.objects.get()
    sent = mail.outbox[0].message()
    assert sent["Message-ID"] == email.message_id
    assert email.message_id.startswith("<") and email.message_id.endswith("@localhost>")
    assert sent["List-Unsubscribe"].startswith("<http://testserver/")
    assert sent["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert email.headers["List-Unsubscribe"] == sent["List-Unsubscribe"]


def test_a_failing_mail_server_is_recorded_and_the_retry_job_sends_after_the_back_off(
    clock, mail_server_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = welcome()
    email = refreshed(email)
    assert mail.outbox == [] and email.sent_at is None
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert email.claimed_until is None
    assert email.next_attempt_at == clock.now + BACKOFF[0]

    mail_server_down.recover()
    assert emails_retry_due(now=clock.now + BACKOFF[0] - timedelta(seconds=1)) == 0
    clock.advance(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert emails_retry_due(now=clock.now) == 1
    email = refreshed(email)
    assert email.sent_at == clock.now and email.attempts == 2 and email.last_error == ""
    assert [m.message()["Message-ID"] for m in mail.outbox] == [email.message_id]
    assert emails_retry_due(now=clock.now + timedelta(days=1)) == 0


def test_a_calendar_invitation_survives_a_failed_first_attempt(
    clock, mail_server_down, django_capture_on_commit_callbacks
):
    ics = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
    program = factories.make_program(name="Spring Cohort")
    with django_capture_on_commit_callbacks(execute=True):
        send_templated_email(
            to="newcomer@example.com",
            template="invitation",
            context={
                "program": program,
                "role_label": "Mentee",
                "accept_url": "http://testserver/invitations/abc/",
                "expires_at": program.created_at,
            },
            calendar=(ics, "REQUEST"),
        )
    mail_server_down.recover()
    clock.advance(minutes=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert emails_retry_due(now=clock.now) == 1
    [message] = mail.outbox
    [part] = [p for p in message.attachments if p.get_content_type() == "text/calendar"]
    assert part.get_param("method") == "REQUEST"
    assert part.get_payload(decode=True) == ics


def test_the_back_off_grows_and_delivery_gives_up_after_the_last_attempt(
    clock, mail_server_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = welcome()
    waits = []
    for _ in range(MAX_ATTEMPTS - 1):
        waits.append(refreshed(email).next_attempt_at - clock.now)
        clock.now = email.next_attempt_at
        with django_capture_on_commit_callbacks(execute=True):
            assert emails_retry_due(now=clock.now) == 1
    assert waits == list(BACKOFF)
    email = refreshed(email)
    assert email.attempts == MAX_ATTEMPTS == mail_server_down.tries
    assert OutgoingEmail.objects.given_up(MAX_ATTEMPTS, clock.now).get() == email
    assert emails_retry_due(now=clock.now + timedelta(days=7)) == 0
    assert email_deliver(pk=email.pk) == "skipped"
    assert mail.outbox == []


def test_an_email_held_by_a_dead_worker_is_sent_again_only_after_its_lease(
    clock, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.EMAIL_LEASE_SECONDS = 300

    def killed(backend, messages):
        # Not an error the worker could record: the process ends here, holding the email.
        raise SystemExit("killed while sending")

    alive = locmem.EmailBackend.send_messages
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", killed)
    with django_capture_on_commit_callbacks(execute=True):
        email = welcome()
    email = refreshed(email)
    assert email.claimed_until == clock.now + timedelta(seconds=300) and email.attempts == 1
    assert email.last_error == "" and email.sent_at is None
    monkeypatch.setattr(locmem.EmailBackend, "send_messages", alive)

    clock.advance(seconds=299)
    assert email_deliver(pk=email.pk) == "skipped"  # another worker: the dead one still holds it
    assert emails_retry_due(now=clock.now) == 0
    clock.advance(seconds=2)
    with django_capture_on_commit_callbacks(execute=True):
        assert emails_retry_due(now=clock.now) == 1
    assert len(mail.outbox) == 1
    assert refreshed(email).attempts == 2 and email.sent_at == clock.now


def test_an_email_whose_task_was_lost_is_picked_up_by_the_retry_job(
    clock, settings, django_capture_on_commit_callbacks
):
    # The transaction committed, then the process died before handing the task to the queue.
    email = welcome()
    assert emails_retry_due(now=clock.now) == 0  # its task may still be on the way
    clock.advance(seconds=settings.EMAIL_LEASE_SECONDS)
    with django_capture_on_commit_callbacks(execute=True):
        assert emails_retry_due(now=clock.now) == 1
    assert [m.to for m in mail.outbox] == [[email.to]]


def test_the_retry_job_hands_over_a_bounded_batch_and_the_rest_at_its_next_run(
    clock, settings, django_capture_on_commit_callbacks
):
    for n in range(5):
        welcome(to=f"person{n}@example.com")
    clock.advance(seconds=settings.EMAIL_LEASE_SECONDS)
    with django_capture_on_commit_callbacks(execute=True):
        assert emails_retry_due(now=clock.now, limit=3) == 3
    assert len(mail.outbox) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert emails_retry_due(now=clock.now, limit=3) == 2
    assert sorted(m.to[0] for m in mail.outbox) == [f"person{n}@example.com" for n in range(5)]


@pytest.fixture
def admin_client(client):
    root = factories.make_user("root@example.com", is_staff=True, is_superuser=True)
    client.force_login(root)
    return client


def test_the_admin_lists_given_up_emails_and_can_send_them_again(
    admin_client, clock, mail_server_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        failed = welcome(to="failed@example.com")
    OutgoingEmail.objects.filter(pk=failed.pk).update(attempts=MAX_ATTEMPTS)
    mail_server_down.recover()
    with django_capture_on_commit_callbacks(execute=True):
        delivered = welcome(to="delivered@example.com")
    url = reverse("admin:core_outgoingemail_changelist")

    page = admin_client.get(url, {"status": "failed"}).content.decode()
    assert "failed@example.com" in page and "delivered@example.com" not in page
    assert f"gave up after {MAX_ATTEMPTS} attempts" in page
    assert "SMTPServerDisconnected" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            url, {"action": "resend", "_selected_action": [failed.pk, delivered.pk]}, follow=True
        )
    assert "1 email will be sent again." in response.content.decode()
    assert sorted(m.to[0] for m in mail.outbox) == ["delivered@example.com", "failed@example.com"]
    assert refreshed(failed).sent_at is not None


def test_a_send_email_task_queued_before_the_outbox_existed_still_goes_out_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        send_email.enqueue(
            to=["old@example.com"],
            subject="[Lodestar] Queued before the upgrade",
            text="Hello",
            html="<p>Hello</p>",
            headers={"List-Unsubscribe": "<http://testserver/u/>"},
        )
    email = OutgoingEmail.objects.get()
    assert email.sent_at is not None and email.headers == {
        "List-Unsubscribe": "<http://testserver/u/>"
    }
    (message,) = mail.outbox
    assert message.to == ["old@example.com"] and message.subject == email.subject
    assert message.message()["Message-ID"] == email.message_id


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks under real concurrency need PostgreSQL; SQLite serialises writers",
)
def test_eight_workers_delivering_the_same_email_at_once_send_it_once():
    email = welcome()  # committed, its task run: sent once already, so make it unsent again
    OutgoingEmail.objects.filter(pk=email.pk).update(sent_at=None, attempts=0)
    mail.outbox.clear()
    barrier = threading.Barrier(8)
    outcomes: list = [None] * 8

    def deliver(k):
        try:
            barrier.wait(timeout=10)
            outcomes[k] = email_deliver(pk=email.pk)
        except Exception as error:  # anything else fails the test, below
            outcomes[k] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver, args=(k,)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["sent"] + ["skipped"] * 7, outcomes
    assert len(mail.outbox) == 1
    assert refreshed(email).attempts == 1


def test_sent_emails_are_deleted_after_the_keeping_period_and_failed_ones_stay(
    clock, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_KEEP_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        sent = welcome("old@example.com")
    failed = welcome("failed@example.com")
    OutgoingEmail.objects.filter(pk=failed.pk).update(attempts=MAX_ATTEMPTS)
    assert emails_purge_sent(now=clock.now + timedelta(days=29)) == 0
    assert emails_purge_sent(now=clock.now + timedelta(days=31)) == 1
    assert not OutgoingEmail.objects.filter(pk=sent.pk).exists()
    assert OutgoingEmail.objects.filter(pk=failed.pk).exists()
