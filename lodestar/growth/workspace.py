"""What the growth part shows on a mentorship's workspace page."""

from django.urls import reverse

from . import selectors

PANEL_ITEMS = 5


def panel(mentorship, user, *, content: bool) -> dict:
    """Context for templates/growth/workspace_panel.html.

    Members (content=True): the latest recommendations and requests for feedback of this pair,
    with links — two queries. Coordinators (content=False): counts only — two queries.
    """
    if not content:
        return {"growth_content": False, "growth_counts": selectors.pair_counts(mentorship)}
    recommendations = selectors.pair_recommendations(mentorship, PANEL_ITEMS + 1)
    requests = selectors.pair_feedback_requests(mentorship, PANEL_ITEMS + 1)
    return {
        "growth_content": True,
        "growth_recommendations": recommendations[:PANEL_ITEMS],
        "growth_recommendations_more": len(recommendations) > PANEL_ITEMS,
        "growth_feedback": requests[:PANEL_ITEMS],
        "growth_feedback_more": len(requests) > PANEL_ITEMS,
        "growth_resources_url": reverse("mentorship_resources", args=[mentorship.pk]),
        "growth_feedback_url": reverse("feedback_list", args=[mentorship.pk]),
        "growth_library_url": reverse("resource_library", args=[mentorship.program.slug]),
    }
