"""Accepting at the same instant, with real threads on real connections: the seat locks let
exactly one acceptance through, and the other gets a clear error.

PostgreSQL only: SQLite serialises writers by locking the whole database, so there is no race
to test there (the CI runs this suite on both).
"""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from lodestar.matches.services.requests import request_accept
from lodestar.mentorships.models import Membership, Mentorship
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks under real concurrency need PostgreSQL; SQLite serialises writers",
    ),
]

ROUNDS = 10


def accept_at_once(pairs) -> list:
    """Each (request, mentor user) accepted in its own thread, released together by a
    barrier; returns each one's mentorship or ValidationError, in order."""
    barrier = threading.Barrier(len(pairs))
    outcomes: list = [None] * len(pairs)

    def accept(k, request, user):
        try:
            barrier.wait(timeout=10)
            outcomes[k] = request_accept(request=request, by=user)
        except ValidationError as error:
            outcomes[k] = error
        except Exception as error:  # anything else fails the test, below
            outcomes[k] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=accept, args=(k, request, user))
        for k, (request, user) in enumerate(pairs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "an acceptance hung"
    return outcomes


def choosing_program(n: int):
    coordinator = factories.make_user(f"cora{n}@example.com")
    return factories.make_program(
        coordinator=coordinator, name=f"Race {n}", matching_mode="mentee_choice"
    )


def person(program, name: str, role: str, capacity=None):
    user = factories.make_user(f"{name}@{program.slug}.example.com", name=name)
    return factories.make_enrolment(program, user, role=role, capacity=capacity)


def split(outcomes):
    won = [o for o in outcomes if isinstance(o, Mentorship)]
    lost = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(won) + len(lost) == len(outcomes), outcomes
    return won, lost


def test_two_mentors_accepting_the_same_mentee_make_one_mentorship():
    for n in range(ROUNDS):
        program = choosing_program(n)
        mentee = person(program, "mia", "mentee")
        first, second = person(program, "max", "mentor", 2), person(program, "bea", "mentor", 2)
        requests = [factories.make_request(mentee, first), factories.make_request(mentee, second)]
        outcomes = accept_at_once([(requests[0], first.user), (requests[1], second.user)])
        won, lost = split(outcomes)
        assert len(won) == 1 and len(lost) == 1, outcomes
        assert "just been matched with another mentor" in " ".join(lost[0].messages)
        assert Membership.objects.filter(enrolment=mentee).count() == 1
        statuses = sorted(r.status for r in type(requests[0]).objects.filter(mentee=mentee))
        assert statuses == ["accepted", "withdrawn"]


def test_two_mentees_claiming_a_mentors_last_seat_make_one_mentorship():
    for n in range(ROUNDS):
        program = choosing_program(n)
        mentor = person(program, "max", "mentor", 2)
        factories.make_mentorship(
            program, mentor=mentor, mentees=[person(program, "sat", "mentee")]
        )
        mentees = [person(program, "mia", "mentee"), person(program, "ned", "mentee")]
        requests = [factories.make_request(mentee, mentor) for mentee in mentees]
        outcomes = accept_at_once([(request, mentor.user) for request in requests])
        won, lost = split(outcomes)
        assert len(won) == 1 and len(lost) == 1, outcomes
        assert "no seat left" in " ".join(lost[0].messages)
        seated = Membership.objects.filter(
            enrolment__in=mentees, mentorship__status="active"
        ).count()
        assert seated == 1
        assert Membership.objects.filter(enrolment=mentor).count() == 2
