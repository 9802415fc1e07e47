"""Answering a survey: once, by the person it was sent to, while it is open.

What is stored depends on the survey's anonymity (models.py): a named or confidential response
is linked to its assignment (so to its respondent) and mentorship; an anonymous one keeps only
the survey, the respondent's role and the day. The assignment is marked answered so that
reminders stop; for an anonymous survey its time is kept to the day too, so that the order in
which people answered cannot pair an assignment with a response.
"""

from collections.abc import Mapping
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.accounts.models import User

from .models import (
    Anonymity,
    AssignmentStatus,
    QuestionKind,
    SurveyAnswer,
    SurveyAssignment,
    SurveyQuestion,
    SurveyResponse,
    SurveyStatus,
)

TEXT_MAX = 5000
SCALES = {QuestionKind.LIKERT: (1, 5), QuestionKind.NPS: (0, 10)}


def field_name(question: SurveyQuestion) -> str:
    """The name of a question's answer in forms and in validation errors."""
    return f"q{question.pk}"


def check_open(assignment: SurveyAssignment, now: datetime | None = None) -> None:
    """Raise the reason this assignment cannot be answered now, if there is one."""
    now = now or timezone.now()
    if assignment.status == AssignmentStatus.DONE:
        raise ValidationError(_("You have already answered this survey."), code="done")
    if assignment.survey.status != SurveyStatus.ACTIVE:
        raise ValidationError(_("This survey is closed."), code="closed")
    if assignment.status == AssignmentStatus.EXPIRED or assignment.due_at <= now:
        raise ValidationError(
            _("The time to answer this survey ended on %(date)s.")
            % {"date": formats.date_format(timezone.localtime(assignment.due_at), "DATE_FORMAT")},
            code="expired",
        )


def _integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    return None


def _is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple):
        return not value
    return False


def clean_answer(question: SurveyQuestion, value) -> dict | None:
    """The fields of a SurveyAnswer for this value, None for no answer; raises a
    ValidationError with a message the respondent understands."""
    if _is_empty(value):
        if question.required:
            raise ValidationError(_("This question needs an answer."), code="required")
        return None
    kind = question.kind
    if kind in SCALES:
        low, high = SCALES[kind]
        number = _integer(value)
        if number is None or not low <= number <= high:
            raise ValidationError(
                _("Choose a number from %(low)d to %(high)d.") % {"low": low, "high": high},
                code="scale",
            )
        return {"number": number}
    if kind == QuestionKind.SINGLE:
        index = _integer(value)
        if index is None or not 0 <= index < len(question.choices):
            raise ValidationError(_("Choose one of the options."), code="choice")
        return {"chosen": [index]}
    if kind == QuestionKind.MULTIPLE:
        if not isinstance(value, list | tuple):
            raise ValidationError(_("Choose among the options."), code="choice")
        indexes = [_integer(item) for item in value]
        if any(i is None or not 0 <= i < len(question.choices) for i in indexes):
            raise ValidationError(_("Choose among the options."), code="choice")
        return {"chosen": sorted(set(indexes))}
    if not isinstance(value, str):
        raise ValidationError(_("Write your answer as text."), code="text")
    text = value.strip()
    if len(text) > TEXT_MAX:
        raise ValidationError(
            _("Please keep it under %(max)d characters (this has %(count)d).")
            % {"max": TEXT_MAX, "count": len(text)},
            code="too_long",
        )
    return {"text": text}


def clean_answers(questions: list[SurveyQuestion], answers: Mapping) -> dict[int, dict]:
    """Every question's answer cleaned, keyed by question id; every problem at once."""
    known = {q.pk for q in questions}
    unknown = [key for key in answers if _integer(key) not in known]
    if unknown:
        raise ValidationError(
            _("Some answers are for questions this survey does not have."), code="unknown"
        )
    given = {_integer(key): value for key, value in answers.items()}
    errors, cleaned = {}, {}
    for question in questions:
        try:
            fields = clean_answer(question, given.get(question.pk))
        except ValidationError as error:
            errors[field_name(question)] = error.messages
            continue
        if fields is not None:
            cleaned[question.pk] = fields
    if errors:
        raise ValidationError(errors, code="invalid")
    return cleaned


@transaction.atomic
def response_submit(
    *,
    assignment: SurveyAssignment,
    by: User,
    answers: Mapping[int, object],
    now: datetime | None = None,
) -> SurveyResponse:
    """Store the answers of the person a survey was sent to, once, while it is open.

    `answers` maps question ids to values: a number for agreement (1–5) and recommendation
    (0–10) questions, an option's position for one choice, a list of them for several, text."""
    now = now or timezone.now()
    locked = (
        SurveyAssignment.objects.select_for_update(of=("self",))
        .select_related("survey")
        .get(pk=assignment.pk)
    )
    if locked.user_id != by.pk:
        raise ValidationError(_("This survey was not sent to you."), code="not_assignee")
    check_open(locked, now)
    survey = locked.survey
    cleaned = clean_answers(list(survey.questions.all()), answers)
    anonymous = survey.anonymity == Anonymity.ANONYMOUS
    response = SurveyResponse.objects.create(
        survey=survey,
        assignment=None if anonymous else locked,
        mentorship=None if anonymous else locked.mentorship,
        role=locked.role,
        submitted_on=timezone.localdate(now),
    )
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, question_id=pk, **fields) for pk, fields in cleaned.items()
    )
    locked.status = AssignmentStatus.DONE
    locked.completed_at = _day(now) if anonymous else now
    locked.save(update_fields=["status", "completed_at"])
    return response


def _day(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    return local.replace(hour=0, minute=0, second=0, microsecond=0)


LIKERT_LABELS = {
    1: gettext_lazy("Strongly disagree"),
    2: gettext_lazy("Disagree"),
    3: gettext_lazy("Neither agree nor disagree"),
    4: gettext_lazy("Agree"),
    5: gettext_lazy("Strongly agree"),
}
NPS_LABELS = {0: gettext_lazy("Not at all likely"), 10: gettext_lazy("Extremely likely")}


def scale_label(kind: str, number: int) -> str:
    """A scale's value as shown: "4 — Agree", "0 — Not at all likely", "7"."""
    words = (LIKERT_LABELS if kind == QuestionKind.LIKERT else NPS_LABELS).get(number)
    return f"{number} — {words}" if words else str(number)


def answer_text(question: SurveyQuestion, answer: SurveyAnswer) -> str:
    """One stored answer as a person reads it."""
    if question.kind in SCALES:
        return scale_label(question.kind, answer.number) if answer.number is not None else ""
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return ", ".join(
            question.choices[i] for i in answer.chosen if 0 <= i < len(question.choices)
        )
    return answer.text
