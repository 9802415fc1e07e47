"""Matrix rules for the privacy pages: the policy, one's own data (export, erasure) and the
staff's erasure tools (see matrix.py)."""

from .matrix import action, everyone, page, who

# The staff's tools are hidden from everyone else, visitors included (404, not a sign-in).
site_admins_only = who(404, members=404, coordinators=404, site_admin=200)

RULES = {
    "privacy": {"GET": everyone(200, anonymous=200)},
    # One's own data: everyone signed in.
    "my_data": page(members=200, coordinators=200, others=200),
    "data_export_json": page(members=200, coordinators=200, others=200),
    "data_export_zip": page(members=200, coordinators=200, others=200),
    # Erasing one's account needs the password typed again: an empty form is refused.
    "account_erase": action(members=400, coordinators=400, others=400),
    "privacy_staff_erase": {
        "GET": site_admins_only,
        "POST": who(404, members=404, coordinators=404, site_admin=400),
    },
    # Reading a pair's conversation (a legal request): a site admin states why first (400
    # without a reason), then reads.
    "privacy_conversation_access": {
        "GET": site_admins_only,
        "POST": who(404, members=404, coordinators=404, site_admin=400),
    },
    "privacy_conversation_read": {"GET": who(404, members=404, coordinators=404, site_admin=302)},
}


def placeholders(world) -> dict:
    # The pair's mentorship (the conversation is reached through it).
    return {"pk": world.conversation.mentorship_id}
