"""Closure and transition through the services: every way a closure starts (a member, a
coordinator, the program's end date after a notice, a whole cohort at once), every way it
finishes (everyone reflected, thirty days passed, ended early), reopening, and every refusal,
each changing nothing."""

from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lodestar.engagement.models import Notification
from lodestar.meetings.models import Meeting
from lodestar.mentorships import seats
from lodestar.mentorships.closure import (
    closure_finish_due,
    closure_remind_due,
    closure_reopen,
    closure_start,
    closure_start_due,
    closures_bulk_start,
    reflection_submit,
)
from lodestar.mentorships.models import Closure, ClosureNotice, Mentorship, Reflection
from lodestar.mentorships.services import mentorship_end_early
from tests import factories

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def snapshot(mentorship) -> tuple:
    fresh = Mentorship.objects.get(pk=mentorship.pk)
    closure = Closure.objects.filter(mentorship=fresh).values_list(
        "reason", "outcome", "finished_at", "reopened_at", "started_at"
    )
    reflections = Reflection.objects.filter(closure__mentorship=fresh).values_list(
        "user_id", "accomplishments", "gratitude", "submitted_at"
    )
    return (fresh.status, fresh.ended_at, list(closure), sorted(reflections))


def reflect(closure, user, **fields) -> Reflection:
    values = {
        "accomplishments": "Ran my first design review.",
        "learned": "To ask before I answer.",
        "differently": "Meet more often.",
        "gratitude": "",
        "transition": "continue_informally",
        **fields,
    }
    return reflection_submit(closure=closure, by=user, **values)


def another_mentee(program, email="nina@example.com", name="Nina Next"):
    return factories.make_enrolment(program, factories.make_user(email, name=name))


@pytest.fixture
def closing(active, mentor):
    return closure_start(mentorship=active, by=mentor, reason="goals_achieved")


# --- starting -------------------------------------------------------------------------------


def test_a_member_starts_closing_and_the_others_are_asked_to_reflect(active, mentor, mentee):
    closure = closure_start(
        mentorship=active, by=mentor, reason="goals_achieved", reason_note="  All done.  "
    )

    active.refresh_from_db()
    assert active.status == "closing"
    assert (closure.started_by, closure.reason, closure.reason_note) == (
        mentor,
        "goals_achieved",
        "All done.",
    )
    assert closure.outcome == "completed" and closure.finished_at is None
    assert kinds(mentee) == ["closure_started"]
    assert kinds(mentor) == []
    notice = Notification.objects.get(user=mentee)
    assert notice.params["person"] == "Max Mentor"
    assert notice.url == f"/mentorships/{active.pk}/closure/"


def test_a_coordinator_starts_closing_and_every_member_is_told(active, coordinator, mentor, mentee):
    closure_start(mentorship=active, by=coordinator, reason="availability")
    assert kinds(mentor) == kinds(mentee) == ["closure_started"]
    assert Closure.objects.get(mentorship=active).started_by == coordinator


@pytest.mark.parametrize(
    "reason, outcome",
    [
        ("goals_achieved", "completed"),
        ("program_ended", "completed"),
        ("mismatch", "ended_early"),
        ("availability", "ended_early"),
        ("other", "ended_early"),
    ],
)
def test_the_outcome_follows_the_reason(active, mentee, reason, outcome):
    assert closure_start(mentorship=active, by=mentee, reason=reason).outcome == outcome


def test_a_coordinator_may_choose_the_other_outcome(active, coordinator):
    closure = closure_start(
        mentorship=active, by=coordinator, reason="availability", outcome="completed"
    )
    assert closure.outcome == "completed"


def test_a_member_cannot_choose_the_outcome(active, mentee):
    before = snapshot(active)
    with pytest.raises(ValidationError) as error:
        closure_start(mentorship=active, by=mentee, reason="mismatch", outcome="completed")
    assert error.value.message_dict == {"outcome": ["Only a coordinator can choose the outcome."]}
    assert snapshot(active) == before


def test_a_paused_mentorship_can_be_closed(program, mentor_enrolment, mentee_enrolment, mentee):
    paused = factories.make_mentorship(
        program, mentor=mentor_enrolment, mentees=[mentee_enrolment], status="paused"
    )
    closure_start(mentorship=paused, by=mentee, reason="availability")
    assert Mentorship.objects.get(pk=paused.pk).status == "closing"


def test_outsiders_and_other_coordinators_cannot_start_a_closure(
    active, outsider, other_coordinator
):
    before = snapshot(active)
    for person in (outsider, other_coordinator):
        with pytest.raises(ValidationError, match="not part of this mentorship"):
            closure_start(mentorship=active, by=person, reason="goals_achieved")
    assert snapshot(active) == before
    assert not Notification.objects.exists()


@pytest.mark.parametrize("status", ["proposed", "closing", "completed", "ended_early", "declined"])
def test_only_an_active_or_paused_mentorship_can_be_closed(
    program, mentor, mentor_enrolment, mentee_enrolment, status
):
    mentorship = factories.make_mentorship(
        program, mentor=mentor_enrolment, mentees=[mentee_enrolment], status=status
    )
    before = snapshot(mentorship)
    with pytest.raises(ValidationError, match="Only an active or paused mentorship"):
        closure_start(mentorship=mentorship, by=mentor, reason="goals_achieved")
    assert snapshot(mentorship) == before


@pytest.mark.parametrize(
    "fields, key",
    [
        ({"reason": "bored"}, "reason"),
        ({"reason": ""}, "reason"),
        ({"reason": "other", "reason_note": "x" * 2001}, "reason_note"),
        ({"reason": "other", "outcome": "maybe"}, "outcome"),
    ],
)
def test_a_closure_needs_a_known_reason_a_short_note_and_a_known_outcome(
    active, coordinator, fields, key
):
    before = snapshot(active)
    with pytest.raises(ValidationError) as error:
        closure_start(mentorship=active, by=coordinator, **fields)
    assert key in error.value.message_dict
    assert snapshot(active) == before


# --- reflecting and finishing ---------------------------------------------------------------


def test_when_every_member_has_reflected_the_mentorship_completes(
    closing, active, mentor, mentee, mentor_enrolment, mentee_enrolment
):
    upcoming = Meeting.objects.create(
        mentorship=active, proposed_by=mentor, start=timezone.now() + 3 * DAY, status="confirmed"
    )
    reflect(closing, mentee)
    active.refresh_from_db()
    assert active.status == "closing"
    assert seats.seats_taken(mentee_enrolment) == 1

    reflect(closing, mentor)

    active.refresh_from_db()
    closing.refresh_from_db()
    assert active.status == "completed"
    assert active.ended_at == closing.finished_at is not None
    assert active.ended_by == mentor
    assert seats.seats_taken(mentee_enrolment) == seats.seats_taken(mentor_enrolment) == 0
    upcoming.refresh_from_db()
    assert upcoming.status == "cancelled"  # what mentorship_finished does
    assert "mentorship_completed" in kinds(mentor)
    assert "mentorship_completed" in kinds(mentee)


def test_a_closure_for_a_mismatch_ends_the_mentorship_early(active, mentor, mentee):
    closure = closure_start(mentorship=active, by=mentee, reason="mismatch")
    reflect(closure, mentee)
    reflect(closure, mentor)
    active.refresh_from_db()
    assert active.status == "ended_early"
    assert Closure.objects.get(pk=closure.pk).outcome == "ended_early"
    assert "mentorship_ended" in kinds(mentor) and "mentorship_completed" not in kinds(mentor)


def test_a_reflection_can_be_changed_until_the_closure_finishes(closing, mentor, mentee):
    reflect(closing, mentee, accomplishments="First draft.")
    reflect(closing, mentee, accomplishments="  A better account.  ", transition="new_goals")

    reflection = Reflection.objects.get(closure=closing, user=mentee)
    assert (reflection.accomplishments, reflection.transition) == (
        "A better account.",
        "new_goals",
    )
    assert Reflection.objects.count() == 1

    reflect(closing, mentor)
    before = snapshot(closing.mentorship)
    with pytest.raises(ValidationError, match="no longer closing"):
        reflect(closing, mentee, accomplishments="Too late.")
    assert snapshot(closing.mentorship) == before


def test_a_note_of_thanks_is_told_to_the_others_once(closing, mentor, mentee):
    reflect(closing, mentee, gratitude="Thank you for every Tuesday.")
    assert kinds(mentor) == ["gratitude_received"]
    assert Notification.objects.get(user=mentor).params["person"] == "Mia Mentee"

    reflect(closing, mentee, gratitude="Thank you for every single Tuesday.")
    assert kinds(mentor) == ["gratitude_received"]


@pytest.mark.parametrize(
    "fields, key",
    [
        ({"accomplishments": ""}, "accomplishments"),
        ({"accomplishments": "   "}, "accomplishments"),
        ({"accomplishments": "x" * 5001}, "accomplishments"),
        ({"learned": "x" * 5001}, "learned"),
        ({"differently": "x" * 5001}, "differently"),
        ({"gratitude": "x" * 3001}, "gratitude"),
        ({"transition": "emigrate"}, "transition"),
    ],
)
def test_a_reflection_needs_accomplishments_short_texts_and_a_known_transition(
    closing, mentee, fields, key
):
    with pytest.raises(ValidationError) as error:
        reflect(closing, mentee, **fields)
    assert key in error.value.message_dict
    assert not Reflection.objects.exists()


def test_only_members_reflect(closing, coordinator, outsider):
    for person in (coordinator, outsider):
        with pytest.raises(ValidationError, match="not part of this mentorship"):
            reflect(closing, person)
    assert not Reflection.objects.exists()


# --- the program's end date -----------------------------------------------------------------


@pytest.fixture
def ending(program, active):
    """The program ends in twenty days."""
    program.end_date = timezone.localdate() + 20 * DAY
    program.save(update_fields=["end_date"])
    return program


def at(day, hour=12):
    """Noon (by default) on a date: the scheduler's clock in a test."""
    return timezone.make_aware(datetime.combine(day, time(hour)))


def test_members_hear_of_the_end_once_the_notice_days_before(ending, active, mentor, mentee):
    end = ending.end_date
    assert closure_start_due(now=at(end - 15 * DAY)) == 0
    assert kinds(mentee) == []

    assert closure_start_due(now=at(end - 14 * DAY)) == 1
    assert kinds(mentee) == kinds(mentor) == ["closure_upcoming"]
    assert Notification.objects.get(user=mentee).params["when"]
    assert closure_start_due(now=at(end - 13 * DAY)) == 0
    assert kinds(mentee) == ["closure_upcoming"]
    assert Mentorship.objects.get(pk=active.pk).status == "active"


def test_the_notice_follows_the_program_setting(ending, mentee):
    ending.closure_notice_days = 3
    ending.save(update_fields=["closure_notice_days"])
    assert closure_start_due(now=at(ending.end_date - 4 * DAY)) == 0
    assert closure_start_due(now=at(ending.end_date - 3 * DAY)) == 1


def test_a_moved_end_date_gets_its_own_notice(ending, mentee):
    closure_start_due(now=at(ending.end_date - 14 * DAY))
    ending.end_date += 10 * DAY
    ending.save(update_fields=["end_date"])
    closure_start_due(now=at(ending.end_date - 14 * DAY))
    assert kinds(mentee) == ["closure_upcoming", "closure_upcoming"]
    assert ClosureNotice.objects.count() == 2


def test_at_the_end_date_running_mentorships_start_closing_by_nobody(
    ending, active, mentor, mentee, mentee_enrolment
):
    waiting = factories.make_mentorship(
        ending,
        mentor=factories.make_enrolment(
            ending, factories.make_user("p@example.com"), role="mentor"
        ),
        mentees=[another_mentee(ending)],
        status="proposed",
    )
    assert closure_start_due(now=at(ending.end_date - DAY)) == 1  # the notice only

    assert closure_start_due(now=at(ending.end_date, hour=1)) == 1

    closure = Closure.objects.get(mentorship=active)
    assert (closure.started_by, closure.reason, closure.outcome) == (
        None,
        "program_ended",
        "completed",
    )
    assert Mentorship.objects.get(pk=active.pk).status == "closing"
    assert Mentorship.objects.get(pk=waiting.pk).status == "proposed"
    started = Notification.objects.get(user=mentee, kind="closure_started")
    assert started.params["person"] == "The program’s end date"
    assert closure_start_due(now=at(ending.end_date + DAY)) == 0


def test_a_mentorship_a_coordinator_reopened_after_the_end_date_is_not_closed_again(
    ending, active, coordinator
):
    closure_start_due(now=at(ending.end_date, hour=1))
    closure = Closure.objects.get(mentorship=active)
    closure_reopen(closure=closure, by=coordinator)
    # It was the morning after the end date (the test's clock cannot reopen in the future).
    Closure.objects.filter(pk=closure.pk).update(reopened_at=at(ending.end_date + DAY, hour=9))

    assert closure_start_due(now=at(ending.end_date + DAY, hour=10)) == 0
    assert closure_start_due(now=at(ending.end_date + 5 * DAY)) == 0
    assert Mentorship.objects.get(pk=active.pk).status == "active"


def test_a_mentorship_reopened_earlier_in_the_program_still_closes_at_its_end(
    ending, active, mentor, coordinator
):
    mentorship_end_early(mentorship=active, by=mentor, reason="By mistake.")
    closure_reopen(closure=Closure.objects.get(mentorship=active), by=coordinator)
    assert Mentorship.objects.get(pk=active.pk).status == "active"

    assert closure_start_due(now=at(ending.end_date)) == 1
    closure = Closure.objects.get(mentorship=active)
    assert (closure.started_by, closure.reason) == (None, "program_ended")
    assert Mentorship.objects.get(pk=active.pk).status == "closing"


# --- reminders, and no closure open for ever ------------------------------------------------


def test_who_has_not_reflected_is_reminded_once_a_week_after_the_start(closing, mentor, mentee):
    reflect(closing, mentee)
    started = closing.started_at
    assert closure_remind_due(now=started + 6 * DAY) == 0

    assert closure_remind_due(now=started + 7 * DAY) == 1
    assert kinds(mentor) == ["closure_reminder"]
    assert "closure_reminder" not in kinds(mentee)
    assert closure_remind_due(now=started + 8 * DAY) == 0
    assert kinds(mentor) == ["closure_reminder"]


def test_a_closure_still_open_after_thirty_days_finishes_anyway(closing, active, mentee):
    reflect(closing, mentee)
    assert closure_finish_due(now=closing.started_at + 29 * DAY) == 0
    assert Mentorship.objects.get(pk=active.pk).status == "closing"

    assert closure_finish_due(now=closing.started_at + 30 * DAY) == 1
    active.refresh_from_db()
    assert active.status == "completed"
    assert Closure.objects.get(pk=closing.pk).finished_at is not None
    assert closure_finish_due(now=closing.started_at + 31 * DAY) == 0


def test_a_closure_whose_remaining_members_have_all_reflected_finishes_at_the_next_run(
    closing, active, mentor, mentee
):
    reflect(closing, mentee)
    # The mentor leaves (as a coordinator may take someone out of a circle).
    active.memberships.filter(user=mentor).delete()
    assert closure_finish_due() == 1
    assert Mentorship.objects.get(pk=active.pk).status == "completed"


# --- ending early is a closure too ----------------------------------------------------------


def test_ending_early_records_a_finished_closure_with_its_reason(active, mentor):
    mentorship_end_early(mentorship=active, by=mentor, reason="She moved abroad.")
    closure = Closure.objects.get(mentorship=active)
    assert (closure.reason, closure.reason_note, closure.outcome) == (
        "other",
        "She moved abroad.",
        "ended_early",
    )
    assert closure.started_by == mentor and closure.finished_at is not None


def test_ending_a_closing_mentorship_early_finishes_its_closure(closing, active, mentee):
    mentorship_end_early(mentorship=active, by=mentee, reason="We stop here.")
    closure = Closure.objects.get(pk=closing.pk)
    assert (closure.reason, closure.outcome) == ("goals_achieved", "ended_early")
    assert closure.finished_at is not None
    assert Mentorship.objects.get(pk=active.pk).status == "ended_early"


def test_a_withdrawn_proposal_records_no_closure(proposed, coordinator):
    mentorship_end_early(mentorship=proposed, by=coordinator, reason="Wrong pair.")
    assert not Closure.objects.exists()


# --- reopening ------------------------------------------------------------------------------


@pytest.fixture
def completed(closing, active, mentor, mentee):
    reflect(closing, mentee, gratitude="Thanks!")
    reflect(closing, mentor)
    closing.refresh_from_db()
    return closing


def test_a_coordinator_reopens_a_finished_closure_and_the_members_are_told(
    completed, active, coordinator, mentor, mentee, mentee_enrolment
):
    closure_reopen(closure=completed, by=coordinator)

    active.refresh_from_db()
    completed.refresh_from_db()
    assert active.status == "active"
    assert (active.ended_at, active.ended_by, active.end_reason) == (None, None, "")
    assert completed.finished_at is None
    assert completed.reopened_by == coordinator and completed.reopened_at is not None
    assert seats.seats_taken(mentee_enrolment) == 1
    assert "closure_reopened" in kinds(mentor) and "closure_reopened" in kinds(mentee)
    assert Reflection.objects.count() == 2  # nothing anyone wrote is lost


def test_reopening_an_open_closure_returns_it_to_active(closing, active, coordinator):
    closure_reopen(closure=closing, by=coordinator)
    assert Mentorship.objects.get(pk=active.pk).status == "active"


def test_a_closure_started_again_asks_for_new_reflections(
    completed, active, coordinator, mentor, mentee
):
    closure_reopen(closure=completed, by=coordinator)
    again = closure_start(mentorship=active, by=mentee, reason="program_ended")
    assert again.pk == completed.pk

    reflect(again, mentee)
    # The mentor's reflection from before the reopening is a draft, not this round's.
    assert Mentorship.objects.get(pk=active.pk).status == "closing"
    reflect(again, mentor)
    assert Mentorship.objects.get(pk=active.pk).status == "completed"


def test_reopening_is_refused_when_the_mentor_gave_the_seat_away(
    completed, active, coordinator, program, mentor_enrolment
):
    mentor_enrolment.capacity = 1
    mentor_enrolment.save(update_fields=["capacity"])
    factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[another_mentee(program)])
    before = snapshot(active)

    with pytest.raises(ValidationError, match="Max Mentor has given this seat to another mentee"):
        closure_reopen(closure=completed, by=coordinator)
    assert snapshot(active) == before


def test_reopening_is_refused_when_the_mentee_started_another_mentorship(
    completed, active, coordinator, program, mentee_enrolment
):
    other = factories.make_enrolment(program, factories.make_user("m2@example.com"), role="mentor")
    factories.make_mentorship(program, mentor=other, mentees=[mentee_enrolment])
    with pytest.raises(ValidationError, match="Mia Mentee has started another mentorship"):
        closure_reopen(closure=completed, by=coordinator)
    assert Mentorship.objects.get(pk=active.pk).status == "completed"


def test_reopening_is_refused_after_thirty_days(completed, active, coordinator):
    Closure.objects.filter(pk=completed.pk).update(finished_at=timezone.now() - timedelta(days=31))
    with pytest.raises(ValidationError, match="within 30 days"):
        closure_reopen(closure=completed, by=coordinator)
    assert Mentorship.objects.get(pk=active.pk).status == "completed"


def test_only_a_coordinator_of_the_program_reopens(
    completed, active, mentor, mentee, other_coordinator
):
    before = snapshot(active)
    for person in (mentor, mentee, other_coordinator):
        with pytest.raises(ValidationError, match="Only a coordinator"):
            closure_reopen(closure=completed, by=person)
    assert snapshot(active) == before


def test_a_reopened_mentorship_cannot_be_reopened_again(completed, coordinator):
    closure_reopen(closure=completed, by=coordinator)
    with pytest.raises(ValidationError, match="not closed"):
        closure_reopen(closure=completed, by=coordinator)


# --- closing a cohort -----------------------------------------------------------------------


@pytest.fixture
def cohort(program, active, mentor_enrolment):
    """Besides `active`: a paused pair, a proposed one and a completed one."""
    paused = factories.make_mentorship(
        program, mentor=mentor_enrolment, mentees=[another_mentee(program)], status="paused"
    )
    other_mentor = factories.make_enrolment(
        program, factories.make_user("x@example.com"), role="mentor", capacity=3
    )
    proposed = factories.make_mentorship(
        program,
        mentor=other_mentor,
        mentees=[another_mentee(program, "y@example.com", "Yan")],
        status="proposed",
    )
    done = factories.make_mentorship(
        program,
        mentor=other_mentor,
        mentees=[another_mentee(program, "z@example.com", "Zoe")],
        status="completed",
    )
    return {"active": active, "paused": paused, "proposed": proposed, "completed": done}


def statuses(cohort) -> dict[str, str]:
    return {name: Mentorship.objects.get(pk=m.pk).status for name, m in cohort.items()}


def test_a_coordinator_closes_every_running_mentorship_of_the_cohort(
    cohort, program, coordinator, mentee
):
    assert closures_bulk_start(program=program, by=coordinator) == 2
    assert statuses(cohort) == {
        "active": "closing",
        "paused": "closing",
        "proposed": "proposed",
        "completed": "completed",
    }
    assert set(Closure.objects.values_list("reason", "started_by")) == {
        ("program_ended", coordinator.pk)
    }
    assert kinds(mentee) == ["closure_started"]


def test_a_coordinator_closes_the_chosen_mentorships(cohort, program, coordinator):
    count = closures_bulk_start(program=program, by=coordinator, mentorships=[cohort["paused"]])
    assert count == 1
    assert statuses(cohort)["active"] == "active"
    assert statuses(cohort)["paused"] == "closing"


def test_closing_a_cohort_is_all_or_nothing(cohort, program, other_program, coordinator):
    before = statuses(cohort)
    with pytest.raises(ValidationError, match="Nothing was closed"):
        closures_bulk_start(
            program=program, by=coordinator, mentorships=[cohort["active"], cohort["completed"]]
        )
    assert statuses(cohort) == before
    assert not Closure.objects.exists()
    with pytest.raises(ValidationError, match="at least one"):
        closures_bulk_start(program=program, by=coordinator, mentorships=[])


def test_only_a_coordinator_of_the_program_closes_a_cohort(
    cohort, program, mentor, other_coordinator
):
    for person in (mentor, other_coordinator):
        with pytest.raises(ValidationError, match="Only a coordinator"):
            closures_bulk_start(program=program, by=person)
    assert not Closure.objects.exists()
