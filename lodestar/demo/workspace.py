"""The demo pair's workspace: the demo mentor and mentee of the main program have been working
together for a few weeks, so every workspace screen has something to show — a signed agreement,
goals with milestones (one achieved), a meeting held with notes and action items, the next one
confirmed, and a conversation with one message still unread.

The pair started 40 days ago on a first cycle of eleven weeks: far enough in that its 30-day
survey is waiting for the mentee and its mid-point has passed (demo/evaluations.py gives the
mid-point feedback), not so far that the end-of-mentorship feedback is open already.

Rows are written directly rather than through the services, so loading the demo sends no
notifications, emails or calendar invitations.
"""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.meetings.models import ActionItem, Meeting, MeetingNote, Mode
from lodestar.mentorships.agreements import template_texts
from lodestar.mentorships.models import (
    AgreementSignature,
    AgreementVersion,
    Goal,
    GoalComment,
    Membership,
    Mentorship,
    Milestone,
    Origin,
)
from lodestar.mentorships.states import MentorshipStatus, Response
from lodestar.messaging.models import Conversation, Message, ReadMark
from lodestar.programs.models import Enrolment, Program

from . import data

STARTED_DAYS_AGO = 40
FIRST_CYCLE = timedelta(weeks=11)


def demo_pair(program: Program, coordinator: User) -> Mentorship:
    mentor = Enrolment.objects.select_related("user").get(
        program=program, user__email=data.MENTOR.email
    )
    mentee = Enrolment.objects.select_related("user").get(
        program=program, user__email=data.MENTEE.email
    )
    now = timezone.now()
    started = now - timedelta(days=STARTED_DAYS_AGO)
    mentorship = Mentorship.objects.create(
        program=program,
        origin=Origin.MANUAL,
        status=MentorshipStatus.ACTIVE,
        score=86.0,
        start_date=started.date(),
        planned_end_date=started.date() + FIRST_CYCLE,
        created_by=coordinator,
    )
    Membership.objects.bulk_create(
        Membership(
            mentorship=mentorship,
            enrolment=enrolment,
            user=enrolment.user,
            role=enrolment.role,
            response=Response.ACCEPTED,
            responded_at=started,
        )
        for enrolment in (mentor, mentee)
    )
    _agreement(mentorship, mentor.user, mentee.user, started)
    _goals(mentorship, mentor.user, mentee.user, now)
    _meetings(mentorship, mentor.user, mentee.user, now)
    _messages(mentorship, mentor.user, mentee.user, now)
    return mentorship


def _agreement(mentorship: Mentorship, mentor: User, mentee: User, started: datetime) -> None:
    sections = template_texts(mentorship.program, mentorship)
    sections["channels"] = (
        "Video calls for our sessions; messages in Lodestar in between. We answer within two "
        "working days."
    )
    version = AgreementVersion.objects.create(
        mentorship=mentorship,
        number=1,
        sections=sections,
        created_by=mentee,
        edited_by=mentee,
        agreed_at=started + timedelta(days=2),
    )
    AgreementSignature.objects.bulk_create(
        [
            AgreementSignature(version=version, user=mentee, signed_at=started + timedelta(days=1)),
            AgreementSignature(version=version, user=mentor, signed_at=started + timedelta(days=2)),
        ]
    )


def _goals(mentorship: Mentorship, mentor: User, mentee: User, now: datetime) -> None:
    today = now.date()
    talk = Goal.objects.create(
        mentorship=mentorship,
        owner=mentee,
        title="Give my first conference talk",
        description="Turn our migration story into a 25-minute talk for a regional conference.",
        measure="A talk accepted and given, with feedback from at least five listeners.",
        target_date=today + timedelta(weeks=14),
        status="in_progress",
        progress=40,
    )
    Milestone.objects.bulk_create(
        [
            Milestone(
                goal=talk,
                title="Write the abstract",
                due_date=today - timedelta(weeks=1),
                done_at=now - timedelta(days=9),
                done_by=mentee,
            ),
            Milestone(
                goal=talk,
                title="Submit to two calls for papers",
                due_date=today + timedelta(weeks=3),
            ),
            Milestone(
                goal=talk, title="Rehearse with the team", due_date=today + timedelta(weeks=10)
            ),
        ]
    )
    GoalComment.objects.create(
        goal=talk,
        author=mentor,
        body="Your abstract is strong. Lead with the outage story: people remember stories.",
    )
    Goal.objects.create(
        mentorship=mentorship,
        owner=mentee,
        title="Run my team's retrospective on my own",
        measure="Two retrospectives facilitated without help, and the team asks for more.",
        target_date=today - timedelta(days=5),
        status="achieved",
        progress=100,
        achieved_at=now - timedelta(days=6),
    )
    Goal.objects.create(
        mentorship=mentorship,
        owner=mentee,
        title="Read “An Elegant Puzzle” and bring three questions",
        suggested_by=mentor,
        accepted=False,
    )


def _meetings(mentorship: Mentorship, mentor: User, mentee: User, now: datetime) -> None:
    zone = ZoneInfo(mentee.timezone or "UTC")
    local = now.astimezone(zone)
    held_start = (local - timedelta(days=12)).replace(hour=18, minute=0, second=0, microsecond=0)
    next_start = (local + timedelta(days=2)).replace(hour=18, minute=0, second=0, microsecond=0)
    held = Meeting.objects.create(
        mentorship=mentorship,
        start=held_start,
        duration=60,
        mode=Mode.VIDEO,
        place="https://meet.example.org/northstar-priya-lucas",
        agenda="1. The talk abstract\n2. How your first retrospective went",
        status="completed",
        proposed_by=mentor,
        confirmed_at=held_start - timedelta(days=3),
        invited_at=held_start - timedelta(days=3),
        sequence=1,
        minutes_logged=55,
    )
    MeetingNote.objects.create(
        meeting=held,
        text=(
            "Abstract: cut to 150 words, lead with the outage.\n"
            "Retrospective: went well; try the “sailboat” format next time."
        ),
        version=2,
        last_edited_by=mentee,
    )
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                mentorship=mentorship,
                meeting=held,
                title="Send the abstract to Priya",
                assignee=mentee,
                due=(held_start + timedelta(days=4)).date(),
                done_at=held_start + timedelta(days=3),
                created_by=mentee,
            ),
            ActionItem(
                mentorship=mentorship,
                meeting=held,
                title="Share the list of regional conferences",
                assignee=mentor,
                due=(now + timedelta(days=1)).date(),
                created_by=mentor,
            ),
        ]
    )
    Meeting.objects.create(
        mentorship=mentorship,
        start=next_start,
        duration=45,
        mode=Mode.VIDEO,
        place="https://meet.example.org/northstar-priya-lucas",
        agenda="Which calls for papers to answer first",
        status="confirmed",
        proposed_by=mentee,
        confirmed_at=now - timedelta(days=1),
        invited_at=now - timedelta(days=1),
        sequence=1,
    )


def _messages(mentorship: Mentorship, mentor: User, mentee: User, now: datetime) -> None:
    conversation = Conversation.objects.create(
        mentorship=mentorship, created_at=now - timedelta(weeks=4)
    )
    said = [
        (
            mentee,
            timedelta(days=38),
            "Thank you for taking me on! I sent the agreement with one change to the channels.",
        ),
        (mentor, timedelta(days=37, hours=22), "Signed. Looking forward to Thursday."),
        (mentee, timedelta(days=5), "I ran the retrospective on my own today. It worked!"),
        (mentor, timedelta(days=4, hours=23), "Wonderful news — that goal is done. Celebrate it!"),
        (
            mentor,
            timedelta(hours=3),
            "Here is a first list of conferences with open calls: I'll bring more on Thursday.",
        ),
    ]
    messages = Message.objects.bulk_create(
        Message(conversation=conversation, author=author, body=body, created_at=now - ago)
        for author, ago, body in said
    )
    # The mentee has read everything but the newest message: one unread in the navigation.
    ReadMark.objects.bulk_create(
        [
            ReadMark(
                conversation=conversation,
                user=mentee,
                last_read_id=messages[-2].pk,
                read_at=now - timedelta(days=4),
            ),
            ReadMark(
                conversation=conversation, user=mentor, last_read_id=messages[-1].pk, read_at=now
            ),
        ]
    )
