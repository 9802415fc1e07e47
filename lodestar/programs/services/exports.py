"""Participants as CSV: the same columns the import reads, plus status and dates.

An exported file can be imported again (into this program or another with the same questions):
the import knows the export-only columns and skips them.
"""

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from django.db.models import Prefetch

from lodestar.accounts.models import Seniority

from ..models import Answer, Enrolment, ProfileField, Program, Question, QuestionKind
from .imports import (
    EXPORT_ONLY_COLUMNS,
    FORMULA_STARTS,
    PERSON_COLUMNS,
    question_columns,
)

# Only the relations a profile question reads are fetched, each in one query.
_PROFILE_PREFETCH = {
    ProfileField.SKILLS: "user__profile__skills",
    ProfileField.INTERESTS: "user__profile__interests",
}


def participants_export_csv(*, program: Program) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in participants_export_rows(program=program):
        writer.writerow([_defuse(cell) for cell in row])
    return buffer.getvalue()


def participants_export_rows(*, program: Program) -> Iterator[list[str]]:
    """The header, then one row per enrolment, in a fixed number of queries.

    Sensitive questions are left out: their answers are used only in aggregate.
    """
    columns = [
        (label, group)
        for label, group in question_columns(program)
        if not any(q.sensitive for q in group)
    ]
    yield [*PERSON_COLUMNS, *EXPORT_ONLY_COLUMNS, *(label for label, _q in columns)]
    questions = [question for _label, group in columns for question in group]
    profile_fields = {q.profile_field for q in questions if q.kind == QuestionKind.PROFILE}
    enrolments = (
        Enrolment.objects.filter(program=program)
        .select_related("user", "user__profile")
        .prefetch_related(
            Prefetch(
                "answers", queryset=Answer.objects.only("enrolment_id", "question_id", "value")
            ),
            *(path for field, path in _PROFILE_PREFETCH.items() if field in profile_fields),
        )
        .order_by("role", "user__email")
    )
    for enrolment in enrolments:
        values = {answer.question_id: answer.value for answer in enrolment.answers.all()}
        cells = []
        for _label, group in columns:
            question = next((q for q in group if q.role == enrolment.role), None)
            cells.append(_answer_cell(enrolment, question, values))
        yield [
            enrolment.user.email,
            enrolment.user.name,
            enrolment.role,
            "" if enrolment.capacity is None else str(enrolment.capacity),
            enrolment.status,
            _utc(enrolment.created_at),
            _utc(enrolment.intake_completed_at),
            *cells,
        ]


def _answer_cell(enrolment: Enrolment, question: Question | None, values: dict) -> str:
    if question is None:
        return ""
    if question.kind == QuestionKind.PROFILE:
        return _profile_cell(enrolment.user, question.profile_field)
    return _text(values.get(question.pk))


def _profile_cell(user, field: str) -> str:
    profile = user.profile
    if field == ProfileField.TIMEZONE:
        return user.timezone
    if field in _PROFILE_PREFETCH:
        return "; ".join(tag.name for tag in getattr(profile, field).all())
    if field == ProfileField.SENIORITY:
        return str(Seniority(profile.seniority).label) if profile.seniority else ""
    if field == ProfileField.AVAILABILITY:
        # Availability is edited on the profile page only; the import would refuse any value.
        return ""
    return _text(getattr(profile, field))


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return str(value)


def _utc(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ") if moment else ""


def _defuse(cell: str) -> str:
    """Quote cells a spreadsheet would run as a formula; the import removes the quote again."""
    if cell.startswith(FORMULA_STARTS) and not _is_number(cell):
        return "'" + cell
    return cell


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True
