"""What the messages part shows on a mentorship's workspace page."""

from django.urls import reverse

from . import selectors


def panel(mentorship, user, *, content: bool) -> dict:
    """Context for templates/messaging/workspace_panel.html.

    Members (content=True): the three most recent messages, their unread count and the link to
    the thread — two queries. Coordinators (content=False): how many messages in the last 30
    days and when the last one was sent, nothing the pair wrote — one query.
    """
    if not content:
        activity = selectors.activity(mentorship)
        return {
            "messaging_content": False,
            "messaging_recent_count": activity["recent_count"],
            "messaging_last_at": activity["last_at"],
            "messaging_days": selectors.ACTIVITY_DAYS,
        }
    return {
        "messaging_content": True,
        "messaging_recent": selectors.recent_messages(mentorship),
        "messaging_unread": selectors.unread_in(mentorship, user),
        "messaging_url": reverse("messages", args=[mentorship.pk]),
    }
