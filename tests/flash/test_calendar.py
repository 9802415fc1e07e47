"""Sessions in people's calendars: the invitation emailed on booking (method, UID, SEQUENCE,
times in UTC, attendees), the update and cancellations when someone cancels, each side's own
view of a group session, and the email around it in the reader's own time zone."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core import mail

from lodestar.flash import calendar, services
from lodestar.flash.models import Slot

from .conftest import add_person, attendees, book, calendar_parts, event_of, publish

pytestmark = pytest.mark.django_db

TUESDAY = datetime(2027, 3, 2, 16, tzinfo=UTC)


@pytest.fixture
def group(clock, max_e) -> Slot:
    """Max's first Tuesday session, for up to three people."""
    return publish(max_e, capacity=3).slots.get(start=TUESDAY)


def by_recipient(parts) -> dict:
    return {to: (method, event_of(parsed)) for to, method, parsed in parts}


def test_booking_sends_both_sides_an_invitation(
    group, mia_e, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(group, mia_e, question="Could you look at my CV?")
    sent = by_recipient(calendar_parts())
    assert set(sent) == {mentor.email, mentee.email}
    for method, event in sent.values():
        assert method == "REQUEST"
        assert str(event["UID"]) == group.ical_uid and event["SEQUENCE"] == 1
        assert event.decoded("DTSTART") == TUESDAY
        assert event.decoded("DTEND") == TUESDAY + timedelta(hours=1)
        assert str(event["STATUS"]) == "CONFIRMED"
        assert attendees(event) == [mentee.email, mentor.email]
        assert "Could you look at my CV?" in str(event["DESCRIPTION"])
        assert str(event["LOCATION"]) == "https://meet.example.com/max"
    raw = next(m for m in mail.outbox if m.to == [mentee.email]).message().as_string()
    assert 'Content-Type: text/calendar; charset="utf-8"; method="REQUEST"' in raw
    assert 'filename="invite.ics"' in raw
    # Times are written in UTC ("Z"), never as floating local time.
    [ics] = [
        part.get_payload(decode=True).decode()
        for m in mail.outbox
        if m.to == [mentee.email]
        for part in m.attachments
    ]
    assert "DTSTART:20270302T160000Z" in ics and "DTEND:20270302T170000Z" in ics


def test_the_invitation_email_reads_in_each_persons_zone(
    group, mia_e, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        book(group, mia_e)
    to_mia = next(m for m in mail.outbox if m.to == [mentee.email])
    assert "Session booked: March 2, 2027, 11 a.m." in to_mia.subject
    assert "Your session with Max Mentor is booked" in to_mia.body
    assert "(America/New_York)" in to_mia.body and "5 p.m. (Europe/Paris)" in to_mia.body
    assert "Your question:" in to_mia.body
    to_max = next(m for m in mail.outbox if m.to == [mentor.email])
    assert "Mia Mentee booked your session: March 2, 2027, 5 p.m." in to_max.subject
    assert "Question from Mia Mentee:" in to_max.body
    assert "Your session with Max Mentor is booked" in to_mia.alternatives[0][0]


def test_in_a_group_session_each_mentee_sees_only_the_mentor_and_themselves(
    group, program, mia_e, mentor, mentee, django_capture_on_commit_callbacks
):
    ned = add_person(program, "Ned Newbie")
    book(group, mia_e)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        book(group, ned, question="How do I negotiate?")
    sent = by_recipient(calendar_parts())
    _method, to_ned = sent[ned.user.email]
    assert attendees(to_ned) == sorted([ned.user.email, mentor.email])
    assert "How do I negotiate?" in str(to_ned["DESCRIPTION"])
    assert "Could you look at my CV?" not in str(to_ned["DESCRIPTION"])
    _method, to_max = sent[mentor.email]
    assert attendees(to_max) == sorted([ned.user.email, mentee.email, mentor.email])
    assert to_max["SEQUENCE"] == to_ned["SEQUENCE"] == 2
    assert mentee.email not in sent  # Mia's event has not changed for her


def test_cancelling_sends_the_mentee_a_cancel_and_the_mentor_an_update(
    group, program, mia_e, mentor, mentee, django_capture_on_commit_callbacks
):
    ned = add_person(program, "Ned Newbie")
    booking = book(group, mia_e)
    book(group, ned)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by=mentee, reason="Exam moved")
    sent = by_recipient(calendar_parts())
    assert set(sent) == {mentee.email, mentor.email}
    method, to_mia = sent[mentee.email]
    assert method == "CANCEL" and str(to_mia["STATUS"]) == "CANCELLED"
    assert str(to_mia["UID"]) == group.ical_uid and to_mia["SEQUENCE"] == 3
    method, to_max = sent[mentor.email]
    assert method == "REQUEST" and str(to_max["STATUS"]) == "CONFIRMED"
    assert to_max["SEQUENCE"] == 3
    assert attendees(to_max) == sorted([ned.user.email, mentor.email])
    update = next(m for m in mail.outbox if m.to == [mentor.email])
    assert "Session updated" in update.subject
    assert "The booking of Mia Mentee was cancelled" in update.body
    cancel = next(m for m in mail.outbox if m.to == [mentee.email])
    assert "You cancelled this session." in cancel.body and "Exam moved" in cancel.body


def test_when_nobody_is_left_the_mentor_gets_a_cancel_too(
    group, mia_e, mentor, mentee, django_capture_on_commit_callbacks
):
    booking = book(group, mia_e)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.booking_cancel(booking=booking, by=mentor, reason="Ill")
    sent = by_recipient(calendar_parts())
    assert {to: method for to, (method, _e) in sent.items()} == {
        mentee.email: "CANCEL",
        mentor.email: "CANCEL",
    }
    assert sent[mentor.email][1]["SEQUENCE"] == 2
    to_mia = next(m for m in mail.outbox if m.to == [mentee.email])
    assert "Max Mentor cancelled this session." in to_mia.body and "Ill" in to_mia.body


def test_the_uid_stays_and_the_sequence_grows_with_each_change(
    group, program, mia_e, mentee, django_capture_on_commit_callbacks
):
    ned = add_person(program, "Ned Newbie")
    steps = [
        lambda: book(group, mia_e),
        lambda: book(group, ned),
        lambda: services.booking_cancel(booking=group.bookings.get(mentee=ned), by=ned.user),
        lambda: services.booking_cancel(booking=group.bookings.get(mentee=mia_e), by=mentee),
    ]
    sequences = []
    for step in steps:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            step()
        events = [event_of(parsed) for _to, _m, parsed in calendar_parts()]
        assert {str(e["UID"]) for e in events} == {group.ical_uid}
        sequences.append(max(e["SEQUENCE"] for e in events))
    assert sequences == [1, 2, 3, 4]


def test_an_invitation_is_a_valid_itip_request(group, mia_e, mentor):
    booking = book(group, mia_e)
    ics = calendar.invitation(
        Slot.objects.get(pk=group.pk), mentor=mentor, bookings=[booking], url="/flash/1/"
    )
    raw = ics.decode()
    assert "METHOD:REQUEST" in raw and "VERSION:2.0" in raw
    assert "ORGANIZER" in raw and "DTSTAMP" in raw
    assert "URL:http://testserver/flash/1/" in raw
    with pytest.raises(ValueError):
        calendar.invitation(group, mentor=mentor, bookings=[booking], method="PUBLISH")
