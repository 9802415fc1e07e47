"""The meeting pages as each person sees them: who gets in (members) and who gets a 404
(everyone else, coordinators too), planning from suggested times in each member's zone, the
answers and changes, notes (shared with optimistic concurrency, private for their author) and
action items."""

from datetime import UTC, datetime, time

import pytest
from django.urls import reverse

from lodestar.accounts.models import AvailabilityWindow
from lodestar.engagement.models import Notification
from lodestar.meetings import services
from lodestar.meetings.models import ActionItem, Meeting, MeetingNote, PrivateNote

from .conftest import make_meeting, soon

pytestmark = pytest.mark.django_db

OUTSIDERS = ["coordinator", "outsider", "other_coordinator", "other_pair_mentor"]


def url(name, *args) -> str:
    return reverse(name, args=args)


def page(client, user, address) -> str:
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def available(pair, mentor, mentee):
    """Max (Los Angeles) is free weekdays 13:00–17:00, Mia (Auckland) every day 09:00–11:00."""
    for day in range(5):
        AvailabilityWindow.objects.create(user=mentor, weekday=day, start=time(13), end=time(17))
    for day in range(7):
        AvailabilityWindow.objects.create(user=mentee, weekday=day, start=time(9), end=time(11))


@pytest.fixture
def meeting(pair, mentor, clock):
    return make_meeting(
        pair,
        by=mentor,
        start=datetime(2027, 1, 12, 21, tzinfo=UTC),
        place="https://meet.example.com/secret-room",
        agenda="Agenda: salary negotiation",
    )


# --- who gets in ----------------------------------------------------------------------------


def every_url(meeting, item) -> list[tuple[str, str]]:
    m, pk = meeting.pk, meeting.mentorship_id
    return [
        ("get", url("meeting_list", pk)),
        ("get", url("meeting_new", pk)),
        ("post", url("meeting_new", pk)),
        ("get", url("meeting_detail", m)),
        ("post", url("meeting_confirm", m)),
        ("get", url("meeting_reschedule", m)),
        ("post", url("meeting_reschedule", m)),
        ("get", url("meeting_edit", m)),
        ("post", url("meeting_edit", m)),
        ("post", url("meeting_cancel", m)),
        ("post", url("meeting_complete", m)),
        ("post", url("meeting_missed", m)),
        ("post", url("meeting_note", m)),
        ("post", url("meeting_private_note", m)),
        ("post", url("action_item_add", m)),
        ("get", url("meeting_invite", m)),
        ("post", url("action_item_done", item.pk)),
    ]


@pytest.mark.parametrize("persona", OUTSIDERS)
def test_everyone_but_the_members_gets_404_on_every_url(
    client, pair, mentor, meeting, persona, request
):
    item = ActionItem.objects.create(
        mentorship=pair, meeting=meeting, title="Read", assignee=mentor
    )
    client.force_login(request.getfixturevalue(persona))
    for method, address in every_url(meeting, item):
        response = getattr(client, method)(address, {"text": "x", "version": 0, "minutes": 5})
        assert response.status_code == 404, (method, address)
    assert Meeting.objects.get(pk=meeting.pk).status == "proposed"
    assert not MeetingNote.objects.exists() and not PrivateNote.objects.exists()
    assert ActionItem.objects.get().done_at is None


def test_anonymous_visitors_are_sent_to_log_in(client, pair, mentor, meeting):
    item = ActionItem.objects.create(
        mentorship=pair, meeting=meeting, title="Read", assignee=mentor
    )
    for method, address in [*every_url(meeting, item), ("get", url("calendar_feed"))]:
        response = getattr(client, method)(address)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("account_login"))


def test_a_member_of_one_pair_cannot_reach_a_meeting_of_another(
    client, pair, other_pair_mentor, meeting
):
    client.force_login(other_pair_mentor)
    assert client.get(url("meeting_detail", meeting.pk)).status_code == 404


def test_both_members_see_the_meeting_in_their_own_time_zone(client, meeting, mentor, mentee):
    content = page(client, mentor, url("meeting_detail", meeting.pk))
    # 21:00 UTC: Tuesday 1 p.m. in Los Angeles, Wednesday 10 a.m. in Auckland.
    assert "Tue Jan. 12, 2027, 1 p.m." in content
    assert "Wed Jan. 13, 2027, 10 a.m. for Mia Mentee (Pacific/Auckland)" in content
    assert "salary negotiation" in content and "secret-room" in content
    content = page(client, mentee, url("meeting_detail", meeting.pk))
    assert "Wed Jan. 13, 2027, 10 a.m." in content
    assert "Tue Jan. 12, 2027, 1 p.m. for Max Mentor (America/Los_Angeles)" in content


# --- planning -------------------------------------------------------------------------------


def test_the_plan_page_suggests_times_that_suit_both_in_both_zones(
    client, pair, mentor, available, clock
):
    content = page(client, mentor, url("meeting_new", pair.pk))
    # Monday 11 Jan 1 p.m. in Los Angeles is Tuesday 12 Jan 10 a.m. in Auckland (21:00 UTC).
    assert 'value="2027-01-11T21:00Z"' in content
    assert "Mon Jan. 11, 2027, 1 p.m.</time> for you" in content
    assert "Tue Jan. 12, 2027, 10 a.m. for Mia Mentee (Pacific/Auckland)" in content
    assert content.count('name="slot" value="2027-') == 6
    assert "Another time, in your time zone (America/Los_Angeles)" in content


def test_without_availability_the_page_says_whose_is_missing(client, pair, mentor, mentee, clock):
    AvailabilityWindow.objects.create(user=mentor, weekday=0, start=time(9), end=time(17))
    content = page(client, mentor, url("meeting_new", pair.pk))
    assert "Mia Mentee has not said yet when they are free" in content
    assert 'name="slot" value="2027-' not in content


def test_changing_the_length_refreshes_the_suggestions_with_htmx(
    client, pair, mentor, available, clock
):
    client.force_login(mentor)
    response = client.get(url("meeting_new", pair.pk), {"duration": 120}, HTTP_HX_REQUEST="true")
    content = response.content.decode()
    assert response.status_code == 200 and "<html" not in content
    assert 'id="meeting-slots"' in content and 'name="duration" value="120"' in content
    # Two hours only fit after the US change of summer time... not within three weeks of
    # January: Mia is free two hours but Max's overlap with her is one.
    assert 'name="slot" value="2027-' not in content


def test_proposing_a_suggested_time(client, pair, mentor, mentee, available, clock):
    client.force_login(mentor)
    response = client.post(
        url("meeting_new", pair.pk),
        {"slot": "2027-01-11T21:00Z", "duration": 60, "mode": "video", "agenda": "Hello"},
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == url("meeting_detail", meeting.pk)
    assert meeting.start == datetime(2027, 1, 11, 21, tzinfo=UTC)
    assert Notification.objects.get(user=mentee).kind == "meeting_proposed"


def test_proposing_any_time_reads_it_in_the_proposers_zone(client, pair, mentor, clock):
    client.force_login(mentor)
    client.post(
        url("meeting_new", pair.pk),
        {"slot": "other", "when": "2027-01-20T08:30", "duration": 30, "mode": "phone"},
    )
    meeting = Meeting.objects.get()
    assert meeting.start == datetime(2027, 1, 20, 16, 30, tzinfo=UTC)  # 08:30 PST
    assert (meeting.duration, meeting.mode) == (30, "phone")


def test_repeating_proposes_the_series(client, pair, program, mentor, clock):
    program.meeting_cadence = "monthly"
    program.save()
    client.force_login(mentor)
    content = client.get(url("meeting_new", pair.pk)).content.decode()
    assert "Your program meets monthly: this also proposes the next 3 meetings" in content
    response = client.post(
        url("meeting_new", pair.pk),
        {
            "slot": "other",
            "when": "2027-01-20T08:30",
            "duration": 60,
            "mode": "video",
            "repeat": "on",
        },
        follow=True,
    )
    assert "You proposed 4 meetings" in response.content.decode()
    assert Meeting.objects.count() == 4


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"slot": "other", "when": "2027-01-01T08:30"}, "This time has passed"),
        ({}, "Choose one of the suggested times, or give another time."),
        ({"slot": "tomorrow-ish"}, "Choose one of the times shown."),
        ({"slot": "other", "when": "soon"}, "Enter a valid date/time."),
    ],
)
def test_a_bad_time_is_explained_and_nothing_is_proposed(
    client, pair, mentor, clock, data, message
):
    client.force_login(mentor)
    response = client.post(url("meeting_new", pair.pk), {"duration": 60, "mode": "video", **data})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_time_that_does_not_exist_in_the_zone_is_refused(client, pair, mentor, clock):
    # 14 Mar 2027, 02:30 does not exist in Los Angeles: clocks jump from 02:00 to 03:00.
    client.force_login(mentor)
    response = client.post(
        url("meeting_new", pair.pk),
        {"slot": "other", "when": "2027-03-14T02:30", "duration": 60, "mode": "video"},
    )
    assert "America/Los_Angeles" in response.content.decode()
    assert not Meeting.objects.exists()


# --- answering and changing -----------------------------------------------------------------


def test_the_other_member_confirms_from_the_page(client, meeting, mentor, mentee):
    content = page(client, mentor, url("meeting_detail", meeting.pk))
    assert "Confirm this time" not in content
    assert "waiting for another member to confirm" in content
    content = page(client, mentee, url("meeting_detail", meeting.pk))
    assert "Confirm this time" in content
    response = client.post(url("meeting_confirm", meeting.pk), follow=True)
    assert "Confirmed. Everyone gets an invitation" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "confirmed"


def test_the_proposer_confirming_is_told_why_not(client, meeting, mentor):
    client.force_login(mentor)
    response = client.post(url("meeting_confirm", meeting.pk), follow=True)
    assert "another member confirms it" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "proposed"


def test_proposing_another_time_from_the_page(client, meeting, mentee, available, clock):
    content = page(client, mentee, url("meeting_reschedule", meeting.pk))
    assert "Propose another time" in content and 'name="slot"' in content
    response = client.post(
        url("meeting_reschedule", meeting.pk),
        {"slot": "other", "when": "2027-01-15T09:00", "duration": 60},
    )
    assert response.status_code == 302
    fresh = Meeting.objects.get(pk=meeting.pk)
    assert fresh.start == datetime(2027, 1, 14, 20, tzinfo=UTC)  # 09:00 NZDT
    assert fresh.proposed_by == mentee


def test_cancelling_from_the_page(client, meeting, mentee):
    client.force_login(mentee)
    response = client.post(url("meeting_cancel", meeting.pk), follow=True)
    assert "The meeting is cancelled" in response.content.decode()
    assert Meeting.objects.get(pk=meeting.pk).status == "cancelled"
    content = client.get(url("meeting_detail", meeting.pk)).content.decode()
    assert "Cancel this meeting" not in content and "Confirm this time" not in content


def test_changing_place_and_agenda(client, meeting, mentee):
    client.force_login(mentee)
    assert client.get(url("meeting_edit", meeting.pk)).status_code == 200
    response = client.post(
        url("meeting_edit", meeting.pk),
        {"mode": "in_person", "place": "Library, room 2", "agenda": "Portfolio"},
    )
    assert response.status_code == 302
    fresh = Meeting.objects.get(pk=meeting.pk)
    assert (fresh.mode, fresh.place, fresh.agenda) == ("in_person", "Library, room 2", "Portfolio")


def test_a_held_meeting_is_logged_with_its_minutes(client, pair, mentor, mentee, clock):
    meeting = make_meeting(pair, by=mentor, start=soon(hours=-2), status="confirmed")
    content = page(client, mentee, url("meeting_detail", meeting.pk))
    assert "We met" in content and "This meeting did not happen" in content
    response = client.post(url("meeting_complete", meeting.pk), {"minutes": 0})
    assert "Ensure this value is greater than or equal to 1." in response.content.decode()
    client.post(url("meeting_complete", meeting.pk), {"minutes": 75})
    fresh = Meeting.objects.get(pk=meeting.pk)
    assert (fresh.status, fresh.minutes_logged) == ("completed", 75)


def test_completing_before_the_start_is_refused_on_the_page(client, meeting, mentee):
    client.force_login(mentee)
    response = client.post(url("meeting_complete", meeting.pk), {"minutes": 30}, follow=True)
    assert "never confirmed" in response.content.decode()


def test_marking_missed(client, pair, mentor, clock):
    meeting = make_meeting(pair, by=mentor, start=soon(hours=-2), status="confirmed")
    client.force_login(mentor)
    client.post(url("meeting_missed", meeting.pk))
    assert Meeting.objects.get(pk=meeting.pk).status == "missed"


def test_a_finished_mentorship_is_history_without_forms(client, pair, meeting, mentee):
    services.shared_note_save(meeting=meeting, by=mentee, text="What we said", version=0)
    pair.status = "completed"
    pair.save()
    content = page(client, mentee, url("meeting_detail", meeting.pk))
    assert "What we said" in content
    assert "Save the shared note" not in content and "Confirm this time" not in content
    assert "kept as history" in content
    client.post(url("meeting_note", meeting.pk), {"text": "Late edit", "version": 1})
    assert MeetingNote.objects.get().text == "What we said"
    response = client.get(url("meeting_new", pair.pk), follow=True)
    assert "no new meetings" in response.content.decode()


# --- notes ----------------------------------------------------------------------------------


def test_saving_the_shared_note(client, meeting, mentor, mentee):
    client.force_login(mentor)
    response = client.post(url("meeting_note", meeting.pk), {"text": "Our plan", "version": 0})
    assert response.status_code == 302
    content = page(client, mentee, url("meeting_detail", meeting.pk))
    assert "Our plan" in content and 'name="version" value="1"' in content


def test_a_stale_save_is_refused_and_both_versions_are_shown(client, meeting, mentor, mentee):
    # Both open the page at version 0; Max saves first.
    services.shared_note_save(meeting=meeting, by=mentor, text="Max wrote this", version=0)
    client.force_login(mentee)
    response = client.post(
        url("meeting_note", meeting.pk), {"text": "Mia wrote that", "version": 0}
    )
    assert response.status_code == 409
    content = response.content.decode()
    assert "Max Mentor saved the shared note while you were editing it" in content
    assert "Max wrote this" in content  # the saved version
    assert "Mia wrote that" in content  # hers, kept in the box to merge
    assert 'name="version" value="1"' in content  # saving again is from the new version
    note = MeetingNote.objects.get()
    assert (note.text, note.version) == ("Max wrote this", 1)
    # After merging she saves from version 1.
    client.post(
        url("meeting_note", meeting.pk), {"text": "Max wrote this. Mia wrote that.", "version": 1}
    )
    assert MeetingNote.objects.get().text == "Max wrote this. Mia wrote that."


def test_private_notes_are_seen_by_their_author_only(
    client, pair, meeting, mentor, mentee, coordinator
):
    client.force_login(mentor)
    client.post(url("meeting_private_note", meeting.pk), {"text": "PRIVATE: she seems anxious"})
    assert PrivateNote.objects.get().author == mentor
    assert "PRIVATE: she seems anxious" in page(client, mentor, url("meeting_detail", meeting.pk))
    assert "PRIVATE" not in page(client, mentee, url("meeting_detail", meeting.pk))
    assert "PRIVATE" not in page(client, mentee, url("meeting_list", pair.pk))
    client.force_login(coordinator)
    assert client.get(url("meeting_detail", meeting.pk)).status_code == 404
    assert "PRIVATE" not in page(client, coordinator, url("mentorship_detail", pair.pk))


# --- action items ---------------------------------------------------------------------------


def test_adding_an_action_item_for_the_other_member(client, meeting, mentor, mentee, clock):
    client.force_login(mentor)
    response = client.post(
        url("action_item_add", meeting.pk),
        {"title": "Send the CV", "assignee": mentee.pk, "due": "2027-01-20"},
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.assignee, item.meeting, str(item.due)) == (mentee, meeting, "2027-01-20")
    assert Notification.objects.get(user=mentee).kind == "action_item_assigned"
    content = page(client, mentee, url("meeting_detail", meeting.pk))
    assert "Send the CV" in content and "Mark “Send the CV” done" in content


def test_an_action_item_for_someone_outside_is_refused(client, meeting, mentor, outsider):
    client.force_login(mentor)
    response = client.post(
        url("action_item_add", meeting.pk), {"title": "Spy", "assignee": outsider.pk}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not ActionItem.objects.exists()


def test_ticking_an_item_done_returns_to_the_page_it_came_from(
    client, pair, meeting, mentor, mentee
):
    item = ActionItem.objects.create(
        mentorship=pair, meeting=meeting, title="Read", assignee=mentee
    )
    client.force_login(mentee)
    back = url("meeting_list", pair.pk)
    response = client.post(url("action_item_done", item.pk), {"done": "1", "next": back})
    assert response["Location"] == back
    assert ActionItem.objects.get().done_at is not None
    response = client.post(
        url("action_item_done", item.pk), {"done": "0", "next": "https://evil.example.com/"}
    )
    assert response["Location"] == url("meeting_detail", meeting.pk)
    assert ActionItem.objects.get().done_at is None


# --- query counts ---------------------------------------------------------------------------
#
# Each page is measured against the layout's own queries (session, user, navigation, unread
# counts), taken on the calendar page, which adds a single query of its own.


def queries(client, address) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(address).status_code == 200
    return len(captured)


def layout_queries(client) -> int:
    return queries(client, url("calendar_feed")) - 1


def test_the_meeting_page_takes_a_bounded_number_of_queries(client, pair, meeting, mentor, mentee):
    services.shared_note_save(meeting=meeting, by=mentee, text="Note", version=0)
    services.private_note_save(meeting=meeting, by=mentor, text="Mine")
    for k in range(15):
        ActionItem.objects.create(
            mentorship=pair, meeting=meeting, title=f"Item {k}", assignee=[mentor, mentee][k % 2]
        )
    client.force_login(mentor)
    # The meeting, its members and their users, the shared note, the private note, the items.
    assert queries(client, url("meeting_detail", meeting.pk)) <= layout_queries(client) + 6


def test_the_list_page_takes_a_bounded_number_of_queries(client, pair, mentor, clock):
    for k in range(30):
        make_meeting(
            pair, by=mentor, start=soon(days=k - 15), status="completed", minutes_logged=60
        )
        ActionItem.objects.create(mentorship=pair, title=f"Item {k}", assignee=mentor)
    client.force_login(mentor)
    # The mentorship, its members, their users, a count and a page of meetings, the items,
    # the hours.
    assert queries(client, url("meeting_list", pair.pk)) <= layout_queries(client) + 7


def test_the_plan_page_takes_a_bounded_number_of_queries(client, pair, mentor, available, clock):
    for k in range(10):
        make_meeting(pair, by=mentor, start=soon(days=k, hours=3))
    client.force_login(mentor)
    # The mentorship, members, users, availability windows, meetings that take up the time.
    assert queries(client, url("meeting_new", pair.pk)) <= layout_queries(client) + 5
