"""The world every page of the matrix is requested in, built once for the whole matrix.

People (`world.people[role]`, None for anonymous):
- coordinator: coordinates `spring` (running, one-to-one), `circles` (group) and `flash`;
- mentor and mentee: the pair of `spring` (active, started a month ago), also enrolled in
  `flash`, a completed mentorship of theirs (for the certificate) and one being closed (for
  reflection and reopening);
- other_member: a mentee of `autumn`, another coordinator's program, in a pair of their own;
- outsider: an account in no program;
- site_admin: a superuser with access to Django admin.

Objects the paths point at hang off `world` by name (`world.meeting`, `world.survey` …); each
is the pair's or the mentee's, so that the rules read "members see it, everyone else 404".
"""

from datetime import time, timedelta
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from lodestar.accounts.models import ApiToken
from lodestar.engagement.models import CheckIn, Notification
from lodestar.engagement.preferences import unsubscribe_token
from lodestar.evaluations.models import Survey, SurveyAssignment, SurveyQuestion
from lodestar.flash.models import Booking, OfficeHours, Slot
from lodestar.growth.models import Recommendation, Resource, WorkFeedbackRequest
from lodestar.matches.models import Exclusion, MatchRun, Proposal
from lodestar.meetings.models import ActionItem, Meeting
from lodestar.meetings.services import calendar_feed_create
from lodestar.meetings.states import MeetingStatus
from lodestar.mentorships.closure import closure_start
from lodestar.mentorships.models import AgreementVersion, Goal, Mentorship, Milestone
from lodestar.messaging.models import Concern, Conversation, Message
from lodestar.network.models import Introduction
from lodestar.programs.services.invitations import invitation_create
from lodestar.webhooks.models import Delivery, Endpoint
from tests import factories

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def build_world() -> SimpleNamespace:
    w = SimpleNamespace()
    now = timezone.now()
    today = timezone.localdate()

    # People and programs ---------------------------------------------------------------------
    coordinator = factories.make_user(
        "coordinator@example.com", name="Cora Coordinator", can_create_programs=True
    )
    mentor = factories.make_user("mentor@example.com", name="Max Mentor")
    mentee = factories.make_user("mentee@example.com", name="Mia Mentee")
    other_member = factories.make_user("other@example.com", name="Olga Other")
    outsider = factories.make_user("outsider@example.com", name="Otto Outsider")
    site_admin = factories.make_user(
        "admin@example.com", name="Ada Admin", is_superuser=True, is_staff=True
    )
    rival = factories.make_user("rival@example.com", name="Rita Rival", can_create_programs=True)
    w.people = {
        "anonymous": None,
        "mentee": mentee,
        "mentor": mentor,
        "other_member": other_member,
        "outsider": outsider,
        "coordinator": coordinator,
        "site_admin": site_admin,
    }

    w.program = factories.make_program(
        coordinator=coordinator,
        name="Spring Cohort",
        slug="spring",
        status="running",
        matching_mode="hybrid",
        start_date=today - timedelta(days=40),
    )
    w.mentor_e = factories.make_enrolment(w.program, mentor, role="mentor", capacity=3)
    w.mentee_e = factories.make_enrolment(w.program, mentee, role="mentee")
    w.other_program = factories.make_program(
        coordinator=rival, name="Autumn Cohort", slug="autumn", status="running"
    )
    other_mentor = factories.make_user("other-mentor@example.com", name="Omar Other")
    w.other_pair = factories.make_mentorship(
        w.other_program,
        mentor=factories.make_enrolment(w.other_program, other_mentor, role="mentor"),
        mentees=[factories.make_enrolment(w.other_program, other_member, role="mentee")],
    )
    w.question = factories.make_question(w.program, label="What do you want to learn?")
    w.invitation, w.invitation_token = invitation_create(
        program=w.program,
        email="invitee@example.com",
        role="mentee",
        invited_by=coordinator,
        send=False,
    )

    # The pair and its workspace --------------------------------------------------------------
    w.pair = factories.make_mentorship(w.program, mentor=w.mentor_e, mentees=[w.mentee_e])
    w.completed = factories.make_mentorship(
        w.program,
        mentor=w.mentor_e,
        mentees=[w.mentee_e],
        status="completed",
        ended_at=now - timedelta(days=20),
    )
    # A second pair of theirs whose closure has started: reflections to write, one to reopen.
    w.closing = factories.make_mentorship(w.program, mentor=w.mentor_e, mentees=[w.mentee_e])
    closure_start(mentorship=w.closing, by=mentor, reason="goals_achieved")
    Mentorship.objects.filter(pk=w.pair.pk).update(start_date=today - timedelta(days=30))
    Mentorship.objects.filter(pk=w.completed.pk).update(start_date=today - timedelta(days=200))
    w.agreement = AgreementVersion.objects.create(
        mentorship=w.pair,
        number=1,
        sections={"expectations": "We both come prepared."},
        created_by=mentee,
    )
    w.goal = Goal.objects.create(
        mentorship=w.pair, owner=mentee, title="Speak at a meetup", accepted=True
    )
    w.milestone = Milestone.objects.create(goal=w.goal, title="Write the abstract")
    w.meeting = Meeting.objects.create(
        mentorship=w.pair,
        proposed_by=mentor,
        start=now + timedelta(days=7),
        duration=60,
        status=MeetingStatus.PROPOSED,
    )
    w.action_item = ActionItem.objects.create(
        mentorship=w.pair,
        meeting=w.meeting,
        title="Send the draft",
        assignee=mentee,
        created_by=mentor,
    )
    _feed, w.calendar_token = calendar_feed_create(user=mentee)
    w.conversation, _ = Conversation.objects.get_or_create(mentorship=w.pair)
    w.message = Message.objects.create(
        conversation=w.conversation,
        author=mentee,
        body="Here is my CV",
        attachment=pdf("cv.pdf"),
        attachment_name="cv.pdf",
        attachment_size=len(PDF),
        attachment_type="application/pdf",
    )
    w.concern = Concern.objects.create(
        mentorship=w.pair, reporter=mentee, text="I am not comfortable with a remark."
    )
    w.checkin = CheckIn.objects.create(
        mentorship=w.pair,
        user=mentee,
        period_start=today - timedelta(days=14),
        mood=2,
        wants_contact=True,
    )
    w.notification = Notification.objects.create(
        user=mentee, kind="meeting_proposed", params={"person": "Max", "when": "soon"}
    )
    w.unsubscribe_token = unsubscribe_token(mentee, "matching")
    w.api_token = ApiToken.objects.create(
        user=mentee,
        name="script",
        prefix="abcd1234",
        hash="x" * 64,
        expires_at=now + timedelta(days=30),
    )

    # Growth and network ----------------------------------------------------------------------
    w.resource = Resource.objects.create(
        program=w.program,
        kind="file",
        title="Giving feedback well",
        file=pdf("feedback.pdf"),
        file_name="feedback.pdf",
        file_size=len(PDF),
        file_type="application/pdf",
        added_by=coordinator,
    )
    w.recommendation = Recommendation.objects.create(
        resource=w.resource, mentorship=w.pair, from_user=mentor, to_user=mentee, note="Read it"
    )
    w.work_feedback = WorkFeedbackRequest.objects.create(
        mentorship=w.pair,
        requester=mentee,
        title="My CV",
        question="Is it clear?",
        file=pdf("draft.pdf"),
        file_name="draft.pdf",
        file_size=len(PDF),
        file_type="application/pdf",
    )
    third = factories.make_user("third@example.com", name="Tess Third")
    factories.make_enrolment(w.program, third, role="mentee")
    w.introduction = Introduction.objects.create(
        introducer=mentor, mentee=mentee, other=third, mentorship=w.pair, note="Meet Tess"
    )

    # Matching ------------------------------------------------------------------------------
    w.match_run = MatchRun.objects.create(
        program=w.program, number=1, solver="optimal", status="done", created_by=coordinator
    )
    Proposal.objects.create(run=w.match_run, mentee=w.mentee_e, mentor=w.mentor_e, score=80)
    second_mentor = factories.make_user("second-mentor@example.com", name="Sue Second")
    w.second_mentor_e = factories.make_enrolment(w.program, second_mentor, role="mentor")
    w.exclusion = Exclusion.objects.create(
        program=w.program, mentee=w.mentee_e, mentor=w.second_mentor_e, created_by=coordinator
    )
    w.request = factories.make_request(w.mentee_e, w.mentor_e)

    # Circles (a group program) -----------------------------------------------------------
    w.circles = factories.make_program(
        coordinator=coordinator, name="Circles", slug="circles", kind="group", status="running"
    )
    lead = factories.make_user("lead@example.com", name="Lee Lead")
    w.circle = factories.make_mentorship(
        w.circles,
        mentor=factories.make_enrolment(w.circles, lead, role="mentor", capacity=4),
        mentees=[
            factories.make_enrolment(
                w.circles, factories.make_user(f"circle{n}@example.com"), role="mentee"
            )
            for n in range(2)
        ],
    )

    # Flash: office hours of the mentor, a session booked by the mentee ---------------------
    w.flash = factories.make_program(
        coordinator=coordinator, name="Flash Week", slug="flash", kind="flash", status="running"
    )
    flash_mentor = factories.make_enrolment(w.flash, mentor, role="mentor")
    flash_mentee = factories.make_enrolment(w.flash, mentee, role="mentee")
    start = (now + timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    w.office_hours = OfficeHours.objects.create(
        program=w.flash,
        mentor=flash_mentor,
        repeat="once",
        starts_on=start.date(),
        start_time=time(start.hour),
        time_zone="UTC",
        duration=60,
        capacity=2,
        topics=["CV review"],
        place="Room 4",
    )
    w.slot = Slot.objects.create(
        office_hours=w.office_hours, start=start, end=start + timedelta(hours=1), capacity=2
    )
    w.booking = Booking.objects.create(slot=w.slot, mentee=flash_mentee, question="My CV?")

    # Evaluations ---------------------------------------------------------------------------
    w.survey = Survey.objects.create(
        program=w.program,
        title="Mid-point",
        status="active",
        created_by=coordinator,
        activated_at=now - timedelta(days=2),
    )
    w.survey_question = SurveyQuestion.objects.create(
        survey=w.survey, position=1, kind="likert", text="We meet often enough."
    )
    w.assignment = SurveyAssignment.objects.create(
        survey=w.survey,
        user=mentee,
        mentorship=w.pair,
        role="mentee",
        key="mid:pair:mentee",
        due_at=now + timedelta(days=7),
    )

    # Webhooks ------------------------------------------------------------------------------
    w.endpoint = Endpoint.objects.create(
        program=w.program,
        url="https://hooks.example.com/lodestar",
        events=["mentorship.closed"],
        secret="s" * 32,
        created_by=coordinator,
    )
    w.delivery = Delivery.objects.create(
        endpoint=w.endpoint, event="mentorship.closed", payload={"id": 1}, status="failed"
    )

    return w
