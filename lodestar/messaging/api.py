"""A mentorship's messages in the JSON API: like the thread's page, for its members only —
coordinators and site admins get the page's 404, as does everyone else. Sending goes through
the page's service (the same checks: a member, a mentorship still taking changes, a body within
bounds); attachments are sent and fetched on the pages."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from lodestar.api.pagination import PageNumberPagination
from lodestar.api.problems import responses
from lodestar.mentorships.api import PersonRef, PlainText, person_ref
from lodestar.mentorships.policy import get_member_workspace

from . import selectors, services
from .models import Message

router = Router(tags=["messaging"])


class MessageAttachmentOut(Schema):
    name: str
    size: int | None
    content_type: str


class MessageOut(Schema):
    id: int
    author: PersonRef | None = Field(description="Null once the author has left the platform.")
    body: str = Field(description="Empty once deleted.")
    created_at: datetime
    edited_at: datetime | None
    deleted: bool
    attachment: MessageAttachmentOut | None = Field(
        description="A file sent with the message; download it from the thread's page."
    )

    @staticmethod
    def resolve_author(message: Message) -> dict | None:
        return person_ref(message.author)

    @staticmethod
    def resolve_deleted(message: Message) -> bool:
        return message.is_deleted

    @staticmethod
    def resolve_attachment(message: Message) -> dict | None:
        if not message.has_attachment:
            return None
        return {
            "name": message.attachment_name,
            "size": message.attachment_size,
            "content_type": message.attachment_type,
        }


class MessageFilters(Schema):
    before: int | None = Field(None, description="Only messages older than this message id.")
    after: int | None = Field(None, description="Only messages newer than this message id.")


@router.get(
    "/mentorships/{mentorship_id}/messages/",
    response=responses({200: list[MessageOut]}, 404, 422),
    operation_id="messages_list",
)
@paginate(PageNumberPagination)
def messages_list(request: HttpRequest, mentorship_id: int, filters: Query[MessageFilters]):
    """The mentorship's thread, newest first (members only). Poll with `after`, the newest id
    you have."""
    mentorship = get_member_workspace(request.auth, mentorship_id)
    messages = Message.objects.filter(conversation__mentorship=mentorship)
    if filters.before is not None:
        messages = messages.filter(pk__lt=filters.before)
    if filters.after is not None:
        messages = messages.filter(pk__gt=filters.after)
    return messages.select_related("author").order_by("-pk")


class MessageIn(Schema):
    body: PlainText = Field(description="The message, up to 5,000 characters.")


@router.post(
    "/mentorships/{mentorship_id}/messages/",
    response=responses({201: MessageOut}, 400, 403, 404, 422),
    operation_id="messages_send",
)
def messages_send(
    request: HttpRequest,
    mentorship_id: int,
    body: MessageIn,
):
    """Post a message to the mentorship's thread; the others hear of it as on the pages."""
    mentorship = get_member_workspace(request.auth, mentorship_id)
    message = services.message_send(mentorship=mentorship, author=request.auth, body=body.body)
    return Status(201, message)


class ReadIn(Schema):
    up_to: int | None = Field(
        None, description="The id of the last message read; the newest when left out."
    )


class ReadOut(Schema):
    unread: int = Field(description="Messages of the thread you have still not read.")


@router.post(
    "/mentorships/{mentorship_id}/messages/read",
    response=responses({200: ReadOut}, 400, 403, 404, 422),
    operation_id="messages_mark_read",
)
def messages_mark_read(request: HttpRequest, mentorship_id: int, body: ReadIn):
    """Mark the thread read up to a message, as opening the page does; the mark only moves
    forward. Answers how many messages are still unread."""
    mentorship = get_member_workspace(request.auth, mentorship_id)
    if body.up_to is not None and not selectors.is_message_of(mentorship, body.up_to):
        raise ValidationError(
            {"up_to": _("No message of this thread has that id.")}, code="not_in_thread"
        )
    services.conversation_mark_read(mentorship=mentorship, user=request.auth, up_to=body.up_to)
    return {"unread": selectors.unread_in(mentorship, request.auth)}
