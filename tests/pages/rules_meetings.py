"""Matrix rules for meetings, notes, action items and calendars (see matrix.py). The meeting
is the pair's, proposed by the mentor for next week; the calendar feed is the mentee's."""

from .matrix import action, everyone, form, page

# A meeting is the pair's content: coordinators see counts and dates on the workspace, never the
# meeting itself (meetings/policy.py).
members_only = page(members=200, coordinators=404)


def members_act(status=302):
    return action(members=status, coordinators=404)


RULES = {
    "meeting_list": members_only,
    "meeting_new": form(members=200, coordinators=404),
    "meeting_detail": members_only,
    "meeting_edit": form(members=200, coordinators=404),
    "meeting_reschedule": form(members=200, coordinators=404),
    "meeting_confirm": members_act(),
    "meeting_cancel": members_act(),
    # It has not happened yet: the form says so (200).
    "meeting_complete": members_act(200),
    "meeting_missed": members_act(),
    # An empty shared note without the version it edits: 400.
    "meeting_note": members_act(400),
    "meeting_private_note": members_act(),
    "action_item_add": members_act(400),
    "action_item_done": members_act(),
    "meeting_invite": members_only,
    # Everyone has a calendar feed of their own; the form makes a new address.
    "calendar_feed": form(members=200, coordinators=200, others=200),
    # The private feed: the secret token in its address is the permission, no sign-in.
    "calendar_feed_ics": {"GET": everyone(200, anonymous=200)},
}


def placeholders(world) -> dict:
    return {
        "pk": world.meeting.pk,
        "token": world.calendar_token,
        "meeting_list": {"pk": world.pair.pk},
        "meeting_new": {"pk": world.pair.pk},
        "action_item_done": {"pk": world.action_item.pk},
    }
