"""Mentorship personas: the spring program's mentor and mentee enrolments, and a mentorship
between them in each stage of its life."""

import pytest

from lodestar.mentorships.services import mentorship_create
from lodestar.programs.models import Enrolment
from tests import factories


def enrolment_of(user, program) -> Enrolment:
    return Enrolment.objects.get(user=user, program=program)


@pytest.fixture
def mentor_enrolment(mentor, program):
    return enrolment_of(mentor, program)


@pytest.fixture
def mentee_enrolment(mentee, program):
    return enrolment_of(mentee, program)


@pytest.fixture
def proposed(program, mentor_enrolment, mentee_enrolment, coordinator):
    return mentorship_create(
        program=program,
        mentors=[mentor_enrolment],
        mentees=[mentee_enrolment],
        origin="algorithm",
        by=coordinator,
        score=72.5,
    )


@pytest.fixture
def active(program, mentor_enrolment, mentee_enrolment):
    return factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[mentee_enrolment])
