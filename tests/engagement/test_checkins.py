"""Check-ins: periods from the program's cadence, invitations once per period, the rules of
submitting, the call for help, and who reads what."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse

from lodestar.engagement.checkins import (
    checkin_due,
    checkin_help_handle,
    checkin_invitations_due,
    checkin_submit,
)
from lodestar.engagement.models import CheckIn, Notification
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db

START = date(2027, 1, 11)  # a Monday


@pytest.fixture
def pair(program, mentor, mentee):
    program.meeting_cadence = "weekly"
    program.save(update_fields=["meeting_cadence"])
    m = factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(user=mentor, program=program),
        mentees=[Enrolment.objects.get(user=mentee, program=program)],
    )
    m.start_date = START
    m.save(update_fields=["start_date"])
    return m


@pytest.fixture
def today_is(monkeypatch):
    """Set the local date the views see."""
    from django.utils import timezone

    def set_day(day: date):
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)

    return set_day


def invitations(user) -> int:
    return Notification.objects.filter(user=user, kind="checkin_due").count()


@pytest.mark.parametrize(
    "cadence, days", [("weekly", 7), ("fortnightly", 14), ("monthly", 30), ("as_needed", 30)]
)
def test_periods_follow_the_program_cadence(pair, mentee, cadence, days):
    pair.program.meeting_cadence = cadence
    pair.program.save()
    assert not checkin_due(pair, mentee, START + timedelta(days=days - 1)).open
    due = checkin_due(pair, mentee, START + timedelta(days=days))
    assert due.period_start == START + timedelta(days=days) and not due.submitted
    later = checkin_due(pair, mentee, START + timedelta(days=3 * days + 2))
    assert later.period_start == START + timedelta(days=3 * days)
    assert later.next_start == START + timedelta(days=4 * days)


def test_invitations_fire_on_the_first_day_of_each_period_once(
    pair, mentor, mentee, django_capture_on_commit_callbacks
):
    sent = {}
    with django_capture_on_commit_callbacks(execute=True):
        for offset in range(0, 22):
            day = START + timedelta(days=offset)
            sent[offset] = checkin_invitations_due(today=day)
            sent[offset] += checkin_invitations_due(today=day)  # a second run the same day
    assert {k: v for k, v in sent.items() if v} == {7: 2, 14: 2, 21: 2}
    assert invitations(mentor) == 3 and invitations(mentee) == 3
    assert len(mail.outbox) == 6
    note = Notification.objects.filter(user=mentee, kind="checkin_due").first()
    assert note.url == reverse("checkin", args=[pair.pk])
    assert "Spring Cohort" in note.text


def test_no_invitation_once_checked_in_or_when_not_active(pair, mentor, mentee, program):
    checkin_submit(mentorship=pair, by=mentee, mood=4, today=START + timedelta(days=7))
    assert checkin_invitations_due(today=START + timedelta(days=8)) == 1  # only the mentor
    assert invitations(mentee) == 0
    pair.status = "paused"
    pair.save()
    assert checkin_invitations_due(today=START + timedelta(days=14)) == 0


def test_the_command_sends_invitations(pair, today_is, capsys):
    today_is(START + timedelta(days=7))
    call_command("send_checkin_invitations")
    assert "Sent 2 check-in invitations." in capsys.readouterr().out
    call_command("send_checkin_invitations")
    assert "Sent 0 check-in invitations." in capsys.readouterr().out


def test_submitting_twice_in_a_period_is_refused(pair, mentee):
    day = START + timedelta(days=9)
    checkin_submit(mentorship=pair, by=mentee, mood=3, progress="ok", today=day)
    with pytest.raises(ValidationError, match="already checked in for this period"):
        checkin_submit(mentorship=pair, by=mentee, mood=5, today=day + timedelta(days=4))
    assert CheckIn.objects.get().mood == 3
    # The next period takes a new one.
    checkin_submit(mentorship=pair, by=mentee, mood=5, today=day + timedelta(days=5))
    assert CheckIn.objects.count() == 2


@pytest.mark.parametrize("mood", [0, 6, "", None, "great"])
def test_mood_out_of_range_is_refused(pair, mentee, mood):
    with pytest.raises(ValidationError) as error:
        checkin_submit(mentorship=pair, by=mentee, mood=mood, today=START + timedelta(days=7))
    assert "mood" in error.value.message_dict
    assert not CheckIn.objects.exists()


def test_non_members_and_finished_mentorships_cannot_check_in(pair, mentee, outsider, coordinator):
    day = START + timedelta(days=7)
    for person in (outsider, coordinator):
        with pytest.raises(ValidationError, match="not part of this mentorship"):
            checkin_submit(mentorship=pair, by=person, mood=3, today=day)
    pair.status = "completed"
    pair.save()
    with pytest.raises(ValidationError, match="read-only"):
        checkin_submit(mentorship=pair, by=mentee, mood=3, today=day)
    assert not CheckIn.objects.exists()


def test_before_the_first_period_the_check_in_is_not_open(pair, mentee):
    with pytest.raises(ValidationError, match="first check-in opens"):
        checkin_submit(mentorship=pair, by=mentee, mood=3, today=START + timedelta(days=2))


def test_asking_for_contact_alerts_every_coordinator_at_once(
    pair, mentee, coordinator, django_capture_on_commit_callbacks
):
    second = factories.make_user("second@example.com", name="Sam Second")
    pair.program.coordinators.add(second)
    with django_capture_on_commit_callbacks(execute=True):
        checkin_submit(
            mentorship=pair,
            by=mentee,
            mood=1,
            blockers="stuck",
            wants_contact=True,
            today=START + timedelta(days=7),
        )
    for person in (coordinator, second):
        note = Notification.objects.get(user=person, kind="checkin_help_wanted")
        assert note.text == "Mia Mentee would like a coordinator of Spring Cohort to get in touch."
        assert note.url == reverse("program_checkins", args=["spring"])
    assert sorted(m.to[0] for m in mail.outbox) == [
        "coordinator@example.com",
        "second@example.com",
    ]


def test_no_alert_without_the_help_flag(pair, mentee, coordinator):
    checkin_submit(mentorship=pair, by=mentee, mood=2, today=START + timedelta(days=7))
    assert not Notification.objects.filter(kind="checkin_help_wanted").exists()


# --- pages ----------------------------------------------------------------------------------


def test_member_checks_in_through_the_page(client, pair, mentee, today_is):
    today_is(START + timedelta(days=7))
    client.force_login(mentee)
    url = reverse("checkin", args=[pair.pk])
    page = client.get(url).content.decode()
    assert "<legend>How is your mentorship going?</legend>" in page
    assert "1 — very badly" in page and "5 — very well" in page
    response = client.post(url, {"mood": "4", "progress": "PROGRESS-TEXT", "blockers": "B"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Done for this period." in page and "PROGRESS-TEXT" in page
    again = client.post(url, {"mood": "2"})
    assert again.status_code == 400
    assert "already checked in" in again.content.decode()
    assert CheckIn.objects.get().mood == 4


def test_page_shows_the_mood_error(client, pair, mentee, today_is):
    today_is(START + timedelta(days=7))
    client.force_login(mentee)
    response = client.post(reverse("checkin", args=[pair.pk]), {"mood": "9"})
    assert response.status_code == 400 and not CheckIn.objects.exists()


def test_the_other_member_never_sees_your_answers(client, pair, mentor, mentee, today_is):
    today_is(START + timedelta(days=7))
    checkin_submit(
        mentorship=pair,
        by=mentee,
        mood=2,
        progress="SECRET-PROGRESS",
        blockers="SECRET-BLOCKER",
        today=START + timedelta(days=7),
    )
    client.force_login(mentor)
    for url in (reverse("checkin", args=[pair.pk]), reverse("mentorship_detail", args=[pair.pk])):
        page = client.get(url).content.decode()
        assert "SECRET-PROGRESS" not in page and "SECRET-BLOCKER" not in page
    assert "Send my check-in" in client.get(reverse("checkin", args=[pair.pk])).content.decode()


def test_the_check_in_page_is_for_members_only(client, pair, coordinator, outsider):
    for person in (coordinator, outsider):
        client.force_login(person)
        assert client.get(reverse("checkin", args=[pair.pk])).status_code == 404


def test_coordinators_read_the_words_only_when_help_was_asked(
    client, pair, mentor, mentee, coordinator
):
    checkin_submit(
        mentorship=pair,
        by=mentee,
        mood=2,
        progress="QUIET-PROGRESS",
        blockers="QUIET-BLOCKER",
        today=START + timedelta(days=7),
    )
    checkin_submit(
        mentorship=pair,
        by=mentor,
        mood=1,
        progress="LOUD-PROGRESS",
        blockers="LOUD-BLOCKER",
        wants_contact=True,
        today=START + timedelta(days=7),
    )
    client.force_login(coordinator)
    page = client.get(reverse("program_checkins", args=["spring"])).content.decode()
    assert "QUIET-PROGRESS" not in page and "QUIET-BLOCKER" not in page
    assert "LOUD-PROGRESS" in page and "LOUD-BLOCKER" in page
    assert "2 of 5" in page and "1 of 5" in page
    assert "Yes — open" in page
    # The workspace's panel: moods and the flag, no words at all.
    panel = client.get(reverse("mentorship_detail", args=[pair.pk])).content.decode()
    for secret in ("QUIET-PROGRESS", "LOUD-PROGRESS", "LOUD-BLOCKER"):
        assert secret not in panel


def test_coordinator_marks_a_help_request_handled(client, pair, mentor, coordinator):
    found = checkin_submit(
        mentorship=pair, by=mentor, mood=1, wants_contact=True, today=START + timedelta(days=7)
    )
    client.force_login(coordinator)
    url = reverse("checkin_handle", args=["spring", found.pk])
    assert client.post(url).status_code == 302
    found.refresh_from_db()
    assert found.handled_at is not None and found.handled_by == coordinator
    page = client.get(reverse("program_checkins", args=["spring"])).content.decode()
    assert "No open requests." in page and "Yes — handled" in page
    with pytest.raises(ValidationError, match="already marked"):
        checkin_help_handle(checkin=found, by=coordinator)


def test_other_coordinators_get_404(client, pair, mentor, other_coordinator, outsider):
    found = checkin_submit(
        mentorship=pair, by=mentor, mood=1, wants_contact=True, today=START + timedelta(days=7)
    )
    for person in (other_coordinator, outsider):
        client.force_login(person)
        assert client.get(reverse("program_checkins", args=["spring"])).status_code == 404
        url = reverse("checkin_handle", args=["spring", found.pk])
        assert client.post(url).status_code == 404
    found.refresh_from_db()
    assert found.handled_at is None
    with pytest.raises(ValidationError):
        checkin_help_handle(checkin=found, by=mentor)


def test_coordinator_page_query_count(
    client, program, pair, mentor, mentee, coordinator, django_assert_max_num_queries
):
    for n in range(6):
        men = factories.make_enrolment(program, factories.make_user(f"m{n}@example.com"))
        tor = factories.make_enrolment(
            program, factories.make_user(f"t{n}@example.com"), role="mentor"
        )
        other = factories.make_mentorship(program, mentor=tor, mentees=[men])
        other.start_date = START
        other.save()
        checkin_submit(
            mentorship=other,
            by=men.user,
            mood=3,
            wants_contact=n % 2 == 0,
            today=START + timedelta(days=7),
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("program_checkins", args=["spring"]))
    assert response.status_code == 200
