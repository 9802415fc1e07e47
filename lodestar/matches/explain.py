"""“Why this mentor”, in words: the criteria that gave a pair its points, phrased by rule with
the two people's own values.

The engine's breakdown says how many points each criterion gave; this turns the criteria that
gave some into sentences a mentee reads, such as “You both chose Design and Data” or “Time
zones 1 h apart”. Profile fields get their own wording (a language, a time zone, seniority);
any other question gets the rule's general wording, and the question's label says what it was
about.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lodestar.accounts.models import Seniority
from lodestar.accounts.selectors import language_names
from lodestar.matching.availability import BIN_MINUTES, utc_offset_hours, week_bins
from lodestar.matching.criteria import category, item_set, missing
from lodestar.programs.models import Enrolment, ProfileField, Question

from .inputs import TIMEZONE_FIELD, ProgramProblem, field_name, values_of

# A criterion that gave fewer points than this did not really contribute: left unsaid.
MIN_POINTS = 0.5
# Shared items named one by one before “and 3 more”.
MAX_ITEMS = 4


@dataclass(frozen=True)
class Reason:
    label: str  # the question the criterion comes from
    text: str  # what it means for this pair, in words
    points: float  # its share of the pair's score (0–100)


def explain_pairs(
    problem: ProgramProblem, mentee: Enrolment, mentors: Sequence[Enrolment]
) -> dict[int, list[Reason]]:
    """{mentor enrolment id: the reasons, most points first} for one mentee and some mentors
    of the problem (a page of them: the values are read for these mentors only)."""
    mentors = list(mentors)
    if not mentors:
        return {}
    mentee_questions = [problem.questions[c.name] for c in problem.criteria]
    mentor_questions = [q.paired_with for q in mentee_questions]
    mine = values_of([mentee], mentee_questions)
    theirs = values_of(mentors, mentor_questions)
    row = problem.mentee_index[mentee.pk]
    columns = np.array([problem.mentor_index[m.pk] for m in mentors], dtype=np.int64)
    points = problem.scorer.breakdown(np.full(len(columns), row), columns)
    reference = problem.scorer.reference_date
    found: dict[int, list[Reason]] = {}
    for k, mentor in enumerate(mentors):
        reasons = []
        for criterion, question, other in zip(
            problem.criteria, mentee_questions, mentor_questions, strict=True
        ):
            share = float(points[criterion.name][k])
            if share < MIN_POINTS:
                continue
            text = phrase(
                rule=criterion.rule,
                question=question,
                mine=mine[field_name(question)][0],
                theirs=theirs[field_name(other)][k],
                my_zone=mine[TIMEZONE_FIELD][0],
                their_zone=theirs[TIMEZONE_FIELD][k],
                reference=reference,
            )
            if text:
                reasons.append(Reason(label=question.label, text=text, points=round(share, 1)))
        reasons.sort(key=lambda reason: -reason.points)
        found[mentor.pk] = reasons
    return found


def phrase(
    *,
    rule: str,
    question: Question,
    mine: Any,
    theirs: Any,
    my_zone: str | None = None,
    their_zone: str | None = None,
    reference: date | None = None,
) -> str | None:
    """One criterion's contribution to a pair in words, from the mentee's value (`mine`) and
    the mentor's (`theirs`); None when there is nothing to say."""
    if missing(mine) or missing(theirs):
        return None
    field = question.profile_field
    match rule:
        case "overlap":
            return _overlap(field, mine, theirs)
        case "same":
            return _same(field, mine)
        case "different":
            return _different(field, theirs)
        case "above":
            if field == ProfileField.SENIORITY:
                return _("More senior than you, as you asked")
            return _("Further along than you, as you asked: %(theirs)s against your %(mine)s") % {
                "theirs": display(field, theirs),
                "mine": display(field, mine),
            }
        case "near":
            return _near(field, mine, theirs, reference)
        case "availability":
            hours = overlap_hours(mine, my_zone, [theirs], [their_zone], reference)[0]
            if not hours:
                return None
            return _("About %(hours)s h a week you are both free") % {"hours": hours_text(hours)}
        case "text":
            return _("What you wrote is close to what they wrote")
    return None


def _overlap(field: str, mine: Any, theirs: Any) -> str | None:
    theirs_keys = item_set(theirs)
    shared = [item for item in _items(mine) if category(item) in theirs_keys]
    if not shared:
        return None
    names = [display(field, item) for item in shared]
    if field == ProfileField.LANGUAGES:
        return _("You both speak %(items)s") % {"items": join_items(names)}
    return _("You both chose %(items)s") % {"items": join_items(names)}


def _same(field: str, value: Any) -> str:
    shown = display(field, value)
    wording = {
        ProfileField.LANGUAGES: _("Same language: %(value)s"),
        ProfileField.TIMEZONE: _("Same time zone: %(value)s"),
        ProfileField.LOCATION: _("Same location: %(value)s"),
        ProfileField.ORGANISATION: _("Same organisation: %(value)s"),
        ProfileField.DEPARTMENT: _("Same department: %(value)s"),
        ProfileField.JOB_TITLE: _("Same job title: %(value)s"),
        ProfileField.SENIORITY: _("Same career stage: %(value)s"),
    }.get(field, _("Same answer: %(value)s"))
    return wording % {"value": shown}


def _different(field: str, theirs: Any) -> str:
    shown = display(field, theirs)
    wording = {
        ProfileField.DEPARTMENT: _("From another department (%(value)s), as the program asks"),
        ProfileField.ORGANISATION: _("From another organisation (%(value)s), as the program asks"),
        ProfileField.LOCATION: _("Based somewhere else (%(value)s), as the program asks"),
    }.get(field, _("A different answer from yours (%(value)s), as the program asks"))
    return wording % {"value": shown}


def _near(field: str, mine: Any, theirs: Any, reference: date | None) -> str | None:
    if field == ProfileField.TIMEZONE:
        on = reference or date.today()
        try:
            apart = abs(utc_offset_hours(str(mine), on) - utc_offset_hours(str(theirs), on))
        except ValueError:
            return None
        apart = min(apart % 24, 24 - apart % 24)
        if not apart:
            return _("The same time of day as you")
        return _("Time zones %(hours)s h apart") % {"hours": hours_text(apart)}
    try:
        if float(mine) == float(theirs):
            return _("Same answer: %(value)s") % {"value": display(field, mine)}
    except (TypeError, ValueError):
        return None
    return _("Close answers: %(theirs)s against your %(mine)s") % {
        "theirs": display(field, theirs),
        "mine": display(field, mine),
    }


def _items(value: Any) -> list[str]:
    """A list value's items in the person's own spelling, without repeats."""
    if isinstance(value, str):
        value = value.replace(";", ",").split(",")
    seen, items = set(), []
    for item in value:
        if missing(item):
            continue
        key = category(item)
        if key not in seen:
            seen.add(key)
            items.append(str(item).strip())
    return items


def display(field: str, value: Any) -> str:
    """A value as a person reads it: language names, seniority levels, numbers localised."""
    if isinstance(value, list | tuple):
        return join_items([display(field, item) for item in value if not missing(item)])
    if field == ProfileField.LANGUAGES:
        names = language_names([str(value)])
        return names[0] if names else str(value)
    if field == ProfileField.SENIORITY:
        try:
            return str(Seniority(int(value)).label)
        except (TypeError, ValueError):
            return str(value)
    if field == ProfileField.TIMEZONE:
        return str(value).replace("_", " ")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float):
        return formats.number_format(value)
    return str(value).strip()


def join_items(items: Sequence[str]) -> str:
    """“Design”, “Design and Data”, “Design, Data and Sales”, “A, B, C, D and 2 more”."""
    items = list(items)
    if len(items) > MAX_ITEMS:
        rest = len(items) - MAX_ITEMS
        more = ngettext("%(count)s more", "%(count)s more", rest) % {"count": rest}
        items = [*items[:MAX_ITEMS], more]
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def hours_text(hours: float) -> str:
    """Hours as people say them: whole hours from 2 h up, halves below."""
    value = round(hours) if hours >= 2 else round(hours * 2) / 2
    if float(value).is_integer():
        return formats.number_format(int(value))
    return formats.number_format(value, decimal_pos=1)


def overlap_hours(
    windows: Any,
    zone: str | None,
    others: Sequence[Any],
    other_zones: Sequence[str | None],
    reference: date | None = None,
) -> list[float | None]:
    """Hours a week one person and each of the others are free at the same time (None when
    either has no availability or time zone), on the week of the reference date."""
    on = reference or date.today()
    try:
        mine = week_bins([windows], [zone], on)[0]
        theirs = week_bins(list(others), list(other_zones), on)
    except ValueError:
        return [None] * len(others)
    if not mine.any():
        return [None] * len(others)
    shared = (theirs & mine).sum(axis=1) * BIN_MINUTES / 60
    present = theirs.any(axis=1)
    return [float(h) if ok else None for h, ok in zip(shared, present, strict=True)]
