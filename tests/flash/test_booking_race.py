"""Booking at the same instant, with real threads on real connections: the slot lock lets
exactly one booking take the last seat, and the mentee lock keeps one person within the
monthly limit; the others get a clear error.

PostgreSQL only: SQLite serialises writers by locking the whole database, so there is no race
to test there (the CI runs this suite on both).
"""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from lodestar.flash.models import Booking
from tests import factories

from .conftest import add_person, book, make_slot

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locks under real concurrency need PostgreSQL; SQLite serialises writers",
    ),
]

ROUNDS = 5
CONTENDERS = 4


def book_at_once(attempts) -> list:
    """Each (slot, mentee enrolment) booked in its own thread, released together by a barrier;
    returns each one's Booking or ValidationError, in order."""
    barrier = threading.Barrier(len(attempts))
    outcomes: list = [None] * len(attempts)

    def attempt(k, slot, mentee):
        try:
            barrier.wait(timeout=10)
            outcomes[k] = book(slot, mentee, question=f"Question {k}")
        except Exception as error:  # a ValidationError loses; anything else fails, below
            outcomes[k] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=attempt, args=(k, slot, mentee))
        for k, (slot, mentee) in enumerate(attempts)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads), "a booking hung"
    return outcomes


def split(outcomes):
    won = [o for o in outcomes if isinstance(o, Booking)]
    lost = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(won) + len(lost) == len(outcomes), outcomes
    return won, lost


def flash_program(n: int, **fields):
    return factories.make_program(
        name=f"Race {n}", kind="flash", status="running", flash_min_notice_hours=0, **fields
    )


def test_concurrent_bookings_of_the_last_seat():
    for n in range(ROUNDS):
        program = flash_program(n)
        mentor = add_person(program, "Max Mentor", role="mentor")
        slot = make_slot(mentor, timezone.now() + timedelta(days=3), capacity=2)
        book(slot, add_person(program, "Early Bird"))  # one seat left
        mentees = [add_person(program, f"Mentee {k}") for k in range(CONTENDERS)]
        won, lost = split(book_at_once([(slot, mentee) for mentee in mentees]))
        assert len(won) == 1 and len(lost) == CONTENDERS - 1, (won, lost)
        assert all(error.code == "full" for error in lost)
        assert slot.bookings.seated().count() == 2


def test_one_mentee_booking_two_sessions_at_once_stays_within_the_monthly_limit():
    for n in range(ROUNDS):
        program = flash_program(n, flash_bookings_per_month=1)
        mentor = add_person(program, "Max Mentor", role="mentor")
        start = timezone.now().replace(day=1, hour=12) + timedelta(days=40)
        slots = [make_slot(mentor, start + timedelta(hours=k)) for k in range(2)]
        mentee = add_person(program, "Mia Mentee", zone="UTC")
        won, lost = split(book_at_once([(slot, mentee) for slot in slots]))
        assert len(won) == 1 and [error.code for error in lost] == ["monthly_limit"]
        assert Booking.objects.filter(mentee=mentee).count() == 1
