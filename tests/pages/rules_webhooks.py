"""Matrix rules for a program's webhook endpoints (see matrix.py)."""

from .matrix import action, form, page, who

coordinators_only = page(members=404, coordinators=200)

RULES = {
    "webhook_endpoints": coordinators_only,
    # An empty form shows its errors again.
    "webhook_endpoint_new": form(members=404, coordinators=200),
    "webhook_endpoint": form(members=404, coordinators=200),
    # GET asks "are you sure?", POST deletes.
    "webhook_endpoint_delete": form(
        members=404, coordinators=200, post=who(members=404, coordinators=302)
    ),
    "webhook_endpoint_rotate": action(members=404, coordinators=302),
    "webhook_endpoint_ping": action(members=404, coordinators=302),
    "webhook_delivery_redeliver": action(members=404, coordinators=302),
}


def placeholders(world) -> dict:
    return {
        "slug": world.program.slug,
        "pk": world.endpoint.pk,
        "delivery_pk": world.delivery.pk,
    }
