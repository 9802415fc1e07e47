"""The intake form: coordinators build its questions; participants save their answers."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.accounts.models import User

from .. import answers
from ..models import (
    Answer,
    Enrolment,
    Kind,
    ProfileField,
    Program,
    Question,
    QuestionKind,
    Role,
    Rule,
)
from ..policy import is_coordinator

CHOICE_KINDS = {QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE}
CHOICE_MAX_LENGTH = 100
WEIGHT_MAX = 10
CAPACITY_MIN, CAPACITY_MAX = 1, 20
# The participant CSV's own columns (see services/imports.py).
RESERVED_LABELS = {"email", "name", "role", "capacity", "status", "applied_at", "intake_completed"}

# What a question's answer holds, as far as comparing two answers is concerned.
PROFILE_VALUE_TYPES = {
    ProfileField.SKILLS: "tags",
    ProfileField.INTERESTS: "tags",
    ProfileField.LANGUAGES: "tags",
    ProfileField.SENIORITY: "ordinal",
    ProfileField.TIMEZONE: "timezone",
    ProfileField.LOCATION: "label",
    ProfileField.ORGANISATION: "label",
    ProfileField.DEPARTMENT: "label",
    ProfileField.JOB_TITLE: "label",
    ProfileField.AVAILABILITY: "availability",
}
KIND_VALUE_TYPES = {
    QuestionKind.SINGLE_CHOICE: "label",
    QuestionKind.MULTIPLE_CHOICE: "tags",
    QuestionKind.SCALE: "number",
    QuestionKind.NUMBER: "number",
    QuestionKind.SHORT_TEXT: "text",
    QuestionKind.LONG_TEXT: "text",
}
# Which questions each rule can compare: (kinds, profile fields), and what to tell someone who
# picks a rule that does not fit. The matching engine relies on this table holding.
RULE_FITS: dict[str, tuple[set[str], set[str], Any]] = {
    Rule.SAME: (
        {QuestionKind.SINGLE_CHOICE, QuestionKind.SCALE, QuestionKind.NUMBER},
        {
            ProfileField.SENIORITY,
            ProfileField.TIMEZONE,
            ProfileField.LOCATION,
            ProfileField.ORGANISATION,
            ProfileField.DEPARTMENT,
            ProfileField.JOB_TITLE,
        },
        gettext_lazy(
            "“Same” compares single values: use it with a single choice, a scale, a number, or "
            "a profile field such as seniority, time zone, location, organisation, department "
            "or job title."
        ),
    ),
    Rule.OVERLAP: (
        {QuestionKind.MULTIPLE_CHOICE},
        {ProfileField.SKILLS, ProfileField.INTERESTS, ProfileField.LANGUAGES},
        gettext_lazy(
            "“Overlap” compares lists: use it with multiple choice, skills, interests or languages."
        ),
    ),
    Rule.ABOVE: (
        {QuestionKind.NUMBER, QuestionKind.SCALE},
        {ProfileField.SENIORITY},
        gettext_lazy("“Mentor above mentee” needs a number, a scale or the seniority level."),
    ),
    Rule.NEAR: (
        {QuestionKind.NUMBER, QuestionKind.SCALE},
        {ProfileField.SENIORITY, ProfileField.TIMEZONE},
        gettext_lazy("“Near” needs a number, a scale, the seniority level or the time zone."),
    ),
    Rule.AVAILABILITY: (
        set(),
        {ProfileField.AVAILABILITY},
        gettext_lazy("“Availability overlap” needs the weekly availability profile field."),
    ),
    Rule.TEXT: (
        {QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT},
        set(),
        gettext_lazy("“Text similarity” needs a short or long text question."),
    ),
}
# "Different" is the opposite of "same" and compares the same things.
RULE_FITS[Rule.DIFFERENT] = (
    RULE_FITS[Rule.SAME][0],
    RULE_FITS[Rule.SAME][1],
    gettext_lazy(
        "“Different” compares single values: use it with a single choice, a scale, a number, or "
        "a profile field such as seniority, time zone, location, organisation, department or "
        "job title."
    ),
)


def rule_fits(rule: str, question: Question) -> bool:
    kinds, fields, _hint = RULE_FITS[rule]
    if question.kind == QuestionKind.PROFILE:
        return question.profile_field in fields
    return question.kind in kinds


def value_type(question: Question) -> str:
    if question.kind == QuestionKind.PROFILE:
        return PROFILE_VALUE_TYPES.get(question.profile_field, "label")
    return KIND_VALUE_TYPES[question.kind]


# --- the form builder -----------------------------------------------------------------------


@transaction.atomic
def question_create(*, program: Program, data: Mapping[str, Any], by: User) -> Question:
    _require_coordinator(by, program)
    question = Question(program=program)
    _assign(question, data)
    _validate(question)
    question.position = _next_position(program, question.role)
    question.save()
    if _compares_with_itself(question):
        question.paired_with = question
        question.save(update_fields=["paired_with"])
    return question


@transaction.atomic
def question_update(*, question: Question, data: Mapping[str, Any], by: User) -> Question:
    _require_coordinator(by, question.program)
    # A fresh copy: a rejected edit leaves the caller's object (and the database) as it was.
    updated = Question.objects.select_related("program", "paired_with").get(pk=question.pk)
    old_role, old_kind, old_field = updated.role, updated.kind, updated.profile_field
    _assign(updated, data)
    errors = _errors(updated)
    # Existing answers were given by people of one role to one type of question.
    reshaped = (updated.role, updated.kind, updated.profile_field) != (
        old_role,
        old_kind,
        old_field,
    )
    if reshaped and updated.answers.exists():
        field = "role" if updated.role != old_role else "kind"
        errors.setdefault(field, []).append(
            _(
                "People have already answered this question, so its role and type cannot "
                "change. Create a new question instead."
            )
        )
    errors.update(_dependant_errors(updated))
    if errors:
        raise ValidationError(errors)
    if updated.role != old_role:
        updated.position = _next_position(updated.program, updated.role)
    if _compares_with_itself(updated):
        updated.paired_with = updated
    updated.save()
    return updated


@transaction.atomic
def question_delete(*, question: Question, by: User) -> None:
    """Delete a question and its answers; criteria compared with it stop being criteria."""
    _require_coordinator(by, question.program)
    question_dependants(question).update(
        is_criterion=False, rule="", match_required=False, paired_with=None
    )
    question.delete()


def question_dependants(question: Question):
    """Other questions used for matching that compare their answers with this one."""
    return Question.objects.filter(paired_with=question, is_criterion=True).exclude(pk=question.pk)


@transaction.atomic
def question_move(*, question: Question, direction: str) -> None:
    """Swap a question with its neighbour above or below, among the questions of its role."""
    if direction not in ("up", "down"):
        raise ValidationError(_("A question moves “up” or “down”."))
    siblings = list(
        Question.objects.select_for_update()
        .filter(program_id=question.program_id, role=question.role)
        .order_by("position", "id")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return  # already first or last: nothing to do
    siblings[index], siblings[other] = siblings[other], siblings[index]
    # Renumber the whole role so that positions stay distinct even after deletions.
    for position, sibling in enumerate(siblings):
        sibling.position = position
    Question.objects.bulk_update(siblings, ["position"])


def _require_coordinator(user: User, program: Program) -> None:
    if not is_coordinator(user, program):
        raise PermissionDenied


def _next_position(program: Program, role: str) -> int:
    top = Question.objects.filter(program=program, role=role).aggregate(top=Max("position"))["top"]
    return 0 if top is None else top + 1


def _assign(question: Question, data: Mapping[str, Any]) -> None:
    text_fields = ("role", "label", "help_text", "kind", "profile_field", "rule")
    for field in text_fields:
        if field in data:
            setattr(question, field, (data[field] or "").strip())
    for field in ("min_value", "max_value", "tolerance", "weight"):
        if field in data:
            setattr(question, field, data[field])
    for field in ("required", "is_criterion", "match_required", "sensitive"):
        if field in data:
            setattr(question, field, bool(data[field]))
    if "choices" in data:
        question.choices = _choice_list(data["choices"])
    if "paired_with" in data:
        question.paired_with = _question_or_none(data["paired_with"])
    _drop_irrelevant(question)


def _choice_list(raw: Any) -> list[str]:
    """Choices from a list or from text with one choice per line."""
    if raw is None:
        return []
    items = raw.splitlines() if isinstance(raw, str) else [str(item) for item in raw]
    return [" ".join(item.split()) for item in items if item and item.strip()]


def _question_or_none(value: Any) -> Question | None:
    if value in (None, ""):
        return None
    if isinstance(value, Question):
        return value
    try:
        return Question.objects.select_related("program").get(pk=int(value))
    except (Question.DoesNotExist, TypeError, ValueError):
        raise ValidationError(
            {"paired_with": _("Choose a question of this program to compare with.")}
        ) from None


def _drop_irrelevant(question: Question) -> None:
    """Clear settings that do not apply to the question's type, so none lingers unseen."""
    if question.kind not in CHOICE_KINDS:
        question.choices = []
    if question.kind != QuestionKind.NUMBER:
        question.min_value = question.max_value = None
    if question.kind != QuestionKind.PROFILE:
        question.profile_field = ""
    if not question.is_criterion:
        question.rule = ""
        question.paired_with = None
        question.match_required = False
    if question.rule != Rule.NEAR:
        question.tolerance = None


def _validate(question: Question) -> None:
    errors = _errors(question)
    if errors:
        raise ValidationError(errors)


def _errors(question: Question) -> dict[str, list[str]]:
    """Every problem with the question, keyed by field, so the form shows them all at once."""
    program = question.program
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    if question.role not in program.roles:
        add(
            "role",
            _("Ask this question of: %(roles)s.")
            % {"roles": ", ".join(str(Role(role).label).lower() for role in program.roles)},
        )
    if not question.label:
        add("label", _("Write the question."))
    elif len(question.label) > 200:
        add("label", _("Keep the question to 200 characters."))
    elif question.label.strip().casefold() in RESERVED_LABELS:
        # These are the participant CSV's own columns; a question with such a label could be
        # neither imported nor exported.
        add(
            "label",
            _(
                "“%(label)s” is a column of the participant file already; word the question differently."
            )
            % {"label": question.label.strip()},
        )
    elif (
        Question.objects.filter(program=program, role=question.role, label__iexact=question.label)
        .exclude(pk=question.pk)
        .exists()
    ):
        add("label", _("This program already asks this question of the same role."))
    if len(question.help_text) > 300:
        add("help_text", _("Keep the help text to 300 characters."))
    if question.kind not in QuestionKind.values:
        add("kind", _("Choose a type of question."))
        return errors
    _check_choices(question, add)
    _check_range(question, add)
    if question.kind == QuestionKind.PROFILE and question.profile_field not in ProfileField.values:
        add("profile_field", _("Choose which profile field this question fills in."))
    _check_matching(question, add)
    return errors


def _check_choices(question: Question, add) -> None:
    if question.kind not in CHOICE_KINDS:
        return
    if len(question.choices) < 2:
        add("choices", _("Give at least two choices, one per line."))
    folded = [choice.casefold() for choice in question.choices]
    duplicates = sorted({c for c in question.choices if folded.count(c.casefold()) > 1})
    if duplicates:
        add(
            "choices",
            _("Each choice must be different; repeated: %(choices)s.")
            % {"choices": ", ".join(duplicates)},
        )
    if any(len(choice) > CHOICE_MAX_LENGTH for choice in question.choices):
        add(
            "choices",
            _("Keep each choice to %(limit)d characters.") % {"limit": CHOICE_MAX_LENGTH},
        )


def _check_range(question: Question, add) -> None:
    if question.kind != QuestionKind.NUMBER:
        return
    low, high = question.min_value, question.max_value
    if low is not None and high is not None and low > high:
        add("max_value", _("The maximum must be at least the minimum."))


def _check_matching(question: Question, add) -> None:
    weight = question.weight
    if weight is None or isinstance(weight, bool) or not isinstance(weight, int):
        add("weight", _("Give a weight from 0 to 10."))
    elif not 0 <= weight <= WEIGHT_MAX:
        add("weight", _("The weight goes from 0 to 10 (it is %(weight)s).") % {"weight": weight})
    if not question.is_criterion:
        return
    if question.rule not in Rule.values:
        add("rule", _("Choose how answers are compared when this question is used for matching."))
        return
    paired = question.paired_with
    if paired is not None:
        message = _pairing_error(question, paired)
        if message:
            add("paired_with", message)
            return
    elif question.program.kind != Kind.PEER:
        add("paired_with", _("Choose the question asked of the other role to compare with."))
        return
    problem = _rule_error(question.rule, question, paired)
    if problem:
        add("rule", problem)
    if question.rule == Rule.NEAR and (question.tolerance is None or question.tolerance <= 0):
        add(
            "tolerance",
            _("“Near” needs a tolerance above zero: the distance at which the score reaches zero."),
        )


def _pairing_error(
    question: Question, paired: Question, *, check_reverse: bool = True
) -> str | None:
    if paired.program_id != question.program_id:
        return _("Choose a question of this program to compare with.")
    if question.program.kind == Kind.PEER:
        return None
    if paired.pk is not None and paired.pk == question.pk:
        return _("A question cannot be compared with itself; choose one asked of the other role.")
    if paired.role == question.role:
        return _(
            "Compare with a question asked of the other role (“%(label)s” is asked of %(role)s)."
        ) % {
            "label": paired.label,
            "role": str(Role(paired.role).label).lower(),
        }
    if (
        check_reverse
        and question.pk is not None
        and paired.is_criterion
        and paired.paired_with_id == question.pk
    ):
        return _(
            "“%(label)s” is already compared with this question; a pair of questions counts once. "
            "Edit that question's matching settings instead."
        ) % {"label": paired.label}
    return None


def _rule_error(rule: str, question: Question, paired: Question | None) -> str | None:
    label = RULE_FITS[rule][2]
    sides = [question] if paired is None or paired.pk == question.pk else [question, paired]
    for side in sides:
        if not rule_fits(rule, side):
            if side is question:
                return str(label)
            return _("%(hint)s “%(label)s” does not fit.") % {"hint": label, "label": side.label}
    # Overlap and text compare any two lists or texts; the other rules need like with like.
    comparable = rule in (Rule.OVERLAP, Rule.TEXT) or len(sides) == 1
    if not comparable and value_type(question) != value_type(paired):
        return _(
            "“%(mine)s” and “%(theirs)s” hold different kinds of answers, so they cannot be "
            "compared. Choose questions of the same kind."
        ) % {"mine": question.label, "theirs": paired.label}
    return None


def _dependant_errors(question: Question) -> dict[str, list[str]]:
    """Criteria on other questions that compare with this one must still make sense after an edit."""
    errors: list[str] = []
    for other in question_dependants(question).select_related("program"):
        other.paired_with = question
        message = _pairing_error(other, question, check_reverse=False) or _rule_error(
            other.rule, other, question
        )
        if message:
            errors.append(
                _("“%(label)s” is compared with this question and would no longer fit: %(why)s")
                % {"label": other.label, "why": message}
            )
    return {"__all__": errors} if errors else {}


def _compares_with_itself(question: Question) -> bool:
    """In a peer program a criterion with no partner compares each peer's answer with another's."""
    return (
        question.is_criterion
        and question.paired_with is None
        and question.program.kind == Kind.PEER
    )


# --- answers ----------------------------------------------------------------------------------


def intake_questions(enrolment: Enrolment):
    return Question.objects.filter(program_id=enrolment.program_id, role=enrolment.role).order_by(
        "position", "id"
    )


@transaction.atomic
def answers_save(
    *, enrolment: Enrolment, raw_answers: Mapping[int, Any], capacity: int | None = None
) -> None:
    """Save a person's answers to their role's questions, all or nothing.

    `raw_answers` maps question ids to what the person gave (a string, a number or a list); a
    question without an entry counts as unanswered. Profile-field answers also update the
    profile. Errors come keyed by question id (and "capacity"), so a form can show each next to
    its field. Weekly availability is not an answer: it lives on the profile, and a required
    availability question only checks that the person has set some.
    """
    user = enrolment.user
    questions = list(intake_questions(enrolment))
    errors: dict[Any, list[str]] = {}
    cleaned: dict[int, Any] = {}
    for question in questions:
        if (
            question.kind == QuestionKind.PROFILE
            and question.profile_field == ProfileField.AVAILABILITY
        ):
            if question.required and not user.availability.exists():
                errors[question.pk] = [
                    _("Add your weekly availability on your profile, then come back to this form.")
                ]
            continue
        try:
            cleaned[question.pk] = answers.clean_answer(question, raw_answers.get(question.pk))
        except ValidationError as exc:
            errors[question.pk] = exc.messages
    if capacity is not None:
        if enrolment.role != Role.MENTOR:
            errors["capacity"] = [_("Only mentors say how many mentees they can take.")]
        elif isinstance(capacity, bool) or not CAPACITY_MIN <= capacity <= CAPACITY_MAX:
            errors["capacity"] = [_("Choose a number of mentees from 1 to 20.")]
    if errors:
        raise ValidationError(errors)

    existing = {answer.question_id: answer for answer in enrolment.answers.all()}
    to_delete = []
    for question in questions:
        if question.pk not in cleaned:
            continue
        value = cleaned[question.pk]
        answer = existing.get(question.pk)
        if value is None:
            if answer is not None:
                to_delete.append(answer.pk)
        elif answer is None:
            Answer.objects.create(enrolment=enrolment, question=question, value=value)
        elif answer.value != value:
            answer.value = value
            answer.save(update_fields=["value", "updated_at"])
        if question.kind == QuestionKind.PROFILE:
            answers.apply_profile_value(user, question.profile_field, value)
    if to_delete:
        Answer.objects.filter(pk__in=to_delete).delete()
    enrolment.intake_completed_at = timezone.now()
    fields = ["intake_completed_at"]
    if capacity is not None:
        enrolment.capacity = capacity
        fields.append("capacity")
    enrolment.save(update_fields=fields)
