"""Matrix rules for messages, attachments and concerns (see matrix.py). The message (with a
PDF attached) and the concern are the mentee's, in the pair's conversation."""

from .matrix import action, form, page, who

members_only = page(members=200, coordinators=404)

RULES = {
    "message_inbox": page(members=200, coordinators=200, others=200),
    "messages_unread": page(members=200, coordinators=200, others=200),
    # Messages are the pair's: coordinators never read them (DESIGN: privacy by default).
    "messages": form(members=200, coordinators=404, post=who(members=400, coordinators=404)),
    "messages_poll": members_only,
    # The message is the mentee's: only its author edits or deletes it.
    "message_edit": form(
        members=404,
        coordinators=404,
        mentee=200,
        post=who(members=404, coordinators=404, mentee=302),
    ),
    "message_delete": action(members=404, coordinators=404, mentee=302),
    "message_attachment": members_only,
    # A member reports a concern to the coordinators, who handle it.
    "concern_report": form(members=200, coordinators=404, post=who(members=400, coordinators=404)),
    "concern_detail": page(members=404, coordinators=200),
    "concern_handle": action(members=404, coordinators=302),
    "program_concerns": page(members=404, coordinators=200),
}


def placeholders(world) -> dict:
    return {
        "slug": world.program.slug,
        "pk": world.message.pk,
        "messages": {"pk": world.pair.pk},
        "messages_poll": {"pk": world.pair.pk},
        "concern_report": {"pk": world.pair.pk},
        "concern_detail": {"pk": world.concern.pk},
        "concern_handle": {"pk": world.concern.pk},
    }
