"""Meetings in the API beyond the list: propose, read, confirm, move, cancel, record held or
missed, and the notes — for the pair's members only, through the meeting services. The shared
note is the members'; a private note is its author's alone."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from lodestar.engagement.models import Notification
from lodestar.meetings.models import ActionItem, Meeting, MeetingNote, PrivateNote
from lodestar.meetings.states import MeetingStatus
from lodestar.mentorships.states import MentorshipStatus

from .conftest import assert_problem, bearer, call


def soon(days=7):
    return (timezone.now() + timedelta(days=days)).replace(microsecond=0)


@pytest.fixture
def proposed(pair, mentor):
    return Meeting.objects.create(
        mentorship=pair, proposed_by=mentor, start=soon(), duration=60, agenda="Career talk"
    )


@pytest.fixture
def started(pair, mentor):
    """Confirmed, and began half an hour ago."""
    now = timezone.now()
    return Meeting.objects.create(
        mentorship=pair,
        proposed_by=mentor,
        start=now - timedelta(minutes=30),
        duration=60,
        status=MeetingStatus.CONFIRMED,
        confirmed_at=now - timedelta(days=1),
    )


def url(meeting, tail=""):
    return f"/api/v1/mentorships/{meeting.mentorship_id}/meetings/{meeting.pk}/{tail}"


def new_url(pair):
    return f"/api/v1/mentorships/{pair.pk}/meetings/"


# Proposing -------------------------------------------------------------------------------------


def test_a_member_proposes_a_meeting_and_the_other_is_asked(client, pair, mentee, mentor):
    start = soon(10)
    body = {
        "start": start.isoformat(),
        "duration": 45,
        "mode": "phone",
        "place": "+44 20 7946 0000",
        "agenda": "My CV",
    }
    response = call(client, mentee, "POST", new_url(pair), body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["status"], created["duration"], created["mode"]) == ("proposed", 45, "phone")
    assert created["proposed_by"]["name"] == "Mia Mentee"
    meeting = Meeting.objects.get(pk=created["id"])
    assert meeting.start == start and meeting.agenda == "My CV"
    assert Notification.objects.filter(user=mentor, kind="meeting_proposed").exists()


def test_a_time_with_an_offset_is_kept_in_utc(client, pair, mentee):
    start = soon(10).astimezone(timezone.get_fixed_timezone(120))
    response = call(client, mentee, "POST", new_url(pair), {"start": start.isoformat()})
    assert response.status_code == 201
    assert response.json()["start"].endswith("Z") or response.json()["start"].endswith("+00:00")
    assert Meeting.objects.get().start == start


def test_repeating_proposes_a_series(client, pair, mentee):
    response = call(
        client, mentee, "POST", new_url(pair), {"start": soon(3).isoformat(), "repeat": True}
    )
    assert response.status_code == 201
    series = response.json()["series"]
    assert series and Meeting.objects.filter(series=series).count() > 1


def test_a_time_in_the_past_is_refused_naming_start(client, pair, mentee):
    past = (timezone.now() - timedelta(days=1)).isoformat()
    body = assert_problem(call(client, mentee, "POST", new_url(pair), {"start": past}), 400)
    assert [e["field"] for e in body["errors"]] == ["start"]
    assert not Meeting.objects.exists()


def test_a_clash_with_another_meeting_is_refused(client, pair, mentee, proposed):
    body = {"start": (proposed.start + timedelta(minutes=15)).isoformat()}
    problem = assert_problem(call(client, mentee, "POST", new_url(pair), body), 400)
    assert problem["errors"][0]["field"] == "start"
    assert Meeting.objects.count() == 1


def test_a_length_out_of_bounds_is_refused_naming_duration(client, pair, mentee):
    body = {"start": soon().isoformat(), "duration": 5}
    problem = assert_problem(call(client, mentee, "POST", new_url(pair), body), 400)
    assert [e["field"] for e in problem["errors"]] == ["duration"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "start"),
        ({"start": "tomorrow"}, "start"),
        ({"start": "2031-05-01T10:00:00"}, "start"),  # no offset: whose 10 o'clock?
        ({"start": "9999-12-31T23:00:00Z"}, "start"),
        ({"start": "2031-05-01T10:00:00Z", "mode": "carrier pigeon"}, "mode"),
        ({"start": "2031-05-01T10:00:00Z", "agenda": "nul\x00"}, "agenda"),
    ],
)
def test_a_bad_body_is_unprocessable_and_names_the_field(client, pair, mentee, body, field):
    problem = assert_problem(call(client, mentee, "POST", new_url(pair), body), 422)
    assert field in [error["field"] for error in problem["errors"]]
    assert not Meeting.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "site_admin", "other_member", "outsider"])
def test_non_members_cannot_propose(client, pair, people, role):
    response = call(client, people[role], "POST", new_url(pair), {"start": soon().isoformat()})
    assert_problem(response, 404)
    assert not Meeting.objects.exists()


def test_no_meeting_is_proposed_in_an_ended_mentorship(client, pair, mentee):
    pair.status = MentorshipStatus.COMPLETED
    pair.save(update_fields=["status"])
    response = call(client, mentee, "POST", new_url(pair), {"start": soon().isoformat()})
    assert "read-only" in assert_problem(response, 400)["detail"]
    assert not Meeting.objects.exists()


# Reading one -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 401),
        ("mentee", 200),
        ("mentor", 200),
        ("other_member", 404),
        ("outsider", 404),
        ("coordinator", 404),
        ("site_admin", 404),
    ],
)
def test_a_meeting_is_for_the_members_only(client, proposed, people, role, status):
    response = call(client, people[role], "GET", url(proposed))
    if status != 200:
        body = assert_problem(response, status)
        assert "Career" not in json.dumps(body)
        return
    assert response.status_code == 200
    assert response.json()["agenda"] == "Career talk"


def test_a_meeting_under_another_mentorship_is_not_found(client, pair, proposed, mentee):
    response = call(
        client, mentee, "GET", f"/api/v1/mentorships/{pair.pk + 1}/meetings/{proposed.pk}/"
    )
    assert_problem(response, 404)


def test_each_member_reads_the_shared_note_and_only_their_own_private_note(
    client, proposed, mentor, mentee
):
    MeetingNote.objects.create(meeting=proposed, text="We agreed on three steps", version=1)
    PrivateNote.objects.create(meeting=proposed, author=mentor, text="Mentor's worry")
    PrivateNote.objects.create(meeting=proposed, author=mentee, text="Mentee's doubt")
    ActionItem.objects.create(
        mentorship=proposed.mentorship, meeting=proposed, title="Send CV", assignee=mentee
    )
    as_mentor = call(client, mentor, "GET", url(proposed))
    as_mentee = call(client, mentee, "GET", url(proposed))
    assert as_mentor.json()["shared_note"]["text"] == "We agreed on three steps"
    assert as_mentee.json()["shared_note"]["text"] == "We agreed on three steps"
    assert as_mentor.json()["private_note"]["text"] == "Mentor's worry"
    assert as_mentee.json()["private_note"]["text"] == "Mentee's doubt"
    assert "Mentee's doubt" not in as_mentor.content.decode()
    assert "Mentor's worry" not in as_mentee.content.decode()
    assert [i["title"] for i in as_mentee.json()["action_items"]] == ["Send CV"]


def test_the_list_still_shows_no_note_nor_agenda(client, proposed, mentee):
    PrivateNote.objects.create(meeting=proposed, author=mentee, text="Mentee's doubt")
    listed = call(client, mentee, "GET", new_url(proposed.mentorship)).content.decode()
    assert "doubt" not in listed and "Career" not in listed


def test_reading_a_meeting_takes_a_bounded_number_of_queries(
    client, proposed, mentee, django_assert_max_num_queries
):
    for title in ("One", "Two", "Three"):
        ActionItem.objects.create(
            mentorship=proposed.mentorship, meeting=proposed, title=title, assignee=mentee
        )
    headers = bearer(mentee)
    with django_assert_max_num_queries(14):
        assert client.get(url(proposed), **headers).status_code == 200


# Its life -------------------------------------------------------------------------------------


def test_the_other_member_confirms_a_proposed_meeting(client, proposed, mentee):
    response = call(client, mentee, "POST", url(proposed, "confirm/"))
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "confirmed"
    proposed.refresh_from_db()
    assert proposed.status == MeetingStatus.CONFIRMED and proposed.confirmed_at


def test_the_proposer_does_not_confirm_their_own_time(client, proposed, mentor):
    body = assert_problem(call(client, mentor, "POST", url(proposed, "confirm/")), 400)
    assert "another member confirms" in body["detail"]
    proposed.refresh_from_db()
    assert proposed.status == MeetingStatus.PROPOSED


def test_proposing_another_time_waits_for_confirmation_again(client, proposed, mentee):
    proposed.status = MeetingStatus.CONFIRMED
    proposed.save(update_fields=["status"])
    later = soon(9)
    response = call(
        client, mentee, "POST", url(proposed, "reschedule/"), {"start": later.isoformat()}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "proposed"
    assert response.json()["proposed_by"]["name"] == "Mia Mentee"
    proposed.refresh_from_db()
    assert proposed.start == later and proposed.duration == 60


def test_the_same_time_again_is_refused_naming_start(client, proposed, mentee):
    body = {"start": proposed.start.isoformat()}
    problem = assert_problem(call(client, mentee, "POST", url(proposed, "reschedule/"), body), 400)
    assert problem["errors"][0]["field"] == "start"


def test_a_member_cancels_a_meeting_to_come(client, proposed, mentee):
    response = call(client, mentee, "POST", url(proposed, "cancel/"))
    assert response.json()["status"] == "cancelled"
    proposed.refresh_from_db()
    assert proposed.status == MeetingStatus.CANCELLED


def test_a_cancelled_meeting_cannot_change_again(client, proposed, mentee):
    proposed.status = MeetingStatus.CANCELLED
    proposed.save(update_fields=["status"])
    start = proposed.start
    assert_problem(call(client, mentee, "POST", url(proposed, "cancel/")), 400)
    body = {"start": soon(9).isoformat()}
    assert_problem(call(client, mentee, "POST", url(proposed, "reschedule/"), body), 400)
    proposed.refresh_from_db()
    assert (proposed.status, proposed.start) == (MeetingStatus.CANCELLED, start)


def test_a_started_meeting_is_recorded_held_with_its_minutes(client, started, mentor):
    response = call(client, mentor, "POST", url(started, "complete/"), {"minutes": 50})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["minutes_logged"]) == ("completed", 50)


def test_held_without_minutes_counts_the_planned_length(client, started, mentor):
    response = call(client, mentor, "POST", url(started, "complete/"))
    assert response.json()["minutes_logged"] == 60


def test_a_started_meeting_is_recorded_missed(client, started, mentee):
    assert call(client, mentee, "POST", url(started, "missed/")).json()["status"] == "missed"


def test_a_meeting_to_come_is_not_recorded_held_nor_missed(client, proposed, mentee):
    assert_problem(call(client, mentee, "POST", url(proposed, "complete/")), 400)
    assert_problem(call(client, mentee, "POST", url(proposed, "missed/")), 400)
    proposed.refresh_from_db()
    assert proposed.status == MeetingStatus.PROPOSED


def test_a_held_meeting_is_final_and_minutes_are_checked(client, started, mentee):
    problem = assert_problem(
        call(client, mentee, "POST", url(started, "complete/"), {"minutes": 0}), 400
    )
    assert problem["errors"][0]["field"] == "minutes"
    call(client, mentee, "POST", url(started, "complete/"))
    assert_problem(call(client, mentee, "POST", url(started, "missed/")), 400)
    started.refresh_from_db()
    assert started.status == MeetingStatus.COMPLETED


@pytest.mark.parametrize(
    "tail, body",
    [
        ("confirm/", None),
        ("reschedule/", {"start": "2031-05-01T10:00:00Z"}),
        ("cancel/", None),
        ("complete/", None),
        ("missed/", None),
        ("note/", {"text": "Theirs", "version": 0}),
        ("private-note/", {"text": "Theirs"}),
    ],
)
@pytest.mark.parametrize("role", ["coordinator", "site_admin", "other_member", "outsider"])
def test_non_members_change_nothing(client, started, people, role, tail, body):
    before = Meeting.objects.values().get(pk=started.pk)
    assert_problem(
        call(
            client, people[role], "POST" if "note" not in tail else "PUT", url(started, tail), body
        ),
        404,
    )
    assert Meeting.objects.values().get(pk=started.pk) == before
    assert not MeetingNote.objects.exists() and not PrivateNote.objects.exists()


def test_a_read_only_token_cannot_cancel(client, proposed, mentee):
    assert_problem(call(client, mentee, "POST", url(proposed, "cancel/"), scope="read"), 403)
    proposed.refresh_from_db()
    assert proposed.status == MeetingStatus.PROPOSED


# Notes ------------------------------------------------------------------------------------------


def test_members_write_the_shared_note_by_version(client, proposed, mentor, mentee):
    first = call(client, mentor, "PUT", url(proposed, "note/"), {"text": "Step one", "version": 0})
    assert first.status_code == 200, first.content
    assert first.json()["shared_note"]["version"] == 1
    second = call(client, mentee, "PUT", url(proposed, "note/"), {"text": "Steps", "version": 1})
    assert second.json()["shared_note"] == {
        "text": "Steps",
        "version": 2,
        "updated_at": second.json()["shared_note"]["updated_at"],
        "last_edited_by": {"user_id": mentee.pk, "name": "Mia Mentee"},
    }


def test_saving_over_someone_elses_newer_note_is_a_conflict(client, proposed, mentor, mentee):
    call(client, mentor, "PUT", url(proposed, "note/"), {"text": "Mentor's text", "version": 0})
    stale = call(client, mentee, "PUT", url(proposed, "note/"), {"text": "Mine", "version": 0})
    body = assert_problem(stale, 409)
    assert body["errors"][0]["field"] == "version"
    assert MeetingNote.objects.get(meeting=proposed).text == "Mentor's text"


def test_a_version_ahead_of_any_saved_note_is_refused(client, proposed, mentee):
    body = {"text": "Mine", "version": 3}
    problem = assert_problem(call(client, mentee, "PUT", url(proposed, "note/"), body), 400)
    assert problem["errors"][0]["field"] == "version"
    assert not MeetingNote.objects.exists()


def test_a_private_note_is_saved_for_its_author_only(client, proposed, mentor, mentee):
    response = call(client, mentee, "PUT", url(proposed, "private-note/"), {"text": "Nervous"})
    assert response.json()["private_note"]["text"] == "Nervous"
    assert PrivateNote.objects.get(meeting=proposed).author == mentee
    assert call(client, mentor, "GET", url(proposed)).json()["private_note"] is None
    assert "Nervous" not in call(client, mentor, "GET", url(proposed)).content.decode()


@pytest.mark.parametrize(
    "tail, body, field",
    [
        ("note/", {"text": "No version"}, "version"),
        ("note/", {"text": "x", "version": -1}, "version"),
        ("private-note/", {}, "body.text"),
        ("private-note/", {"text": 42}, "body.text"),
        ("complete/", {"minutes": "an hour"}, "body.minutes"),
    ],
)
def test_a_bad_note_or_minutes_is_unprocessable(client, started, mentee, tail, body, field):
    method = "POST" if tail == "complete/" else "PUT"
    problem = assert_problem(call(client, mentee, method, url(started, tail), body), 422)
    assert field in [error["field"] for error in problem["errors"]]
    started.refresh_from_db()
    assert started.status == MeetingStatus.CONFIRMED
    assert not MeetingNote.objects.exists() and not PrivateNote.objects.exists()


def test_a_note_too_long_is_refused_naming_text(client, proposed, mentee):
    body = {"text": "x" * 20001, "version": 0}
    problem = assert_problem(call(client, mentee, "PUT", url(proposed, "note/"), body), 400)
    assert problem["errors"][0]["field"] == "text"
    assert not MeetingNote.objects.exists()
