"""Every email is one call here and three templates: <name>_subject.txt, <name>.txt, <name>.html.

Rendering happens at once (in the recipient's language) and the message is written to the
outbox (`OutgoingEmail`) in the caller's transaction: a change that rolls back sends nothing.
After the commit the task worker sends it (`deliver_email`), so a slow mail server never holds a
page or a lock.

Delivery is at least once, and never twice at the same time:

- a worker first claims the row with one conditional UPDATE that sets a lease
  (`claimed_until`); of two workers handed the same row, one wins and the other returns;
- a send that raises is recorded (`last_error`) and tried again later with a growing back-off,
  up to MAX_ATTEMPTS, after which the message is shown as failed in the admin;
- the periodic job `emails_retry_due` hands the worker every unsent row that is due: failed
  sends after their back-off, rows whose worker was killed once the lease runs out, and rows
  whose first task was lost.

The one unavoidable duplicate — the server accepted the message and the worker died before
recording it — carries the same Message-ID both times (see `OutgoingEmail`).
"""

import logging
import uuid
from datetime import datetime, timedelta
from email.mime.text import MIMEText
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_tasks import task

from .models import OutgoingEmail

logger = logging.getLogger(__name__)

# The wait after the 1st, 2nd, … failed attempt; after the last one the message is given up.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# Rows handed to the worker per run of the retry job (it runs every minute).
RETRY_BATCH = 500


def lease() -> timedelta:
    """How long a worker may hold a message while sending it; it must outlast one send (the
    SMTP connection times out after EMAIL_TIMEOUT) and is also how long a row handed to the
    worker may wait before the retry job hands it over again."""
    return timedelta(seconds=settings.EMAIL_LEASE_SECONDS)


def new_message_id() -> str:
    domain = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].rpartition("@")[2] or "lodestar.invalid"
    return f"<{uuid.uuid4().hex}@{domain}>"


def send_templated_email(
    *,
    to: str,
    template: str,
    context: dict,
    language: str | None = None,
    headers: dict[str, str] | None = None,
    calendar: tuple[bytes, str] | None = None,
) -> OutgoingEmail:
    """Render now, write to the outbox in the caller's transaction, send after commit.
    `headers` adds email headers (e.g. List-Unsubscribe); `calendar` is (iCalendar bytes,
    method) for an invitation or a cancellation."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    return email_queue(
        to=to, subject=subject, text=text, html=html, headers=headers, calendar=calendar
    )


def email_queue(
    *,
    to: str,
    subject: str,
    text: str,
    html: str,
    headers: dict[str, str] | None = None,
    calendar: tuple[bytes, str] | None = None,
    forget_body_once_sent: bool = False,
) -> OutgoingEmail:
    """Write one rendered message to the outbox and hand it to the worker after commit.
    `forget_body_once_sent` for a message carrying a secret: its text is emptied once sent."""
    now = timezone.now()
    ics, method = calendar if calendar else (b"", "")
    email = OutgoingEmail.objects.create(
        calendar=ics.decode(),
        calendar_method=method,
        message_id=new_message_id(),
        to=to,
        subject=subject,
        text=text,
        html=html,
        headers=dict(headers or {}),
        forget_body_once_sent=forget_body_once_sent,
        created_at=now,
        # Should the commit's task never run, the retry job picks the row up from then on.
        next_attempt_at=now + lease(),
    )
    transaction.on_commit(lambda: deliver_email.enqueue(email.pk))
    return email


@task()
def deliver_email(pk: int) -> str:
    """Send one message of the outbox, unless it is sent or being sent; what happened."""
    return email_deliver(pk=pk)


def email_deliver(*, pk: int, now: datetime | None = None) -> str:
    """Claim, send and record one outgoing email: "sent", "failed" (tried again later),
    "gave up" (after MAX_ATTEMPTS) or "skipped" (sent already, or another worker holds it)."""
    now = now or timezone.now()
    if not _claim(pk, now):
        return "skipped"
    email = OutgoingEmail.objects.get(pk=pk)
    try:
        _message(email).send()
    except Exception as error:
        return _record_failure(email, error, now)
    # The unavoidable window: sent, but dying here leaves it unrecorded (see OutgoingEmail).
    emptied = {"text": "", "html": ""} if email.forget_body_once_sent else {}
    OutgoingEmail.objects.filter(pk=pk).update(
        sent_at=timezone.now(), claimed_until=None, last_error="", **emptied
    )
    return "sent"


def _claim(pk: int, now: datetime) -> bool:
    # One conditional UPDATE: of any number of workers, exactly one sees a row updated. The
    # back-off is not checked here: the retry job, which alone hands failed emails over again,
    # keeps it.
    claimed = (
        OutgoingEmail.objects.filter(pk=pk, attempts__lt=MAX_ATTEMPTS)
        .unsent()
        .unclaimed(now)
        .update(claimed_until=now + lease(), attempts=F("attempts") + 1)
    )
    return claimed == 1


def _message(email: OutgoingEmail) -> EmailMultiAlternatives:
    headers = {**email.headers, "Message-ID": email.message_id}
    message = EmailMultiAlternatives(
        email.subject, email.text, settings.DEFAULT_FROM_EMAIL, [email.to], headers=headers
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    if email.calendar:
        message.attach(_calendar_part(email.calendar, email.calendar_method))
    return message


def _calendar_part(ics: str, method: str) -> MIMEText:
    part = MIMEText(ics, "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="invite.ics")
    return part


def _record_failure(email: OutgoingEmail, error: Exception, now: datetime) -> str:
    attempts = email.attempts  # as claimed, this attempt included
    gave_up = attempts >= MAX_ATTEMPTS
    OutgoingEmail.objects.filter(pk=email.pk).update(
        last_error=f"{type(error).__name__}: {error}"[:2000],
        claimed_until=None,
        next_attempt_at=now + BACKOFF[min(attempts, len(BACKOFF)) - 1],
    )
    if gave_up:
        logger.error("Gave up email %s to %s after %s attempts", email.pk, email.to, attempts)
        return "gave up"
    logger.warning("Email %s to %s failed (attempt %s): %s", email.pk, email.to, attempts, error)
    return "failed"


def emails_retry_due(*, now: datetime | None = None, limit: int = RETRY_BATCH) -> int:
    """Hand the worker the unsent emails that are due (a periodic job); how many."""
    now = now or timezone.now()
    with transaction.atomic():
        pks = list(
            OutgoingEmail.objects.due(MAX_ATTEMPTS, now).values_list("pk", flat=True)[:limit]
        )
        # Not handed again at the next run while this task waits in the queue; if it is lost
        # too, the row is due again one lease later.
        OutgoingEmail.objects.filter(pk__in=pks).update(next_attempt_at=now + lease())
        for pk in pks:
            transaction.on_commit(lambda pk=pk: deliver_email.enqueue(pk))
    return len(pks)


def emails_purge_sent(*, now: datetime | None = None) -> int:
    """Delete sent emails older than EMAIL_KEEP_DAYS (a daily job): the outbox holds personal
    data (names, the first lines of messages) only as long as it helps to trace a delivery.
    Emails given up are kept for an admin to look at. How many were deleted."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EMAIL_KEEP_DAYS)
    deleted, _by_model = OutgoingEmail.objects.filter(sent_at__lt=cutoff).delete()
    return deleted


@transaction.atomic
def emails_resend(*, emails: list[OutgoingEmail]) -> int:
    """Try unsent emails again from scratch (an admin's action once the cause of their failure
    is fixed): a fresh set of attempts, sent at once. Sent emails are left alone; how many."""
    now = timezone.now()
    pks = list(
        OutgoingEmail.objects.filter(pk__in=[e.pk for e in emails])
        .unsent()
        .unclaimed(now)
        .values_list("pk", flat=True)
    )
    OutgoingEmail.objects.filter(pk__in=pks).update(attempts=0, next_attempt_at=now + lease())
    for pk in pks:
        transaction.on_commit(lambda pk=pk: deliver_email.enqueue(pk))
    return len(pks)


@task()
def send_email(
    *, to: list[str], subject: str, text: str, html: str, headers: dict | None = None
) -> None:
    """The former direct send: kept only so that tasks queued before the outbox existed still
    run after an upgrade; new code calls send_templated_email."""
    with transaction.atomic():
        for address in to:
            email_queue(to=address, subject=subject, text=text, html=html, headers=headers)
