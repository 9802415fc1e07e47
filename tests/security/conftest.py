"""Security personas: the suite's people with an active mentorship between mentor and mentee,
and a helper to sign in through the real login form."""

import pytest

from lodestar.programs.models import Enrolment
from tests import factories
from tests.factories import PASSWORD


@pytest.fixture
def pair(program, mentor, mentee):
    return factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(program=program, user=mentor),
        mentees=[Enrolment.objects.get(program=program, user=mentee)],
    )


def sign_in(client, email: str, password: str = PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})
