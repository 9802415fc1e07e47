"""Matrix rules for webhooks (see matrix.py): a program's coordinators and site admins only;
everyone else signed in gets the 404 of a program they may not manage."""

from lodestar.webhooks.models import Delivery, DeliveryStatus, Endpoint

from .matrix import rule

COORDINATORS_ONLY = rule(members=404, coordinators=200)

RULES = {
    "webhooks_list": COORDINATORS_ONLY,
    "webhooks_create": rule(members=404, coordinators=201),
    "webhooks_get": COORDINATORS_ONLY,
    "webhooks_update": COORDINATORS_ONLY,
    "webhooks_delete": rule(members=404, coordinators=204),
    "webhooks_rotate_secret": COORDINATORS_ONLY,
    "webhooks_ping": rule(members=404, coordinators=202),
    "webhooks_deliveries": COORDINATORS_ONLY,
    "webhooks_redeliver": rule(members=404, coordinators=202),
}

# A public address: the registration check passes without a private-address setting (nothing
# is sent: the test's transaction never commits).
BODIES = {
    "webhooks_create": {"url": "https://93.184.215.14/hook", "events": ["meeting.completed"]},
    "webhooks_update": {"description": "The pairs dashboard"},
}


def placeholders(world) -> dict:
    endpoint = Endpoint.objects.create(
        program=world.program, url="https://93.184.215.14/hook", events=["meeting.completed"]
    )
    failed = Delivery.objects.create(
        endpoint=endpoint, event="meeting.completed", payload={}, status=DeliveryStatus.FAILED
    )
    return {"endpoint_id": endpoint.pk, "delivery_id": failed.uuid}
