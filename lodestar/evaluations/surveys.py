"""Building surveys: create (blank or from a template), settings, questions, activate, close.

Only the program's coordinators build its surveys. A survey is a draft until it is activated;
from then on the scheduler sends it (scheduling.py) until it is closed.

What may change when:
- a draft: everything;
- once activated: the wording only (title, introduction, question texts, the labels of
  choices, keeping their number), how long people have to answer and when they are reminded,
  and the smallest group shown may be raised. Who is asked, how anonymously, when, and the
  questions themselves stay as they were, so that every answer was given to the same questions
  under the same terms. To ask something else, close the survey and make a new one;
- once closed: the wording only.

Answers to choice questions are stored as the positions of the chosen options, so fixing the
wording of an option keeps the answers already given.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.accounts.models import User
from lodestar.core.states import StateMachine
from lodestar.programs.models import Program
from lodestar.programs.policy import is_coordinator

from .models import (
    Anchor,
    Anonymity,
    AssignmentStatus,
    Audience,
    QuestionKind,
    Survey,
    SurveyAssignment,
    SurveyQuestion,
    SurveyStatus,
)
from .templates import TEMPLATES

SURVEY_STATES = StateMachine(
    gettext_lazy("survey"),
    {
        SurveyStatus.DRAFT: {SurveyStatus.ACTIVE},
        SurveyStatus.ACTIVE: {SurveyStatus.CLOSED},
        SurveyStatus.CLOSED: set(),
    },
    dict(SurveyStatus.choices),
)

TITLE_MAX = 200
INTRO_MAX = 2000
QUESTION_MAX = 300
CHOICE_MAX = 100
CHOICES_MAX = 12
QUESTIONS_MAX = 40
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)
# Anchors counted from a start may repeat; a meeting or a closure happens once.
REPEATABLE = (Anchor.PROGRAM_START, Anchor.MENTORSHIP_START)

# (lowest, highest) of each number a coordinator sets; the model's validators say the same.
RANGES = {
    "min_group_size": (3, 50),
    "offset_days": (0, 730),
    "repeat_days": (7, 365),
    "open_days": (1, 90),
    "remind_after_days": (1, 60),
}
WORDING = ("title", "intro")
TIMING = ("open_days", "remind_after_days")
TERMS = ("audience", "anonymity", "anchor", "offset_days", "repeat_days")
KEEP = object()  # survey_update: "leave this setting as it is"


def _require_coordinator(by: User, program: Program) -> None:
    if not is_coordinator(by, program):
        raise ValidationError(
            _("Only the program’s coordinators manage its surveys."), code="not_coordinator"
        )


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().select_related("program").get(pk=survey.pk)


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the survey a title.")}, code="required")
    if len(title) > TITLE_MAX:
        raise ValidationError(
            {"title": _("Keep the title under %(max)d characters.") % {"max": TITLE_MAX}},
            code="too_long",
        )
    return title


# --- surveys ----------------------------------------------------------------------------------


@transaction.atomic
def survey_create(*, program: Program, by: User, title: str = "", template: str = "") -> Survey:
    """A new draft survey: blank (a title is needed) or from one of the ready templates (its
    title unless another is given, its questions, schedule and anonymity)."""
    _require_coordinator(by, program)
    if not template:
        return Survey.objects.create(program=program, title=_clean_title(title), created_by=by)
    spec = TEMPLATES.get(template)
    if spec is None:
        raise ValidationError(
            {"template": _("Choose one of the ready-made surveys, or start from a blank one.")},
            code="unknown_template",
        )
    survey = Survey.objects.create(
        program=program,
        title=_clean_title(title) if title.strip() else str(spec.title),
        intro=str(spec.intro),
        template=spec.key,
        audience=spec.audience,
        anonymity=spec.anonymity,
        min_group_size=spec.min_group_size,
        repeat_days=spec.repeat_days,
        open_days=spec.open_days,
        remind_after_days=spec.remind_after_days,
        created_by=by,
        **spec.schedule_for(program),
    )
    SurveyQuestion.objects.bulk_create(
        SurveyQuestion(
            survey=survey,
            position=position,
            kind=question.kind,
            text=str(question.text),
            choices=[str(choice) for choice in question.choices],
            required=question.required,
        )
        for position, question in enumerate(spec.questions)
    )
    return survey


@transaction.atomic
def survey_update(
    *,
    survey: Survey,
    by: User,
    title=KEEP,
    intro=KEEP,
    audience=KEEP,
    anonymity=KEEP,
    min_group_size=KEEP,
    anchor=KEEP,
    offset_days=KEEP,
    repeat_days=KEEP,
    open_days=KEEP,
    remind_after_days=KEEP,
) -> Survey:
    """Change a survey's settings; leave out (or pass KEEP for) what stays as it is.
    What may change depends on the survey's status: see the module's docstring."""
    locked = _locked(survey)
    _require_coordinator(by, locked.program)
    given = {
        name: value
        for name, value in {
            "title": title,
            "intro": intro,
            "audience": audience,
            "anonymity": anonymity,
            "min_group_size": min_group_size,
            "anchor": anchor,
            "offset_days": offset_days,
            "repeat_days": repeat_days,
            "open_days": open_days,
            "remind_after_days": remind_after_days,
        }.items()
        if value is not KEEP
    }
    cleaned = _clean_settings(given, locked)
    changed = {name: value for name, value in cleaned.items() if getattr(locked, name) != value}
    _check_may_change(locked, changed)
    for name, value in changed.items():
        setattr(locked, name, value)
    if changed:
        locked.save(update_fields=list(changed))
    return locked


def _clean_settings(given: dict, survey: Survey) -> dict:
    errors: dict[str, str] = {}
    cleaned: dict = {}
    if "title" in given:
        try:
            cleaned["title"] = _clean_title(given["title"])
        except ValidationError as error:
            errors.update({k: v[0] for k, v in error.message_dict.items()})
    if "intro" in given:
        cleaned["intro"] = (given["intro"] or "").strip()
        if len(cleaned["intro"]) > INTRO_MAX:
            errors["intro"] = _("Keep the introduction under %(max)d characters.") % {
                "max": INTRO_MAX
            }
    choices = {"audience": Audience, "anonymity": Anonymity, "anchor": Anchor}
    for name, options in choices.items():
        if name in given:
            if given[name] not in options.values:
                errors[name] = _("Choose one of the options.")
            cleaned[name] = given[name]
    for name, (low, high) in RANGES.items():
        if name not in given:
            continue
        value = given[name]
        if name == "repeat_days" and value in (None, ""):
            cleaned[name] = None
            continue
        try:
            number = int(value)
            if isinstance(value, bool) or str(number) != str(value).strip():
                raise ValueError
        except (TypeError, ValueError):
            number = None
        if number is None or not low <= number <= high:
            errors[name] = _("Give a whole number from %(low)d to %(high)d.") % {
                "low": low,
                "high": high,
            }
        cleaned[name] = number
    anchor = cleaned.get("anchor", survey.anchor)
    repeat = cleaned.get("repeat_days", survey.repeat_days)
    if repeat is not None and anchor not in REPEATABLE and "repeat_days" not in errors:
        errors["repeat_days"] = _(
            "Only a survey counted from a start can repeat: a meeting or a closure happens once."
        )
    if errors:
        raise ValidationError(errors, code="invalid")
    return cleaned


def _check_may_change(survey: Survey, changed: dict) -> None:
    if survey.status == SurveyStatus.DRAFT:
        return
    allowed = set(WORDING) if survey.status == SurveyStatus.CLOSED else {*WORDING, *TIMING}
    errors = {}
    for name in changed:
        if name == "min_group_size" and changed[name] > survey.min_group_size:
            continue  # a larger group protects respondents more, never less
        if name == "min_group_size":
            errors[name] = _(
                "People answered on the promise that groups smaller than %(n)d are never shown: "
                "the smallest group may be raised, not lowered."
            ) % {"n": survey.min_group_size}
        elif name not in allowed:
            errors[name] = (
                _("This survey is closed: only its wording can still be fixed.")
                if survey.status == SurveyStatus.CLOSED
                else _(
                    "This survey is already being sent: who is asked, how anonymously and when "
                    "stay as they were, so that every answer was given on the same terms. Close "
                    "it and make a new one to change them."
                )
            )
    if errors:
        raise ValidationError(errors, code="locked")


@transaction.atomic
def survey_activate(*, survey: Survey, by: User, now: datetime | None = None) -> Survey:
    """Start sending the survey on its schedule."""
    locked = _locked(survey)
    _require_coordinator(by, locked.program)
    SURVEY_STATES.check(locked.status, SurveyStatus.ACTIVE)
    questions = list(locked.questions.all())
    if not questions:
        raise ValidationError(
            _("Add at least one question before sending the survey."), code="no_questions"
        )
    for question in questions:
        if question.kind in CHOICE_KINDS and len(question.choices) < 2:
            raise ValidationError(
                _("“%(question)s” needs at least two choices.") % {"question": question.text},
                code="choices",
            )
    if locked.anchor == Anchor.PROGRAM_START and locked.program.start_date is None:
        raise ValidationError(
            _(
                "This survey counts from the program’s start, and the program has no start date "
                "yet: give it one, or count from each mentorship’s start."
            ),
            code="no_start_date",
        )
    locked.status = SurveyStatus.ACTIVE
    locked.activated_at = now or timezone.now()
    locked.save(update_fields=["status", "activated_at"])
    return locked


@transaction.atomic
def survey_close(*, survey: Survey, by: User, now: datetime | None = None) -> Survey:
    """Stop sending the survey. Nobody may answer it any more: the assignments still waiting
    expire now. Its results stay."""
    locked = _locked(survey)
    _require_coordinator(by, locked.program)
    SURVEY_STATES.check(locked.status, SurveyStatus.CLOSED)
    locked.status = SurveyStatus.CLOSED
    locked.closed_at = now or timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    SurveyAssignment.objects.filter(survey=locked, status=AssignmentStatus.PENDING).update(
        status=AssignmentStatus.EXPIRED
    )
    return locked


@transaction.atomic
def survey_delete(*, survey: Survey, by: User) -> None:
    """Delete a draft (a survey that was sent is closed instead: its answers are kept)."""
    locked = _locked(survey)
    _require_coordinator(by, locked.program)
    if locked.status != SurveyStatus.DRAFT:
        raise ValidationError(
            _("Only a draft can be deleted: close a survey that was sent, its answers are kept."),
            code="not_draft",
        )
    locked.delete()


# --- questions --------------------------------------------------------------------------------


def _require_draft(survey: Survey) -> None:
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(
            _(
                "This survey has been sent: its questions stay as they were asked, so that every "
                "answer counts the same question. Only their wording can still be fixed."
            ),
            code="not_draft",
        )


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the question.")}, code="required")
    if len(text) > QUESTION_MAX:
        raise ValidationError(
            {"text": _("Keep the question under %(max)d characters.") % {"max": QUESTION_MAX}},
            code="too_long",
        )
    return text


def _clean_choices(kind: str, choices) -> list[str]:
    if kind not in CHOICE_KINDS:
        return []
    if isinstance(choices, str):
        choices = choices.splitlines()
    cleaned = [str(choice).strip() for choice in (choices or []) if str(choice).strip()]
    problem = None
    if len(cleaned) < 2:
        problem = _("Give at least two choices, one a line.")
    elif len(cleaned) > CHOICES_MAX:
        problem = _("Give at most %(max)d choices.") % {"max": CHOICES_MAX}
    elif any(len(choice) > CHOICE_MAX for choice in cleaned):
        problem = _("Keep each choice under %(max)d characters.") % {"max": CHOICE_MAX}
    elif len({choice.casefold() for choice in cleaned}) != len(cleaned):
        problem = _("Each choice must be different from the others.")
    if problem:
        raise ValidationError({"choices": problem}, code="choices")
    return cleaned


def _clean_kind(kind: str) -> str:
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("Choose a kind of question.")}, code="kind")
    return kind


def _clean_question(kind: str, text: str, choices) -> tuple[str, str, list[str]]:
    errors = {}
    cleaned = {}
    for name, clean in (
        ("kind", lambda: _clean_kind(kind)),
        ("text", lambda: _clean_text(text)),
    ):
        try:
            cleaned[name] = clean()
        except ValidationError as error:
            errors.update(error.message_dict)
    if "kind" in cleaned:
        try:
            cleaned["choices"] = _clean_choices(cleaned["kind"], choices)
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors, code="invalid")
    return cleaned["kind"], cleaned["text"], cleaned["choices"]


@transaction.atomic
def question_add(
    *,
    survey: Survey,
    by: User,
    kind: str,
    text: str,
    choices: list[str] | str | None = None,
    required: bool = True,
) -> SurveyQuestion:
    locked = _locked(survey)
    _require_coordinator(by, locked.program)
    _require_draft(locked)
    kind, text, choices = _clean_question(kind, text, choices)
    count = locked.questions.count()
    if count >= QUESTIONS_MAX:
        raise ValidationError(
            _("A survey has at most %(max)d questions.") % {"max": QUESTIONS_MAX}, code="too_many"
        )
    last = locked.questions.aggregate(last=Max("position"))["last"]
    return SurveyQuestion.objects.create(
        survey=locked,
        position=0 if last is None else last + 1,
        kind=kind,
        text=text,
        choices=choices,
        required=bool(required),
    )


@transaction.atomic
def question_update(
    *,
    question: SurveyQuestion,
    by: User,
    text: str,
    kind: str | None = None,
    choices: list[str] | str | None = None,
    required: bool | None = None,
) -> SurveyQuestion:
    """Change a question. In a draft, anything; once the survey was sent, the wording only
    (the question's text and its choices' labels, as many choices as before)."""
    survey = _locked(question.survey)
    _require_coordinator(by, survey.program)
    locked = SurveyQuestion.objects.select_for_update().get(pk=question.pk)
    kind = locked.kind if kind is None else kind
    required = locked.required if required is None else bool(required)
    if choices is None:
        choices = locked.choices
    kind, text, choices = _clean_question(kind, text, choices)
    if survey.status != SurveyStatus.DRAFT:
        if kind != locked.kind or required != locked.required:
            _require_draft(survey)
        if len(choices) != len(locked.choices):
            raise ValidationError(
                {
                    "choices": _(
                        "This survey has been sent: the choices can be reworded, but not added or "
                        "removed, so that the answers already given keep their meaning."
                    )
                },
                code="not_draft",
            )
    locked.kind, locked.text, locked.choices, locked.required = kind, text, choices, required
    locked.save(update_fields=["kind", "text", "choices", "required"])
    return locked


@transaction.atomic
def question_delete(*, question: SurveyQuestion, by: User) -> None:
    survey = _locked(question.survey)
    _require_coordinator(by, survey.program)
    _require_draft(survey)
    SurveyQuestion.objects.filter(pk=question.pk).delete()


@transaction.atomic
def questions_reorder(*, survey: Survey, by: User, order: list[int]) -> list[SurveyQuestion]:
    """Put the survey's questions in this order (their ids, every one once)."""
    locked = _locked(survey)
    _require_coordinator(by, locked.program)
    _require_draft(locked)
    questions = {q.pk: q for q in locked.questions.all()}
    if sorted(order) != sorted(questions):
        raise ValidationError(
            _("The new order must list every question of the survey once."), code="order"
        )
    for position, pk in enumerate(order):
        questions[pk].position = position
    SurveyQuestion.objects.bulk_update(questions.values(), ["position"])
    return [questions[pk] for pk in order]


def question_move(*, question: SurveyQuestion, by: User, up: bool) -> list[SurveyQuestion]:
    """Move a question one place up or down (at either end it stays where it is)."""
    order = list(
        SurveyQuestion.objects.filter(survey_id=question.survey_id).values_list("pk", flat=True)
    )
    index = order.index(question.pk)
    other = index - 1 if up else index + 1
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return questions_reorder(survey=question.survey, by=by, order=order)
