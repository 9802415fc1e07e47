"""Matrix rules for notifications, check-ins, kudos and program health (see matrix.py). The
notification and the check-in (asking for help) are the mentee's."""

from .matrix import action, everyone, form, page, who

RULES = {
    "notifications": page(members=200, coordinators=200, others=200),
    "notifications_read_all": action(members=302, coordinators=302, others=302),
    # The notification is the mentee's: opening it marks it read and follows its link.
    "notification_open": {
        "GET": who(members=404, coordinators=404, mentee=302),
        "POST": who(members=404, coordinators=404, mentee=302),
    },
    "notification_preferences": form(members=200, coordinators=200, others=200, post=everyone(302)),
    # One-click unsubscribe (RFC 8058): the signed token is the permission, no sign-in.
    "notification_unsubscribe": {
        "GET": everyone(200, anonymous=200),
        "POST": everyone(200, anonymous=200),
    },
    # Check-ins and kudos are the pair's: an empty form is refused (400).
    "checkin": form(members=200, coordinators=404, post=who(members=400, coordinators=404)),
    "kudos": form(members=200, coordinators=404, post=who(members=400, coordinators=404)),
    "program_checkins": page(members=404, coordinators=200),
    "checkin_handle": action(members=404, coordinators=302),
    "program_health": page(members=404, coordinators=200),
}


def placeholders(world) -> dict:
    return {
        "slug": world.program.slug,
        "pk": world.pair.pk,
        "token": world.unsubscribe_token,
        "notification_open": {"pk": world.notification.pk},
        "checkin_handle": {"pk": world.checkin.pk},
    }
