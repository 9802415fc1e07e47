"""What the meetings part shows on a mentorship's workspace page.

Members see the next meeting (in their own time zone, with the others' local time), what is
coming and what happened, the open action items and their hours together. Coordinators see
counts and dates only: never an agenda, a note, a place or link, or an action item's title.
A fixed number of queries whatever the history: four for members, one for coordinators
(the mentorship's memberships come prefetched with the page).
"""

from django.utils import timezone

from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import is_member, is_read_only

from . import selectors
from .states import PLANNED
from .zones import local_times

UPCOMING = 5
PAST = 5
ITEMS = 10


def panel(mentorship: Mentorship, user, *, content: bool) -> dict:
    """Context for templates/meetings/workspace_panel.html; content=False for coordinators
    (metadata only: counts and dates, nothing the pair wrote)."""
    now = timezone.now()
    facts = selectors.meeting_facts(mentorship, now)
    context = {
        "meetings_mentorship": mentorship,
        "meetings_content": content,
        "meetings_held": facts["held"],
        "meetings_missed": facts["missed"],
        "meetings_planned": facts["planned"],
        "meetings_next_start": facts["next_start"],
        "meetings_last_held": facts["last_held"],
        "meetings_hours": facts["hours"],  # the same sum as selectors.hours_together
    }
    if not content:
        return context
    member = is_member(user, mentorship)
    upcoming = list(selectors.upcoming_meetings(mentorship, now)[: UPCOMING + 1])
    items = list(selectors.open_action_items(mentorship)[: ITEMS + 1])
    following = next((m for m in upcoming if m.start > now and m.status in PLANNED), None)
    context.update(
        {
            "meetings_can_write": member and not is_read_only(mentorship),
            "meetings_next": following,
            "meetings_next_others": (
                local_times(following.start, user, [m.user for m in mentorship.memberships.all()])
                if following
                else []
            ),
            "meetings_upcoming": upcoming[:UPCOMING],
            "meetings_more_upcoming": len(upcoming) > UPCOMING,
            "meetings_past": list(selectors.past_meetings(mentorship)[:PAST]),
            "meetings_items": items[:ITEMS],
            "meetings_more_items": len(items) > ITEMS,
            "meetings_now": now,
        }
    )
    return context
