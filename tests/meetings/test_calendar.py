"""Meetings in calendars: the iCalendar of an invitation, an update and a cancellation (parsed
back with icalendar), the email that carries it, the .ics download, and the private feed."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from lodestar.meetings import calendar, services
from lodestar.meetings.models import CalendarFeed
from lodestar.mentorships.models import Mentorship

from .conftest import make_meeting, soon

pytestmark = pytest.mark.django_db


def parse(ics: bytes):
    parsed = Calendar.from_ical(ics)
    return parsed, parsed.walk("VEVENT")


def members(meeting) -> list:
    return [m.user for m in meeting.mentorship.memberships.select_related("user")]


# --- the iCalendar --------------------------------------------------------------------------


def test_an_invitation_has_every_property_a_calendar_needs(pair, mentor, mentee, clock):
    meeting = make_meeting(
        pair,
        by=mentor,
        start=datetime(2027, 1, 12, 21, tzinfo=UTC),
        duration=45,
        status="confirmed",
        sequence=1,
        place="https://meet.example.com/abc",
        agenda="Your CV\nNext steps",
    )
    parsed, events = parse(calendar.invitation(meeting, members(meeting)))
    assert str(parsed["METHOD"]) == "REQUEST" and str(parsed["VERSION"]) == "2.0"
    [event] = events
    assert str(event["UID"]) == meeting.ical_uid and event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == datetime(2027, 1, 12, 21, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2027, 1, 12, 21, 45, tzinfo=UTC)
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert str(event["STATUS"]) == "CONFIRMED"
    assert "Max Mentor" in str(event["SUMMARY"]) and "Mia Mentee" in str(event["SUMMARY"])
    description = str(event["DESCRIPTION"])
    assert "Your CV" in description and "https://meet.example.com/abc" in description
    assert f"/meetings/{meeting.pk}/" in description
    assert str(event["LOCATION"]) == "https://meet.example.com/abc"
    assert str(event["ORGANIZER"]).startswith("mailto:")
    attendees = sorted(str(a) for a in event["ATTENDEE"])
    assert attendees == [f"mailto:{mentee.email}", f"mailto:{mentor.email}"]
    # Times are written in UTC ("Z"), never as floating local time.
    raw = calendar.invitation(meeting, members(meeting)).decode()
    assert "DTSTART:20270112T210000Z" in raw and "DTEND:20270112T214500Z" in raw


def test_invitation_times_are_right_across_the_nz_change_of_april_2027(pair, mentor, mentee, clock):
    auckland = ZoneInfo("Pacific/Auckland")
    before = make_meeting(
        pair, by=mentee, start=datetime(2027, 3, 30, 9, tzinfo=auckland), status="confirmed"
    )
    after = make_meeting(
        pair, by=mentee, start=datetime(2027, 4, 6, 9, tzinfo=auckland), status="confirmed"
    )
    assert "DTSTART:20270329T200000Z" in calendar.invitation(before, members(before)).decode()
    assert "DTSTART:20270405T210000Z" in calendar.invitation(after, members(after)).decode()


def test_a_cancellation_keeps_the_uid_with_a_higher_sequence(pair, mentor, clock):
    meeting = make_meeting(pair, by=mentor, start=soon(days=1), status="cancelled", sequence=3)
    parsed, [event] = parse(calendar.invitation(meeting, members(meeting), method="CANCEL"))
    assert str(parsed["METHOD"]) == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED" and event["SEQUENCE"] == 3
    assert str(event["UID"]) == meeting.ical_uid


def test_the_uid_never_changes_and_the_sequence_grows_with_each_change(
    pair, mentor, mentee, clock, django_capture_on_commit_callbacks
):
    meeting = services.meeting_propose(mentorship=pair, by=mentor, start=soon(days=2))
    uid = meeting.ical_uid
    sequences = []
    steps = [
        lambda m: services.meeting_confirm(meeting=m, by=mentee),
        lambda m: services.meeting_reschedule(meeting=m, by=mentee, start=soon(days=3)),
        lambda m: services.meeting_confirm(meeting=m, by=mentor),
        lambda m: services.meeting_cancel(meeting=m, by=mentor),
    ]
    for step in steps:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            meeting = step(meeting)
        ics = [
            part
            for message in mail.outbox
            for part in message.attachments
            if getattr(part, "get_content_type", lambda: "")() == "text/calendar"
        ]
        _parsed, [event] = parse(ics[0].get_payload(decode=True))
        assert str(event["UID"]) == uid
        sequences.append(event["SEQUENCE"])
    assert sequences == sorted(set(sequences)) and sequences[0] >= 1


def test_the_email_carries_a_text_calendar_part_with_the_method(
    pair, mentor, mentee, clock, django_capture_on_commit_callbacks
):
    meeting = make_meeting(pair, by=mentor, start=datetime(2027, 1, 12, 21, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_confirm(meeting=meeting, by=mentee)
    to_mia = next(m for m in mail.outbox if m.to == [mentee.email])
    raw = to_mia.message().as_string()
    assert 'Content-Type: text/calendar; charset="utf-8"; method="REQUEST"' in raw
    assert 'filename="invite.ics"' in raw
    # In Mia's own zone (Auckland, UTC+13 in January), with Max's time beside it.
    assert "Meeting confirmed" in to_mia.subject and "10 a.m." in to_mia.subject
    assert "Pacific/Auckland" in to_mia.body and "1 p.m." in to_mia.body
    assert "America/Los_Angeles" in to_mia.body
    html = to_mia.alternatives[0][0]
    assert "Your meeting is confirmed" in html


# --- the download ---------------------------------------------------------------------------


@pytest.fixture
def meeting(pair, mentor, clock):
    return make_meeting(pair, by=mentor, start=soon(days=2), status="confirmed", sequence=1)


def test_members_download_the_meeting(client, meeting, mentor, mentee):
    for person in (mentor, mentee):
        client.force_login(person)
        response = client.get(reverse("meeting_invite", args=[meeting.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/calendar")
        parsed, [event] = parse(response.content)
        assert str(parsed["METHOD"]) == "PUBLISH"
        assert str(event["UID"]) == meeting.ical_uid


@pytest.mark.parametrize(
    "persona", ["coordinator", "outsider", "other_coordinator", "other_pair_mentor"]
)
def test_nobody_else_downloads_it(client, meeting, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("meeting_invite", args=[meeting.pk])).status_code == 404


# --- the feed -------------------------------------------------------------------------------


def feed_token(client, user) -> str:
    client.force_login(user)
    response = client.post(reverse("calendar_feed"))
    assert response.status_code == 200
    address = response.context["address"]
    assert address in response.content.decode()
    return address.rsplit("/", 1)[1].removesuffix(".ics")


def test_the_feed_page_shows_the_address_once(client, mentor):
    client.force_login(mentor)
    content = client.get(reverse("calendar_feed")).content.decode()
    assert "You have no calendar address." in content
    token = feed_token(client, mentor)
    assert CalendarFeed.objects.get(user=mentor).token_hash != token
    content = client.get(reverse("calendar_feed")).content.decode()
    assert token not in content and "You have a calendar address" in content


def test_the_feed_lists_the_persons_meetings_confirmed_and_tentative(
    client, pair, mentor, mentee, other_pair_mentor, clock
):
    confirmed = make_meeting(pair, by=mentor, start=soon(days=2), status="confirmed", sequence=1)
    proposed = make_meeting(pair, by=mentee, start=soon(days=5))
    held = make_meeting(pair, by=mentee, start=soon(days=-5), status="completed")
    cancelled = make_meeting(pair, by=mentee, start=soon(days=6), status="cancelled")
    other_pair = Mentorship.objects.exclude(pk=pair.pk).get()
    theirs = make_meeting(other_pair, by=other_pair_mentor, start=soon(days=3))
    token = feed_token(client, mentee)
    client.logout()  # calendar apps have no session
    response = client.get(reverse("calendar_feed_ics", args=[token]))
    assert response.status_code == 200
    _parsed, events = parse(response.content)
    by_uid = {str(e["UID"]): e for e in events}
    assert set(by_uid) == {confirmed.ical_uid, proposed.ical_uid, held.ical_uid}
    assert cancelled.ical_uid not in by_uid and theirs.ical_uid not in by_uid
    assert str(by_uid[confirmed.ical_uid]["STATUS"]) == "CONFIRMED"
    assert str(by_uid[proposed.ical_uid]["STATUS"]) == "TENTATIVE"
    assert by_uid[confirmed.ical_uid].decoded("DTSTART") == confirmed.start
    assert by_uid[confirmed.ical_uid]["SEQUENCE"] == 1


def test_a_revoked_or_replaced_or_unknown_token_is_a_404(client, mentor):
    first = feed_token(client, mentor)
    second = feed_token(client, mentor)  # a new address: the first stops working
    assert client.get(reverse("calendar_feed_ics", args=[first])).status_code == 404
    assert client.get(reverse("calendar_feed_ics", args=[second])).status_code == 200
    response = client.post(reverse("calendar_feed"), {"action": "revoke"}, follow=True)
    assert "no longer works" in response.content.decode()
    assert client.get(reverse("calendar_feed_ics", args=[second])).status_code == 404
    assert client.get(reverse("calendar_feed_ics", args=["not-a-token"])).status_code == 404


def test_meetings_to_come_of_an_ended_mentorship_leave_the_feed(client, pair, mentor, clock):
    coming = make_meeting(pair, by=mentor, start=soon(days=2), status="confirmed")
    held = make_meeting(pair, by=mentor, start=soon(days=-2), status="completed")
    pair.status = "ended_early"
    pair.save()
    token = feed_token(client, mentor)
    _parsed, events = parse(client.get(reverse("calendar_feed_ics", args=[token])).content)
    assert {str(e["UID"]) for e in events} == {held.ical_uid}
    assert coming.ical_uid not in {str(e["UID"]) for e in events}


def test_the_feed_page_needs_a_login(client):
    response = client.get(reverse("calendar_feed"))
    assert response.status_code == 302


def test_the_feed_takes_a_bounded_number_of_queries(
    client, pair, mentor, clock, django_assert_max_num_queries
):
    for k in range(12):
        make_meeting(pair, by=mentor, start=soon(days=k + 1, hours=k))
    token = feed_token(client, mentor)
    client.logout()
    with django_assert_max_num_queries(4):
        assert client.get(reverse("calendar_feed_ics", args=[token])).status_code == 200


def test_a_calendar_message_overtaken_by_a_newer_change_is_not_sent(pair, mentor, clock):
    from lodestar.meetings.emails import send_calendar_emails

    meeting = make_meeting(pair, by=mentor, start=soon(days=2), status="confirmed", sequence=4)
    assert send_calendar_emails(meeting_id=meeting.pk, sequence=3, kind="update") == 0
    assert send_calendar_emails(meeting_id=meeting.pk, sequence=4, kind="update") == 2
    assert all("Meeting updated" in m.subject for m in mail.outbox)


def test_a_new_time_for_a_confirmed_meeting_reaches_calendars_as_tentative(
    pair, mentor, mentee, clock, django_capture_on_commit_callbacks
):
    meeting = make_meeting(pair, by=mentor, start=soon(days=2), status="confirmed", sequence=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_reschedule(meeting=meeting, by=mentor, start=soon(days=4))
    to_mia = next(m for m in mail.outbox if m.to == [mentee.email])
    assert "New time proposed (tentative)" in to_mia.subject
    assert "Max Mentor proposes another time" in to_mia.body
