"""Every meeting transition through its service: the legal ones do what they say, tell the
others and reach their calendars; the illegal ones say why and change nothing."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from icalendar import Calendar

from lodestar.engagement.models import Notification
from lodestar.meetings import services
from lodestar.meetings.models import Meeting
from lodestar.meetings.selectors import hours_together
from lodestar.programs.models import Enrolment
from tests import factories

from .conftest import make_meeting, soon

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def snapshot(meeting) -> tuple:
    fresh = Meeting.objects.get(pk=meeting.pk)
    return (fresh.status, fresh.start, fresh.duration, fresh.sequence, fresh.proposed_by_id)


def calendar_mails() -> list:
    """(recipient, parsed iCalendar, method parameter) of each email with a calendar part."""
    found = []
    for message in mail.outbox:
        for part in message.attachments:
            if getattr(part, "get_content_type", lambda: "")() == "text/calendar":
                parsed = Calendar.from_ical(part.get_payload(decode=True))
                found.append((message.to[0], parsed, part.get_param("method")))
    return found


@pytest.fixture
def proposed(pair, mentor, clock):
    return make_meeting(pair, by=mentor, start=soon(days=2))


@pytest.fixture
def confirmed(pair, mentor, clock):
    return make_meeting(pair, by=mentor, start=soon(days=2), status="confirmed", sequence=1)


# --- proposing ------------------------------------------------------------------------------


def test_a_member_proposes_and_the_other_is_asked_in_their_own_time_zone(
    pair, mentor, mentee, clock, django_capture_on_commit_callbacks
):
    start = datetime(2027, 1, 12, 21, tzinfo=UTC)  # Tue 13:00 in LA, Wed 10:00 in Auckland
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_propose(
            mentorship=pair, by=mentor, start=start, duration=45, mode="video", agenda="CV"
        )
    assert (meeting.status, meeting.start, meeting.duration) == ("proposed", start, 45)
    assert meeting.proposed_by == mentor
    assert meeting.ical_uid.endswith("@lodestar") and meeting.sequence == 0
    assert kinds(mentee) == ["meeting_proposed"] and kinds(mentor) == []
    notice = Notification.objects.get(user=mentee)
    assert "10 a.m." in notice.params["when"] and "Pacific/Auckland" in notice.params["when"]
    assert "Jan. 13, 2027" in notice.params["when"]
    assert [m.to for m in mail.outbox] == [[mentee.email]]
    assert calendar_mails() == []  # nothing goes to calendars before a confirmation


def test_proposing_a_time_in_the_past_is_refused(pair, mentor, clock):
    with pytest.raises(ValidationError) as error:
        services.meeting_propose(mentorship=pair, by=mentor, start=soon(minutes=-1))
    assert "start" in error.value.message_dict
    assert not Meeting.objects.exists()


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"duration": 5}, "duration"),
        ({"mode": "carrier_pigeon"}, "mode"),
        ({"place": "x" * 501}, "place"),
    ],
)
def test_bad_details_are_refused(pair, mentor, clock, fields, key):
    with pytest.raises(ValidationError) as error:
        services.meeting_propose(mentorship=pair, by=mentor, start=soon(days=1), **fields)
    assert key in error.value.message_dict
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("persona", ["outsider", "coordinator", "other_pair_mentor"])
def test_only_members_propose(pair, clock, persona, request):
    with pytest.raises(ValidationError, match="not part of this mentorship"):
        services.meeting_propose(
            mentorship=pair, by=request.getfixturevalue(persona), start=soon(days=1)
        )
    assert not Meeting.objects.exists()


def test_a_finished_mentorship_takes_no_meetings(pair, mentor, clock):
    pair.status = "completed"
    pair.save()
    with pytest.raises(ValidationError, match="read-only"):
        services.meeting_propose(mentorship=pair, by=mentor, start=soon(days=1))


def test_two_meetings_of_a_pair_cannot_overlap(pair, mentor, mentee, proposed):
    with pytest.raises(ValidationError, match="already have a meeting"):
        services.meeting_propose(
            mentorship=pair, by=mentee, start=proposed.start + timedelta(minutes=30)
        )
    # Right after it is fine.
    services.meeting_propose(mentorship=pair, by=mentee, start=proposed.end)
    assert Meeting.objects.count() == 2


def test_repeating_at_a_weekly_cadence_keeps_the_proposers_local_time_across_summer_time(
    pair, program, mentee, clock
):
    program.meeting_cadence = "weekly"
    program.save()
    clock.set(datetime(2027, 3, 20, tzinfo=UTC))
    auckland = ZoneInfo("Pacific/Auckland")
    start = datetime(2027, 3, 30, 9, tzinfo=auckland)  # NZ summer time ends on 4 Apr
    first = services.meeting_propose(mentorship=pair, by=mentee, start=start, repeat=True)
    series = list(Meeting.objects.filter(series=first.series).order_by("start"))
    assert first.series is not None and len(series) == 1 + services.REPEAT_COUNT
    assert {m.status for m in series} == {"proposed"}
    assert [m.start.astimezone(auckland).strftime("%d %b %H:%M") for m in series] == [
        "30 Mar 09:00",
        "06 Apr 09:00",
        "13 Apr 09:00",
        "20 Apr 09:00",
    ]
    assert [m.start.astimezone(UTC).hour for m in series] == [20, 21, 21, 21]
    assert len({m.ical_uid for m in series}) == 4


def test_as_needed_programs_repeat_nothing(pair, program, mentee, clock):
    program.meeting_cadence = "as_needed"
    program.save()
    first = services.meeting_propose(mentorship=pair, by=mentee, start=soon(days=1), repeat=True)
    assert first.series is None and Meeting.objects.count() == 1


def test_confirming_one_meeting_of_a_series_confirms_only_that_one(
    pair, program, mentor, mentee, clock
):
    program.meeting_cadence = "fortnightly"
    program.save()
    first = services.meeting_propose(mentorship=pair, by=mentor, start=soon(days=1), repeat=True)
    services.meeting_confirm(meeting=first, by=mentee)
    statuses = list(Meeting.objects.filter(series=first.series).values_list("status", flat=True))
    assert statuses == ["confirmed", "proposed", "proposed", "proposed"]


# --- confirming -----------------------------------------------------------------------------


def test_the_other_member_confirms_and_everyone_gets_an_invitation(
    pair, mentor, mentee, proposed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_confirm(meeting=proposed, by=mentee)
    assert meeting.status == "confirmed" and meeting.confirmed_at is not None
    assert meeting.sequence == 1 and meeting.invited_at is not None
    assert kinds(mentor) == ["meeting_confirmed"]
    sent = calendar_mails()
    assert sorted(to for to, _cal, _method in sent) == [mentee.email, mentor.email]
    for _to, parsed, method in sent:
        assert method == "REQUEST" and str(parsed["METHOD"]) == "REQUEST"
        event = parsed.walk("VEVENT")[0]
        assert str(event["UID"]) == proposed.ical_uid and event["SEQUENCE"] == 1
        assert event.decoded("DTSTART") == proposed.start
    # One email each: the invitation carries the news, the notice is not emailed too.
    assert len(mail.outbox) == 2


def test_the_proposer_cannot_confirm_their_own_time(mentor, proposed):
    before = snapshot(proposed)
    with pytest.raises(ValidationError, match="another member confirms it"):
        services.meeting_confirm(meeting=proposed, by=mentor)
    assert snapshot(proposed) == before


@pytest.mark.parametrize("status", ["cancelled", "completed", "missed"])
def test_a_finished_meeting_cannot_be_confirmed(pair, mentor, mentee, clock, status):
    meeting = make_meeting(pair, by=mentor, start=soon(days=1), status=status)
    with pytest.raises(ValidationError, match="can no longer change"):
        services.meeting_confirm(meeting=meeting, by=mentee)
    assert Meeting.objects.get(pk=meeting.pk).status == status


def test_a_confirmed_meeting_is_not_confirmed_twice(mentee, confirmed):
    with pytest.raises(ValidationError, match="already confirmed"):
        services.meeting_confirm(meeting=confirmed, by=mentee)


def test_a_proposal_whose_time_passed_cannot_be_confirmed(mentee, proposed, clock):
    clock.advance(days=3)
    with pytest.raises(ValidationError, match="passed"):
        services.meeting_confirm(meeting=proposed, by=mentee)
    assert Meeting.objects.get(pk=proposed.pk).status == "proposed"


@pytest.mark.parametrize("persona", ["outsider", "coordinator", "other_pair_mentor"])
def test_non_members_cannot_confirm(proposed, persona, request):
    with pytest.raises(ValidationError, match="not part of this mentorship"):
        services.meeting_confirm(meeting=proposed, by=request.getfixturevalue(persona))
    assert Meeting.objects.get(pk=proposed.pk).status == "proposed"


def test_in_a_group_circle_any_member_but_the_proposer_confirms_for_everyone(
    program, mentor, mentee, clock, django_capture_on_commit_callbacks
):
    second = factories.make_user("sam@example.com", name="Sam Second")
    enrolments = [
        Enrolment.objects.get(user=mentee, program=program),
        factories.make_enrolment(program, second),
    ]
    circle = factories.make_mentorship(
        program, mentor=Enrolment.objects.get(user=mentor, program=program), mentees=enrolments
    )
    meeting = services.meeting_propose(mentorship=circle, by=mentee, start=soon(days=1))
    assert kinds(mentor) == ["meeting_proposed"] and kinds(second) == ["meeting_proposed"]
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_confirm(meeting=meeting, by=second)
    assert sorted(to for to, _c, _m in calendar_mails()) == sorted(
        [mentor.email, mentee.email, second.email]
    )
    event = calendar_mails()[0][1].walk("VEVENT")[0]
    assert len(event["ATTENDEE"]) == 3


# --- proposing another time -----------------------------------------------------------------


def test_another_time_for_a_confirmed_meeting_goes_back_to_proposed_and_updates_calendars(
    mentor, mentee, confirmed, django_capture_on_commit_callbacks
):
    new_start = confirmed.start + timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_reschedule(meeting=confirmed, by=mentee, start=new_start)
    assert (meeting.status, meeting.start, meeting.proposed_by) == ("proposed", new_start, mentee)
    assert meeting.sequence == 2 and meeting.confirmed_at is None
    assert kinds(mentor) == ["meeting_rescheduled"]
    sent = calendar_mails()
    assert len(sent) == 2
    for _to, parsed, method in sent:
        event = parsed.walk("VEVENT")[0]
        assert method == "REQUEST"
        assert str(event["UID"]) == confirmed.ical_uid and event["SEQUENCE"] == 2
        assert event.decoded("DTSTART") == new_start and str(event["STATUS"]) == "TENTATIVE"
    # Then the mentor, who did not propose the new time, confirms it: sequence 3.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_confirm(meeting=meeting, by=mentor)
    assert {c.walk("VEVENT")[0]["SEQUENCE"] for _t, c, _m in calendar_mails()} == {3}
    # Whoever proposes the newest time waits for the others.
    meeting = services.meeting_reschedule(
        meeting=meeting, by=mentor, start=new_start + timedelta(hours=2)
    )
    with pytest.raises(ValidationError, match="another member confirms it"):
        services.meeting_confirm(meeting=meeting, by=mentor)
    assert services.meeting_confirm(meeting=meeting, by=mentee).sequence == 5


def test_another_time_for_a_proposal_is_just_a_new_proposal(
    mentor, mentee, proposed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_reschedule(
            meeting=proposed, by=mentee, start=proposed.start + timedelta(hours=3), duration=30
        )
    assert meeting.status == "proposed" and meeting.duration == 30
    assert calendar_mails() == []
    assert [m.to for m in mail.outbox] == [[mentor.email]]  # the notice, by email


def test_the_same_time_again_is_refused(mentee, proposed):
    with pytest.raises(ValidationError, match="already this meeting"):
        services.meeting_reschedule(meeting=proposed, by=mentee, start=proposed.start)


@pytest.mark.parametrize("status", ["cancelled", "completed", "missed"])
def test_a_finished_meeting_does_not_move(pair, mentor, clock, status):
    meeting = make_meeting(pair, by=mentor, start=soon(days=1), status=status)
    with pytest.raises(ValidationError, match="can no longer change"):
        services.meeting_reschedule(meeting=meeting, by=mentor, start=soon(days=2))


def test_another_time_in_the_past_is_refused(mentee, proposed):
    before = snapshot(proposed)
    with pytest.raises(ValidationError):
        services.meeting_reschedule(meeting=proposed, by=mentee, start=soon(hours=-2))
    assert snapshot(proposed) == before


# --- details --------------------------------------------------------------------------------


def test_a_new_place_updates_calendars_but_an_agenda_edit_does_not_email(
    mentee, confirmed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(meeting=confirmed, by=mentee, mode="video", agenda="Portfolio")
    assert Meeting.objects.get(pk=confirmed.pk).sequence == 1 and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(
            meeting=confirmed,
            by=mentee,
            mode="in_person",
            place="Café Lodestar",
            agenda="Portfolio",
        )
    assert Meeting.objects.get(pk=confirmed.pk).sequence == 2
    event = calendar_mails()[0][1].walk("VEVENT")[0]
    assert str(event["LOCATION"]) == "Café Lodestar" and event["SEQUENCE"] == 2
    assert "Portfolio" in str(event["DESCRIPTION"])


# --- cancelling -----------------------------------------------------------------------------


def test_cancelling_a_proposal_tells_the_other_but_sends_no_calendar_message(
    mentor, mentee, proposed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        meeting = services.meeting_cancel(meeting=proposed, by=mentee)
    assert meeting.status == "cancelled"
    assert kinds(mentor) == ["meeting_cancelled"]
    assert calendar_mails() == [] and [m.to for m in mail.outbox] == [[mentor.email]]


def test_cancelling_a_confirmed_meeting_sends_a_cancel_with_a_higher_sequence(
    mentor, mentee, confirmed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(meeting=confirmed, by=mentor)
    sent = calendar_mails()
    assert sorted(to for to, _c, _m in sent) == [mentee.email, mentor.email]
    for _to, parsed, method in sent:
        event = parsed.walk("VEVENT")[0]
        assert method == "CANCEL" and str(parsed["METHOD"]) == "CANCEL"
        assert str(event["STATUS"]) == "CANCELLED"
        assert str(event["UID"]) == confirmed.ical_uid and event["SEQUENCE"] == 2
    assert all("cancelled" in m.subject.lower() for m in mail.outbox)
    assert kinds(mentee) == ["meeting_cancelled"]


def test_a_started_confirmed_meeting_is_marked_held_or_missed_not_cancelled(
    mentor, confirmed, clock
):
    clock.advance(days=2, minutes=5)
    with pytest.raises(ValidationError, match="held or missed"):
        services.meeting_cancel(meeting=confirmed, by=mentor)


def test_a_cancelled_meeting_is_not_cancelled_again(pair, mentor, clock):
    meeting = make_meeting(pair, by=mentor, start=soon(days=1), status="cancelled")
    with pytest.raises(ValidationError):
        services.meeting_cancel(meeting=meeting, by=mentor)


def test_when_a_mentorship_ends_its_coming_meetings_are_cancelled(
    pair, mentor, mentee, confirmed, clock, django_capture_on_commit_callbacks
):
    later = make_meeting(pair, by=mentee, start=soon(days=9))
    past = make_meeting(pair, by=mentee, start=soon(days=-9), status="completed")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.meetings_cancel_upcoming(mentorship=pair) == 2
    statuses = dict(Meeting.objects.values_list("pk", "status"))
    assert statuses == {confirmed.pk: "cancelled", later.pk: "cancelled", past.pk: "completed"}
    assert {m for _t, _c, m in calendar_mails()} == {"CANCEL"}  # the invited one only
    assert len(calendar_mails()) == 2


# --- held or missed -------------------------------------------------------------------------


def test_completing_before_the_start_is_refused(mentor, confirmed):
    with pytest.raises(ValidationError, match="not started yet"):
        services.meeting_complete(meeting=confirmed, by=mentor)
    assert Meeting.objects.get(pk=confirmed.pk).status == "confirmed"


def test_completed_meetings_add_up_to_the_hours_together(pair, mentor, mentee, confirmed, clock):
    clock.advance(days=3)
    meeting = services.meeting_complete(meeting=confirmed, by=mentee)
    assert meeting.status == "completed" and meeting.minutes_logged == 60
    other = make_meeting(pair, by=mentor, start=soon(days=-1), status="confirmed")
    services.meeting_complete(meeting=other, by=mentor, minutes=30)
    assert hours_together(pair) == 1.5


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1])
def test_minutes_must_be_sensible(mentor, confirmed, clock, minutes):
    clock.advance(days=3)
    with pytest.raises(ValidationError) as error:
        services.meeting_complete(meeting=confirmed, by=mentor, minutes=minutes)
    assert "minutes" in error.value.message_dict
    assert Meeting.objects.get(pk=confirmed.pk).status == "confirmed"


def test_an_unconfirmed_meeting_cannot_be_held_or_missed(mentor, proposed, clock):
    clock.advance(days=3)
    with pytest.raises(ValidationError, match="never confirmed"):
        services.meeting_complete(meeting=proposed, by=mentor)
    with pytest.raises(ValidationError, match="never confirmed"):
        services.meeting_mark_missed(meeting=proposed, by=mentor)


def test_a_missed_meeting_counts_no_time(pair, mentor, confirmed, clock):
    with pytest.raises(ValidationError, match="not started yet"):
        services.meeting_mark_missed(meeting=confirmed, by=mentor)
    clock.advance(days=3)
    assert services.meeting_mark_missed(meeting=confirmed, by=mentor).status == "missed"
    assert hours_together(pair) == 0
    with pytest.raises(ValidationError):
        services.meeting_complete(meeting=confirmed, by=mentor)


def test_non_members_cannot_close_a_meeting(confirmed, outsider, coordinator, clock):
    clock.advance(days=3)
    for person in (outsider, coordinator):
        with pytest.raises(ValidationError, match="not part of this mentorship"):
            services.meeting_complete(meeting=confirmed, by=person)


# --- notes ----------------------------------------------------------------------------------


def test_the_shared_note_saves_from_the_version_it_was_loaded_at(mentor, mentee, proposed):
    first = services.shared_note_save(meeting=proposed, by=mentor, text="Talk about CV", version=0)
    assert first.version == 1
    second = services.shared_note_save(
        meeting=proposed, by=mentee, text="Talk about CV and portfolio", version=1
    )
    assert (second.version, second.last_edited_by) == (2, mentee)


def test_a_stale_save_does_not_overwrite_and_returns_the_saved_version(mentor, mentee, proposed):
    services.shared_note_save(meeting=proposed, by=mentor, text="Max's words", version=0)
    with pytest.raises(services.NoteConflict) as conflict:
        services.shared_note_save(meeting=proposed, by=mentee, text="Mia's words", version=0)
    assert conflict.value.note.text == "Max's words"
    assert "Max Mentor saved the shared note" in conflict.value.messages[0]
    note = proposed.shared_note
    note.refresh_from_db()
    assert (note.text, note.version) == ("Max's words", 1)


def test_each_member_has_their_own_private_note(mentor, mentee, proposed):
    services.private_note_save(meeting=proposed, by=mentor, text="Mine")
    services.private_note_save(meeting=proposed, by=mentee, text="Hers")
    services.private_note_save(meeting=proposed, by=mentee, text="Hers, edited")
    notes = dict(proposed.private_notes.values_list("author__email", "text"))
    assert notes == {mentor.email: "Mine", mentee.email: "Hers, edited"}


def test_non_members_write_no_notes(proposed, coordinator):
    with pytest.raises(ValidationError):
        services.shared_note_save(meeting=proposed, by=coordinator, text="x", version=0)
    with pytest.raises(ValidationError):
        services.private_note_save(meeting=proposed, by=coordinator, text="x")


# --- action items ---------------------------------------------------------------------------


def test_an_action_item_is_given_to_a_member_who_is_told(
    pair, mentor, mentee, proposed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        item = services.action_item_add(
            mentorship=pair,
            by=mentor,
            title="Update the CV",
            assignee=mentee,
            due=(soon(days=7)).date(),
            meeting=proposed,
        )
    assert (item.assignee, item.meeting, item.done_at) == (mentee, proposed, None)
    assert kinds(mentee) == ["action_item_assigned"]
    assert Notification.objects.get(user=mentee).params["title"] == "Update the CV"
    assert [m.to for m in mail.outbox] == [[mentee.email]]
    # Giving oneself an item tells nobody.
    services.action_item_add(mentorship=pair, by=mentor, title="Send links", assignee=mentor)
    assert kinds(mentor) == []


def test_action_items_go_to_members_only_with_a_date_to_come(pair, mentor, outsider, clock):
    with pytest.raises(ValidationError) as error:
        services.action_item_add(
            mentorship=pair,
            by=mentor,
            title=" ",
            assignee=outsider,
            due=(soon(days=-2)).date(),
        )
    assert set(error.value.message_dict) == {"title", "assignee", "due"}
    assert not pair.action_items.exists()


def test_ticking_an_item_done_and_open_again(pair, mentor, mentee, clock):
    item = services.action_item_add(mentorship=pair, by=mentor, title="Read", assignee=mentee)
    assert services.action_item_set_done(item=item, by=mentee).done_at == clock.now
    assert services.action_item_set_done(item=item, by=mentor, done=False).done_at is None
    with pytest.raises(ValidationError):
        services.action_item_set_done(item=item, by=factories.make_user("x@example.com"))


# --- calendar feeds -------------------------------------------------------------------------


def test_a_feed_keeps_only_a_hash_of_its_token_and_a_new_one_revokes_the_old(mentor):
    first, token = services.calendar_feed_create(user=mentor)
    assert token not in first.token_hash and len(first.token_hash) == 64
    second, other_token = services.calendar_feed_create(user=mentor)
    first.refresh_from_db()
    assert first.revoked_at is not None and second.revoked_at is None
    assert token != other_token
    assert services.calendar_feed_revoke(user=mentor) == 1


def test_ending_a_mentorship_early_cancels_its_meetings_still_to_come(pair, mentor, mentee):
    from lodestar.mentorships.services import mentorship_end_early

    upcoming = make_meeting(pair, by=mentor, start=soon(days=3), status="confirmed")
    held = make_meeting(pair, by=mentor, start=soon(days=-3), status="completed")

    mentorship_end_early(mentorship=pair, by=mentee, reason="We are not a good fit.")

    upcoming.refresh_from_db()
    held.refresh_from_db()
    assert upcoming.status == "cancelled"
    assert held.status == "completed"
