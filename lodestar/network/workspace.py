"""What the network part shows on a mentorship's workspace page.

Members see the introductions and referrals of this pair that concern them (an introducer's
note is for the three people of an introduction only: in a group circle, another mentee does
not see it). Coordinators see counts only: no names, no notes, no opportunities.
Two queries whatever the history (memberships come prefetched with the page).
"""

from django.db.models import Q

from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import is_member, is_read_only
from lodestar.programs.models import Role

from . import selectors
from .models import Introduction, Referral
from .states import IntroductionStatus

SHOWN = 10


def panel(mentorship: Mentorship, user, *, content: bool) -> dict:
    """Context for templates/network/workspace_panel.html; content=False for coordinators
    (metadata only: counts and dates, nothing the pair wrote)."""
    if not content:
        counts = selectors.status_counts(Introduction.objects.filter(mentorship=mentorship))
        return {
            "network_content": False,
            "network_proposed": sum(
                counts[s]
                for s in (
                    IntroductionStatus.PROPOSED,
                    IntroductionStatus.ACCEPTED_BY_MENTEE,
                    IntroductionStatus.ACCEPTED_BY_OTHER,
                )
            ),
            "network_connected": counts[IntroductionStatus.CONNECTED],
            "network_referrals": Referral.objects.filter(mentorship=mentorship).count(),
        }
    is_mentor = any(
        m.user_id == user.pk and m.role == Role.MENTOR for m in mentorship.memberships.all()
    )
    introductions = list(
        Introduction.objects.filter(mentorship=mentorship)
        .filter(Q(introducer=user) | Q(mentee=user) | Q(other=user))
        .select_related("introducer", "mentee", "other")[: SHOWN + 1]
    )
    referrals = list(
        Referral.objects.filter(mentorship=mentorship)
        .filter(Q(referrer=user) | Q(mentee=user))
        .select_related("referrer", "mentee")[: SHOWN + 1]
    )
    return {
        "network_content": True,
        "network_mentorship": mentorship,
        "network_user": user,
        "network_can_write": is_mentor
        and is_member(user, mentorship)
        and not is_read_only(mentorship),
        "network_introductions": introductions[:SHOWN],
        "network_more_introductions": len(introductions) > SHOWN,
        "network_referrals": referrals[:SHOWN],
        "network_more_referrals": len(referrals) > SHOWN,
    }
