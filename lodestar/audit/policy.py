"""Who may read the audit trail: site admins all of it, a program's coordinators their program's
events (through programs.policy, so anyone else gets a 404)."""

from django.http import Http404

from lodestar.programs.models import Program
from lodestar.programs.policy import get_program_for_coordinator


def can_view_all(user) -> bool:
    """Superusers, and staff given the "view audit event" permission."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or (user.is_staff and user.has_perm("audit.view_auditevent"))


def require_site_auditor(user) -> None:
    # A 404 rather than a 403: the page's existence is nobody else's business.
    if not can_view_all(user):
        raise Http404


def get_program_for_auditor(user, slug: str) -> Program:
    return get_program_for_coordinator(user, slug)
