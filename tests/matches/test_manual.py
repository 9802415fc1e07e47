"""Manual matching, the service: the engine's verdict on a pair, what is refused outright, and
what an explicit, recorded override allows."""

import logging

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from lodestar.engagement.models import Notification
from lodestar.matches.models import Exclusion
from lodestar.matches.services.manual import manual_pair_check, manual_pair_create
from lodestar.mentorships.models import Mentorship
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def mentor_enrolment(program, mentor):
    return Enrolment.objects.get(program=program, user=mentor)


@pytest.fixture
def mentee_enrolment(program, mentee):
    return Enrolment.objects.get(program=program, user=mentee)


@pytest.fixture
def topics(program, mentor_enrolment, mentee_enrolment):
    asked_mentees, asked_mentors = factories.make_criterion(program, label="Topics")
    factories.make_answer(mentor_enrolment, asked_mentors, ["Design", "Data"])
    factories.make_answer(mentee_enrolment, asked_mentees, ["Design", "Sales"])


@pytest.fixture
def language(program, mentor_enrolment, mentee_enrolment):
    asked_mentees, asked_mentors = factories.make_criterion(
        program, label="Language", rule="same", kind="short_text", match_required=True
    )
    factories.make_answer(mentor_enrolment, asked_mentors, "French")
    factories.make_answer(mentee_enrolment, asked_mentees, "Spanish")


def fill(program, mentor_enrolment, count):
    for i in range(count):
        other = factories.make_enrolment(program, factories.make_user(f"full{i}@example.com"))
        factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[other])


def test_the_check_shows_the_score_and_each_criterions_points(
    program, topics, mentor_enrolment, mentee_enrolment
):
    check = manual_pair_check(program=program, mentee=mentee_enrolment, mentor=mentor_enrolment)
    assert check.score == pytest.approx(50)
    assert check.points == [("Topics", pytest.approx(50))]
    assert check.refusals == [] and check.warnings == []


def test_without_criteria_there_is_no_score_and_the_check_says_so(
    program, mentor_enrolment, mentee_enrolment
):
    check = manual_pair_check(program=program, mentee=mentee_enrolment, mentor=mentor_enrolment)
    assert check.score is None
    assert "Use for matching" in check.no_score


def test_a_failed_required_criterion_is_named(
    program, topics, language, mentor_enrolment, mentee_enrolment
):
    check = manual_pair_check(program=program, mentee=mentee_enrolment, mentor=mentor_enrolment)
    assert check.failed_required == ["Language"]
    assert check.warnings == ["The required criterion “Language” fails."]
    assert check.score is not None  # what the criteria would give, shown even so


def test_a_pair_without_warnings_becomes_an_active_mentorship_and_both_are_told(
    program,
    topics,
    coordinator,
    mentor,
    mentee,
    mentor_enrolment,
    mentee_enrolment,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        mentorship = manual_pair_create(
            program=program, mentee=mentee_enrolment, mentor=mentor_enrolment, by=coordinator
        )
    assert (mentorship.status, mentorship.origin) == ("active", "manual")
    assert mentorship.score == pytest.approx(50)
    assert mentorship.created_by == coordinator
    assert mentorship.override_reason == ""
    assert {n.user for n in Notification.objects.filter(kind="mentorship_created")} == {
        mentor,
        mentee,
    }
    assert sorted(m.to[0] for m in mail.outbox) == [mentee.email, mentor.email]


def test_a_mentee_already_matched_is_refused_even_with_a_reason(
    program, coordinator, mentor_enrolment, mentee_enrolment
):
    factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[mentee_enrolment])
    other_mentor = factories.make_enrolment(
        program, factories.make_user("om@example.com"), role="mentor"
    )
    with pytest.raises(ValidationError, match="Mia Mentee already has a mentorship"):
        manual_pair_create(
            program=program,
            mentee=mentee_enrolment,
            mentor=other_mentor,
            by=coordinator,
            override_reason="Please",
        )
    assert Mentorship.objects.count() == 1


def test_an_excluded_pair_is_refused_even_with_a_reason(
    program, coordinator, mentor_enrolment, mentee_enrolment
):
    Exclusion.objects.create(program=program, mentee=mentee_enrolment, mentor=mentor_enrolment)
    check = manual_pair_check(program=program, mentee=mentee_enrolment, mentor=mentor_enrolment)
    assert check.excluded
    with pytest.raises(ValidationError, match="are excluded from being matched"):
        manual_pair_create(
            program=program,
            mentee=mentee_enrolment,
            mentor=mentor_enrolment,
            by=coordinator,
            override_reason="I know better",
        )
    assert not Mentorship.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_full_mentor_needs_an_override_reason(
    program, coordinator, mentor_enrolment, mentee_enrolment, reason
):
    fill(program, mentor_enrolment, 2)
    with pytest.raises(ValidationError) as error:
        manual_pair_create(
            program=program,
            mentee=mentee_enrolment,
            mentor=mentor_enrolment,
            by=coordinator,
            override_reason=reason,
        )
    assert (
        "Max Mentor is at capacity: 2 of 2 seats taken."
        in (error.value.message_dict["override_reason"][0])
    )
    assert Mentorship.objects.count() == 2
    assert not Notification.objects.exists()


def test_an_override_is_recorded_and_logged(
    program, coordinator, mentor_enrolment, mentee_enrolment, language, caplog
):
    fill(program, mentor_enrolment, 2)
    with caplog.at_level(logging.WARNING, logger="lodestar.matches.services.manual"):
        mentorship = manual_pair_create(
            program=program,
            mentee=mentee_enrolment,
            mentor=mentor_enrolment,
            by=coordinator,
            override_reason="  They both speak English at work.  ",
        )
    assert mentorship.status == "active"
    assert mentorship.override_reason == "They both speak English at work."
    (record,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    message = record.getMessage()
    assert coordinator.email in message
    assert "at capacity" in message and "“Language”" in message
    assert "They both speak English at work." in message
    assert mentor_enrolment.memberships.filter(mentorship__status="active").count() == 3


def test_only_coordinators_of_the_program_make_pairs(
    program, other_coordinator, mentor, mentor_enrolment, mentee_enrolment
):
    for person in (other_coordinator, mentor):
        with pytest.raises(ValidationError, match="Only the program’s coordinators"):
            manual_pair_create(
                program=program, mentee=mentee_enrolment, mentor=mentor_enrolment, by=person
            )
    assert not Mentorship.objects.exists()


def test_people_must_be_approved_in_the_right_roles(
    program, other_program, coordinator, mentor_enrolment, mentee_enrolment, outsider
):
    applicant = factories.make_enrolment(
        program, factories.make_user("a@example.com", name="Appy"), status="applied"
    )
    elsewhere = factories.make_enrolment(other_program, outsider)
    cases = [
        (applicant, mentor_enrolment, "Appy’s enrolment is not approved"),
        (mentor_enrolment, mentee_enrolment, "is not a mentee"),
        (elsewhere, mentor_enrolment, "Otto Outsider is not in this program"),
    ]
    for mentee, mentor, message in cases:
        with pytest.raises(ValidationError, match=message):
            manual_pair_create(program=program, mentee=mentee, mentor=mentor, by=coordinator)
    assert not Mentorship.objects.exists()


def test_two_peers_are_paired_by_hand(db):
    coordinator = factories.make_user("c@example.com", name="Cora")
    peers = factories.make_program(name="Peers", kind="peer", coordinator=coordinator)
    a, b, c = (
        factories.make_enrolment(
            peers, factories.make_user(f"p{i}@example.com", name=f"Peer {i}"), role="peer"
        )
        for i in range(3)
    )
    asked, paired = factories.make_criterion(
        peers, label="Topics", mentor_role="peer", mentee_role="peer"
    )
    factories.make_answer(a, asked, ["Design", "Data"])
    factories.make_answer(b, paired, ["Design", "Data"])
    factories.make_answer(b, asked, ["Design"])
    factories.make_answer(a, paired, ["Design"])

    check = manual_pair_check(program=peers, mentee=a, mentor=b)
    assert check.score is not None and check.score > 0
    assert check.warnings == []

    pair = manual_pair_create(program=peers, mentee=a, mentor=b, by=coordinator)
    assert sorted(pair.memberships.values_list("role", flat=True)) == ["peer", "peer"]
    check = manual_pair_check(program=peers, mentee=c, mentor=a)
    assert check.refusals == ["Peer 0 already has a mentorship in this program."]
    Exclusion.objects.create(program=peers, mentee=c, mentor=b)
    assert manual_pair_check(program=peers, mentee=b, mentor=c).excluded


def test_pairing_by_hand_in_a_group_program_fills_the_mentors_circle(db):
    coordinator = factories.make_user("c@example.com", name="Cora")
    group = factories.make_program(name="Circles", kind="group", coordinator=coordinator)
    leader = factories.make_enrolment(
        group, factories.make_user("lead@example.com"), role="mentor", capacity=2
    )
    members = [
        factories.make_enrolment(group, factories.make_user(f"m{i}@example.com")) for i in range(3)
    ]
    first = manual_pair_create(program=group, mentee=members[0], mentor=leader, by=coordinator)
    second = manual_pair_create(program=group, mentee=members[1], mentor=leader, by=coordinator)
    assert second == first
    assert Mentorship.objects.filter(program=group, status="active").count() == 1
    assert sorted(m.enrolment_id for m in first.memberships.all()) == sorted(
        [leader.pk, members[0].pk, members[1].pk]
    )
    # A full circle takes one more only with a reason, as any full mentor does.
    with pytest.raises(ValidationError) as refused:
        manual_pair_create(program=group, mentee=members[2], mentor=leader, by=coordinator)
    assert "override_reason" in refused.value.message_dict
    assert first.memberships.count() == 3
    manual_pair_create(
        program=group,
        mentee=members[2],
        mentor=leader,
        by=coordinator,
        override_reason="The cohort has one mentor for now.",
    )
    assert first.memberships.count() == 4


def test_pairing_by_hand_withdraws_the_mentees_open_requests_and_tells_the_mentor(
    coordinator, program, mentor, mentee
):
    from lodestar.matches.models import MentorshipRequest

    program.matching_mode = "hybrid"
    program.save()
    other = factories.make_user("other-mentor@example.com", name="Olga Other")
    other_enrolment = factories.make_enrolment(program, other, role="mentor", capacity=1)
    mentee_enrolment = Enrolment.objects.get(user=mentee, program=program)
    waiting = factories.make_request(mentee_enrolment, other_enrolment)

    manual_pair_create(
        program=program,
        mentee=mentee_enrolment,
        mentor=Enrolment.objects.get(user=mentor, program=program),
        by=coordinator,
    )

    waiting.refresh_from_db()
    assert waiting.status == "withdrawn"
    assert MentorshipRequest.objects.filter(mentee=mentee_enrolment, status="open").count() == 0
    assert Notification.objects.filter(user=other, kind="request_withdrawn_matched").exists()
