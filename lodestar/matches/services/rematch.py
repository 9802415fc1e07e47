"""Rematch: a member or a coordinator ends a mismatch early, and the program remembers.

Ending the mentorship frees its seats (seats count only live mentorships), so the mentee is
back in the pool for the next run or request; the exclusion keeps the same pair from being
proposed again; the coordinators are told, since finding a new match is theirs to do.
"""

import logging

from django.db import transaction

from lodestar.accounts.models import User
from lodestar.engagement.services import notify
from lodestar.mentorships.models import ClosureReason, Mentorship
from lodestar.mentorships.services import mentorship_end_early, mentorship_url

from ..models import ExclusionSource
from .responses import exclude_pairs

log = logging.getLogger(__name__)


@transaction.atomic
def mentorship_rematch(*, mentorship: Mentorship, by: User, reason: str) -> Mentorship:
    """End the mentorship early (members are told), never match its pair(s) again, and tell the
    program's coordinators (except the one who did it) so they can find a new match."""
    ended = mentorship_end_early(
        mentorship=mentorship, by=by, reason=reason, closure_reason=ClosureReason.MISMATCH
    )
    exclude_pairs(ended, source=ExclusionSource.REMATCH, by=by)
    members = ", ".join(
        m.user.display_name
        for m in ended.memberships.select_related("user").order_by("-role", "id")
    )
    for coordinator in ended.program.coordinators.exclude(pk=by.pk):
        notify(
            user=coordinator,
            kind="rematch_requested",
            url=mentorship_url(ended),
            person=by.display_name,
            other=members,
            program=ended.program.name,
        )
    log.info("mentorship %s ended for a rematch by user %s", ended.pk, by.pk)
    return ended
