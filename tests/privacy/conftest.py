"""A person who has used every part of Lodestar: one row of every kind they can fill, each
text field holding its own unique "canary" string (`Person.canaries`: "app.Model.field" →
canary), plus copies the platform makes of their words (a notification and an email to their
partner, a concern quoting their message)."""

import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core.files.base import ContentFile
from django.utils import timezone

from lodestar.accounts.models import ApiToken, Profile, User
from lodestar.engagement.kudos import kudos_send
from lodestar.engagement.models import CheckIn
from lodestar.evaluations.models import (
    MutualFeedback,
    ProgressReview,
    ProgressReviewItem,
    Survey,
    SurveyAnswer,
    SurveyAssignment,
    SurveyQuestion,
    SurveyResponse,
)
from lodestar.flash.models import Booking, OfficeHours, SessionFeedback, Slot
from lodestar.growth.models import (
    FeedbackComment,
    Recommendation,
    Resource,
    WorkFeedbackRequest,
)
from lodestar.matches.models import RequestMessage
from lodestar.meetings.models import ActionItem, Meeting, PrivateNote
from lodestar.mentorships.models import (
    Closure,
    FormerMember,
    Goal,
    GoalComment,
    Membership,
    Milestone,
    Reflection,
)
from lodestar.messaging.models import Conversation, Message
from lodestar.messaging.services import concern_report
from lodestar.network.models import DirectoryListing, Introduction, Referral
from lodestar.programs.models import Answer, Invitation
from tests import factories


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class Person:
    user: User
    partner: User
    mentorship: object
    canaries: dict[str, str] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)  # in third-party tables
    files: list[str] = field(default_factory=list)

    def c(self, key: str, *, fmt: str = "{}") -> str:
        """A new canary for the field `key` ("app.Model.field"), formatted with `fmt`."""
        token = f"cnry{uuid.uuid4().hex[:12]}"
        self.canaries[key] = token
        return fmt.format(token)


def build_person(coordinator) -> Person:
    now = timezone.now()
    tag = uuid.uuid4().hex[:6]  # several people in one test
    user = factories.make_user(f"placeholder-{tag}@example.com", name="placeholder")
    partner = factories.make_user(f"partner-{tag}@example.com", name="Pat Partner")
    person = Person(user=user, partner=partner, mentorship=None)
    c = person.c
    user.name = c("accounts.User.name")
    user.email = c("accounts.User.email", fmt="{}@example.org")
    user.save()
    EmailAddress.objects.filter(user=user).update(email=user.email)
    second = f"cnry{uuid.uuid4().hex[:12]}"
    person.extra["second email"] = second
    EmailAddress.objects.create(user=user, email=f"{second}@example.net", verified=True)

    Profile.objects.update_or_create(
        user=user,
        defaults={
            "pronouns": c("accounts.Profile.pronouns"),
            "headline": c("accounts.Profile.headline"),
            "bio": c("accounts.Profile.bio"),
            "job_title": c("accounts.Profile.job_title"),
            "organisation": c("accounts.Profile.organisation"),
            "department": c("accounts.Profile.department"),
            "location": c("accounts.Profile.location"),
            "languages": [c("accounts.Profile.languages")],
            "links": [{"label": "site", "url": c("accounts.Profile.links", fmt="https://{}.org/")}],
        },
    )
    ApiToken.objects.create(
        user=user,
        name=c("accounts.ApiToken.name"),
        prefix=uuid.uuid4().hex[:8],
        hash=uuid.uuid4().hex * 2,
        expires_at=now + timedelta(days=30),
    )
    DirectoryListing.objects.create(
        user=user,
        listed=True,
        blurb=c("network.DirectoryListing.blurb"),
        open_to=c("network.DirectoryListing.open_to"),
    )

    # Program A: the person is a mentee, the partner their mentor.
    program = factories.make_program(
        coordinator=coordinator, name="Canary A", slug=f"canary-a-{tag}"
    )
    mine = factories.make_enrolment(
        program, user, role="mentee", decision_note=c("programs.Enrolment.decision_note")
    )
    theirs = factories.make_enrolment(program, partner, role="mentor", capacity=3)
    question = factories.make_question(program, label="Why mentoring?")
    Answer.objects.create(enrolment=mine, question=question, value=c("programs.Answer.value"))
    Invitation.objects.create(
        program=program,
        email=user.email,
        role="mentee",
        token_hash=uuid.uuid4().hex,
        expires_at=now + timedelta(days=3),
    )
    person.canaries["programs.Invitation.email"] = person.canaries["accounts.User.email"]
    request = factories.make_request(
        mine, theirs, status="accepted", message=c("matches.MentorshipRequest.message")
    )
    RequestMessage.objects.create(
        request=request, author=user, body=c("matches.RequestMessage.body")
    )
    ms = factories.make_mentorship(program, mentor=theirs, mentees=[mine])
    person.mentorship = ms
    ms.end_reason = c("mentorships.Mentorship.end_reason")
    ms.ended_by = user
    ms.save()
    Membership.objects.filter(user=user).update(
        decline_reason=c("mentorships.Membership.decline_reason")
    )
    FormerMember.objects.create(
        mentorship=ms,
        enrolment=mine,
        user=user,
        role="mentee",
        reason=c("mentorships.FormerMember.reason"),
    )
    goal = Goal.objects.create(
        mentorship=ms,
        owner=user,
        title=c("mentorships.Goal.title"),
        description=c("mentorships.Goal.description"),
        measure=c("mentorships.Goal.measure"),
    )
    Milestone.objects.create(goal=goal, title=c("mentorships.Milestone.title"))
    GoalComment.objects.create(goal=goal, author=user, body=c("mentorships.GoalComment.body"))
    closure = Closure.objects.create(
        mentorship=ms,
        started_by=user,
        reason="other",
        outcome="completed",
        reason_note=c("mentorships.Closure.reason_note"),
    )
    Reflection.objects.create(
        closure=closure,
        user=user,
        accomplishments=c("mentorships.Reflection.accomplishments"),
        learned=c("mentorships.Reflection.learned"),
        differently=c("mentorships.Reflection.differently"),
        gratitude=c("mentorships.Reflection.gratitude"),
        transition="done",
    )
    meeting = Meeting.objects.create(
        mentorship=ms,
        start=now - timedelta(days=2),
        status="completed",
        proposed_by=user,
        place=c("meetings.Meeting.place"),
        agenda=c("meetings.Meeting.agenda"),
    )
    PrivateNote.objects.create(meeting=meeting, author=user, text=c("meetings.PrivateNote.text"))
    ActionItem.objects.create(
        mentorship=ms, assignee=partner, created_by=user, title=c("meetings.ActionItem.title")
    )

    conversation = Conversation.objects.create(mentorship=ms)
    message = Message(
        conversation=conversation,
        author=user,
        body=c("messaging.Message.body"),
        attachment_name=c("messaging.Message.attachment_name", fmt="{}.pdf"),
        attachment_size=8,
        attachment_type="application/pdf",
    )
    message.attachment.save("a.pdf", ContentFile(b"%PDF-1.7"), save=False)
    message.save()
    person.files.append(message.attachment.path)
    Message.objects.create(conversation=conversation, author=partner, body="Hello from Pat")
    concern_report(mentorship=ms, by=user, text=c("messaging.Concern.text"))
    # Copies: the partner quotes the person's message in a concern; kudos notify the partner.
    concern_report(mentorship=ms, by=partner, text="Worried about this", message=message)
    kudos_send(mentorship=ms, by=user, to=partner, message=c("engagement.Kudos.message"))

    CheckIn.objects.create(
        mentorship=ms,
        user=user,
        period_start=date(2026, 1, 5),
        mood=3,
        progress=c("engagement.CheckIn.progress"),
        blockers=c("engagement.CheckIn.blockers"),
    )
    resource = Resource.objects.create(program=program, kind="article", title="Shared reading")
    Recommendation.objects.create(
        resource=resource,
        mentorship=ms,
        from_user=user,
        to_user=partner,
        note=c("growth.Recommendation.note"),
    )
    work = WorkFeedbackRequest(
        mentorship=ms,
        requester=user,
        title=c("growth.WorkFeedbackRequest.title"),
        question=c("growth.WorkFeedbackRequest.question"),
        link=c("growth.WorkFeedbackRequest.link", fmt="https://{}.org/"),
        text=c("growth.WorkFeedbackRequest.text"),
        file_name=c("growth.WorkFeedbackRequest.file_name", fmt="{}.pdf"),
    )
    work.file.save("w.pdf", ContentFile(b"%PDF-1.7"), save=False)
    work.save()
    person.files.append(work.file.path)
    FeedbackComment.objects.create(request=work, author=user, body=c("growth.FeedbackComment.body"))
    third = factories.make_user(f"third-{tag}@example.com", name="Third Person")
    Introduction.objects.create(
        introducer=user,
        mentee=partner,
        other=third,
        mentorship=ms,
        note=c("network.Introduction.note"),
    )
    Referral.objects.create(
        referrer=user,
        mentee=partner,
        mentorship=ms,
        title=c("network.Referral.title"),
        organisation=c("network.Referral.organisation"),
        link=c("network.Referral.link", fmt="https://{}.org/"),
        note=c("network.Referral.note"),
    )
    MutualFeedback.objects.create(
        mentorship=ms,
        author=user,
        about=partner,
        point="end",
        rating=4,
        went_well=c("evaluations.MutualFeedback.went_well"),
        could_improve=c("evaluations.MutualFeedback.could_improve"),
    )
    review = ProgressReview.objects.create(
        mentorship=ms, author=user, summary=c("evaluations.ProgressReview.summary")
    )
    ProgressReviewItem.objects.create(
        review=review,
        goal=goal,
        status_before="not_started",
        status_after="in_progress",
        progress_before=0,
        progress_after=20,
        note=c("evaluations.ProgressReviewItem.note"),
    )
    survey = Survey.objects.create(program=program, title="Mid-point", anonymity="confidential")
    survey_q = SurveyQuestion.objects.create(survey=survey, kind="text", text="Anything else?")
    assignment = SurveyAssignment.objects.create(
        survey=survey,
        user=user,
        mentorship=ms,
        role="mentee",
        key=f"s{survey.pk}:u{user.pk}",
        due_at=now + timedelta(days=7),
        status="done",
    )
    response = SurveyResponse.objects.create(
        survey=survey, assignment=assignment, mentorship=ms, role="mentee"
    )
    SurveyAnswer.objects.create(
        response=response, question=survey_q, text=c("evaluations.SurveyAnswer.text")
    )

    # Program B (flash): the person is a mentor with office hours; the partner asks them.
    flash_b = factories.make_program(
        coordinator=coordinator, name="Canary B", slug=f"canary-b-{tag}", kind="flash"
    )
    mine_b = factories.make_enrolment(flash_b, user, role="mentor", capacity=2)
    theirs_b = factories.make_enrolment(flash_b, partner, role="mentee")
    factories.make_request(
        theirs_b,
        mine_b,
        status="declined",
        decline_reason=c("matches.MentorshipRequest.decline_reason"),
    )
    OfficeHours.objects.create(
        program=flash_b,
        mentor=mine_b,
        repeat="once",
        starts_on=date(2026, 3, 2),
        start_time=time(10, 0),
        time_zone="Europe/Paris",
        topics=[c("flash.OfficeHours.topics")],
        place=c("flash.OfficeHours.place"),
        note=c("flash.OfficeHours.note"),
    )
    # Program C (flash): the person books the partner's session.
    flash_c = factories.make_program(
        coordinator=coordinator, name="Canary C", slug=f"canary-c-{tag}", kind="flash"
    )
    mine_c = factories.make_enrolment(flash_c, user, role="mentee")
    theirs_c = factories.make_enrolment(flash_c, partner, role="mentor", capacity=2)
    hours = OfficeHours.objects.create(
        program=flash_c,
        mentor=theirs_c,
        repeat="once",
        starts_on=date(2026, 3, 2),
        start_time=time(10, 0),
        time_zone="UTC",
    )
    slot = Slot.objects.create(
        office_hours=hours,
        start=now - timedelta(days=1),
        end=now - timedelta(days=1) + timedelta(minutes=30),
        capacity=1,
    )
    booking = Booking.objects.create(
        slot=slot,
        mentee=mine_c,
        question=c("flash.Booking.question"),
        status="cancelled",
        cancelled_by=user,
        cancel_reason=c("flash.Booking.cancel_reason"),
    )
    SessionFeedback.objects.create(
        booking=booking,
        author=user,
        rating=5,
        useful=True,
        comment=c("flash.SessionFeedback.comment"),
    )
    return person


@pytest.fixture
def person(coordinator) -> Person:
    return build_person(coordinator)
