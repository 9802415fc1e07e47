"""The main program looked back on: surveys answered, mentorships that ended, feedback given.

- Two surveys made from the templates and sent for months: the 30-day satisfaction survey
  (confidential), answered by most of the people it was sent to, and waiting for the demo
  mentee's answer; the end-of-program survey (anonymous), answered by enough people that its
  results and the dashboard's Net Promoter Score show.
- A few mentorships that ended: most completed, with each member's reflection and a note of
  thanks; one ended early for want of time. The demo pair stays active.
- The demo pair's mid-point feedback (one shared, one for the coordinators) and a progress
  review from their last meeting.

The surveys are made, activated and answered through the evaluation services (answering takes
the moment it happened, so past answers are stored as they would have been). The rest is
written directly, as in workspace.py: the closure, feedback and scheduling services tell people
what happened, and loading the demo must send no notification or email. Assignments carry the
scheduler's own keys, so the worker, when it runs, finds every occasion asked already.

The number of rows is fixed (at most PAIRS ended mentorships), so the demo costs the same few
hundred queries whatever its size.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.evaluations.answering import response_submit
from lodestar.evaluations.models import (
    AssignmentStatus,
    MutualFeedback,
    ProgressReview,
    ProgressReviewItem,
    Survey,
    SurveyAssignment,
    Visibility,
)
from lodestar.evaluations.scheduling import day_start
from lodestar.evaluations.surveys import survey_activate, survey_create
from lodestar.meetings.models import Meeting, Mode
from lodestar.mentorships.models import (
    Closure,
    ClosureReason,
    Goal,
    Membership,
    Mentorship,
    Origin,
    Outcome,
    Reflection,
    Transition,
)
from lodestar.mentorships.states import MentorshipStatus, Response
from lodestar.programs.models import Enrolment, Program, Role
from lodestar.programs.states import EnrolmentStatus

from . import data

PAIRS = 6  # ended mentorships: all completed but the last, which ended early
SURVEYS_SENT_DAYS_AGO = 160

# What each completed pair worked on, and what its members wrote when it ended.
STORIES = (
    {
        "goal": "Lead my first project from kick-off to launch",
        "accomplishments": (
            "I led the payments migration from kick-off to launch, on time, and ran every "
            "planning meeting myself."
        ),
        "learned": "Saying no early is kinder than saying yes and slipping later.",
        "differently": "Ask for the stakeholder map in the first week, not the fifth.",
        "thanks": "Thank you for every Thursday call, and for the question “what would you do?”.",
        "mentor_thanks": "Watching you grow into this role was the best part of my year.",
        "transition": Transition.CONTINUE_INFORMALLY,
    },
    {
        "goal": "Move from support into a product analyst role",
        "accomplishments": "I built the churn dashboard the team now uses and got the role.",
        "learned": "SQL window functions, and how to tell a story with three charts, not ten.",
        "differently": "Share drafts sooner: the feedback always made them better.",
        "thanks": "You believed I could do it before I did. Thank you.",
        "mentor_thanks": "Your curiosity made every session a pleasure.",
        "transition": Transition.NEW_GOALS,
    },
    {
        "goal": "Publish three articles on our engineering blog",
        "accomplishments": "Three articles published; the second was read by four thousand people.",
        "learned": "Write the ending first. Editing is where the article happens.",
        "differently": "",
        "thanks": "Thank you for your patient red pen and your encouragement.",
        "mentor_thanks": "Thank you for trusting me with your drafts.",
        "transition": Transition.DONE,
    },
    {
        "goal": "Prepare for my first promotion review",
        "accomplishments": "I wrote my promotion case with evidence for every criterion.",
        "learned": "Keep a weekly log of what I did and why it mattered.",
        "differently": "Start the log on day one of the job.",
        "thanks": "Thank you for the mock review: the real one felt easy after it.",
        "mentor_thanks": "Congratulations on the promotion — well deserved.",
        "transition": Transition.CONTINUE_INFORMALLY,
    },
    {
        "goal": "Speak up in architecture reviews",
        "accomplishments": "I presented two design proposals; one is now our standard.",
        "learned": "Preparation beats confidence, and confidence follows.",
        "differently": "Practise out loud, not only in my head.",
        "thanks": "Thank you for making me present to you first, every time.",
        "mentor_thanks": "I learned as much from your questions as you did from my answers.",
        "transition": Transition.NEW_MENTOR,
    },
)
ENDED_EARLY_REASON = (
    "A new role with a lot of travel: we could not find a regular time to meet, and agreed to "
    "stop rather than keep cancelling."
)

# (satisfied, often enough, know where we are going, what would make it better), 1 to 5.
SATISFACTION = (
    (5, 4, 5, "More time between sessions to try things out."),
    (4, 4, 4, ""),
    (5, 5, 4, "A shared document for our notes."),
    (4, 3, 4, "Meeting every week at the start."),
    (5, 5, 5, ""),
    (2, 2, 3, "We keep having to move our meetings."),
)
# (recommend 0–10, helped me reach my goals, well matched, what to change), the last for the
# pair that ended early.
END_OF_PROGRAM = (
    (10, 5, 5, "Introduce the pairs to each other before the first session."),
    (9, 4, 5, "A mid-point get-together of the whole cohort."),
    (9, 5, 4, "More advice on setting goals at the start."),
    (8, 4, 4, ""),
    (10, 5, 5, "Nothing: keep it as it is."),
    (7, 4, 4, "Longer: six months went quickly."),
    (9, 4, 5, "A template for the first meeting."),
    (10, 5, 5, ""),
    (9, 5, 4, "Let mentees choose among two or three mentors."),
    (6, 3, 3, "Check earlier whether both have time."),
    (5, 2, 2, "Ask about travel and working hours when matching."),
)


@dataclass
class Pair:
    mentorship: Mentorship
    mentor: User
    mentee: User
    started: datetime
    closure: Closure | None = None


def _ended_early(k: int, pairs: list) -> bool:
    """The last of several ended pairs ended early; the others completed."""
    return k == len(pairs) - 1 and len(pairs) > 1


def program_evaluations(program: Program, coordinator: User, demo_pair: Mentorship) -> None:
    now = timezone.now()
    ended = _ended_pairs(program, coordinator, now)
    lucas = User.objects.get(email=data.MENTEE.email)
    priya = User.objects.get(email=data.MENTOR.email)
    current = Pair(demo_pair, priya, lucas, day_start(demo_pair.start_date))
    _surveys(program, coordinator, ended, current, now)
    _mutual_feedback(demo_pair, priya, lucas, now)
    _progress_review(demo_pair, lucas, now)


# --- mentorships that ended ---------------------------------------------------------------------


def _people(program: Program) -> tuple[list[Enrolment], list[Enrolment]]:
    """The approved mentors and mentees other than the demo logins, in a stable order."""
    enrolments = (
        Enrolment.objects.filter(program=program, status=EnrolmentStatus.APPROVED)
        .exclude(user__email__in=[data.MENTOR.email, data.MENTEE.email])
        .select_related("user")
        .order_by("pk")
    )
    mentors = [e for e in enrolments if e.role == Role.MENTOR]
    mentees = [e for e in enrolments if e.role == Role.MENTEE]
    return mentors, mentees


def _ended_pairs(program: Program, coordinator: User, now: datetime) -> list[Pair]:
    mentors, mentees = _people(program)
    count = min(PAIRS, len(mentees)) if mentors else 0
    if not count:
        return []
    planned = [
        (mentors[k % len(mentors)], mentees[k], now - timedelta(days=124 - 4 * k))
        for k in range(count)
    ]
    mentorships = Mentorship.objects.bulk_create(
        Mentorship(
            program=program,
            origin=Origin.MANUAL,
            status=MentorshipStatus.COMPLETED,
            score=78.0 + 2 * k,
            start_date=started.date(),
            planned_end_date=(started + timedelta(weeks=16)).date(),
            created_by=coordinator,
        )
        for k, (_mentor, _mentee, started) in enumerate(planned)
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
        for mentorship, (mentor, mentee, started) in zip(mentorships, planned, strict=True)
        for enrolment in (mentor, mentee)
    )
    pairs = [
        Pair(mentorship, mentor.user, mentee.user, started)
        for mentorship, (mentor, mentee, started) in zip(mentorships, planned, strict=True)
    ]
    _history(pairs, now)
    _closures(pairs, now)
    return pairs


def _history(pairs: list[Pair], now: datetime) -> None:
    """A goal each and a meeting every fortnight until the end, so that the ended pairs count in
    the meetings and goals of the dashboard too."""
    goals, meetings = [], []
    for k, pair in enumerate(pairs):
        early = _ended_early(k, pairs)
        story = STORIES[k % len(STORIES)]
        goals.append(
            Goal(
                mentorship=pair.mentorship,
                owner=pair.mentee,
                title="Find a regular time to meet" if early else story["goal"],
                status="dropped" if early else "achieved",
                progress=20 if early else 100,
                achieved_at=None if early else now - timedelta(days=25 - 3 * k),
            )
        )
        held = 2 if early else 7
        for n in range(held):
            start = (pair.started + timedelta(days=7 + 14 * n)).replace(
                hour=17, minute=0, second=0, microsecond=0
            )
            meetings.append(
                Meeting(
                    mentorship=pair.mentorship,
                    start=start,
                    duration=60,
                    mode=Mode.VIDEO,
                    status="completed",
                    proposed_by=pair.mentor,
                    confirmed_at=start - timedelta(days=2),
                    minutes_logged=55,
                )
            )
    Goal.objects.bulk_create(goals)
    Meeting.objects.bulk_create(meetings)


def _closures(pairs: list[Pair], now: datetime) -> None:
    """Each completed pair closed (its goals achieved) and both members reflected, the last
    reflection finishing the closure; the last pair ended early, at once, as
    services.mentorship_end_early records it."""
    closures, reflections, finished = [], [], []
    for k, pair in enumerate(pairs):
        mentorship = pair.mentorship
        if _ended_early(k, pairs):
            ended = now - timedelta(days=6, hours=3)
            mentorship.status = MentorshipStatus.ENDED_EARLY
            mentorship.ended_at, mentorship.ended_by = ended, pair.mentor
            mentorship.end_reason = ENDED_EARLY_REASON
            pair.closure = Closure(
                mentorship=mentorship,
                started_by=pair.mentor,
                started_at=ended,
                reason=ClosureReason.AVAILABILITY,
                reason_note=ENDED_EARLY_REASON,
                outcome=Outcome.ENDED_EARLY,
                finished_at=ended,
            )
        else:
            story = STORIES[k % len(STORIES)]
            started = now - timedelta(days=21 - 3 * k, hours=2)
            last = started + timedelta(days=2, hours=5)
            mentorship.ended_at, mentorship.ended_by = last, pair.mentee
            mentorship.end_reason = str(ClosureReason.GOALS_ACHIEVED.label)
            pair.closure = Closure(
                mentorship=mentorship,
                started_by=pair.mentee,
                started_at=started,
                reason=ClosureReason.GOALS_ACHIEVED,
                outcome=Outcome.COMPLETED,
                finished_at=last,
            )
            reflections.append(
                Reflection(
                    closure=pair.closure,
                    user=pair.mentee,
                    accomplishments=story["accomplishments"],
                    learned=story["learned"],
                    differently=story["differently"],
                    gratitude=story["thanks"],
                    transition=story["transition"],
                    submitted_at=started + timedelta(hours=20),
                )
            )
            reflections.append(
                Reflection(
                    closure=pair.closure,
                    user=pair.mentor,
                    accomplishments="Seeing my mentee reach the goal we set, and learning to ask better questions.",
                    gratitude=story["mentor_thanks"],
                    transition=Transition.CONTINUE_INFORMALLY,
                    submitted_at=last,
                )
            )
        closures.append(pair.closure)
        finished.append(mentorship)
    Closure.objects.bulk_create(closures)
    Reflection.objects.bulk_create(reflections)
    Mentorship.objects.bulk_update(finished, ["status", "ended_at", "ended_by", "end_reason"])


# --- surveys ------------------------------------------------------------------------------------


def _assignment(
    survey: Survey, pair: Pair, user: User, key: str, occasion: datetime, status: str
) -> SurveyAssignment:
    sent = occasion + timedelta(minutes=40)  # the scheduler runs every hour
    return SurveyAssignment(
        survey=survey,
        user=user,
        mentorship=pair.mentorship,
        role=Role.MENTOR if user.pk == pair.mentor.pk else Role.MENTEE,
        key=key,
        occasion_at=occasion,
        sent_at=sent,
        due_at=sent + timedelta(days=survey.open_days),
        status=status,
    )


def _answer(assignment: SurveyAssignment, values: tuple, when: datetime) -> None:
    """Answered through the service, as of `when` (it stores the day, or the moment)."""
    questions = list(assignment.survey.questions.order_by("position", "pk"))
    response_submit(
        assignment=assignment,
        by=assignment.user,
        answers={q.pk: value for q, value in zip(questions, values, strict=True) if value != ""},
        now=when,
    )


def _surveys(
    program: Program, coordinator: User, ended: list[Pair], current: Pair, now: datetime
) -> None:
    sent_from = now - timedelta(days=SURVEYS_SENT_DAYS_AGO)
    first_month = survey_create(program=program, by=coordinator, template="satisfaction_30")
    survey_activate(survey=first_month, by=coordinator, now=sent_from)
    looking_back = survey_create(program=program, by=coordinator, template="end_of_program")
    survey_activate(survey=looking_back, by=coordinator, now=sent_from)
    _first_month(first_month, ended, current, now)
    _looking_back(looking_back, ended)


def _first_month(survey: Survey, ended: list[Pair], current: Pair, now: datetime) -> None:
    """Thirty days in: the ended pairs answered long ago (but for one mentor, who let it
    expire); the demo mentor answered yesterday, and the demo mentee has not yet."""
    rows = []  # (assignment, answers or None, when answered)
    for k, pair in enumerate([*ended, current]):
        occasion = day_start(pair.mentorship.start_date + timedelta(days=survey.offset_days))
        opinion = SATISFACTION[-1] if _ended_early(k, ended) else SATISFACTION[k % 5]
        for user in (pair.mentee, pair.mentor):
            key = f"survey{survey.pk}-mentorship{pair.mentorship.pk}-0-user{user.pk}"
            status, answers, when = AssignmentStatus.PENDING, opinion, None
            if pair is current:
                answers = opinion if user == pair.mentor else None
                when = now - timedelta(days=1)
            elif user == pair.mentor and k == 1:
                status, answers = AssignmentStatus.EXPIRED, None
            assignment = _assignment(survey, pair, user, key, occasion, status)
            rows.append((assignment, answers, when or assignment.sent_at + timedelta(days=2)))
    SurveyAssignment.objects.bulk_create(assignment for assignment, _a, _w in rows)
    for assignment, answers, when in rows:
        if answers is not None:
            _answer(assignment, answers, when)


def _looking_back(survey: Survey, ended: list[Pair]) -> None:
    """At each closure: the members of the completed pairs answered, and so did the mentee of
    the pair that ended early; its mentor still has a few days to."""
    rows = []
    opinions = iter(END_OF_PROGRAM)
    for k, pair in enumerate(ended):
        early = _ended_early(k, ended)
        for user in (pair.mentee, pair.mentor):
            if early:
                answers = END_OF_PROGRAM[-1] if user == pair.mentee else None
            else:
                answers = next(opinions)
            key = f"survey{survey.pk}-closure{pair.closure.pk}-user{user.pk}"
            assignment = _assignment(
                survey, pair, user, key, pair.closure.started_at, AssignmentStatus.PENDING
            )
            rows.append((assignment, answers))
    SurveyAssignment.objects.bulk_create(assignment for assignment, _answers in rows)
    for assignment, answers in rows:
        if answers is not None:
            _answer(assignment, answers, assignment.sent_at + timedelta(hours=20))


# --- the demo pair: feedback and a progress review ----------------------------------------------


def _mutual_feedback(pair: Mentorship, priya: User, lucas: User, now: datetime) -> None:
    MutualFeedback.objects.bulk_create(
        [
            MutualFeedback(
                mentorship=pair,
                author=lucas,
                about=priya,
                point="midpoint",
                rating=5,
                went_well=(
                    "Every session ends with one concrete next step, and Priya always "
                    "remembers what we said the time before."
                ),
                could_improve="I would like to practise the talk in front of you, not only plan it.",
                visibility=Visibility.SHARED,
                created_at=now - timedelta(days=1, hours=4),
            ),
            MutualFeedback(
                mentorship=pair,
                author=priya,
                about=lucas,
                point="midpoint",
                rating=4,
                went_well="Lucas prepares well and follows through on every action item.",
                could_improve=(
                    "He is hard on himself after small setbacks; I would welcome ideas on how "
                    "to help him see his progress."
                ),
                visibility=Visibility.COORDINATORS,
                created_at=now - timedelta(hours=20),
            ),
        ]
    )


def _progress_review(pair: Mentorship, lucas: User, now: datetime) -> None:
    """Lucas's review after their meeting twelve days ago: the talk under way, the
    retrospectives nearly there (achieved a week later). Before and after are history, so the
    rows are written as they were, not through the goal services of today."""
    goals = {goal.title: goal for goal in Goal.objects.filter(mentorship=pair, accepted=True)}
    talk = goals.get("Give my first conference talk")
    retro = goals.get("Run my team's retrospective on my own")
    review = ProgressReview.objects.create(
        mentorship=pair,
        author=lucas,
        summary=(
            "A good month: the abstract is written and the first retrospective went well. "
            "Next: the calls for papers."
        ),
        created_at=now - timedelta(days=11, hours=20),
    )
    items = []
    if talk is not None:
        items.append(
            ProgressReviewItem(
                review=review,
                goal=talk,
                status_before="not_started",
                status_after="in_progress",
                progress_before=0,
                progress_after=talk.progress,
                note="The abstract is done; Priya's advice: lead with the outage story.",
            )
        )
    if retro is not None:
        items.append(
            ProgressReviewItem(
                review=review,
                goal=retro,
                status_before="in_progress",
                status_after="in_progress",
                progress_before=30,
                progress_after=70,
                note="Ran the first one on my own; one more to go.",
            )
        )
    ProgressReviewItem.objects.bulk_create(items)
