"""Sending surveys on their schedule, reminding once, and expiring what was not answered.

Each active survey has occasions, each a moment from which it may be answered:
- program start: the program's start day + offset, then every `repeat_days` (until the
  program's end date), asked of the program's approved participants;
- mentorship start: each running mentorship's start day + offset, then every `repeat_days`
  while it runs, asked of its members;
- meeting held: each meeting held (started) since the survey was activated, + offset days,
  asked of the meeting's mentorship's members;
- closure: when each mentorship's closure starts (+ offset days), asked of its members.
Always only the members in the survey's audience (mentees and peers, mentors, or everyone).

An occasion is sent while it is open: from its moment until `open_days` later. The scheduler
runs every hour, so each occasion is met on time; one missed for longer (a survey activated
long after a mentorship's day 30) is not sent late. A repeating survey sends only its latest
occasion, never a backlog. Each person is asked once per occasion: the assignment's `key`
names it, and a second run (or a second scheduler at once) finds it and sends nothing.

Every job here is run by the scheduler (engagement/scheduler.py) and takes `now` for tests.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import formats, timezone

from lodestar.accounts.models import User
from lodestar.engagement.services import notify
from lodestar.meetings.models import Meeting
from lodestar.meetings.states import MeetingStatus
from lodestar.meetings.zones import user_zone
from lodestar.mentorships.models import Closure, Membership, Mentorship
from lodestar.mentorships.states import MentorshipStatus
from lodestar.programs.models import Enrolment, Role
from lodestar.programs.states import ProgramStatus

from .models import Anchor, AssignmentStatus, Audience, Survey, SurveyAssignment, SurveyStatus

DAY = timedelta(days=1)
CHUNK = 500
# A mentorship in these statuses is asked the surveys counted from its start.
RUNNING = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, MentorshipStatus.CLOSING)
# A closure counts while the mentorship is closing or finished (not once reopened).
CLOSED = (MentorshipStatus.CLOSING, MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY)
AUDIENCE_ROLES = {
    Audience.MENTEES: {Role.MENTEE, Role.PEER},
    Audience.MENTORS: {Role.MENTOR},
    Audience.EVERYONE: {Role.MENTEE, Role.PEER, Role.MENTOR},
}


@dataclass(frozen=True)
class Occasion:
    survey: Survey
    user: User
    role: str
    mentorship: Mentorship | None
    key: str
    at: datetime


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def open_occurrence(
    first: datetime, repeat_days: int | None, open_days: int, now: datetime
) -> tuple[int, datetime] | None:
    """The latest occurrence (its number from 0, its moment) open at `now`, if any."""
    if first > now:
        return None
    number = (now - first) // timedelta(days=repeat_days) if repeat_days else 0
    at = first + number * timedelta(days=repeat_days or 0)
    if now >= at + timedelta(days=open_days):
        return None
    return number, at


def _is_open(at: datetime, survey: Survey, now: datetime) -> bool:
    return at <= now < at + timedelta(days=survey.open_days)


def _members(survey: Survey, mentorship: Mentorship) -> Iterator[Membership]:
    roles = AUDIENCE_ROLES[survey.audience]
    for membership in mentorship.memberships.all():
        if membership.role in roles and membership.user.is_active:
            yield membership


def _members_query():
    return Prefetch("memberships", queryset=Membership.objects.select_related("user"))


# --- the occasions of each anchor, a few queries for all the surveys of that anchor ----------


def _program_start(surveys: list[Survey], now: datetime) -> Iterator[Occasion]:
    due = {}
    for survey in surveys:
        program = survey.program
        if program.start_date is None:
            continue
        first = day_start(program.start_date + timedelta(days=survey.offset_days))
        found = open_occurrence(first, survey.repeat_days, survey.open_days, now)
        if found and not (program.end_date and found[1].date() > program.end_date):
            due[survey] = found
    if not due:
        return
    enrolments = defaultdict(list)
    for enrolment in (
        Enrolment.objects.approved()
        .filter(program_id__in={s.program_id for s in due}, user__is_active=True)
        .select_related("user")
    ):
        enrolments[enrolment.program_id].append(enrolment)
    for survey, (number, at) in due.items():
        roles = AUDIENCE_ROLES[survey.audience]
        for enrolment in enrolments[survey.program_id]:
            if enrolment.role in roles:
                key = f"survey{survey.pk}-program-{number}-user{enrolment.user_id}"
                yield Occasion(survey, enrolment.user, enrolment.role, None, key, at)


def _mentorship_start(surveys: list[Survey], now: datetime) -> Iterator[Occasion]:
    if not surveys:
        return
    by_program = defaultdict(list)
    for survey in surveys:
        by_program[survey.program_id].append(survey)
    earliest_offset = min(s.offset_days for s in surveys)
    mentorships = Mentorship.objects.filter(
        program_id__in=by_program,
        status__in=RUNNING,
        start_date__lte=now.date() - timedelta(days=earliest_offset),
    ).prefetch_related(_members_query())
    for mentorship in mentorships.iterator(chunk_size=CHUNK):
        for survey in by_program[mentorship.program_id]:
            first = day_start(mentorship.start_date + timedelta(days=survey.offset_days))
            found = open_occurrence(first, survey.repeat_days, survey.open_days, now)
            if found is None:
                continue
            number, at = found
            for member in _members(survey, mentorship):
                key = f"survey{survey.pk}-mentorship{mentorship.pk}-{number}-user{member.user_id}"
                yield Occasion(survey, member.user, member.role, mentorship, key, at)


def _meeting_held(surveys: list[Survey], now: datetime) -> Iterator[Occasion]:
    if not surveys:
        return
    by_program = defaultdict(list)
    for survey in surveys:
        by_program[survey.program_id].append(survey)
    # Only meetings whose occasion may still be open for at least one of the surveys.
    since = min(
        max(s.activated_at, now - timedelta(days=s.offset_days + s.open_days)) for s in surveys
    )
    meetings = (
        Meeting.objects.filter(
            status=MeetingStatus.COMPLETED,
            mentorship__program_id__in=by_program,
            start__gte=since,
            start__lte=now,
        )
        .select_related("mentorship")
        .prefetch_related(
            Prefetch("mentorship__memberships", Membership.objects.select_related("user"))
        )
    )
    for meeting in meetings.iterator(chunk_size=CHUNK):
        mentorship = meeting.mentorship
        for survey in by_program[mentorship.program_id]:
            at = meeting.start + timedelta(days=survey.offset_days)
            if meeting.start < survey.activated_at or not _is_open(at, survey, now):
                continue
            for member in _members(survey, mentorship):
                key = f"survey{survey.pk}-meeting{meeting.pk}-user{member.user_id}"
                yield Occasion(survey, member.user, member.role, mentorship, key, at)


def _closure(surveys: list[Survey], now: datetime) -> Iterator[Occasion]:
    if not surveys:
        return
    by_program = defaultdict(list)
    for survey in surveys:
        by_program[survey.program_id].append(survey)
    since = now - timedelta(days=max(s.offset_days + s.open_days for s in surveys))
    closures = (
        Closure.objects.filter(
            mentorship__program_id__in=by_program,
            mentorship__status__in=CLOSED,
            started_at__gte=since,
            started_at__lte=now,
        )
        .select_related("mentorship")
        .prefetch_related(
            Prefetch("mentorship__memberships", Membership.objects.select_related("user"))
        )
    )
    for closure in closures.iterator(chunk_size=CHUNK):
        mentorship = closure.mentorship
        for survey in by_program[mentorship.program_id]:
            at = closure.started_at + timedelta(days=survey.offset_days)
            if not _is_open(at, survey, now):
                continue
            for member in _members(survey, mentorship):
                key = f"survey{survey.pk}-closure{closure.pk}-user{member.user_id}"
                yield Occasion(survey, member.user, member.role, mentorship, key, at)


OCCASIONS = {
    Anchor.PROGRAM_START: _program_start,
    Anchor.MENTORSHIP_START: _mentorship_start,
    Anchor.MEETING_HELD: _meeting_held,
    Anchor.CLOSURE: _closure,
}


# --- sending ------------------------------------------------------------------------------------


def due_text(due_at: datetime, user: User) -> str:
    """The last day to answer, as the person reads it."""
    return formats.date_format(timezone.localtime(due_at, user_zone(user)), "DATE_FORMAT")


def answer_url(assignment: SurveyAssignment) -> str:
    return reverse("survey_answer", args=[assignment.pk])


def _existing(keys: Iterable[str]) -> set[str]:
    keys = list(keys)
    found = set()
    for start in range(0, len(keys), CHUNK):
        found.update(
            SurveyAssignment.objects.filter(key__in=keys[start : start + CHUNK]).values_list(
                "key", flat=True
            )
        )
    return found


def _send(occasion: Occasion, now: datetime) -> bool:
    survey = occasion.survey
    with transaction.atomic():
        assignment, created = SurveyAssignment.objects.get_or_create(
            key=occasion.key,
            defaults={
                "survey": survey,
                "user": occasion.user,
                "mentorship": occasion.mentorship,
                "role": occasion.role,
                "occasion_at": occasion.at,
                "sent_at": now,
                "due_at": now + timedelta(days=survey.open_days),
            },
        )
        if not created:  # another run got there first
            return False
        notify(
            user=occasion.user,
            kind="survey_due",
            url=answer_url(assignment),
            program=survey.program.name,
            title=survey.title,
            when=due_text(assignment.due_at, occasion.user),
        )
    return True


def surveys_assign_due(now: datetime | None = None) -> int:
    """Ask everyone whose occasion of an active survey is open now and who was not asked yet
    (`survey_due` notice). Returns how many were asked."""
    now = now or timezone.now()
    surveys = (
        Survey.objects.filter(status=SurveyStatus.ACTIVE, activated_at__isnull=False)
        .exclude(program__status__in=[ProgramStatus.ARCHIVED, ProgramStatus.DRAFT])
        .select_related("program")
    )
    by_anchor = defaultdict(list)
    for survey in surveys:
        by_anchor[survey.anchor].append(survey)
    occasions = [
        occasion
        for anchor, find in OCCASIONS.items()
        for occasion in find(by_anchor.get(anchor, []), now)
    ]
    if not occasions:
        return 0
    asked = _existing(o.key for o in occasions)
    sent = 0
    for occasion in occasions:
        if occasion.key not in asked and _send(occasion, now):
            asked.add(occasion.key)
            sent += 1
    return sent


def surveys_remind_due(now: datetime | None = None) -> int:
    """Remind once, `remind_after_days` after it was sent, whoever has not answered yet
    (`survey_reminder` notice). Returns how many were reminded."""
    now = now or timezone.now()
    candidates = SurveyAssignment.objects.filter(
        status=AssignmentStatus.PENDING,
        reminded_at__isnull=True,
        due_at__gt=now,
        sent_at__lte=now - DAY,  # the shortest reminder delay; each survey's is checked below
        survey__status=SurveyStatus.ACTIVE,
    ).select_related("survey__program", "user")
    reminded = 0
    for assignment in candidates.iterator(chunk_size=CHUNK):
        survey = assignment.survey
        if assignment.sent_at + timedelta(days=survey.remind_after_days) > now:
            continue
        with transaction.atomic():
            # The conditional update claims the reminder: of two runs at once, one sends it.
            claimed = SurveyAssignment.objects.filter(
                pk=assignment.pk, status=AssignmentStatus.PENDING, reminded_at__isnull=True
            ).update(reminded_at=now)
            if not claimed:
                continue
            notify(
                user=assignment.user,
                kind="survey_reminder",
                url=answer_url(assignment),
                program=survey.program.name,
                title=survey.title,
                when=due_text(assignment.due_at, assignment.user),
            )
        reminded += 1
    return reminded


def surveys_expire_due(now: datetime | None = None) -> int:
    """Expire every assignment not answered by its due time. Returns how many expired."""
    now = now or timezone.now()
    return SurveyAssignment.objects.filter(status=AssignmentStatus.PENDING, due_at__lte=now).update(
        status=AssignmentStatus.EXPIRED
    )
