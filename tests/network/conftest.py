"""Personas for the network: the program's mentor and mentee in an active mentorship, a third
person ("Tess") who is in the same program, and a listed stranger elsewhere."""

import pytest

from lodestar.programs.models import Enrolment
from tests import factories


@pytest.fixture
def pair(program, mentor, mentee):
    return factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(user=mentor, program=program),
        mentees=[Enrolment.objects.get(user=mentee, program=program)],
    )


@pytest.fixture
def third(program):
    user = factories.make_user("tess@example.com", name="Tess Third")
    factories.make_enrolment(program, user, role="mentor", capacity=1)
    return user


@pytest.fixture
def intro(pair, mentor, mentee, third):
    from lodestar.network.services import introduction_propose

    return introduction_propose(
        mentorship=pair, introducer=mentor, mentee=mentee, other=third, note="You both love maps."
    )
