import pytest

from lodestar.demo import generator

# Small but complete: every role, status and question appears.
SMALL = {"mentors": 6, "mentees": 14, "applicants": 4, "waitlisted": 2}


@pytest.fixture
def demo(db):
    return generator.generate(seed=7, **SMALL)
