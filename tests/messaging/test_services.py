"""Sending, editing, deleting and reading: the rules every path (page, task, API) shares."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from lodestar.messaging.models import Conversation, Message, ReadMark
from lodestar.messaging.selectors import unread_count, unread_in
from lodestar.messaging.services import (
    conversation_mark_read,
    message_delete,
    message_edit,
    message_send,
)
from tests import factories
from tests.messaging.conftest import PDF, send, upload

pytestmark = pytest.mark.django_db


# Sending -------------------------------------------------------------------------------------


def test_a_member_sends_and_the_conversation_is_made_with_the_first_message(pair, mentee):
    assert not Conversation.objects.exists()
    first = send(pair, mentee, "  Hello Max!\n\nThanks for accepting.  ")
    second = send(pair, mentee, "One more thing.")
    assert Conversation.objects.get().mentorship == pair
    assert first.conversation == second.conversation
    assert first.body == "Hello Max!\n\nThanks for accepting."
    assert first.first_line == "Hello Max!"
    assert first.author == mentee


def test_a_group_circle_shares_one_conversation(program, mentor_e, mentee_e, mentor):
    fellow = factories.make_user("fellow@example.com", name="Fay Fellow")
    fellow_e = factories.make_enrolment(program, fellow, role="mentee")
    circle = factories.make_mentorship(program, mentor=mentor_e, mentees=[mentee_e, fellow_e])
    send(circle, mentor, "Welcome to the circle, both of you.")
    send(circle, fellow, "Thanks!")
    assert Conversation.objects.count() == 1
    assert unread_in(circle, mentee_e.user) == 2
    assert unread_in(circle, fellow) == 1
    assert unread_in(circle, mentor) == 1


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_message_is_refused_unless_a_file_comes_with_it(pair, mentee, body):
    with pytest.raises(ValidationError) as error:
        send(pair, mentee, body)
    assert error.value.message_dict == {"body": ["Write a message or attach a file."]}
    assert not Message.objects.exists()
    only_a_file = send(pair, mentee, body, attachment=upload("plan.pdf", PDF))
    assert only_a_file.body == ""
    assert only_a_file.first_line == "plan.pdf"


def test_a_message_over_5000_characters_is_refused(pair, mentee):
    with pytest.raises(ValidationError, match="at most 5000 characters"):
        send(pair, mentee, "x" * 5001)
    assert send(pair, mentee, "x" * 5000).body == "x" * 5000
    assert Message.objects.count() == 1


def test_outsiders_and_coordinators_cannot_send(pair, outsider, coordinator):
    for person in (outsider, coordinator):
        with pytest.raises(ValidationError, match="not part of this mentorship"):
            send(pair, person)
    assert not Message.objects.exists()
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("status", ["completed", "ended_early", "declined"])
def test_a_finished_mentorship_is_read_only(program, mentor_e, mentee_e, mentee, status):
    finished = factories.make_mentorship(
        program, mentor=mentor_e, mentees=[mentee_e], status=status
    )
    with pytest.raises(ValidationError, match="read-only"):
        send(finished, mentee)
    assert not Message.objects.exists()


def test_a_paused_mentorship_still_takes_messages(program, mentor_e, mentee_e, mentee):
    paused = factories.make_mentorship(
        program, mentor=mentor_e, mentees=[mentee_e], status="paused"
    )
    assert send(paused, mentee).pk


# Editing -------------------------------------------------------------------------------------


def test_the_author_edits_within_15_minutes(pair, mentee):
    sent_at = timezone.now() - timedelta(minutes=20)
    message = send(pair, mentee, "Se you friday", now=sent_at)
    edited = message_edit(
        message=message, by=mentee, body="See you Friday", now=sent_at + timedelta(minutes=14)
    )
    assert edited.body == "See you Friday"
    assert edited.edited_at == sent_at + timedelta(minutes=14)


def test_after_the_window_an_edit_is_refused_with_a_clear_message(pair, mentee):
    sent_at = timezone.now() - timedelta(hours=1)
    message = send(pair, mentee, "Original", now=sent_at)
    with pytest.raises(ValidationError) as error:
        message_edit(
            message=message, by=mentee, body="Changed", now=sent_at + timedelta(minutes=16)
        )
    assert error.value.messages == [
        "A message can be edited for 15 minutes after it is sent, and this one is older. "
        "You can delete it, or send a new message."
    ]
    message.refresh_from_db()
    assert message.body == "Original"
    assert message.edited_at is None


def test_the_window_follows_the_setting(pair, mentee, settings):
    settings.MESSAGE_EDIT_MINUTES = 2
    sent_at = timezone.now()
    message = send(pair, mentee, "Original", now=sent_at)
    with pytest.raises(ValidationError, match="for 2 minutes"):
        message_edit(message=message, by=mentee, body="x", now=sent_at + timedelta(minutes=3))


def test_only_the_author_edits_or_deletes(pair, mentee, mentor):
    message = send(pair, mentee, "Mine")
    with pytest.raises(ValidationError, match="only change your own"):
        message_edit(message=message, by=mentor, body="Theirs now")
    with pytest.raises(ValidationError, match="only change your own"):
        message_delete(message=message, by=mentor)
    message.refresh_from_db()
    assert (message.body, message.deleted_at) == ("Mine", None)


def test_an_edit_cannot_empty_a_message_without_a_file(pair, mentee):
    message = send(pair, mentee, "Something")
    with pytest.raises(ValidationError, match="Write a message or attach a file"):
        message_edit(message=message, by=mentee, body="  ")
    with_file = send(pair, mentee, "Notes attached", attachment=upload("notes.pdf", PDF))
    assert message_edit(message=with_file, by=mentee, body="").body == ""


def test_an_unchanged_edit_is_not_marked_edited(pair, mentee):
    message = send(pair, mentee, "Same")
    assert message_edit(message=message, by=mentee, body="Same ").edited_at is None


# Deleting ------------------------------------------------------------------------------------


def test_deleting_wipes_the_words_and_the_file_and_keeps_a_placeholder(
    pair, mentee, media, django_capture_on_commit_callbacks
):
    message = send(pair, mentee, "Oops, wrong person", attachment=upload("cv.pdf", PDF))
    stored = media / message.attachment.name
    assert stored.exists()
    with django_capture_on_commit_callbacks(execute=True):
        deleted = message_delete(message=message, by=mentee)
    deleted.refresh_from_db()
    assert deleted.deleted_at is not None
    assert (deleted.body, deleted.attachment_name, deleted.attachment.name) == ("", "", "")
    assert not stored.exists()
    assert Message.objects.count() == 1  # the thread still shows "message deleted"


def test_an_old_message_can_still_be_deleted_but_not_twice(pair, mentee):
    message = send(pair, mentee, "Old", now=timezone.now() - timedelta(days=30))
    message_delete(message=message, by=mentee)
    with pytest.raises(ValidationError, match="was deleted"):
        message_delete(message=message, by=mentee)
    with pytest.raises(ValidationError, match="was deleted"):
        message_edit(message=message, by=mentee, body="Back")


def test_nothing_is_deleted_in_a_finished_mentorship(pair, mentee):
    message = send(pair, mentee, "History")
    pair.status = "completed"
    pair.save()
    with pytest.raises(ValidationError, match="read-only"):
        message_delete(message=message, by=mentee)
    message.refresh_from_db()
    assert message.body == "History"


# Reading -------------------------------------------------------------------------------------


def test_read_marks_only_move_forward_and_only_for_members(pair, mentee, mentor, outsider):
    first = send(pair, mentor, "One")
    second = send(pair, mentor, "Two")
    assert unread_count(mentee) == 2
    conversation_mark_read(mentorship=pair, user=mentee, up_to=first.pk)
    assert unread_count(mentee) == 1
    conversation_mark_read(mentorship=pair, user=mentee)
    assert unread_count(mentee) == 0
    conversation_mark_read(mentorship=pair, user=mentee, up_to=first.pk)
    assert ReadMark.objects.get(user=mentee).last_read_id == second.pk
    with pytest.raises(ValidationError):
        conversation_mark_read(mentorship=pair, user=outsider)
    assert ReadMark.objects.count() == 1


def test_rereading_a_thread_with_nothing_new_writes_nothing(pair, mentee, mentor):
    # A write would take SQLite's write lock on every page view of the thread.
    send(pair, mentor, "One")
    conversation_mark_read(mentorship=pair, user=mentee)
    read_at = ReadMark.objects.get(user=mentee).read_at
    with CaptureQueriesContext(connection) as queries:
        conversation_mark_read(mentorship=pair, user=mentee)
    assert [q["sql"] for q in queries if not q["sql"].startswith("SELECT")] == []
    assert ReadMark.objects.get(user=mentee).read_at == read_at
    newer = send(pair, mentor, "Two")
    conversation_mark_read(mentorship=pair, user=mentee)
    assert ReadMark.objects.get(user=mentee).last_read_id == newer.pk


def test_own_and_deleted_messages_are_never_unread(pair, mentee, mentor):
    send(pair, mentee, "From me")
    gone = send(pair, mentor, "Deleted soon")
    assert unread_count(mentee) == 1
    message_delete(message=gone, by=mentor)
    assert unread_count(mentee) == 0
    assert unread_count(mentor) == 1


def test_a_finished_mentorship_can_still_be_read(pair, mentee, mentor):
    send(pair, mentor, "Last words")
    pair.status = "completed"
    pair.save()
    conversation_mark_read(mentorship=pair, user=mentee)
    assert unread_count(mentee) == 0


def test_message_send_is_keyword_only(pair, mentee):
    with pytest.raises(TypeError):
        message_send(pair, mentee, "Hi")  # type: ignore[misc]
