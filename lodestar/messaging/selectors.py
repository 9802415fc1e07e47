"""Reads for the message pages, the navigation's unread count and the workspace panel, each
in one or two queries whatever the number of messages or mentorships."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import models
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from lodestar.core.prepared import PreparedQuery
from lodestar.mentorships.models import Membership, Mentorship
from lodestar.mentorships.selectors import membership_of, with_members

from .models import Conversation, Message, ReadMark

THREAD_PAGE = 50
POLL_MAX = 200
RECENT = 3
ACTIVITY_DAYS = 30


def conversation_of(mentorship: Mentorship) -> Conversation | None:
    return Conversation.objects.filter(mentorship=mentorship).first()


# The thread ------------------------------------------------------------------------------


@dataclass
class ThreadPage:
    messages: list[Message]
    has_earlier: bool
    is_latest: bool

    @property
    def first_id(self) -> int | None:
        return self.messages[0].pk if self.messages else None

    @property
    def last_id(self) -> int:
        return self.messages[-1].pk if self.messages else 0


def thread_page(
    conversation: Conversation | None, *, before: int | None = None, size: int = THREAD_PAGE
) -> ThreadPage:
    """Up to `size` messages, oldest first: the latest ones, or those just before the message
    `before` (the "earlier messages" link). One query."""
    if conversation is None:
        return ThreadPage(messages=[], has_earlier=False, is_latest=True)
    messages = Message.objects.filter(conversation=conversation).select_related("author")
    if before is not None:
        messages = messages.filter(pk__lt=before)
    newest_first = list(messages.order_by("-pk")[: size + 1])
    return ThreadPage(
        messages=newest_first[:size][::-1],
        has_earlier=len(newest_first) > size,
        is_latest=before is None,
    )


def messages_after(conversation: Conversation | None, after: int) -> list[Message]:
    """The messages newer than the last one a page shows (for its poll). One query."""
    if conversation is None:
        return []
    return list(
        Message.objects.filter(conversation=conversation, pk__gt=after)
        .select_related("author")
        .order_by("pk")[:POLL_MAX]
    )


def latest_id(conversation: Conversation | None) -> int:
    if conversation is None:
        return 0
    return (
        Message.objects.filter(conversation=conversation)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )


# Unread ----------------------------------------------------------------------------------


def unread_messages(user) -> QuerySet:
    """Messages in the person's mentorships, written by someone else, not deleted, newer than
    the person's read mark in that thread. `user` is a person or their id."""
    read_upto = ReadMark.objects.filter(conversation=OuterRef("conversation"), user=user).values(
        "last_read_id"
    )[:1]
    mine = Membership.objects.filter(user=user).values("mentorship_id")
    return (
        Message.objects.visible()
        .filter(conversation__mentorship_id__in=mine)
        .exclude(author=user)
        .annotate(
            read_upto=Coalesce(Subquery(read_upto), Value(0), output_field=models.BigIntegerField())
        )
        .filter(pk__gt=F("read_upto"))
    )


# Every page's navigation asks: compiled once (core/prepared.py).
_UNREAD_COUNT = PreparedQuery(unread_messages, "user")


def unread_count(user) -> int:
    """For the navigation: one query."""
    if not user.is_authenticated:
        return 0
    return _UNREAD_COUNT.count(user=user.pk)


def unread_by_mentorship(user) -> dict[int, int]:
    """{mentorship id: unread messages} for the person's mentorships that have any. One query."""
    rows = (
        unread_messages(user)
        .values("conversation__mentorship_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["conversation__mentorship_id"]: row["n"] for row in rows}


def is_message_of(mentorship: Mentorship, pk: int) -> bool:
    """Whether message `pk` is in this mentorship's thread."""
    return Message.objects.filter(pk=pk, conversation__mentorship=mentorship).exists()


def unread_in(mentorship: Mentorship, user) -> int:
    return unread_messages(user).filter(conversation__mentorship=mentorship).count()


# The workspace panel ---------------------------------------------------------------------


def recent_messages(mentorship: Mentorship, count: int = RECENT) -> list[Message]:
    """The last few messages, newest first. One query."""
    return list(
        Message.objects.filter(conversation__mentorship=mentorship)
        .select_related("author")
        .order_by("-pk")[:count]
    )


def activity(mentorship: Mentorship, *, now: datetime | None = None) -> dict:
    """What a coordinator may know of a thread: how many messages in the last 30 days and when
    the last one was sent. One query, no content."""
    since = (now or timezone.now()) - timedelta(days=ACTIVITY_DAYS)
    return Message.objects.filter(conversation__mentorship=mentorship).aggregate(
        recent_count=Count("pk", filter=Q(created_at__gte=since)),
        last_at=Max("created_at"),
    )


# The inbox -------------------------------------------------------------------------------


def inbox(user) -> list[Mentorship]:
    """The person's mentorships, most recent message first, each with `others` (the other
    members), `last_message_at` and `unread`. Four queries."""
    mentorships = list(
        with_members(
            Mentorship.objects.filter(
                pk__in=Membership.objects.filter(user=user).values("mentorship_id")
            )
        )
    )
    last = dict(
        Message.objects.filter(conversation__mentorship__in=[m.pk for m in mentorships])
        .values("conversation__mentorship_id")
        .annotate(last=Max("created_at"))
        .order_by()
        .values_list("conversation__mentorship_id", "last")
    )
    unread = unread_by_mentorship(user)
    for mentorship in mentorships:
        mentorship.mine = membership_of(mentorship, user)
        mentorship.others = [m for m in mentorship.memberships.all() if m.user_id != user.pk]
        mentorship.last_message_at = last.get(mentorship.pk)
        mentorship.unread = unread.get(mentorship.pk, 0)
    epoch = datetime.min.replace(tzinfo=UTC)
    mentorships.sort(key=lambda m: (m.last_message_at or epoch, m.created_at), reverse=True)
    return mentorships
