"""The unread count in the navigation: one cheap query, only when a page shows it."""

from functools import cache

from .models import Notification


def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # A callable: templates call it when they first read it (and cache keeps it to one query),
    # so a page or fragment that never shows the navigation costs nothing.
    return {
        "unread_notification_count": cache(Notification.objects.filter(user=user).unread().count)
    }
