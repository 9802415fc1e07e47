"""Every mentorship transition through its service: the legal ones do what they say and tell
people; the illegal ones say why and change nothing. And the rules for making a mentorship."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from lodestar.core.states import IllegalTransition
from lodestar.engagement.models import Notification
from lodestar.mentorships import seats
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.services import (
    mentorship_accept,
    mentorship_create,
    mentorship_decline,
    mentorship_end_early,
    mentorship_pause,
    mentorship_resume,
)
from lodestar.programs.models import Role
from tests import factories

from .conftest import enrolment_of

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return sorted(Notification.objects.filter(user=user).values_list("kind", flat=True))


def snapshot(mentorship) -> tuple:
    fresh = Mentorship.objects.get(pk=mentorship.pk)
    members = tuple(fresh.memberships.order_by("pk").values_list("response", "decline_reason"))
    return (fresh.status, fresh.ended_at, fresh.end_reason, fresh.start_date, members)


# --- answers to a proposal ------------------------------------------------------------------


def test_accepted_by_everyone_a_proposal_starts_and_both_are_told(
    proposed, mentor, mentee, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        mentorship_accept(mentorship=proposed, user=mentee)
    proposed.refresh_from_db()
    assert proposed.status == "proposed"
    assert proposed.start_date is None

    with django_capture_on_commit_callbacks(execute=True):
        mentorship_accept(mentorship=proposed, user=mentor)

    proposed.refresh_from_db()
    assert proposed.status == "active"
    assert proposed.start_date is not None
    assert kinds(mentor) == ["mentorship_started"]
    assert kinds(mentee) == ["mentorship_started"]
    assert kinds(coordinator) == ["proposal_accepted", "proposal_accepted"]
    started = [m for m in mail.outbox if "has started" in m.subject]
    assert sorted(m.to[0] for m in started) == [mentee.email, mentor.email]


def test_a_member_declines_with_a_reason_and_the_seats_are_free(
    proposed, mentor, mentee, coordinator, mentor_enrolment, mentee_enrolment
):
    assert seats.seats_taken(mentor_enrolment) == 1

    mentorship_decline(mentorship=proposed, user=mentee, reason="  Timezones clash.  ")

    proposed.refresh_from_db()
    assert proposed.status == "declined"
    assert proposed.end_reason == "Timezones clash."
    assert proposed.ended_by == mentee
    membership = proposed.memberships.get(user=mentee)
    assert (membership.response, membership.decline_reason) == ("declined", "Timezones clash.")
    assert seats.seats_taken(mentor_enrolment) == 0
    assert seats.seats_taken(mentee_enrolment) == 0
    assert kinds(mentor) == ["proposal_declined"]
    assert kinds(coordinator) == ["proposal_declined"]


@pytest.mark.parametrize("reason", ["", "   ", "x" * 2001])
def test_declining_needs_a_short_reason(proposed, mentee, reason):
    before = snapshot(proposed)
    with pytest.raises(ValidationError) as error:
        mentorship_decline(mentorship=proposed, user=mentee, reason=reason)
    assert "reason" in error.value.message_dict
    assert snapshot(proposed) == before


def test_answering_twice_is_refused(proposed, mentee):
    mentorship_accept(mentorship=proposed, user=mentee)
    before = snapshot(proposed)
    with pytest.raises(ValidationError, match="already answered"):
        mentorship_accept(mentorship=proposed, user=mentee)
    with pytest.raises(ValidationError, match="already answered"):
        mentorship_decline(mentorship=proposed, user=mentee, reason="Changed my mind")
    assert snapshot(proposed) == before


def test_nobody_answers_a_mentorship_that_is_no_longer_proposed(active, mentee):
    before = snapshot(active)
    with pytest.raises(ValidationError, match="no longer waiting for answers"):
        mentorship_accept(mentorship=active, user=mentee)
    with pytest.raises(ValidationError, match="no longer waiting for answers"):
        mentorship_decline(mentorship=active, user=mentee, reason="Not for me")
    assert snapshot(active) == before


def test_only_members_answer(proposed, outsider, coordinator):
    before = snapshot(proposed)
    for person in (outsider, coordinator):
        with pytest.raises(ValidationError, match="not part of this mentorship"):
            mentorship_accept(mentorship=proposed, user=person)
        with pytest.raises(ValidationError, match="not part of this mentorship"):
            mentorship_decline(mentorship=proposed, user=person, reason="No")
    assert snapshot(proposed) == before


# --- pause, resume, end early ---------------------------------------------------------------


def test_pause_and_resume(active, mentee, coordinator):
    mentorship_pause(mentorship=active, by=mentee)
    active.refresh_from_db()
    assert active.status == "paused"

    mentorship_resume(mentorship=active, by=coordinator)
    active.refresh_from_db()
    assert active.status == "active"


def test_a_paused_mentorship_still_holds_its_seats(active, mentee, mentor_enrolment):
    mentorship_pause(mentorship=active, by=mentee)
    assert seats.seats_taken(mentor_enrolment) == 1


@pytest.mark.parametrize(
    ("status", "move", "message"),
    [
        ("paused", mentorship_pause, "cannot go from “Paused” to “Paused”"),
        ("proposed", mentorship_pause, "cannot go from “Proposed” to “Paused”"),
        ("ended_early", mentorship_pause, "cannot go from “Ended early” to “Paused”"),
        ("closing", mentorship_pause, "cannot go from “Closing” to “Paused”"),
        ("active", mentorship_resume, "Only a paused mentorship can be resumed"),
        ("proposed", mentorship_resume, "Only a paused mentorship can be resumed"),
        ("closing", mentorship_resume, "Only a paused mentorship can be resumed"),
        ("declined", mentorship_resume, "Only a paused mentorship can be resumed"),
    ],
)
def test_illegal_pauses_and_resumes_say_why_and_change_nothing(
    program, mentor_enrolment, mentee_enrolment, coordinator, status, move, message
):
    mentorship = factories.make_mentorship(
        program, mentor=mentor_enrolment, mentees=[mentee_enrolment], status=status
    )
    before = snapshot(mentorship)
    with pytest.raises(IllegalTransition, match=message):
        move(mentorship=mentorship, by=coordinator)
    assert snapshot(mentorship) == before


@pytest.mark.parametrize("status", ["proposed", "active", "paused", "closing"])
def test_ending_early_frees_the_seats_and_tells_the_others(
    program, mentor, mentee, mentor_enrolment, mentee_enrolment, status
):
    mentorship = factories.make_mentorship(
        program, mentor=mentor_enrolment, mentees=[mentee_enrolment], status=status
    )
    mentorship_end_early(mentorship=mentorship, by=mentor, reason="We never managed to meet.")

    mentorship.refresh_from_db()
    assert mentorship.status == "ended_early"
    assert mentorship.ended_by == mentor
    assert mentorship.end_reason == "We never managed to meet."
    assert seats.seats_taken(mentee_enrolment) == 0
    assert kinds(mentee) == ["mentorship_ended"]
    assert kinds(mentor) == []


@pytest.mark.parametrize("status", ["ended_early", "completed", "declined"])
def test_a_finished_mentorship_cannot_end_again(
    program, mentor, mentor_enrolment, mentee_enrolment, status
):
    mentorship = factories.make_mentorship(
        program, mentor=mentor_enrolment, mentees=[mentee_enrolment], status=status
    )
    before = snapshot(mentorship)
    with pytest.raises(IllegalTransition, match="to “Ended early”"):
        mentorship_end_early(mentorship=mentorship, by=mentor, reason="Again")
    assert snapshot(mentorship) == before


def test_ending_early_needs_a_reason(active, mentor):
    before = snapshot(active)
    with pytest.raises(ValidationError) as error:
        mentorship_end_early(mentorship=active, by=mentor, reason=" ")
    assert "reason" in error.value.message_dict
    assert snapshot(active) == before


def test_outsiders_and_other_coordinators_cannot_pause_resume_or_end(
    active, outsider, other_coordinator
):
    before = snapshot(active)
    for person in (outsider, other_coordinator):
        with pytest.raises(ValidationError, match="not part of this mentorship"):
            mentorship_pause(mentorship=active, by=person)
        with pytest.raises(ValidationError, match="not part of this mentorship"):
            mentorship_end_early(mentorship=active, by=person, reason="Because")
    assert snapshot(active) == before


# --- making a mentorship --------------------------------------------------------------------


def make(program, mentors, mentees, **options):
    return mentorship_create(
        program=program, mentors=mentors, mentees=mentees, origin="manual", by=None, **options
    )


def test_a_mentorship_holds_seats_and_notifies_nobody_while_proposed(
    program, mentor, mentee, mentor_enrolment, mentee_enrolment
):
    mentorship = make(program, [mentor_enrolment], [mentee_enrolment])
    assert mentorship.status == "proposed"
    assert sorted(mentorship.memberships.values_list("role", "response")) == [
        ("mentee", "pending"),
        ("mentor", "pending"),
    ]
    assert seats.seats_left(mentor_enrolment) == 1
    assert Notification.objects.count() == 0


def test_an_active_manual_mentorship_tells_both(
    program, mentor, mentee, mentor_enrolment, mentee_enrolment
):
    mentorship = make(program, [mentor_enrolment], [mentee_enrolment], status="active")
    assert mentorship.start_date is not None
    assert kinds(mentor) == kinds(mentee) == ["mentorship_created"]


def test_roles_must_be_right(program, mentor_enrolment, mentee_enrolment):
    with pytest.raises(ValidationError, match="is not a mentor") as error:
        make(program, [mentee_enrolment], [mentor_enrolment])
    assert error.value.code == "wrong_role"
    assert Mentorship.objects.count() == 0


def test_people_must_be_approved(program, mentor_enrolment):
    applicant = factories.make_enrolment(
        program, factories.make_user("app@example.com", name="Appy"), status="applied"
    )
    with pytest.raises(ValidationError, match="Appy’s enrolment is not approved"):
        make(program, [mentor_enrolment], [applicant])
    assert Mentorship.objects.count() == 0


def test_people_must_be_in_the_program(program, other_program, mentor_enrolment, outsider):
    elsewhere = factories.make_enrolment(other_program, outsider)
    with pytest.raises(ValidationError, match="Otto Outsider is not in this program"):
        make(program, [mentor_enrolment], [elsewhere])
    assert Mentorship.objects.count() == 0


def test_a_mentee_has_one_mentorship_per_program(
    program, mentor_enrolment, mentee_enrolment, active
):
    with pytest.raises(ValidationError, match="already has a mentorship") as error:
        make(program, [mentor_enrolment], [mentee_enrolment])
    assert error.value.code == "already_matched"
    assert Mentorship.objects.count() == 1


def test_a_mentee_whose_mentorship_ended_can_be_matched_again(
    program, mentor, mentor_enrolment, mentee_enrolment, active
):
    mentorship_end_early(mentorship=active, by=mentor, reason="Mismatch")
    assert make(program, [mentor_enrolment], [mentee_enrolment]).status == "proposed"


def test_a_full_mentor_is_refused_unless_overridden(program, mentor_enrolment):
    mentees = [
        factories.make_enrolment(program, factories.make_user(f"m{i}@example.com"))
        for i in range(3)
    ]
    make(program, [mentor_enrolment], [mentees[0]])
    make(program, [mentor_enrolment], [mentees[1]])
    with pytest.raises(ValidationError, match="has no seat left") as error:
        make(program, [mentor_enrolment], [mentees[2]])
    assert error.value.code == "mentor_full"

    made = make(
        program,
        [mentor_enrolment],
        [mentees[2]],
        allow_over_capacity=True,
        override_reason="Asked for her specifically",
    )
    assert made.override_reason == "Asked for her specifically"
    assert seats.seats_taken(mentor_enrolment) == 3


def test_only_group_programs_put_several_mentees_with_a_mentor(program, mentor_enrolment):
    mentees = [
        factories.make_enrolment(program, factories.make_user(f"m{i}@example.com"))
        for i in range(2)
    ]
    with pytest.raises(ValidationError, match="Only group programs"):
        make(program, [mentor_enrolment], mentees)

    group = factories.make_program(name="Circles", kind="group")
    leader = factories.make_enrolment(
        group, factories.make_user("lead@example.com"), role="mentor", capacity=3
    )
    members = [factories.make_enrolment(group, e.user) for e in mentees]
    circle = make(group, [leader], members)
    assert len(circle.mentees) == 2 and len(circle.mentors) == 1
    assert seats.seats_left(leader) == 1


def test_a_peer_mentorship_is_two_peers(db):
    peers = factories.make_program(name="Peers", kind="peer")
    a, b, c = (
        factories.make_enrolment(peers, factories.make_user(f"p{i}@example.com"), role="peer")
        for i in range(3)
    )
    pair = make(peers, [], [a, b])
    assert sorted(pair.memberships.values_list("role", flat=True)) == [Role.PEER, Role.PEER]
    with pytest.raises(ValidationError, match="two peers"):
        make(peers, [], [c])
    with pytest.raises(ValidationError, match="already has a mentorship"):
        make(peers, [], [a, c])
    with pytest.raises(ValidationError, match="two peers"):
        make(peers, [a], [c])


def test_nobody_is_paired_with_themselves(program, mentor_enrolment):
    with pytest.raises(ValidationError, match="paired with themselves"):
        make(program, [mentor_enrolment], [mentor_enrolment])


def test_other_programs_enrolment_of_the_same_person_does_not_count(
    program, other_program, mentor, mentee, mentor_enrolment, mentee_enrolment, active
):
    other_mentor = factories.make_enrolment(other_program, mentor, role="mentor", capacity=1)
    other_mentee = factories.make_enrolment(other_program, mentee)
    make(other_program, [other_mentor], [other_mentee])
    assert enrolment_of(mentee, other_program) == other_mentee
    assert seats.seats_left(mentor_enrolment) == 1
