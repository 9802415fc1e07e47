"""Is any group matched worse? A run's mentees grouped by one attribute (an intake answer or a
profile field), with each group's match rate and scores.

Answers to a sensitive question are used only in aggregate: a group of fewer than
MIN_GROUP people is merged with the other small groups, so no figure describes a handful of
identifiable people, and nothing here is ever shown person by person.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.accounts.models import Seniority
from lodestar.programs.models import Enrolment, ProfileField, Question, QuestionKind, Role

from ..models import MatchRun, Proposal

MIN_GROUP = 5
GROUPABLE_KINDS = (
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.SHORT_TEXT,
)
PROFILE_FIELDS = {
    ProfileField.DEPARTMENT: gettext_lazy("Department (profile)"),
    ProfileField.LOCATION: gettext_lazy("Location (profile)"),
    ProfileField.ORGANISATION: gettext_lazy("Organisation (profile)"),
    ProfileField.SENIORITY: gettext_lazy("Seniority level (profile)"),
}
PROFILE_PREFIX = "profile:"
QUESTION_PREFIX = "question:"


@dataclass
class Attribute:
    key: str
    label: str
    sensitive: bool = False
    question: Question | None = None
    profile_field: str = ""


@dataclass
class Group:
    label: str
    mentees: int
    matched: int
    mean: float | None
    lowest: float | None
    merged: bool = False

    @property
    def rate(self) -> float:
        return 100 * self.matched / self.mentees if self.mentees else 0.0


@dataclass
class FairnessReport:
    attribute: Attribute
    groups: list[Group]
    overall: Group
    several_per_person: bool  # multiple choice: one person may count in several groups
    merged_groups: int  # how many small groups were merged (sensitive questions)


def fairness_attributes(program) -> list[Attribute]:
    """What a run's mentees can be grouped by: the choice and short-text questions asked of
    mentees (peers, in peer programs), and a few profile fields."""
    asker = Role.PEER if Role.PEER in program.roles else Role.MENTEE
    questions = Question.objects.filter(
        program=program, role=asker, kind__in=GROUPABLE_KINDS
    ).order_by("position", "pk")
    found = [
        Attribute(key=f"{QUESTION_PREFIX}{q.pk}", label=q.label, sensitive=q.sensitive, question=q)
        for q in questions
    ]
    found += [
        Attribute(key=f"{PROFILE_PREFIX}{name}", label=str(label), profile_field=name)
        for name, label in PROFILE_FIELDS.items()
    ]
    return found


def fairness_report(*, run: MatchRun, attribute: str) -> FairnessReport:
    """Each group's mentees, how many are matched, the match rate, the mean and lowest score."""
    chosen = next((a for a in fairness_attributes(run.program) if a.key == attribute), None)
    if chosen is None:
        raise ValidationError(
            {"attribute": _("Choose one of the questions or profile fields listed.")}
        )
    people = [int(pk) for pk in (run.inputs or {}).get("mentees", [])]
    scores = _scores(run)
    values = _values(run, chosen)
    members: dict[str, set[int]] = defaultdict(set)
    labels: dict[str, str] = {}
    no_answer = _("No answer")
    for pk in people:
        keys = _keys(values.get(pk), chosen)
        if not keys:
            keys = [("", no_answer)]
        for key, label in keys:
            members[key].add(pk)
            labels.setdefault(key, label)
    groups = [_group(labels[key], ids, scores) for key, ids in members.items()]
    merged_count = 0
    if chosen.sensitive:
        small = [key for key, ids in members.items() if len(ids) < MIN_GROUP]
        if small:
            merged_count = len(small)
            merged_ids = set().union(*(members[key] for key in small))
            groups = [
                _group(labels[key], ids, scores) for key, ids in members.items() if key not in small
            ]
            merged = _group(_("Fewer than 5 people (merged)"), merged_ids, scores)
            merged.merged = True
    groups.sort(key=lambda g: (-g.mentees, g.label.casefold()))
    if merged_count:
        groups.append(merged)
    return FairnessReport(
        attribute=chosen,
        groups=groups,
        overall=_group(_("Everyone"), set(people), scores),
        several_per_person=chosen.question is not None
        and chosen.question.kind == QuestionKind.MULTIPLE_CHOICE,
        merged_groups=merged_count,
    )


def _scores(run: MatchRun) -> dict[int, float]:
    """Each matched person's score (both peers of a peer pair)."""
    found = {}
    peer = Role.PEER in run.program.roles
    for mentee_id, mentor_id, score in Proposal.objects.filter(run=run).values_list(
        "mentee_id", "mentor_id", "score"
    ):
        found[mentee_id] = score
        if peer:
            found[mentor_id] = score
    return found


def _values(run: MatchRun, attribute: Attribute) -> dict[int, Any]:
    if attribute.question is not None:
        return dict(attribute.question.answers.values_list("enrolment_id", "value"))
    field_name = attribute.profile_field
    return dict(
        Enrolment.objects.filter(program=run.program).values_list(
            "pk", f"user__profile__{field_name}"
        )
    )


def _keys(value: Any, attribute: Attribute) -> list[tuple[str, str]]:
    """The groups one value puts a person in, as (key, label)."""
    if value in (None, "", []):
        return []
    if attribute.profile_field == ProfileField.SENIORITY:
        try:
            return [(str(value), str(Seniority(int(value)).label))]
        except (TypeError, ValueError):
            return [(str(value), str(value))]
    items = value if isinstance(value, list) else [value]
    found = {}
    for item in items:
        text = " ".join(str(item).split())
        if text:
            # Short answers typed differently ("Paris", "paris ") count as one group.
            found.setdefault(text.casefold(), text)
    return list(found.items())


def _group(label: str, ids: set[int], scores: dict[int, float]) -> Group:
    matched = [scores[pk] for pk in ids if pk in scores]
    return Group(
        label=label,
        mentees=len(ids),
        matched=len(matched),
        mean=round(sum(matched) / len(matched), 1) if matched else None,
        lowest=round(min(matched), 1) if matched else None,
    )
