from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.utils.translation import gettext_lazy as _

from lodestar.core.emails import email_queue


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        # Throttled, not locked (ACCOUNT_RATE_LIMITS): say that waiting is enough.
        "too_many_login_attempts": _(
            "Too many failed sign-in attempts. Wait a few minutes, then try again."
        ),
    }

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=False)
        user.email = user.email.lower()
        if commit:
            user.save()
        return user

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """allauth's emails (address verification, password reset, security notices) go
        through the outbox like every other (core/emails.py): written in the request's
        transaction and sent by the worker after it commits, retried if the mail server fails,
        instead of sent while the page waits (and lost, with an error page, if it fails)."""
        request = allauth_context.request
        message = self.render_mail(
            template_prefix,
            email,
            {"request": request, "email": email, "current_site": get_current_site(request)}
            | context,
        )
        html = next(
            (body for body, kind in getattr(message, "alternatives", []) if kind == "text/html"), ""
        )
        if message.content_subtype == "html":
            html, text = message.body, ""
        else:
            text = message.body
        # Their links and codes open the account: not kept once sent.
        email_queue(
            to=email, subject=message.subject, text=text, html=html, forget_body_once_sent=True
        )
