"""What the network part shows on a mentorship's workspace page (filled in with the app)."""


def panel(mentorship, user, *, content: bool) -> dict:
    """Context for templates/network/workspace_panel.html; content=False for coordinators
    (metadata only: counts and dates, nothing the pair wrote)."""
    return {}
