"""Many proposed mentorships at once (a published run): the same rules as one at a time, all or
nothing, in a number of queries that does not grow with the number of pairs."""

import pytest
from django.core.exceptions import ValidationError

from lodestar.mentorships.models import Membership, Mentorship
from lodestar.mentorships.services import mentorships_propose_many
from tests import factories


def _people(program, count, role, **fields):
    return [
        factories.make_enrolment(
            program,
            factories.make_user(f"{role}{k}@example.com", name=f"{role} {k}"),
            role=role,
            **fields,
        )
        for k in range(count)
    ]


def test_every_pair_becomes_a_proposed_mentorship_with_its_members(coordinator, program):
    mentors = _people(program, 3, "mentor", capacity=1)
    mentees = _people(program, 3, "mentee")
    groups = [([m], [e], 70.0 + k) for k, (m, e) in enumerate(zip(mentors, mentees, strict=True))]
    made = mentorships_propose_many(program=program, groups=groups, by=coordinator)
    assert [m.status for m in made] == ["proposed"] * 3
    assert [m.score for m in made] == [70.0, 71.0, 72.0]
    assert Membership.objects.filter(mentorship__in=made, response="pending").count() == 6


def test_a_mentor_filled_by_earlier_groups_stops_everything(coordinator, program):
    (mentor,) = _people(program, 1, "mentor", capacity=1)
    mentees = _people(program, 2, "mentee")
    with pytest.raises(ValidationError) as error:
        mentorships_propose_many(
            program=program,
            groups=[([mentor], [mentees[0]], 80.0), ([mentor], [mentees[1]], 60.0)],
            by=coordinator,
        )
    assert error.value.code == "mentor_full"
    assert not Mentorship.objects.exists()


def test_a_mentee_already_matched_stops_everything(coordinator, program):
    mentors = _people(program, 2, "mentor", capacity=2)
    (mentee,) = _people(program, 1, "mentee")
    factories.make_mentorship(program, mentor=mentors[0], mentees=[mentee])
    with pytest.raises(ValidationError) as error:
        mentorships_propose_many(
            program=program, groups=[([mentors[1]], [mentee], 50.0)], by=coordinator
        )
    assert error.value.code == "already_matched"
    assert Mentorship.objects.count() == 1


def test_queries_do_not_grow_with_the_pairs(coordinator, program, django_assert_max_num_queries):
    mentors = _people(program, 30, "mentor", capacity=1)
    mentees = _people(program, 30, "mentee")
    groups = [([m], [e], 50.0) for m, e in zip(mentors, mentees, strict=True)]
    with django_assert_max_num_queries(8):
        mentorships_propose_many(program=program, groups=groups, by=coordinator)
