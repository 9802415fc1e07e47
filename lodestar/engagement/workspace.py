"""What check-ins, kudos and celebrations show on a mentorship's workspace page.

Members see whether their check-in is due (never the other member's answers), the recent kudos
and the celebrations. Coordinators see each member's latest check-in date and mood, an open
request for help, and counts: none of the words. A fixed number of queries: three for members,
three for coordinators (the mentorship's memberships come prefetched with the page).
"""

from django.db.models import Count

from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import is_member, is_read_only

from .checkins import checkin_due
from .models import Celebration, CheckIn, Kudos

KUDOS = 5
CELEBRATIONS = 5


def _latest_checkins(mentorship: Mentorship) -> dict[int, CheckIn]:
    """Each member's latest check-in (mood, dates, help flag), in one query."""
    latest: dict[int, CheckIn] = {}
    rows = CheckIn.objects.filter(mentorship=mentorship).only(
        "user_id", "period_start", "mood", "created_at", "wants_contact", "handled_at"
    )
    # A mentorship has a few members and a check-in per period: a short list to scan.
    for checkin in rows.order_by("-period_start", "-id")[:200]:
        latest.setdefault(checkin.user_id, checkin)
    return latest


def panel(mentorship: Mentorship, user, *, content: bool) -> dict:
    """Context for templates/engagement/workspace_panel.html; content=False for coordinators
    (metadata only: dates, moods, the help flag and counts)."""
    context = {"engagement_mentorship": mentorship, "engagement_content": content}
    if not content:
        latest = _latest_checkins(mentorship)
        open_help = (
            CheckIn.objects.filter(mentorship=mentorship, wants_contact=True, handled_at=None)
            .order_by("-created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        members = []
        for membership in mentorship.memberships.all():
            members.append({"user": membership.user, "checkin": latest.get(membership.user_id)})
        counts = Kudos.objects.filter(mentorship=mentorship).aggregate(n=Count("pk"))
        celebrated = Celebration.objects.filter(mentorship=mentorship).aggregate(n=Count("pk"))
        context.update(
            {
                "engagement_members": members,
                "engagement_help_since": open_help,
                "engagement_kudos_count": counts["n"],
                "engagement_celebrations_count": celebrated["n"],
            }
        )
        return context
    member = is_member(user, mentorship)
    due = checkin_due(mentorship, user) if member else None
    kudos = list(
        Kudos.objects.filter(mentorship=mentorship).select_related("from_user", "to_user")[
            : KUDOS + 1
        ]
    )
    celebrations = list(
        Celebration.objects.filter(mentorship=mentorship).select_related("goal")[: CELEBRATIONS + 1]
    )
    context.update(
        {
            "engagement_can_write": member and not is_read_only(mentorship),
            "engagement_due": due,
            "engagement_kudos": kudos[:KUDOS],
            "engagement_more_kudos": len(kudos) > KUDOS,
            "engagement_celebrations": celebrations[:CELEBRATIONS],
        }
    )
    return context
