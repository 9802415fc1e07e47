"""What mutual feedback and progress reviews show on a mentorship's workspace page.

Members: the feedback still to give at the open points, how much shared feedback they
received, and the latest review — two queries. Coordinators: how much feedback was given, its
average rating, how much was written for them, and how many reviews and when — two queries.
"""

from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import is_member, is_read_only

from . import feedback


def panel(mentorship: Mentorship, user, *, content: bool) -> dict:
    """Context for templates/evaluations/workspace_panel.html."""
    context = {
        "evaluations_content": content,
        "evaluations_feedback_url": feedback.feedback_url(mentorship),
        "evaluations_reviews": feedback.review_facts(mentorship),
    }
    if not content:
        context["evaluations_feedback"] = feedback.feedback_facts(mentorship)
        return context
    rows = list(
        feedback.member_feedback(mentorship, user)
        .select_related(None)
        .only("author_id", "about_id", "point", "created_at")
    )
    given = [f for f in rows if f.author_id == user.pk]
    received = [f for f in rows if f.author_id != user.pk]
    writable = is_member(user, mentorship) and not is_read_only(mentorship)
    context.update(
        {
            "evaluations_reviews_url": feedback.reviews_url(mentorship),
            "evaluations_to_give": feedback.still_to_give(mentorship, user, given)
            if writable
            else [],
            "evaluations_received": len(received),
            "evaluations_latest_received": received[0].created_at if received else None,
            "evaluations_can_write": writable,
        }
    )
    return context
