"""Matrix rules for the mentorship workspace: the agreement, meetings, messages, resources and
recommendations, introductions, check-ins and notifications (see matrix.py).

The world gains a mentorship that started a month ago (so a check-in is open), a draft of its
agreement (version 1, to sign), a meeting of the pair that was confirmed and has started (so it
can be recorded held or missed, and moved, but no longer confirmed or cancelled), an
introduction by the mentor of the mentee to a third person, and a notification of the mentee's.
"""

from datetime import timedelta

from django.utils import timezone

from lodestar.engagement.models import Notification
from lodestar.meetings.models import Meeting
from lodestar.meetings.states import MeetingStatus
from lodestar.mentorships.agreements import agreement_draft
from lodestar.mentorships.models import Mentorship
from lodestar.network.models import Introduction
from tests import factories

from .matrix import rule

WEEKS_AHEAD = timezone.now() + timedelta(days=30)

# Content of the pair: like the pages, for its members only.
members_only = rule(members=200, coordinators=404)

RULES = {
    "agreements_get": members_only,
    "agreements_edit": members_only,
    "agreements_sign": members_only,
    "meetings_create": rule(members=201, coordinators=404),
    "meetings_get": members_only,
    # The meeting is confirmed already: nobody confirms it again.
    "meetings_confirm": rule(members=400, coordinators=404),
    "meetings_reschedule": members_only,
    # It has started: it is recorded held or missed, not cancelled.
    "meetings_cancel": rule(members=400, coordinators=404),
    "meetings_complete": members_only,
    "meetings_missed": members_only,
    "meetings_shared_note": members_only,
    "meetings_private_note": members_only,
    "messages_list": members_only,
    "messages_send": rule(members=201, coordinators=404),
    "messages_mark_read": rule(members=200, coordinators=404),
    # The library is the program's: its participants and coordinators.
    "resources_list": rule(members=200, coordinators=200),
    "recommendations_list": members_only,
    # The body names no resource of the library and nobody of the pair: a 400 for those who
    # may recommend at all (success is tested in test_workspace_resources.py).
    "recommendations_create": rule(members=400, coordinators=404),
    # Everybody has a list of their own introductions and notifications.
    "introductions_list": rule(members=200, coordinators=200, others=200),
    # The three people of an introduction: the mentor made it, the mentee is invited.
    "introductions_get": members_only,
    "introductions_create": rule(members=400, coordinators=404),
    # Only the invited answer; the introducer is refused by the service.
    "introductions_answer": {**members_only, "mentor": 400},
    # A member reads their own check-ins; coordinators each member's latest, as the pages.
    "checkins_list": rule(members=200, coordinators=200),
    "checkins_create": rule(members=201, coordinators=404),
    "notifications_list": rule(members=200, coordinators=200, others=200),
    "notifications_read_all": rule(members=200, coordinators=200, others=200),
    # The notification is the mentee's.
    "notifications_read": {**rule(members=404, coordinators=404), "mentee": 200},
}

BODIES = {
    "agreements_edit": {"sections": {"expectations": "We both come prepared."}},
    "agreements_sign": {"number": 1},
    "meetings_create": {"start": WEEKS_AHEAD.isoformat(), "duration": 60, "mode": "video"},
    "meetings_reschedule": {"start": (WEEKS_AHEAD + timedelta(days=7)).isoformat()},
    "meetings_complete": {"minutes": 50},
    "meetings_shared_note": {"text": "What we agreed", "version": 0},
    "meetings_private_note": {"text": "Mine alone"},
    "messages_send": {"body": "Hello"},
    "messages_mark_read": {},
    "recommendations_create": {"resource": 0, "to": 0, "note": "Read this"},
    "introductions_create": {"mentee": 0, "other": 0, "note": "You should meet"},
    "introductions_answer": {"accept": True},
    "checkins_create": {"mood": 4, "progress": "Good", "blockers": "", "wants_contact": False},
}


def placeholders(world) -> dict:
    pair, mentor, mentee = world.pair, world.people["mentor"], world.people["mentee"]
    Mentorship.objects.filter(pk=pair.pk).update(
        start_date=timezone.localdate() - timedelta(days=30)
    )
    agreement_draft(mentorship=pair, by=mentee)
    now = timezone.now()
    meeting = Meeting.objects.create(
        mentorship=pair,
        proposed_by=mentor,
        start=now - timedelta(minutes=30),
        duration=60,
        status=MeetingStatus.CONFIRMED,
        confirmed_at=now - timedelta(days=2),
    )
    third = factories.make_user("third@example.com", name="Tess Third")
    factories.make_enrolment(world.program, third, role="mentee")
    introduction = Introduction.objects.create(
        introducer=mentor, mentee=mentee, other=third, mentorship=pair, note="Meet Tess"
    )
    notification = Notification.objects.create(
        user=mentee, kind="meeting_proposed", params={"person": "Max", "when": "soon"}
    )
    return {
        "meeting_id": meeting.pk,
        "introduction_id": introduction.pk,
        "notification_id": notification.pk,
    }
