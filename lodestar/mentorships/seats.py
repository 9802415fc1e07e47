"""Seats: how many mentees a mentor may take, how many they have, and locks that make the
last seat go to exactly one of two people claiming it at the same instant.

Every service that gives someone a seat locks the enrolments involved first (in primary-key
order, so two services never wait on each other in a cycle), then counts. On PostgreSQL the
row locks serialise the counting; on SQLite the IMMEDIATE transactions do.
"""

from collections.abc import Iterable

from django.db.models import Count, Q

from lodestar.programs.models import Enrolment, Kind, Role

from .models import Membership
from .states import HOLDS_A_SEAT


def capacity_of(enrolment: Enrolment) -> int:
    """How many mentees a mentor takes (a peer is in one pair at a time)."""
    if enrolment.role != Role.MENTOR:
        return 1
    return enrolment.capacity or enrolment.program.default_mentor_capacity


def seats_taken(enrolment: Enrolment) -> int:
    """Mentees in this mentor's seat-holding mentorships (for a mentee or peer: 0 or 1)."""
    if enrolment.role != Role.MENTOR:
        return int(
            Membership.objects.filter(
                enrolment=enrolment, mentorship__status__in=HOLDS_A_SEAT
            ).exists()
        )
    return Membership.objects.filter(
        role=Role.MENTEE,
        mentorship__status__in=HOLDS_A_SEAT,
        mentorship__memberships__enrolment=enrolment,
        mentorship__memberships__role=Role.MENTOR,
    ).count()


def seats_left(enrolment: Enrolment) -> int:
    return max(0, capacity_of(enrolment) - seats_taken(enrolment))


def mentor_loads(program) -> dict[int, int]:
    """{mentor enrolment id: mentees held} for a whole program, in one query."""
    rows = (
        Membership.objects.filter(
            role=Role.MENTOR,
            mentorship__program=program,
            mentorship__status__in=HOLDS_A_SEAT,
        )
        .values("enrolment_id")
        .annotate(
            mentees=Count(
                "mentorship__memberships", filter=Q(mentorship__memberships__role=Role.MENTEE)
            )
        )
    )
    return {row["enrolment_id"]: row["mentees"] for row in rows}


def seated_enrolments(program) -> set[int]:
    """Ids of the mentees (and peers) of a program who already hold a seat somewhere in it."""
    return set(
        Membership.objects.filter(
            mentorship__program=program,
            mentorship__status__in=HOLDS_A_SEAT,
        )
        .exclude(role=Role.MENTOR)
        .values_list("enrolment_id", flat=True)
    )


def lock(enrolments: Iterable[Enrolment]) -> dict[int, Enrolment]:
    """Lock these enrolment rows for the rest of the transaction, in a deadlock-free order,
    and return them fresh from the database."""
    ids = sorted({e.pk for e in enrolments})
    rows = Enrolment.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("pk")
    return {row.pk: row for row in rows.select_related("program", "user")}


def is_group_program(program) -> bool:
    return program.kind == Kind.GROUP
