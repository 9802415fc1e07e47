"""Mentors for one mentee to choose from, in a program where mentees choose: ranked, filtered,
explained. Reads only; the requests themselves are written by services/requests.py.

Ranking by raw score sends every mentee to the same few popular mentors, who then turn most of
them down. So the list is ranked by score minus a scarcity price: the price of each mentor's
seats from the latest matching run when there is one, otherwise a price from the requests
already waiting for that mentor, so that a mentee who fits several mentors almost equally well
is steered to the one who is free.

The whole program's mentors are scored at once (one row of the score matrix, numpy), then
filtered and paged in Python; only the page shown is explained in words. The queries do not
grow with the number of mentors.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Count, Value, When
from django.db.models.expressions import OrderBy
from django.utils import timezone

from lodestar.accounts.selectors import language_names
from lodestar.core.languages import language_choices
from lodestar.mentorships import seats
from lodestar.mentorships.models import Mentorship
from lodestar.programs.models import Enrolment, Program, Role

from .explain import Reason, explain_pairs, hours_text, overlap_hours
from .inputs import NoCriteria, ProgramProblem, availability_by_user, build_problem, people
from .models import Choice, Exclusion, MatchRun, MentorshipRequest
from .reporting_lines import reporting_line_pairs
from .services.requests import is_acceptable
from .states import RequestStatus, RunStatus

PAGE_SIZE = 20
# The demand price when no run has priced the seats: points per open request per seat left,
# and the most it can take off a score.
POINTS_PER_REQUEST = 10.0
MAX_DEMAND_POINTS = 20.0


@dataclass
class MentorOption:
    """A mentor as one mentee sees them on the list."""

    enrolment: Enrolment
    seats_left: int
    score: float | None = None  # 0–100; None when the program has no criteria
    price: float = 0.0
    rank_value: float = 0.0
    request: MentorshipRequest | None = None  # the mentee's latest request to this mentor
    chosen: bool = False  # on the mentee's list of next choices
    reasons: list[Reason] = field(default_factory=list)
    overlap_hours: float | None = None

    @property
    def user(self):
        return self.enrolment.user

    @property
    def profile(self):
        return self.enrolment.user.profile

    @property
    def full(self) -> bool:
        return self.seats_left <= 0

    @property
    def languages(self) -> list[str]:
        return language_names(list(self.profile.languages or []))

    @property
    def waiting(self) -> bool:
        """The mentee has a request waiting for this mentor (open, and not past its expiry)."""
        return self.request is not None and is_acceptable(self.request)

    @property
    def requestable(self) -> bool:
        if self.full or self.waiting:
            return False
        return self.request is None or self.request.status != RequestStatus.DECLINED

    @property
    def overlap_text(self) -> str:
        return "" if self.overlap_hours is None else hours_text(self.overlap_hours)

    @property
    def score_text(self) -> str:
        return "" if self.score is None else f"{round(self.score):d}"


@dataclass
class Recommendations:
    program: Program
    mentee: Enrolment
    options: list[MentorOption]  # every mentor the mentee may ask (or who is full), ranked
    no_criteria: str | None = None  # why there is no ranking, when the program has no criteria
    priced_by: str | None = None  # "run", "requests" or None
    problem: ProgramProblem | None = None

    def languages(self) -> list[tuple[str, str]]:
        """(code, name) of the languages the listed mentors speak, for the filter."""
        codes = {code for option in self.options for code in option.profile.languages or []}
        known = [code for code, _name in language_choices() if code in codes]
        return sorted(zip(known, language_names(known), strict=True), key=lambda p: p[1])


def recommend_mentors(*, mentee: Enrolment) -> Recommendations:
    """The approved mentors of the mentee's program, ranked for this mentee.

    Mentors a required criterion, an exclusion or a reporting line (the mentee's own manager)
    rules out are left out: the mentee could not ask them. Full mentors stay on the list (after the others), so that a filter can show them.
    """
    program = mentee.program
    me = _with_scoring_data(mentee)
    problem, no_criteria = None, None
    try:
        problem = build_problem(program, mentees=[me], for_run=False)
    except NoCriteria as error:
        no_criteria = str(error)
    if problem is not None:
        mentors = problem.mentors
        left = [int(c) for c in problem.problem.capacities]
        scores = [float(s) for s in problem.problem.rows(0, 1)[0]]
    else:
        mentors = people(program, Role.MENTOR, exclude_seated=False)
        loads = seats.mentor_loads(program)
        left = [max(0, seats.capacity_of(e) - loads.get(e.pk, 0)) for e in mentors]
        scores = [None] * len(mentors)
    # Never one's own manager (or report); with criteria, the problem has ruled them out too.
    excluded = _excluded(me) | {mentors[j].pk for _i, j in reporting_line_pairs([me], mentors)}
    prices, priced_by = _prices(program, mentee=me, mentors=mentors, seats_left=left)
    latest = _latest_requests(me)
    chosen = set(Choice.objects.filter(mentee=me).values_list("mentor_id", flat=True))
    options = []
    for mentor, seats_left, score in zip(mentors, left, scores, strict=True):
        if mentor.pk in excluded or (score is not None and score == float("-inf")):
            continue
        price = prices.get(mentor.pk, 0.0)
        options.append(
            MentorOption(
                enrolment=mentor,
                seats_left=seats_left,
                score=score,
                price=price,
                rank_value=(score or 0.0) - price,
                request=latest.get(mentor.pk),
                chosen=mentor.pk in chosen,
            )
        )
    if problem is None:
        options.sort(key=lambda o: (o.full, o.user.display_name.casefold(), o.enrolment.pk))
    else:
        options.sort(
            key=lambda o: (
                o.full,
                -(o.score if o.full else o.rank_value),
                o.user.display_name.casefold(),
                o.enrolment.pk,
            )
        )
    return Recommendations(
        program=program,
        mentee=me,
        options=options,
        no_criteria=no_criteria,
        priced_by=priced_by if problem is not None else None,
        problem=problem,
    )


def filter_options(
    options: list[MentorOption], *, language: str = "", with_seat: bool = True, text: str = ""
) -> list[MentorOption]:
    """The options a mentee's filters keep: a language the mentor speaks, only mentors with a
    seat, and words found in the name, headline, job title or skills."""
    words = text.casefold().split()
    kept = []
    for option in options:
        if with_seat and option.full:
            continue
        if language and language not in (option.profile.languages or []):
            continue
        if words:
            profile = option.profile
            haystack = " ".join(
                [
                    option.user.display_name,
                    profile.headline,
                    profile.job_title,
                    *(tag.name for tag in profile.skills.all()),
                ]
            ).casefold()
            if not all(word in haystack for word in words):
                continue
        kept.append(option)
    return kept


def explain_options(recommendations: Recommendations, options: list[MentorOption]) -> None:
    """Fill in the reasons and the shared free hours of the options about to be shown."""
    if not options:
        return
    mentee = recommendations.mentee
    if recommendations.problem is not None:
        reasons = explain_pairs(recommendations.problem, mentee, [o.enrolment for o in options])
        for option in options:
            option.reasons = reasons.get(option.enrolment.pk, [])
    windows = availability_by_user([mentee.user_id, *(o.user.pk for o in options)])
    hours = overlap_hours(
        windows.get(mentee.user_id, []),
        mentee.user.timezone,
        [windows.get(o.user.pk, []) for o in options],
        [o.user.timezone for o in options],
        timezone.localdate(),
    )
    for option, shared in zip(options, hours, strict=True):
        option.overlap_hours = shared


def current_mentorship(mentee: Enrolment) -> Mentorship | None:
    """The mentorship holding the mentee's seat in the program, if any."""
    return (
        Mentorship.objects.holding_seats()
        .filter(memberships__enrolment=mentee)
        .prefetch_related("memberships__user")
        .first()
    )


def mentee_requests(mentee: Enrolment) -> list[MentorshipRequest]:
    """The mentee's requests in the program, open ones first, newest first."""
    return list(
        MentorshipRequest.objects.filter(mentee=mentee)
        .select_related("mentor__user")
        .order_by(open_first(), "-created_at", "-pk")
    )


def open_first() -> OrderBy:
    """An ordering that puts open requests before decided ones."""
    return Case(When(status=RequestStatus.OPEN, then=Value(0)), default=Value(1)).asc()


def mentee_choices(mentee: Enrolment) -> list[Choice]:
    return list(Choice.objects.filter(mentee=mentee).select_related("mentor__user"))


def _with_scoring_data(enrolment: Enrolment) -> Enrolment:
    """The enrolment with the user, profile and program that scoring and the page read."""
    return (
        Enrolment.objects.filter(pk=enrolment.pk).select_related("user__profile", "program").get()
    )


def _excluded(mentee: Enrolment) -> set[int]:
    return set(
        Exclusion.objects.filter(program_id=mentee.program_id, mentee=mentee).values_list(
            "mentor_id", flat=True
        )
    )


def _prices(
    program: Program, *, mentee: Enrolment, mentors: list[Enrolment], seats_left: list[int]
) -> tuple[dict[int, float], str | None]:
    """{mentor enrolment id: points off the score}, and where they come from."""
    run_prices = (
        MatchRun.objects.filter(program=program, status__in=[RunStatus.DONE, RunStatus.PUBLISHED])
        .order_by("-number")
        .values_list("prices", flat=True)
        .first()
    )
    if run_prices:
        return {m.pk: float(run_prices.get(str(m.pk), 0) or 0) for m in mentors}, "run"
    waiting = dict(
        MentorshipRequest.objects.filter(
            program=program, status=RequestStatus.OPEN, expires_at__gt=timezone.now()
        )
        .exclude(mentee=mentee)
        .values("mentor_id")
        .annotate(n=Count("id"))
        .values_list("mentor_id", "n")
    )
    prices = {}
    for mentor, left in zip(mentors, seats_left, strict=True):
        if waiting.get(mentor.pk) and left > 0:
            prices[mentor.pk] = min(
                MAX_DEMAND_POINTS, POINTS_PER_REQUEST * waiting[mentor.pk] / left
            )
    return prices, "requests" if prices else None


def _latest_requests(mentee: Enrolment) -> dict[int, MentorshipRequest]:
    latest: dict[int, MentorshipRequest] = {}
    for request in MentorshipRequest.objects.filter(mentee=mentee).order_by("created_at", "pk"):
        latest[request.mentor_id] = request
    return latest


def mentor_option(*, mentee: Enrolment, mentor: Enrolment) -> MentorOption:
    """One mentor as the mentee sees them before asking: seats, score and reasons."""
    me, them = _with_scoring_data(mentee), _with_scoring_data(mentor)
    loads = seats.mentor_loads(mentee.program)
    latest = _latest_requests(me)
    option = MentorOption(
        enrolment=them,
        seats_left=max(0, seats.capacity_of(them) - loads.get(them.pk, 0)),
        request=latest.get(them.pk),
    )
    recommendations = Recommendations(program=me.program, mentee=me, options=[option])
    try:
        problem = build_problem(me.program, mentees=[me], mentors=[them], for_run=False)
    except NoCriteria:
        problem = None
    else:
        score = problem.pair_score(me, them)
        option.score = score
        recommendations.problem = problem
    explain_options(recommendations, [option])
    return option
