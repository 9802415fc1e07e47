"""Intake answers: turning what a person typed (in a form or a CSV cell) into a stored value.

One function decides what a valid answer to a question is, so the intake form, the CSV import
and the API can never disagree.
"""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lodestar.accounts.models import Seniority
from lodestar.core.languages import language_code
from lodestar.core.timezones import validate_timezone

from .models import ProfileField, Question, QuestionKind

SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 4000
LIST_SEPARATORS = (";", "|", "\n")


def is_blank(raw: Any) -> bool:
    if raw is None:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple | set):
        return all(is_blank(item) for item in raw)
    return False


def split_list(raw: Any, separators: Iterable[str] = LIST_SEPARATORS) -> list[str]:
    """A list from a list, or from a string separated by ; | or new lines (CSV cells)."""
    if isinstance(raw, list | tuple | set):
        items = [str(item) for item in raw]
    else:
        text = str(raw)
        for sep in separators:
            text = text.replace(sep, "\x00")
        items = text.split("\x00")
    return [item.strip() for item in items if item and item.strip()]


def clean_answer(question: Question, raw: Any) -> Any:
    """The value to store for this raw answer, or ValidationError with a message for a person.

    Blank answers return None (and fail if the question is required).
    """
    if is_blank(raw):
        if question.required:
            raise ValidationError(_("This question needs an answer."), code="required")
        return None
    cleaner = _CLEANERS[question.kind]
    return cleaner(question, raw)


def _choice(question: Question, raw: Any) -> str:
    if isinstance(raw, list | tuple):
        if len(raw) != 1:
            raise ValidationError(_("Choose exactly one option."), code="invalid_choice")
        raw = raw[0]
    wanted = str(raw).strip().casefold()
    for option in question.choices:
        if option.casefold() == wanted:
            return option
    raise ValidationError(
        _("“%(value)s” is not one of the options: %(options)s.")
        % {"value": str(raw).strip(), "options": ", ".join(question.choices)},
        code="invalid_choice",
    )


def _choices(question: Question, raw: Any) -> list[str]:
    values = []
    for item in split_list(raw):
        value = _choice(question, item)
        if value not in values:
            values.append(value)
    return values


def _number(raw: Any, *, what: str) -> float:
    if isinstance(raw, bool):
        raise ValidationError(_("Enter a number."), code="invalid_number")
    try:
        value = float(str(raw).strip().replace(",", ".")) if isinstance(raw, str) else float(raw)
    except (TypeError, ValueError, OverflowError):  # an integer too large for a float, too
        raise ValidationError(
            _("“%(value)s” is not %(what)s.") % {"value": raw, "what": what}, code="invalid_number"
        ) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError(_("Enter a finite number."), code="invalid_number")
    return value


def _scale(question: Question, raw: Any) -> int:
    value = _number(raw, what=_("a whole number from 1 to 5"))
    if value != int(value) or not 1 <= value <= 5:
        raise ValidationError(_("Choose a whole number from 1 to 5."), code="out_of_range")
    return int(value)


def _numeric(question: Question, raw: Any) -> int | float:
    value = _number(raw, what=_("a number"))
    if question.min_value is not None and value < question.min_value:
        raise ValidationError(
            _("Enter a number of at least %(min)s.") % {"min": _fmt(question.min_value)},
            code="out_of_range",
        )
    if question.max_value is not None and value > question.max_value:
        raise ValidationError(
            _("Enter a number of at most %(max)s.") % {"max": _fmt(question.max_value)},
            code="out_of_range",
        )
    return int(value) if value == int(value) else value


def _fmt(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def _text(limit: int):
    def clean(question: Question, raw: Any) -> str:
        value = str(raw).strip()
        if len(value) > limit:
            raise ValidationError(
                _("Keep this to %(limit)d characters (it has %(length)d).")
                % {"limit": limit, "length": len(value)},
                code="too_long",
            )
        return value

    return clean


def _profile(question: Question, raw: Any) -> Any:
    return clean_profile_value(question.profile_field, raw)


def clean_profile_value(field: str, raw: Any) -> Any:
    """A profile field's value from a raw answer; the same rules as the profile page."""
    if field in (ProfileField.SKILLS, ProfileField.INTERESTS):
        # The profile page's own rules, so an intake answer or a CSV cell cannot hold a tag
        # list the profile page would refuse.
        from lodestar.accounts.services import clean_tag_names

        return clean_tag_names(split_list(raw, separators=(",", ";", "|", "\n")))
    if field == ProfileField.SENIORITY:
        text = str(raw).strip()
        for value, label in Seniority.choices:
            if text == str(value) or text.casefold() == str(label).casefold():
                return value
        raise ValidationError(
            _("“%(value)s” is not a seniority level. Use one of: %(options)s.")
            % {"value": text, "options": ", ".join(str(label) for _v, label in Seniority.choices)},
            code="invalid_choice",
        )
    if field == ProfileField.TIMEZONE:
        value = str(raw).strip()
        validate_timezone(value)
        return value
    if field == ProfileField.LANGUAGES:
        codes = []
        for item in split_list(raw, separators=(",", ";", "|", "\n")):
            code = language_code(item)
            if code is None:
                raise ValidationError(
                    _(
                        "“%(value)s” is not a language we know. Use a name like Spanish or a code like es."
                    )
                    % {"value": item},
                    code="invalid_choice",
                )
            if code not in codes:
                codes.append(code)
        return codes
    if field == ProfileField.AVAILABILITY:
        raise ValidationError(
            _("Weekly availability is set on the profile page, not in an answer."), code="invalid"
        )
    return _text(120)(None, raw)  # location, organisation, department, job title


_CLEANERS = {
    QuestionKind.SINGLE_CHOICE: _choice,
    QuestionKind.MULTIPLE_CHOICE: _choices,
    QuestionKind.SCALE: _scale,
    QuestionKind.NUMBER: _numeric,
    QuestionKind.SHORT_TEXT: _text(SHORT_TEXT_MAX),
    QuestionKind.LONG_TEXT: _text(LONG_TEXT_MAX),
    QuestionKind.PROFILE: _profile,
}


def apply_profile_value(user, field: str, value: Any) -> None:
    """Write a cleaned profile-field answer to the person's profile (or user, for time zone)."""
    from lodestar.core.models import Tag

    profile = user.profile
    if field == ProfileField.TIMEZONE:
        if value:
            user.timezone = value
            user.save(update_fields=["timezone"])
        return
    if field in (ProfileField.SKILLS, ProfileField.INTERESTS):
        getattr(profile, field).set(Tag.objects.named(value or []))
        return
    if field == ProfileField.AVAILABILITY:
        return
    setattr(
        profile,
        field,
        value if value is not None else ("" if field != ProfileField.SENIORITY else None),
    )
    profile.save(update_fields=[field, "updated_at"])


def profile_value(user, field: str) -> Any:
    """The person's current value of a profile field, as an answer would hold it."""
    profile = user.profile
    if field == ProfileField.TIMEZONE:
        return user.timezone
    if field in (ProfileField.SKILLS, ProfileField.INTERESTS):
        return [tag.name for tag in getattr(profile, field).all()]
    if field == ProfileField.AVAILABILITY:
        return [str(window) for window in user.availability.all()]
    return getattr(profile, field)
