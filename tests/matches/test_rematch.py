"""Rematch: ending a mismatch early puts the mentee back in the pool, keeps the pair from being
proposed again, and tells the other members and the coordinators."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from lodestar.core.states import IllegalTransition
from lodestar.engagement.models import Notification
from lodestar.matches.inputs import build_problem
from lodestar.matches.models import Exclusion
from lodestar.matches.services.rematch import mentorship_rematch
from lodestar.mentorships.models import Mentorship
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
def active(program, pair):
    mentor_enrolment, mentee_enrolment = pair
    return factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[mentee_enrolment])


def test_a_member_ends_a_mismatch_and_the_mentee_is_back_in_the_pool(
    program, pair, active, mentor, mentee, coordinator, django_capture_on_commit_callbacks
):
    factories.make_criterion(program, label="Topics")
    mentor_enrolment, mentee_enrolment = pair
    assert build_problem(program).mentees == []

    with django_capture_on_commit_callbacks(execute=True):
        mentorship_rematch(mentorship=active, by=mentee, reason="Our goals are too different.")

    active.refresh_from_db()
    assert active.status == "ended_early"
    assert active.end_reason == "Our goals are too different."
    assert (active.closure.reason, active.closure.outcome) == ("mismatch", "ended_early")
    exclusion = Exclusion.objects.get()
    assert (exclusion.mentee, exclusion.mentor, exclusion.source) == (
        mentee_enrolment,
        mentor_enrolment,
        "rematch",
    )
    built = build_problem(program)
    assert [e.pk for e in built.mentees] == [mentee_enrolment.pk]
    assert built.pair_score(mentee_enrolment, mentor_enrolment) is None
    assert Notification.objects.get(user=mentor).kind == "mentorship_ended"
    notice = Notification.objects.get(user=coordinator)
    assert notice.kind == "rematch_requested"
    assert notice.text == (
        "Mia Mentee ended the mentorship of Max Mentor, Mia Mentee in Spring Cohort early and "
        "asked for a rematch: they will not be matched together again."
    )
    assert not Notification.objects.filter(user=mentee).exists()
    assert sorted(m.to[0] for m in mail.outbox) == [coordinator.email, mentor.email]


def test_a_coordinator_can_rematch_and_is_not_told_of_their_own_act(
    program, active, mentor, mentee, coordinator
):
    second = factories.make_user("second@example.com", name="Sam Second")
    program.coordinators.add(second)

    mentorship_rematch(mentorship=active, by=coordinator, reason="Conflict of interest")

    assert not Notification.objects.filter(user=coordinator).exists()
    assert Notification.objects.get(user=second).kind == "rematch_requested"
    assert {n.user for n in Notification.objects.filter(kind="mentorship_ended")} == {
        mentor,
        mentee,
    }


def test_rematch_needs_a_reason_and_a_live_mentorship_and_a_right_to_it(
    program, pair, active, mentee, outsider, other_coordinator
):
    def unchanged():
        return (
            Mentorship.objects.get(pk=active.pk).status == "active"
            and not Exclusion.objects.exists()
            and not Notification.objects.exists()
        )

    with pytest.raises(ValidationError) as error:
        mentorship_rematch(mentorship=active, by=mentee, reason="")
    assert "reason" in error.value.message_dict
    assert unchanged()
    for person in (outsider, other_coordinator):
        with pytest.raises(ValidationError, match="not part of this mentorship"):
            mentorship_rematch(mentorship=active, by=person, reason="Meddling")
        assert unchanged()

    mentor_enrolment, mentee_enrolment = pair
    done = factories.make_mentorship(
        program, mentor=mentor_enrolment, mentees=[mentee_enrolment], status="completed"
    )
    with pytest.raises(IllegalTransition):
        mentorship_rematch(mentorship=done, by=mentee, reason="Afterthought")
    assert not Exclusion.objects.exists()


def test_a_group_rematch_excludes_the_mentor_with_each_mentee(db):
    group = factories.make_program(name="Circles", kind="group")
    leader = factories.make_enrolment(
        group, factories.make_user("lead@example.com"), role="mentor", capacity=3
    )
    members = [
        factories.make_enrolment(group, factories.make_user(f"m{i}@example.com")) for i in range(2)
    ]
    circle = factories.make_mentorship(group, mentor=leader, mentees=members)
    mentorship_rematch(mentorship=circle, by=leader.user, reason="The circle never gelled")
    assert sorted(Exclusion.objects.values_list("mentee_id", "mentor_id")) == sorted(
        (m.pk, leader.pk) for m in members
    )
