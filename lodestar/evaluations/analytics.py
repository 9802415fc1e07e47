"""Program analytics: the figures of a program's dashboard and of the comparison of programs.

Each figure is a function of (programs, filters) that aggregates in the database, grouped by
program, so that comparing several programs costs the same queries as one dashboard (but for
the pairs at risk, which engagement.health assesses program by program). Python only shapes the
small result (a row per program, per role, per month or per reason).

Filters
-------
- Dates (``date_from``, ``date_to``: whole days in the viewer's time zone, both included) apply
  to each figure's own date: the funnel, the match rate and the time to match to the day people
  applied; meetings to the day they were held; goals to the day they were set (and, in the
  monthly series, achieved); check-ins to the day they were written; retention and early
  endings to the day the mentorship ended. Pairs at risk are "now", and the fairness figures
  belong to the latest published matching run: dates do not apply to them.
- Cohort: ``role:<role>`` or ``department:<name>``. The profile's department is the one
  attribute of people that every program has (intake questions differ from program to
  program). People figures count the people in the cohort; pair figures (meetings, goals,
  retention, endings, pairs at risk) count the pairs with at least one member in it; check-ins
  count those written by members in it. Fairness is grouped by department anyway and ignores it.

Definitions
-----------
- Funnel: *applied* is every enrolment; *approved*, approved now or matched at some point (a
  matched person passed approval, even if they withdrew since); *matched*, a member of a
  mentorship that was not declined; *active*, of one that started; *completed*, of one that
  completed. Each stage is a part of the one before.
- Match rate: matched mentees / approved mentees (peers count as mentees in peer programs).
- Time to match: from approval (when the coordinator approved, or when the person joined an
  open program) to the moment the pair was made (the mentorship's creation: a run published, a
  request accepted, a coordinator's pairing). Not to the mentorship's start date: that is never
  before the program's start date, so it would measure the calendar, not how long people
  waited for a match. Median and mean, in days.
- Meetings per pair per month: meetings held / pair-months, a pair-month being one pair
  running (started, not yet ended) at some time in one month. Hours held count the minutes
  logged, or the planned length when none were logged.
- Goal completion: achieved / accepted goals (a suggestion nobody accepted is not a goal yet).
- Check-in mood: mean mood (1–5) and number of check-ins, by month.
- Monthly series run from the range's first month (or, for an open start, the month the first
  pair started) to the range's last (at most this month); totals count the whole range.
- Pairs at risk: engagement.health's assessment of the running pairs, now.
- Retention: completed / (completed + ended early), among the mentorships that ended.
- Early endings by reason: the closure's reason; "not given" when none was recorded.
- Fairness: the latest published run's mean, median, lowest and 10th-percentile score, and its
  mentees grouped by department (match rate, mean and lowest score).

- Surveys: per survey that went out, people asked and answers (by the date asked), and the
  Net Promoter Score of its 0–10 questions (by the date answered); anonymous surveys whole and
  only from their smallest group up (see `surveys`). Each question's results are on the
  survey's own results page, which applies the same rule (results.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import (
    Avg,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone

from lodestar.engagement.health import LOW_MOOD, program_health
from lodestar.engagement.models import CheckIn, HealthStatus
from lodestar.evaluations.models import (
    Anonymity,
    AssignmentStatus,
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyAssignment,
    SurveyStatus,
)
from lodestar.evaluations.results import large_enough
from lodestar.matches.models import MatchRun, Proposal
from lodestar.matches.states import RunStatus
from lodestar.meetings.models import Meeting
from lodestar.meetings.states import MeetingStatus
from lodestar.mentorships.goal_states import GoalStatus
from lodestar.mentorships.models import Goal, Membership, Mentorship
from lodestar.mentorships.states import MentorshipStatus
from lodestar.programs.models import Enrolment, Program, Role
from lodestar.programs.states import EnrolmentStatus

MENTEE_ROLES = (Role.MENTEE, Role.PEER)
STAGES = ("applied", "approved", "matched", "active", "completed")
NOT_GIVEN = ""  # the reason of an early ending nobody explained
# The monthly series cover at most this many months of an open-ended range (the latest ones).
MAX_MONTHS = 60
COHORT_KINDS = ("role", "department")


# ---- filters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    cohort: str = ""

    def during(self, path: str) -> Q:
        """The rows whose datetime field `path` falls within the range."""
        q = Q()
        if self.date_from:
            q &= Q(**{f"{path}__gte": _midnight(self.date_from)})
        if self.date_to:
            q &= Q(**{f"{path}__lt": _midnight(self.date_to + dt.timedelta(days=1))})
        return q


def cohort_people(cohort: str, prefix: str = "") -> Q:
    """The enrolments in the cohort; `prefix` leads from the queried model to the enrolment."""
    kind, _sep, value = cohort.partition(":")
    if kind == "role" and value:
        return Q(**{f"{prefix}role": value})
    if kind == "department" and value:
        return Q(**{f"{prefix}user__profile__department": value})
    return Q()


def cohort_pairs(cohort: str, path: str = "") -> Q:
    """The mentorships (reached by `path`, empty for Mentorship itself) with at least one
    member in the cohort."""
    if not cohort_people(cohort):
        return Q()
    members = Membership.objects.filter(
        cohort_people(cohort, "enrolment__"), mentorship=OuterRef("pk")
    )
    pairs = Mentorship.objects.filter(Exists(members)).values("pk")
    return Q(**{f"{path}__in" if path else "pk__in": pairs})


def cohort_choices(program: Program) -> list[tuple[str, str, str]]:
    """(value, kind, label) of each cohort the program has: its roles, then the departments of
    its participants. One query."""
    choices = [(f"role:{role}", "role", str(Role(role).label)) for role in program.roles]
    departments = (
        Enrolment.objects.filter(program=program, user__profile__department__gt="")
        .values_list("user__profile__department", flat=True)
        .distinct()
        .order_by("user__profile__department")
    )
    choices += [(f"department:{name}", "department", name) for name in departments]
    return choices


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _next_month(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1)


def _months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = _next_month(month)
    return months[-MAX_MONTHS:]


def _days(duration: dt.timedelta | None) -> float | None:
    return None if duration is None else round(duration.total_seconds() / 86400, 1)


def share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _ids(programs: Sequence[Program]) -> list[int]:
    return [program.pk for program in programs]


# ---- the enrolment funnel ---------------------------------------------------------------------


@dataclass
class Funnel:
    by_role: dict[str, dict[str, int]]  # role → stage → people

    @property
    def total(self) -> dict[str, int]:
        return {stage: sum(row[stage] for row in self.by_role.values()) for stage in STAGES}


def _memberships_of_enrolment():
    return Membership.objects.filter(enrolment=OuterRef("pk")).exclude(
        mentorship__status=MentorshipStatus.DECLINED
    )


def funnel(programs: Sequence[Program], filters: Filters) -> dict[int, Funnel]:
    """People at each stage, by role. One query."""
    memberships = _memberships_of_enrolment()
    matched = Exists(memberships)
    rows = (
        Enrolment.objects.filter(program__in=_ids(programs))
        .filter(filters.during("created_at"), cohort_people(filters.cohort))
        .values("program", "role")
        .annotate(
            applied=Count("pk"),
            approved=Count("pk", filter=Q(status=EnrolmentStatus.APPROVED) | Q(matched)),
            matched=Count("pk", filter=Q(matched)),
            active=Count(
                "pk", filter=Q(Exists(memberships.filter(mentorship__start_date__isnull=False)))
            ),
            completed=Count(
                "pk",
                filter=Q(Exists(memberships.filter(mentorship__status=MentorshipStatus.COMPLETED))),
            ),
        )
        .order_by()
    )
    found = {p.pk: Funnel({role: dict.fromkeys(STAGES, 0) for role in p.roles}) for p in programs}
    for row in rows:
        found[row["program"]].by_role[row["role"]] = {stage: row[stage] for stage in STAGES}
    return found


# ---- matching: rate and time to match ---------------------------------------------------------


@dataclass
class Matching:
    approved: int = 0  # approved mentees
    matched: int = 0  # matched mentees
    timed: int = 0  # mentees matched after their approval: the time to match is theirs
    mean_days: float | None = None
    median_days: float | None = None

    @property
    def rate(self) -> float | None:
        return share(self.matched, self.approved)


def matching(programs: Sequence[Program], filters: Filters) -> dict[int, Matching]:
    """Match rate and time to match of the mentees. Two queries: the counts and the mean, then
    the middle one or two waits of each program (ranked by a window function) for the median."""
    memberships = _memberships_of_enrolment()
    first_match = (
        memberships.filter(mentorship__created_at__gte=OuterRef("approved_at"))
        .order_by("mentorship__created_at")
        .values("mentorship__created_at")[:1]
    )
    mentees = (
        Enrolment.objects.filter(program__in=_ids(programs), role__in=MENTEE_ROLES)
        .filter(filters.during("created_at"), cohort_people(filters.cohort))
        .alias(approved_at=Coalesce("decided_at", "created_at"))
        .alias(
            wait=ExpressionWrapper(
                Subquery(first_match) - F("approved_at"), output_field=DurationField()
            )
        )
    )
    matched = Exists(memberships)
    found = {p.pk: Matching() for p in programs}
    counts = (
        mentees.values("program")
        .annotate(
            approved=Count("pk", filter=Q(status=EnrolmentStatus.APPROVED) | Q(matched)),
            matched=Count("pk", filter=Q(matched)),
            timed=Count("wait"),
            mean=Avg("wait"),
        )
        .order_by()
    )
    for row in counts:
        found[row["program"]] = Matching(
            approved=row["approved"],
            matched=row["matched"],
            timed=row["timed"],
            mean_days=_days(row["mean"]),
        )
    middle = (
        mentees.filter(wait__isnull=False)
        .annotate(
            position=Window(RowNumber(), partition_by=[F("program")], order_by=[F("wait").asc()]),
            size=Window(Count("pk"), partition_by=[F("program")]),
            waited=F("wait"),
        )
        # Rows n/2 … n/2 + 1 are the middle one (n odd) or two (n even).
        .filter(position__gte=F("size") / 2.0, position__lte=F("size") / 2.0 + 1)
        .order_by()
        .values_list("program", "waited")
    )
    waits: dict[int, list[dt.timedelta]] = defaultdict(list)
    for program_id, wait in middle:
        waits[program_id].append(wait)
    for program_id, pair in waits.items():
        found[program_id].median_days = _days(sum(pair, dt.timedelta()) / len(pair))
    return found


# ---- months -----------------------------------------------------------------------------------
# Monthly series count each month with a conditional aggregate (one FILTER per month) in the
# query that also makes the totals, rather than grouping by TruncMonth: on SQLite, truncating
# a date calls Python once per row, which was most of the dashboard's time with a year of
# activity; on PostgreSQL both ways are equally quick.


def series_months(programs: Sequence[Program], filters: Filters) -> list[dt.date]:
    """The first day of each month of the range, up to this month. An open start begins with
    the month the first pair started (in the cohort). At most one query."""
    today = timezone.localdate()
    last = min(filters.date_to or today, today)
    first = filters.date_from
    if first is None:
        first = (
            Mentorship.objects.filter(program__in=_ids(programs), start_date__isnull=False)
            .filter(cohort_pairs(filters.cohort))
            .aggregate(first=Min("start_date"))["first"]
        )
    return _months_between(first, last) if first and first <= last else []


def _in_month(path: str, month: dt.date) -> Q:
    return Q(**{f"{path}__gte": _midnight(month), f"{path}__lt": _midnight(_next_month(month))})


def _by_month(months: list[dt.date], **measures) -> dict:
    """For each month i and each measure name → (aggregate class, expression, path, extra Q):
    the aggregate `<name><i>` of the rows whose `path` falls within month i."""
    found = {}
    for i, month in enumerate(months):
        for name, (aggregate, expression, path, extra) in measures.items():
            found[f"{name}{i}"] = aggregate(expression, filter=_in_month(path, month) & extra)
    return found


# ---- meetings ---------------------------------------------------------------------------------


@dataclass
class MeetingMonth:
    month: dt.date
    pairs: int = 0  # pairs running at some time in the month
    meetings: int = 0
    minutes: int = 0

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def per_pair(self) -> float | None:
        return round(self.meetings / self.pairs, 2) if self.pairs else None


@dataclass
class Meetings:
    held: int = 0
    minutes: int = 0
    months: list[MeetingMonth] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)

    @property
    def pair_months(self) -> int:
        return sum(m.pairs for m in self.months)

    @property
    def per_pair_month(self) -> float | None:
        held = sum(m.meetings for m in self.months)
        return round(held / self.pair_months, 2) if self.pair_months else None


def meetings(
    programs: Sequence[Program], filters: Filters, months: list[dt.date] | None = None
) -> dict[int, Meetings]:
    """Meetings held and their hours, in all and by month, and the pairs running each month.
    Two queries (and one for the months when not given)."""
    ids = _ids(programs)
    if months is None:
        months = series_months(programs, filters)
    minutes = Coalesce("minutes_logged", "duration", output_field=IntegerField())
    rows = (
        Meeting.objects.filter(mentorship__program__in=ids, status=MeetingStatus.COMPLETED)
        .filter(filters.during("start"), cohort_pairs(filters.cohort, "mentorship"))
        .values("mentorship__program")
        .annotate(
            held=Count("pk"),
            minutes=Sum(minutes),
            **_by_month(
                months,
                n=(Count, "pk", "start", Q()),
                m=(Sum, minutes, "start", Q()),
            ),
        )
        .order_by()
    )
    data = {row["mentorship__program"]: row for row in rows}
    pairs = Mentorship.objects.filter(program__in=ids, start_date__isnull=False).filter(
        cohort_pairs(filters.cohort)
    )
    running = _running_pairs(pairs, months)
    found = {}
    for program_id in ids:
        row = data.get(program_id, {})
        found[program_id] = Meetings(
            held=row.get("held", 0),
            minutes=row.get("minutes") or 0,
            months=[
                MeetingMonth(
                    month=month,
                    pairs=running.get((program_id, month), 0),
                    meetings=row.get(f"n{i}", 0),
                    minutes=row.get(f"m{i}") or 0,
                )
                for i, month in enumerate(months)
            ],
        )
    return found


def _running_pairs(pairs, months: list[dt.date]) -> dict[tuple[int, dt.date], int]:
    """Pairs started by the end of each month and not ended before it began: one query, one
    conditional count per month."""
    if not months:
        return {}
    counts = {
        f"r{i}": Count(
            "pk",
            filter=Q(start_date__lt=_next_month(month))
            & (Q(ended_at__isnull=True) | Q(ended_at__gte=_midnight(month))),
        )
        for i, month in enumerate(months)
    }
    found = {}
    for row in pairs.values("program").annotate(**counts).order_by():
        for i, month in enumerate(months):
            found[(row["program"], month)] = row[f"r{i}"]
    return found


# ---- goals ------------------------------------------------------------------------------------


@dataclass
class GoalMonth:
    month: dt.date
    set: int = 0
    achieved: int = 0


@dataclass
class Goals:
    total: int = 0
    achieved: int = 0
    dropped: int = 0
    months: list[GoalMonth] = field(default_factory=list)

    @property
    def rate(self) -> float | None:
        return share(self.achieved, self.total)


def goals(
    programs: Sequence[Program], filters: Filters, months: list[dt.date] | None = None
) -> dict[int, Goals]:
    """Goal completion of the goals set in the range, and the goals set and achieved by month.
    One query (and one for the months when not given)."""
    ids = _ids(programs)
    if months is None:
        months = series_months(programs, filters)
    set_in_range = filters.during("created_at")
    achieved = Q(status=GoalStatus.ACHIEVED)
    rows = (
        Goal.objects.filter(mentorship__program__in=ids, accepted=True)
        .filter(cohort_pairs(filters.cohort, "mentorship"))
        .values("mentorship__program")
        .annotate(
            total=Count("pk", filter=set_in_range),
            achieved=Count("pk", filter=set_in_range & achieved),
            dropped=Count("pk", filter=set_in_range & Q(status=GoalStatus.DROPPED)),
            **_by_month(
                months,
                s=(Count, "pk", "created_at", Q()),
                a=(Count, "pk", "achieved_at", achieved),
            ),
        )
        .order_by()
    )
    found = {program_id: Goals() for program_id in ids}
    for row in rows:
        found[row["mentorship__program"]] = Goals(
            row["total"],
            row["achieved"],
            row["dropped"],
            [GoalMonth(month, row[f"s{i}"], row[f"a{i}"]) for i, month in enumerate(months)],
        )
    return found


# ---- check-in mood ----------------------------------------------------------------------------


@dataclass
class MoodMonth:
    month: dt.date
    checkins: int
    mean: float | None
    low: int  # check-ins at LOW_MOOD or below


@dataclass
class Mood:
    checkins: int = 0
    mean: float | None = None
    low: int = 0
    months: list[MoodMonth] = field(default_factory=list)


def mood(
    programs: Sequence[Program], filters: Filters, months: list[dt.date] | None = None
) -> dict[int, Mood]:
    """Check-ins and their mean mood, in all and by month. One query (and one for the months
    when not given)."""
    ids = _ids(programs)
    if months is None:
        months = series_months(programs, filters)
    checkins = CheckIn.objects.filter(mentorship__program__in=ids).filter(
        filters.during("created_at")
    )
    if cohort_people(filters.cohort):
        writer = Membership.objects.filter(
            cohort_people(filters.cohort, "enrolment__"),
            mentorship=OuterRef("mentorship"),
            user=OuterRef("user"),
        )
        checkins = checkins.filter(Exists(writer))
    low = Q(mood__lte=LOW_MOOD)
    rows = (
        checkins.values("mentorship__program")
        .annotate(
            n=Count("pk"),
            mean=Avg("mood"),
            low=Count("pk", filter=low),
            **_by_month(
                months,
                n=(Count, "pk", "created_at", Q()),
                mean=(Avg, "mood", "created_at", Q()),
                low=(Count, "pk", "created_at", low),
            ),
        )
        .order_by()
    )
    found = {program_id: Mood() for program_id in ids}
    for row in rows:
        found[row["mentorship__program"]] = Mood(
            row["n"],
            _round(row["mean"], 2),
            row["low"],
            [
                MoodMonth(month, row[f"n{i}"], _round(row[f"mean{i}"], 2), row[f"low{i}"])
                for i, month in enumerate(months)
            ],
        )
    return found


def _round(value: float | None, digits: int) -> float | None:
    return None if value is None else round(value, digits)


# ---- pairs at risk, now -----------------------------------------------------------------------


@dataclass
class Risk:
    at_risk: int = 0
    quiet: int = 0
    healthy: int = 0

    @property
    def running(self) -> int:
        return self.at_risk + self.quiet + self.healthy


def pairs_at_risk(
    programs: Sequence[Program], filters: Filters, now: dt.datetime | None = None
) -> dict[int, Risk]:
    """The running pairs by health, now (engagement.health: one query per program)."""
    keep = None
    if cohort_people(filters.cohort):
        keep = set(
            Mentorship.objects.filter(program__in=_ids(programs))
            .filter(cohort_pairs(filters.cohort))
            .values_list("pk", flat=True)
        )
    found = {}
    for program in programs:
        counts = dict.fromkeys(HealthStatus.values, 0)
        for pair in program_health(program, now):
            if keep is None or pair.mentorship_id in keep:
                counts[pair.status] += 1
        found[program.pk] = Risk(
            counts[HealthStatus.AT_RISK], counts[HealthStatus.QUIET], counts[HealthStatus.HEALTHY]
        )
    return found


# ---- retention and early endings --------------------------------------------------------------


@dataclass
class Retention:
    completed: int = 0
    ended_early: int = 0
    reasons: list[tuple[str, int]] = field(default_factory=list)  # (reason or NOT_GIVEN, pairs)

    @property
    def ended(self) -> int:
        return self.completed + self.ended_early

    @property
    def rate(self) -> float | None:
        return share(self.completed, self.ended)


def retention(programs: Sequence[Program], filters: Filters) -> dict[int, Retention]:
    """Mentorships that ended, completed or early, and the reasons of the early ones. Two
    queries."""
    ids = _ids(programs)
    ended = (
        Mentorship.objects.filter(
            program__in=ids,
            status__in=[MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY],
        )
        .filter(filters.during("ended_at"))
        .filter(cohort_pairs(filters.cohort))
    )
    found = {program_id: Retention() for program_id in ids}
    outcomes = (
        ended.values("program")
        .annotate(
            completed=Count("pk", filter=Q(status=MentorshipStatus.COMPLETED)),
            ended_early=Count("pk", filter=Q(status=MentorshipStatus.ENDED_EARLY)),
        )
        .order_by()
    )
    for row in outcomes:
        found[row["program"]] = Retention(row["completed"], row["ended_early"])
    reasons = (
        ended.filter(status=MentorshipStatus.ENDED_EARLY)
        .values("program", reason=Coalesce("closure__reason", Value(NOT_GIVEN)))
        .annotate(n=Count("pk"))
        .order_by("program", "-n", "reason")
    )
    for row in reasons:
        found[row["program"]].reasons.append((row["reason"], row["n"]))
    return found


# ---- fairness of the latest published run -----------------------------------------------------


@dataclass
class FairnessGroup:
    label: str  # a department, or "" for people who gave none
    mentees: int
    matched: int
    mean: float | None
    lowest: float | None

    @property
    def rate(self) -> float | None:
        return share(self.matched, self.mentees)


@dataclass
class Fairness:
    run: MatchRun
    groups: list[FairnessGroup] = field(default_factory=list)

    def metric(self, name: str):
        return (self.run.metrics or {}).get(name)


def fairness(programs: Sequence[Program], *, groups: bool = False) -> dict[int, Fairness]:
    """The latest published run of each program with its score figures; with `groups`, its
    mentees by department too (one more query per program: meant for one dashboard)."""
    latest = (
        MatchRun.objects.filter(program=OuterRef("program"), status=RunStatus.PUBLISHED)
        .order_by(F("published_at").desc(nulls_last=True), "-number")
        .values("pk")[:1]
    )
    runs = MatchRun.objects.filter(
        program__in=_ids(programs), status=RunStatus.PUBLISHED, pk=Subquery(latest)
    ).defer("inputs", "notes", "unmatched", "prices")
    found = {run.program_id: Fairness(run) for run in runs}
    if groups:
        for program in programs:
            if program.pk in found:
                found[program.pk].groups = _groups_by_department(found[program.pk].run, program)
    return found


def _groups_by_department(run: MatchRun, program: Program) -> list[FairnessGroup]:
    mentees = (
        MatchRun.objects.filter(pk=run.pk)
        .order_by()
        .values_list("inputs__mentees", flat=True)
        .first()
        or []
    )
    proposals = Proposal.objects.filter(run=run).order_by()
    # In peer programs both peers of a pair carry its score, as on the run's fairness page.
    scored = Q(mentee=OuterRef("pk"))
    if Role.PEER in program.roles:
        scored |= Q(mentor=OuterRef("pk"))
    score = Subquery(proposals.filter(scored).values("score")[:1])
    rows = (
        Enrolment.objects.filter(pk__in=[int(pk) for pk in mentees])
        .alias(score=score)
        .values(department=Coalesce("user__profile__department", Value("")))
        .annotate(
            mentees=Count("pk"), matched=Count("score"), mean=Avg("score"), lowest=Min("score")
        )
        .order_by("-mentees", "department")
    )
    return [
        FairnessGroup(
            row["department"],
            row["mentees"],
            row["matched"],
            _round(row["mean"], 1),
            _round(row["lowest"], 1),
        )
        for row in rows
    ]


# ---- surveys and the Net Promoter Score -------------------------------------------------------


@dataclass
class SurveyFigure:
    survey_id: int
    title: str
    anonymous: bool
    sent: int = 0
    answered: int = 0
    nps_answers: int = 0
    promoters: int = 0
    detractors: int = 0
    hidden: bool = False  # an anonymous survey with too few answers to show its score

    @property
    def response_rate(self) -> float | None:
        return share(self.answered, self.sent)

    @property
    def nps(self) -> int | None:
        if self.hidden or not self.nps_answers:
            return None
        return round(100 * (self.promoters - self.detractors) / self.nps_answers)


@dataclass
class Surveys:
    surveys: list[SurveyFigure] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return sum(s.sent for s in self.surveys)

    @property
    def response_rate(self) -> float | None:
        return share(sum(s.answered for s in self.surveys), self.sent)

    @property
    def nps(self) -> int | None:
        """Every recommendation answer that may be shown, pooled."""
        shown = [s for s in self.surveys if not s.hidden]
        answers = sum(s.nps_answers for s in shown)
        if not answers:
            return None
        net = sum(s.promoters - s.detractors for s in shown)
        return round(100 * net / answers)


def _response_cohort(cohort: str) -> Q:
    kind, _sep, value = cohort.partition(":")
    if kind == "role" and value:
        return Q(response__role=value)
    if kind == "department" and value:
        return Q(response__assignment__user__profile__department=value)
    return Q()


def surveys(programs: Sequence[Program], filters: Filters) -> dict[int, Surveys]:
    """Each survey that went out: how many were asked and answered, and its Net Promoter Score
    (0–10 questions: % answering 9–10 minus % answering 0–6). Three queries.

    Anonymous surveys are never sliced: their score is the whole survey's, shown only with at
    least the survey's smallest group of answers (results.large_enough, the rule of the
    survey's own results page), because comparing two slices (two date ranges, a role and the
    rest) would single out a few people's answers. Named and confidential surveys follow the
    date (of the answer) and cohort filters."""
    ids = _ids(programs)
    found = {program_id: Surveys() for program_id in ids}
    listed = list(
        Survey.objects.filter(program__in=ids)
        .exclude(status=SurveyStatus.DRAFT)
        .order_by("program", "activated_at", "pk")
        .values("pk", "program", "title", "anonymity", "min_group_size")
    )
    if not listed:
        return found
    asked = SurveyAssignment.objects.filter(survey__in=[row["pk"] for row in listed]).filter(
        filters.during("sent_at")
    )
    kind, _sep, value = filters.cohort.partition(":")
    if kind == "role" and value:
        asked = asked.filter(role=value)
    elif kind == "department" and value:
        asked = asked.filter(user__profile__department=value)
    counts = {
        row["survey"]: row
        for row in asked.values("survey")
        .annotate(sent=Count("pk"), answered=Count("pk", filter=Q(status=AssignmentStatus.DONE)))
        .order_by()
    }
    sliced = _response_cohort(filters.cohort)
    if filters.date_from:
        sliced &= Q(response__submitted_on__gte=filters.date_from)
    if filters.date_to:
        sliced &= Q(response__submitted_on__lte=filters.date_to)
    promoter, detractor = Q(number__gte=9), Q(number__lte=6)
    scores = {
        row["response__survey"]: row
        for row in SurveyAnswer.objects.filter(
            question__kind=QuestionKind.NPS,
            number__isnull=False,
            response__survey__in=[row["pk"] for row in listed],
        )
        .values("response__survey")
        .annotate(
            n_all=Count("pk"),
            promoters_all=Count("pk", filter=promoter),
            detractors_all=Count("pk", filter=detractor),
            n=Count("pk", filter=sliced),
            promoters=Count("pk", filter=sliced & promoter),
            detractors=Count("pk", filter=sliced & detractor),
        )
        .order_by()
    }
    for row in listed:
        anonymous = row["anonymity"] == Anonymity.ANONYMOUS
        asked_row = counts.get(row["pk"], {})
        score = scores.get(row["pk"], {})
        suffix = "_all" if anonymous else ""
        answers = score.get(f"n{suffix}", 0)
        found[row["program"]].surveys.append(
            SurveyFigure(
                survey_id=row["pk"],
                title=row["title"],
                anonymous=anonymous,
                sent=asked_row.get("sent", 0),
                answered=asked_row.get("answered", 0),
                nps_answers=answers,
                promoters=score.get(f"promoters{suffix}", 0),
                detractors=score.get(f"detractors{suffix}", 0),
                hidden=anonymous and not large_enough(answers, answers, row["min_group_size"]),
            )
        )
    return found


# ---- all the figures of one or several programs -----------------------------------------------


@dataclass
class Figures:
    program: Program
    filters: Filters
    funnel: Funnel
    matching: Matching
    meetings: Meetings
    goals: Goals
    mood: Mood
    risk: Risk
    retention: Retention
    fairness: Fairness | None
    surveys: Surveys = field(default_factory=Surveys)
    counted_at: dt.datetime = field(default_factory=timezone.now)


def figures_for(
    programs: Sequence[Program], filters: Filters, *, groups: bool = False
) -> list[Figures]:
    """Every figure of each program, in a number of queries that does not grow with the size of
    the programs: about fifteen, plus one per program for the pairs at risk (health.py assesses
    one program at a time)."""
    programs = list(programs)
    months = series_months(programs, filters)
    found = {
        "funnel": funnel(programs, filters),
        "matching": matching(programs, filters),
        "meetings": meetings(programs, filters, months),
        "goals": goals(programs, filters, months),
        "mood": mood(programs, filters, months),
        "risk": pairs_at_risk(programs, filters),
        "retention": retention(programs, filters),
        "surveys": surveys(programs, filters),
    }
    runs = fairness(programs, groups=groups)
    return [
        Figures(
            program=program,
            filters=filters,
            fairness=runs.get(program.pk),
            **{name: figure[program.pk] for name, figure in found.items()},
        )
        for program in programs
    ]


def program_figures(program: Program, filters: Filters) -> Figures:
    """The dashboard of one program: every figure, and the fairness groups."""
    return figures_for([program], filters, groups=True)[0]


# ---- the dashboard page's brief cache ---------------------------------------------------------
# A year of a large program's history takes a second or more to aggregate (tens of thousands of
# meetings and check-ins), and coordinators reload the dashboard often. The page keeps each
# program's figures for a minute in the shared cache (CACHES["default"]: a database table or
# Redis, shared by every process): figures a minute old are good enough for a dashboard, and
# nothing has to remember to invalidate them. The exports and the comparison always count afresh.
#
# Past the minute, one request counts afresh while the others (another coordinator, a reload in
# another tab) are shown the figures they replace, for the second or so the count takes: a count
# per minute, not one per visitor at the turn of the minute, each taking a whole core.

CACHE_SECONDS = 60
# How long older figures stay on hand to be shown while they are counted afresh.
STALE_SECONDS = 5 * 60
# The counting request holds this lock; if it dies, another may count once the lock lapses.
RECOUNT_LOCK_SECONDS = 30
# Part of the key: figures pickled by an older Figures (without counted_at, say) are not read.
FIGURES_VERSION = 2


def figures_cache_key(program: Program, filters: Filters) -> str:
    """One entry per program, filters, viewer's time zone and day: the ranges count from
    midnight in the viewer's zone, and the monthly series end with today's month."""
    parts = [
        program.pk,
        filters.date_from,
        filters.date_to,
        filters.cohort,
        timezone.get_current_timezone_name(),
        timezone.localdate(),
    ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return f"analytics:figures:v{FIGURES_VERSION}:{program.pk}:{digest}"


def cached_program_figures(program: Program, filters: Filters) -> Figures:
    """program_figures, counted at most once a minute for the same program and filters."""
    key = figures_cache_key(program, filters)
    lock = f"{key}:recount"
    kept = cache.get(key)
    if kept is not None:
        if timezone.now() - kept.counted_at < dt.timedelta(seconds=CACHE_SECONDS):
            return kept
        if not cache.add(lock, True, RECOUNT_LOCK_SECONDS):
            return kept  # another request is counting them afresh
    try:
        counted = program_figures(program, filters)
        cache.set(key, counted, CACHE_SECONDS + STALE_SECONDS)
    finally:
        if kept is not None:
            cache.delete(lock)
    return counted
