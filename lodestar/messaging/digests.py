"""The email digest of unread messages.

At most one email an hour per person, listing the messages they have not read that are more
than a few minutes old (a conversation under way in the page needs no email), each message in
at most one digest (DigestState.last_message_id is the high-water mark).

Two ways to run it, both safe together and safe to repeat:
- cron: `manage.py send_message_digests` every 10 minutes checks everyone with new messages;
- a worker with deferred tasks: each message sent schedules a check of each recipient's digest
  about 15 minutes later (or when their hourly pause ends), so no cron is needed.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Prefetch
from django.urls import reverse
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.core.emails import send_templated_email
from lodestar.engagement.models import NotificationPreference
from lodestar.engagement.notices import CATEGORIES
from lodestar.engagement.preferences import emails_wanted, unsubscribe_headers, unsubscribe_url
from lodestar.mentorships.models import Membership, Mentorship

from .models import DigestState, Message
from .selectors import unread_messages

EVERY = timedelta(hours=1)  # at most one digest per person in this time
DELAY = timedelta(minutes=5)  # a message younger than this may still be read in the page
CHECK_AFTER = timedelta(minutes=15)  # a deferred check runs this long after a message
LOOKBACK = timedelta(days=3)  # older unread messages are not emailed any more
LIST_MAX = 50  # messages listed in one email; the rest are counted
CATEGORY = "messages"  # the notification category whose email setting turns digests off


def schedule_checks(*, mentorship: Mentorship, author: User, now: datetime) -> None:
    """After a message, on commit: check each other member's digest once the message is old
    enough, or once their hourly pause is over. Only with a worker that runs tasks later; the
    cron command covers installations without one."""
    from .tasks import send_message_digest  # the task module imports this one

    if not send_message_digest.get_backend().supports_defer:
        return
    recipients = [m.user_id for m in mentorship.memberships.all() if m.user_id != author.pk]
    if not recipients:
        return
    paused_until = {
        user_id: sent + EVERY
        for user_id, sent in DigestState.objects.filter(
            user_id__in=recipients, last_sent_at__isnull=False
        ).values_list("user_id", "last_sent_at")
    }

    def enqueue():
        for user_id in recipients:
            when = max(now + CHECK_AFTER, paused_until.get(user_id, now) + timedelta(minutes=1))
            send_message_digest.using(run_after=when).enqueue(user_id=user_id)

    transaction.on_commit(enqueue)


def due_users(*, now: datetime) -> list[int]:
    """People who may have a digest due: members of threads with messages old enough to email,
    not emailed within the hour. One query."""
    recent = Message.objects.visible().filter(
        created_at__lte=now - DELAY, created_at__gte=now - LOOKBACK
    )
    opted_out = NotificationPreference.objects.filter(category=CATEGORY, email=False).values(
        "user_id"
    )
    return list(
        Membership.objects.filter(
            mentorship__conversation__in=recent.values("conversation_id"), user__is_active=True
        )
        .exclude(user__message_digest__last_sent_at__gt=now - EVERY)
        .exclude(user__in=opted_out)
        .values_list("user_id", flat=True)
        .distinct()
        .order_by("user_id")
    )


def digests_send_due(*, now: datetime | None = None) -> int:
    """Send every digest that is due; returns how many emails went out."""
    now = now or timezone.now()
    sent = 0
    for user in User.objects.filter(pk__in=due_users(now=now)).order_by("pk"):
        if digest_send(user=user, now=now):
            sent += 1
    return sent


@transaction.atomic
def digest_send(*, user: User, now: datetime | None = None) -> int:
    """Email the person their unread messages if a digest is due; returns how many unread
    messages it covered (0: nothing sent). Two runs at once send one email: the person's
    DigestState row is locked while deciding."""
    now = now or timezone.now()
    if not user.is_active or not emails_wanted(user, CATEGORY):
        return 0
    state, _created = DigestState.objects.get_or_create(user=user)
    state = DigestState.objects.select_for_update().get(pk=state.pk)
    if state.last_sent_at is not None and state.last_sent_at > now - EVERY:
        return 0
    eligible = unread_messages(user).filter(
        pk__gt=state.last_message_id,
        created_at__lte=now - DELAY,
        created_at__gte=now - LOOKBACK,
    )
    totals = eligible.aggregate(count=Count("pk"), newest=Max("pk"))
    if not totals["count"]:
        return 0
    listed = list(
        eligible.select_related("author", "conversation__mentorship__program")
        .prefetch_related(
            Prefetch(
                "conversation__mentorship__memberships",
                queryset=Membership.objects.select_related("user").order_by("-role", "id"),
            )
        )
        .order_by("pk")[:LIST_MAX]
    )
    _email(user, listed, total=totals["count"])
    state.last_sent_at = now
    state.last_message_id = totals["newest"]
    state.sent_count += 1
    state.save()
    return totals["count"]


def _email(user: User, messages: list[Message], *, total: int) -> None:
    threads: dict[int, dict] = {}
    for message in messages:
        mentorship = message.conversation.mentorship
        thread = threads.get(mentorship.pk)
        if thread is None:
            others = [
                m.user.display_name for m in mentorship.memberships.all() if m.user_id != user.pk
            ]
            thread = threads[mentorship.pk] = {
                "with": ", ".join(others),
                "program": mentorship.program.name,
                "url": reverse("messages", args=[mentorship.pk]),
                "messages": [],
            }
        thread["messages"].append(
            {
                "sender": message.author.display_name if message.author else "",
                "first_line": message.first_line,
                "sent_at": message.created_at,
                "attachment": message.attachment_name,
            }
        )
    try:
        zone = zoneinfo.ZoneInfo(user.timezone or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    unsubscribe = unsubscribe_url(user, CATEGORY)
    with timezone.override(zone):
        send_templated_email(
            to=user.email,
            template="message_digest",
            headers=unsubscribe_headers(unsubscribe),
            context={
                "unsubscribe_url": unsubscribe,
                "category_label": CATEGORIES[CATEGORY]["label"],
                "preferences_url": settings.SITE_URL.rstrip("/")
                + reverse("notification_preferences"),
                "user": user,
                "threads": list(threads.values()),
                "count": total,
                "more": total - len(messages),
                "inbox_url": reverse("message_inbox"),
                "zone": str(zone),
            },
        )
