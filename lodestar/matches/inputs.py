"""The program as a matching problem: who takes part, what they answered, what is pinned or
excluded, turned into the engine's arrays. The engine knows nothing of Django; this is the one
place that translates.

Each criterion is a mentee question (asked of peers, in peer programs) marked for matching and
paired with a question of the other side. A profile-field question reads the person's profile as
it is now, so an edit after the intake form still counts; weekly availability always does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import AvailabilityWindow, Profile
from lodestar.matching.criteria import Criterion
from lodestar.matching.problem import Problem
from lodestar.matching.scoring import Scorer
from lodestar.mentorships import seats
from lodestar.programs.models import (
    Answer,
    Enrolment,
    ProfileField,
    Program,
    Question,
    QuestionKind,
    Role,
    Rule,
)

from .models import Exclusion, Pin
from .reporting_lines import reporting_line_pairs, reporting_line_reason

TIMEZONE_FIELD = "timezone"


class NoCriteria(ValueError):
    """The program has no intake question used for matching."""


@dataclass
class ProgramProblem:
    program: Program
    problem: Problem
    scorer: Scorer
    mentees: list[Enrolment]
    mentors: list[Enrolment]
    criteria: list[Criterion]
    questions: dict[str, Question]  # criterion name -> the mentee-side question
    mentee_index: dict[int, int] = field(default_factory=dict)  # enrolment id -> row
    mentor_index: dict[int, int] = field(default_factory=dict)  # enrolment id -> column

    def __post_init__(self) -> None:
        self.mentee_index = {e.pk: i for i, e in enumerate(self.mentees)}
        self.mentor_index = {e.pk: j for j, e in enumerate(self.mentors)}

    @property
    def peer(self) -> bool:
        return Role.PEER in self.program.roles

    def pair_score(self, mentee: Enrolment, mentor: Enrolment) -> float | None:
        """The pair's score, or None when a required criterion (or an exclusion) forbids it."""
        i, j = self.mentee_index[mentee.pk], self.mentor_index[mentor.pk]
        value = float(self.problem.rows(i, i + 1)[0, j])
        return value if np.isfinite(value) else None

    def breakdown(self, mentee: Enrolment, mentor: Enrolment) -> dict[str, float]:
        i, j = self.mentee_index[mentee.pk], self.mentor_index[mentor.pk]
        parts = self.scorer.breakdown(np.array([i]), np.array([j]))
        return {name: round(float(values[0]), 2) for name, values in parts.items()}

    def failed_required(self, mentee: Enrolment, mentor: Enrolment) -> list[str]:
        """The required criteria this pair fails (labels), for a coordinator's warning."""
        i, j = self.mentee_index[mentee.pk], self.mentor_index[mentor.pk]
        failed = []
        for criterion in self.criteria:
            if not criterion.required:
                continue
            value = self.scorer.criterion_scores(criterion.name, np.array([i]), np.array([j]))[0]
            if not value > 0:
                failed.append(self.questions[criterion.name].label)
        return failed

    def snapshot(self, solver: str) -> dict[str, Any]:
        """What a run was given, as JSON, so it can be audited and compared later."""
        return {
            "solver": solver,
            "reference_date": self.scorer.reference_date.isoformat(),
            "criteria": [
                {
                    "name": c.name,
                    "question": self.questions[c.name].pk,
                    "rule": c.rule,
                    "weight": c.weight,
                    "required": c.required,
                    "tolerance": c.tolerance,
                }
                for c in self.criteria
            ],
            "mentees": [e.pk for e in self.mentees],
            "mentors": [e.pk for e in self.mentors],
            "capacities": [int(c) for c in self.problem.capacities],
            "pins": [[self.mentees[i].pk, self.mentors[j].pk] for i, j in self.problem.pins],
            "exclusions": [
                [self.mentees[i].pk, self.mentors[j].pk] for i, j in self.problem.exclusions
            ],
        }


def criteria_questions(program: Program) -> list[tuple[Criterion, Question]]:
    """The program's matching criteria, each with the mentee-side question it comes from."""
    asker = Role.PEER if Role.PEER in program.roles else Role.MENTEE
    questions = (
        Question.objects.filter(
            program=program, role=asker, is_criterion=True, paired_with__isnull=False
        )
        .exclude(rule="")
        .select_related("paired_with")
        .order_by("position", "pk")
    )
    found = []
    for question in questions:
        found.append((_criterion(question), question))
    return found


def _criterion(question: Question) -> Criterion:
    other = question.paired_with
    options: dict[str, Any] = {}
    if question.rule == Rule.NEAR:
        options["tolerance"] = question.tolerance or 1.0
        if ProfileField.TIMEZONE in (question.profile_field, other.profile_field):
            options["period"] = 24.0
    elif question.rule == Rule.ABOVE and question.tolerance:
        options["tolerance"] = question.tolerance
    return Criterion(
        name=question.label,
        rule=question.rule,
        mentee_field=field_name(question),
        mentor_field=field_name(other),
        weight=float(question.weight),
        required=question.match_required,
        timezone_field=TIMEZONE_FIELD,
        **options,
    )


def field_name(question: Question) -> str:
    return f"q{question.pk}"


def people(program: Program, role: str, *, exclude_seated: bool) -> list[Enrolment]:
    """Approved enrolments of one role, in a fixed order (values_of reads their answers)."""
    found = list(
        Enrolment.objects.filter(program=program, role=role, user__is_active=True)
        .approved()
        .select_related("user__profile", "program")
        .order_by("pk")
    )
    if exclude_seated:
        seated = seats.seated_enrolments(program)
        found = [e for e in found if e.pk not in seated]
    return found


# Ids per IN (...) list: well under every database's limit on query parameters.
CHUNK = 900


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def values_of(enrolments: list[Enrolment], questions: list[Question]) -> dict[str, list[Any]]:
    """The engine's Side: one list per field, one value per person.

    Answers, tags and availability are read as plain values, a few queries per 900 people,
    never as model instances: building a thousand people's objects costs more than scoring them.
    """
    enrolment_ids = [e.pk for e in enrolments]
    user_ids = [e.user_id for e in enrolments]
    asked = [q.pk for q in questions if q.kind != QuestionKind.PROFILE]
    wanted = {q.profile_field for q in questions if q.kind == QuestionKind.PROFILE}
    answers: dict[int, dict[int, Any]] = {}
    if asked:
        for chunk in _chunks(enrolment_ids):
            rows = Answer.objects.filter(enrolment_id__in=chunk, question_id__in=asked)
            for enrolment_id, question_id, value in rows.values_list(
                "enrolment_id", "question_id", "value"
            ):
                answers.setdefault(enrolment_id, {})[question_id] = value
    tags = {
        name: _tags(user_ids, name)
        for name in (ProfileField.SKILLS, ProfileField.INTERESTS)
        if name in wanted
    }
    windows = availability_by_user(user_ids) if ProfileField.AVAILABILITY in wanted else {}
    side: dict[str, list[Any]] = {field_name(q): [] for q in questions}
    side[TIMEZONE_FIELD] = []
    for enrolment in enrolments:
        mine = answers.get(enrolment.pk, {})
        side[TIMEZONE_FIELD].append(enrolment.user.timezone or None)
        for question in questions:
            side[field_name(question)].append(_value(enrolment, question, mine, tags, windows))
    return side


def _tags(user_ids: list[int], name: str) -> dict[int, list[str]]:
    through = getattr(Profile, name).through
    found: dict[int, list[str]] = {}
    for chunk in _chunks(user_ids):
        rows = through.objects.filter(profile__user_id__in=chunk).order_by("tag__name")
        for user_id, tag in rows.values_list("profile__user_id", "tag__name"):
            found.setdefault(user_id, []).append(tag)
    return found


def availability_by_user(user_ids: list[int]) -> dict[int, list[tuple[int, str, str]]]:
    found: dict[int, list[tuple[int, str, str]]] = {}
    for chunk in _chunks(user_ids):
        rows = AvailabilityWindow.objects.filter(user_id__in=chunk).order_by(
            "user_id", "weekday", "start"
        )
        for user_id, weekday, start, end in rows.values_list("user_id", "weekday", "start", "end"):
            found.setdefault(user_id, []).append(
                (weekday, start.strftime("%H:%M"), end.strftime("%H:%M"))
            )
    return found


def _value(
    enrolment: Enrolment,
    question: Question,
    answers: dict[int, Any],
    tags: dict[str, dict[int, list[str]]],
    windows: dict[int, list[tuple[int, str, str]]],
) -> Any:
    if question.kind != QuestionKind.PROFILE:
        return answers.get(question.pk)
    user = enrolment.user
    profile = getattr(user, "profile", None)
    match question.profile_field:
        case ProfileField.AVAILABILITY:
            return windows.get(user.pk, [])
        case ProfileField.TIMEZONE:
            return user.timezone or None
        case ProfileField.SKILLS | ProfileField.INTERESTS:
            return tags[question.profile_field].get(user.pk, [])
        case ProfileField.SENIORITY if profile is not None:
            return profile.seniority
        case ProfileField.LANGUAGES if profile is not None:
            return list(profile.languages or [])
        case _ if profile is not None:
            return getattr(profile, question.profile_field, None) or answers.get(question.pk)
    return answers.get(question.pk)


def build_problem(
    program: Program,
    *,
    mentees: list[Enrolment] | None = None,
    mentors: list[Enrolment] | None = None,
    reference_date: date | None = None,
    for_run: bool = True,
) -> ProgramProblem:
    """The program's matching problem now.

    By default: the approved mentees (or peers) who have no mentorship yet, the approved mentors
    with their seats left as capacities, the program's pins and exclusions. Pass `mentees` (for
    one mentee's recommendations) or `mentors` to narrow it.
    """
    found = criteria_questions(program)
    if not found:
        raise NoCriteria(
            _(
                "No intake question is used for matching yet. Mark at least one question "
                "“Use for matching” and pair it with a question of the other role."
            )
        )
    criteria = [c for c, _q in found]
    mentee_questions = [q for _c, q in found]
    mentor_questions = [q.paired_with for _c, q in found]
    peer = Role.PEER in program.roles
    if mentees is None:
        mentees = people(program, Role.PEER if peer else Role.MENTEE, exclude_seated=True)
    if mentors is None:
        mentors = mentees if peer else people(program, Role.MENTOR, exclude_seated=False)
    loads = seats.mentor_loads(program) if not peer else {}
    capacities = np.array(
        [1 if peer else max(0, seats.capacity_of(e) - loads.get(e.pk, 0)) for e in mentors],
        dtype=np.int64,
    )
    # A peer answers both sides' questions; the pool is scored against itself unless the caller
    # narrowed one side (one peer's suggestions, a coordinator's preview of one pair).
    # A peer question may be compared with itself: read each question once.
    side_questions = (
        list({q.pk: q for q in mentee_questions + mentor_questions}.values())
        if peer
        else mentee_questions
    )
    mentee_side = values_of(mentees, side_questions)
    if peer and mentors is mentees:
        mentor_side = mentee_side
    else:
        mentor_side = values_of(mentors, side_questions if peer else mentor_questions)
    scorer = Scorer(
        mentee_side,
        mentor_side,
        criteria,
        reference_date=reference_date or timezone.localdate(),
    )
    mentee_index = {e.pk: i for i, e in enumerate(mentees)}
    mentor_index = {e.pk: j for j, e in enumerate(mentors)}
    pins, exclusions = [], []
    if for_run:
        for pin in Pin.objects.filter(program=program):
            if pin.mentee_id in mentee_index and pin.mentor_id in mentor_index:
                pins.append((mentee_index[pin.mentee_id], mentor_index[pin.mentor_id]))
    for mentee_id, mentor_id in Exclusion.objects.filter(program=program).values_list(
        "mentee_id", "mentor_id"
    ):
        pairs = (
            [(mentee_id, mentor_id), (mentor_id, mentee_id)] if peer else [(mentee_id, mentor_id)]
        )
        for a, b in pairs:
            if a in mentee_index and b in mentor_index:
                exclusions.append((mentee_index[a], mentor_index[b]))
    # Nobody is matched with their own manager (or report): the HR directory's reporting lines.
    lines = reporting_line_pairs(mentees, mentors)
    exclusions.extend(lines)
    forbidden_reasons = scorer.forbidden_reasons() if for_run else {}
    if for_run:
        # Read only for a mentee left with no allowed mentor at all, where the line is part of why.
        for i in sorted({i for i, _j in lines} - set(forbidden_reasons)):
            forbidden_reasons[i] = reporting_line_reason(mentees[i], mentors, peer=peer)
    problem = Problem(
        scores=scorer,
        capacities=capacities,
        pins=tuple(pins),
        exclusions=tuple(sorted(set(exclusions))),
        mentee_ids=tuple(str(e.pk) for e in mentees),
        mentor_ids=tuple(str(e.pk) for e in mentors),
        forbidden_reasons=forbidden_reasons,
    )
    return ProgramProblem(
        program=program,
        problem=problem,
        scorer=scorer,
        mentees=mentees,
        mentors=mentors,
        criteria=criteria,
        questions={c.name: q for c, q in found},
    )
