"""Two coordinators changing circles at the same instant, with real threads on real
connections: the last seat goes to exactly one person, a mentee ends up in exactly one circle,
and moves in opposite directions do not deadlock.

PostgreSQL only: SQLite serialises writers by locking the whole database, so there is no race
to test there (the CI runs this suite on both).
"""

import threading
from functools import partial

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from lodestar.mentorships import circles
from lodestar.mentorships.models import Membership
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks under real concurrency need PostgreSQL; SQLite serialises writers",
    ),
]

ROUNDS = 5


def at_once(*calls) -> list:
    """Each call in its own thread, released together; each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(k, call):
        try:
            barrier.wait(timeout=10)
            outcomes[k] = call()
        except Exception as error:  # a ValidationError is expected; anything else fails below
            outcomes[k] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(k, call)) for k, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a change hung"
    return outcomes


def guild(n: int):
    """A group program with two coordinators; mentors Ada and Ben (2 seats each), and mentees
    Cleo, Dan, Eve, Fay. Ada's circle has Cleo (one seat left), Ben's has Dan (one left)."""
    cora = factories.make_user(f"cora{n}@example.com", name="Cora")
    carl = factories.make_user(f"carl{n}@example.com", name="Carl")
    program = factories.make_program(coordinator=cora, name=f"Guild {n}", kind="group")
    program.coordinators.add(carl)
    people = {}
    for name in ("Ada", "Ben"):
        user = factories.make_user(f"{name.lower()}{n}@example.com", name=name)
        people[name] = factories.make_enrolment(program, user, role="mentor", capacity=2)
    for name in ("Cleo", "Dan", "Eve", "Fay"):
        user = factories.make_user(f"{name.lower()}{n}@example.com", name=name)
        people[name] = factories.make_enrolment(program, user, role="mentee")
    first = circles.circle_create(
        program=program, mentors=[people["Ada"]], mentees=[people["Cleo"]], by=cora
    )
    second = circles.circle_create(
        program=program, mentors=[people["Ben"]], mentees=[people["Dan"]], by=cora
    )
    return cora, carl, people, first, second


def split(outcomes):
    won = [o for o in outcomes if isinstance(o, Membership)]
    lost = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(won) + len(lost) == len(outcomes), outcomes
    return won, lost


def test_the_last_seat_of_a_circle_goes_to_exactly_one_of_two_mentees():
    for n in range(ROUNDS):
        cora, carl, people, first, _second = guild(n)
        outcomes = at_once(
            partial(circles.circle_add_member, circle=first, enrolment=people["Eve"], by=cora),
            partial(circles.circle_add_member, circle=first, enrolment=people["Fay"], by=carl),
        )
        won, lost = split(outcomes)
        assert len(won) == 1 and len(lost) == 1
        assert lost[0].code == "circle_full"
        assert Membership.objects.filter(mentorship=first, role="mentee").count() == 2


def test_a_mentee_moved_to_two_circles_at_once_ends_up_in_one():
    for n in range(ROUNDS):
        cora, carl, people, first, second = guild(n)
        program = first.program
        third = circles.circle_create(
            program=program,
            mentors=[
                factories.make_enrolment(
                    program,
                    factories.make_user(f"hal{n}@example.com", name="Hal"),
                    role="mentor",
                    capacity=2,
                )
            ],
            mentees=[people["Eve"]],
            by=cora,
        )
        circles.circle_add_member(circle=first, enrolment=people["Fay"], by=cora)
        outcomes = at_once(
            partial(
                circles.circle_move_member,
                source=first,
                target=second,
                enrolment=people["Fay"],
                by=cora,
            ),
            partial(
                circles.circle_move_member,
                source=first,
                target=third,
                enrolment=people["Fay"],
                by=carl,
            ),
        )
        won, lost = split(outcomes)
        assert len(won) == 1 and len(lost) == 1
        assert lost[0].code == "not_member"
        assert Membership.objects.filter(enrolment=people["Fay"]).count() == 1


def test_moves_in_opposite_directions_both_happen():
    for n in range(ROUNDS):
        cora, carl, people, first, second = guild(n)
        circles.circle_add_member(circle=first, enrolment=people["Eve"], by=cora)
        circles.circle_add_member(circle=second, enrolment=people["Fay"], by=cora)
        outcomes = at_once(
            partial(
                circles.circle_move_member,
                source=first,
                target=second,
                enrolment=people["Eve"],
                by=cora,
                allow_over_capacity=True,
                override_reason="Swap",
            ),
            partial(
                circles.circle_move_member,
                source=second,
                target=first,
                enrolment=people["Fay"],
                by=carl,
                allow_over_capacity=True,
                override_reason="Swap",
            ),
        )
        won, _lost = split(outcomes)
        assert len(won) == 2, outcomes
        assert Membership.objects.get(enrolment=people["Eve"]).mentorship_id == second.pk
        assert Membership.objects.get(enrolment=people["Fay"]).mentorship_id == first.pk
