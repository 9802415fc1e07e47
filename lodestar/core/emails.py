"""Every email is one call here and three templates: <name>_subject.txt, <name>.txt, <name>.html.

Rendering happens at once (in the recipient's language); sending happens after the transaction
commits, through the task worker, so a slow mail server never holds a page or a lock.
"""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_email(
    *, to: list[str], subject: str, text: str, html: str, headers: dict | None = None
) -> None:
    # No automatic retry: the database worker marks a task that raises as FAILED (visible in
    # the admin); sending is one message, so running it again by hand is harmless.
    message = EmailMultiAlternatives(
        subject, text, settings.DEFAULT_FROM_EMAIL, to, headers=headers or None
    )
    message.attach_alternative(html, "text/html")
    message.send()


def send_templated_email(
    *,
    to: str,
    template: str,
    context: dict,
    language: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Render now, send after commit. `headers` adds email headers (e.g. List-Unsubscribe)."""
    context = {"site_url": settings.SITE_URL.rstrip("/"), **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{template}_subject.txt", context)
        text = render_to_string(f"emails/{template}.txt", context)
        html = render_to_string(f"emails/{template}.html", context)
    subject = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(subject.split())
    extra = {"headers": dict(headers)} if headers else {}
    transaction.on_commit(
        lambda: send_email.enqueue(to=[to], subject=subject, text=text, html=html, **extra)
    )
