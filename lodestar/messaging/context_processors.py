"""The unread-messages count in the navigation: one query, only when a page shows it."""

from functools import cache

from .selectors import unread_count


def unread_messages(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable, as for notifications: a fragment that never shows the navigation costs
    # nothing, and a page that shows it pays one query.
    return {"unread_message_count": cache(lambda: unread_count(user))}
