"""Answers to a published proposal: accepting starts the mentorship once both have; declining
ends it, tells the others and the coordinators, frees the seats and keeps the pair apart."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from lodestar.engagement.models import Notification
from lodestar.matches.inputs import build_problem
from lodestar.matches.models import Exclusion
from lodestar.matches.services.responses import proposal_accept, proposal_decline
from lodestar.mentorships import seats
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.services import mentorship_create
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program, mentor, mentee):
    return (
        Enrolment.objects.get(user=mentor, program=program),
        Enrolment.objects.get(user=mentee, program=program),
    )


@pytest.fixture
def proposed(program, pair, coordinator):
    mentor_enrolment, mentee_enrolment = pair
    return mentorship_create(
        program=program,
        mentors=[mentor_enrolment],
        mentees=[mentee_enrolment],
        origin="algorithm",
        by=coordinator,
    )


def state(mentorship):
    fresh = Mentorship.objects.get(pk=mentorship.pk)
    answers = tuple(fresh.memberships.order_by("pk").values_list("response", flat=True))
    return fresh.status, answers, Exclusion.objects.count(), Notification.objects.count()


def test_accepted_by_both_the_mentorship_starts_and_both_hear_it(
    proposed, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal_accept(mentorship=proposed, user=mentor)
        proposal_accept(mentorship=proposed, user=mentee)

    proposed.refresh_from_db()
    assert proposed.status == "active"
    for person in (mentor, mentee):
        notice = Notification.objects.get(user=person, kind="mentorship_started")
        assert notice.url == f"/mentorships/{proposed.pk}/"
    assert {m.to[0] for m in mail.outbox if "has started" in m.subject} == {
        mentor.email,
        mentee.email,
    }
    assert Exclusion.objects.count() == 0


def test_a_decline_tells_the_others_and_coordinators_and_keeps_the_pair_apart(
    program, pair, proposed, mentor, mentee, coordinator, django_capture_on_commit_callbacks
):
    mentor_enrolment, mentee_enrolment = pair
    with django_capture_on_commit_callbacks(execute=True):
        proposal_decline(mentorship=proposed, user=mentee, reason="I need a designer.")

    proposed.refresh_from_db()
    assert proposed.status == "declined"
    assert proposed.memberships.get(user=mentee).decline_reason == "I need a designer."
    exclusion = Exclusion.objects.get()
    assert (exclusion.mentee, exclusion.mentor, exclusion.source, exclusion.created_by) == (
        mentee_enrolment,
        mentor_enrolment,
        "declined",
        mentee,
    )
    assert seats.seats_left(mentor_enrolment) == 2
    assert seats.seats_taken(mentee_enrolment) == 0
    told = Notification.objects.filter(kind="proposal_declined")
    assert sorted(told.values_list("user__email", flat=True)) == [
        coordinator.email,
        mentor.email,
    ]
    assert "Mia Mentee declined the match with you" in told.get(user=mentor).text
    assert "Mia Mentee declined the match with Max Mentor" in told.get(user=coordinator).text
    assert sorted(m.to[0] for m in mail.outbox) == [coordinator.email, mentor.email]


def test_a_later_run_does_not_propose_a_declined_pair(program, pair, proposed, mentee):
    factories.make_criterion(program, label="Topics")
    proposal_decline(mentorship=proposed, user=mentee, reason="Not a fit")
    mentor_enrolment, mentee_enrolment = pair
    built = build_problem(program)
    assert [e.pk for e in built.mentees] == [mentee_enrolment.pk]  # back in the pool
    assert built.pair_score(mentee_enrolment, mentor_enrolment) is None


def test_a_declined_pair_already_excluded_keeps_one_exclusion(
    program, pair, proposed, mentee, coordinator
):
    mentor_enrolment, mentee_enrolment = pair
    Exclusion.objects.create(
        program=program, mentee=mentee_enrolment, mentor=mentor_enrolment, created_by=coordinator
    )
    proposal_decline(mentorship=proposed, user=mentee, reason="Not a fit")
    assert Exclusion.objects.get().source == "coordinator"


def test_answering_twice_is_refused_and_changes_nothing(proposed, mentee):
    proposal_accept(mentorship=proposed, user=mentee)
    before = state(proposed)
    with pytest.raises(ValidationError, match="You have already answered"):
        proposal_accept(mentorship=proposed, user=mentee)
    with pytest.raises(ValidationError, match="You have already answered"):
        proposal_decline(mentorship=proposed, user=mentee, reason="Changed my mind")
    assert state(proposed) == before


def test_a_declined_proposal_cannot_be_answered(proposed, mentor, mentee):
    proposal_decline(mentorship=proposed, user=mentee, reason="No")
    before = state(proposed)
    with pytest.raises(ValidationError, match="no longer waiting for answers \\(it is declined\\)"):
        proposal_accept(mentorship=proposed, user=mentor)
    with pytest.raises(ValidationError, match="no longer waiting for answers"):
        proposal_decline(mentorship=proposed, user=mentor, reason="Me neither")
    assert state(proposed) == before


def test_an_active_mentorship_cannot_be_declined(program, pair, mentee):
    mentor_enrolment, mentee_enrolment = pair
    active = factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[mentee_enrolment])
    before = state(active)
    with pytest.raises(ValidationError, match="it is active"):
        proposal_decline(mentorship=active, user=mentee, reason="Too late")
    assert state(active) == before


def test_a_non_member_cannot_answer(proposed, outsider, coordinator):
    before = state(proposed)
    for person in (outsider, coordinator):
        with pytest.raises(ValidationError, match="You are not part of this mentorship"):
            proposal_accept(mentorship=proposed, user=person)
        with pytest.raises(ValidationError, match="You are not part of this mentorship"):
            proposal_decline(mentorship=proposed, user=person, reason="Not mine")
    assert state(proposed) == before


def test_a_decline_without_a_reason_changes_nothing(proposed, mentee):
    before = state(proposed)
    with pytest.raises(ValidationError) as error:
        proposal_decline(mentorship=proposed, user=mentee, reason="")
    assert error.value.message_dict["reason"]
    assert state(proposed) == before


def test_declining_a_peer_proposal_excludes_the_two_peers(db):
    peers = factories.make_program(name="Peers", kind="peer")
    a, b = (
        factories.make_enrolment(
            peers, factories.make_user(f"p{i}@example.com", name=f"Peer {i}"), role="peer"
        )
        for i in range(2)
    )
    proposed = mentorship_create(
        program=peers, mentors=[], mentees=[a, b], origin="algorithm", by=None
    )
    proposal_decline(mentorship=proposed, user=b.user, reason="We work together")
    exclusion = Exclusion.objects.get()
    assert {exclusion.mentee_id, exclusion.mentor_id} == {a.pk, b.pk}
