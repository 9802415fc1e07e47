"""Coordinator alerts also go to the program's chat channel, through an incoming webhook.

Slack, Microsoft Teams (incoming webhook / workflow), Mattermost and Rocket.Chat all accept a
JSON body {"text": "..."}. The post happens in the task worker after the transaction commits,
never in the request; a failure (timeout, HTTP error) makes the task FAILED in the database
worker — no automatic retry, and the in-app and email alerts went out anyway.
"""

import json
import logging
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django_tasks import task

from lodestar.programs.models import Program

from .notices import COORDINATOR_ALERTS, render

logger = logging.getLogger(__name__)

TIMEOUT = 5  # seconds


def is_web_url(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https") and bool(urlsplit(url).netloc)


def webhook_text(*, kind: str, url: str = "", params: dict) -> str:
    """The alert's line in the site's language, with a link to the page (if any)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = render(kind, params)
    if url:
        text = f"{text} {settings.SITE_URL.rstrip('/')}{url}"
    return text


def alert_webhook(*, program: Program, kind: str, url: str = "", params: dict) -> bool:
    """Queue the post of one coordinator alert to the program's webhook (once, after commit).
    Returns whether a post was queued."""
    if kind not in COORDINATOR_ALERTS:
        raise ValueError(f"{kind!r} is not a coordinator alert")
    if not program.alert_webhook_url or not is_web_url(program.alert_webhook_url):
        return False
    text = webhook_text(kind=kind, url=url, params={k: str(v) for k, v in params.items()})
    program_id = program.pk
    transaction.on_commit(lambda: post_alert.enqueue(program_id=program_id, text=text))
    return True


@task()
def post_alert(*, program_id: int, text: str) -> None:
    # The address is read again here: a coordinator may have removed it meanwhile.
    url = Program.objects.filter(pk=program_id).values_list("alert_webhook_url", flat=True).first()
    if not url or not is_web_url(url):
        return
    request = urllib.request.Request(  # noqa: S310 (http(s) only, checked above)  # nosec B310
        url,
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 (scheme checked)  # nosec B310
            response.read(1024)
    except OSError:
        logger.warning("alert webhook of program %s failed", program_id, exc_info=True)
        raise
