"""Matrix rules for the audit trail's pages: the whole site's (site admins) and a program's
(its coordinators) (see matrix.py)."""

from .matrix import page

RULES = {
    # The whole site's trail: site admins only; a program's: its coordinators.
    "audit_events": page(members=404, coordinators=404, site_admin=200),
    "audit_events_csv": page(members=404, coordinators=404, site_admin=200),
    "program_audit": page(members=404, coordinators=200),
    "program_audit_csv": page(members=404, coordinators=200),
}


def placeholders(world) -> dict:
    return {"slug": world.program.slug}
