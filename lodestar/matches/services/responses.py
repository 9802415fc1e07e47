"""Members' answers to a published proposal: accept, or decline with a reason.

The mentorship services do the state change, the seats and the notices; what matching adds is
memory: a declined pair is excluded in the program, so a later run never proposes it again.
"""

from django.db import transaction
from django.db.models import Q

from lodestar.accounts.models import User
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.services import mentorship_accept, mentorship_decline
from lodestar.programs.models import Role

from ..models import Exclusion, ExclusionSource


def proposal_accept(*, mentorship: Mentorship, user: User) -> Mentorship:
    """A member accepts; the mentorship starts once every member has."""
    return mentorship_accept(mentorship=mentorship, user=user)


@transaction.atomic
def proposal_decline(*, mentorship: Mentorship, user: User, reason: str) -> Mentorship:
    """A member declines with a reason: the mentorship is declined, its seats are free, and the
    pair is excluded from the program's later runs."""
    declined = mentorship_decline(mentorship=mentorship, user=user, reason=reason)
    exclude_pairs(declined, source=ExclusionSource.DECLINED, by=user)
    return declined


def exclude_pairs(mentorship: Mentorship, *, source: str, by: User | None) -> list[Exclusion]:
    """“Don't match these again”: an exclusion for each mentor–mentee pair of the mentorship
    (the two peers, in a peer program). A pair already excluded keeps its first reason."""
    members = list(mentorship.memberships.all())
    mentors = [m.enrolment_id for m in members if m.role == Role.MENTOR]
    others = [m.enrolment_id for m in members if m.role != Role.MENTOR]
    if mentors:
        pairs = [(mentee, mentor) for mentor in mentors for mentee in others]
    else:
        # Peers: one row per pair; the engine reads a peer exclusion both ways.
        ordered = sorted(others)
        pairs = [(a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :]]
    made = []
    for mentee_id, mentor_id in pairs:
        either_way = Q(mentee_id=mentee_id, mentor_id=mentor_id)
        if not mentors:
            either_way |= Q(mentee_id=mentor_id, mentor_id=mentee_id)
        existing = Exclusion.objects.filter(either_way, program=mentorship.program_id).first()
        made.append(
            existing
            or Exclusion.objects.create(
                program_id=mentorship.program_id,
                mentee_id=mentee_id,
                mentor_id=mentor_id,
                source=source,
                created_by=by,
            )
        )
    return made
