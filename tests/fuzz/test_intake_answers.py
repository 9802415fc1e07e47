"""Fuzzing the intake-answer validator: whatever a form, a CSV cell or an API body holds, each
type of question gives a clean value of its own shape or a ValidationError with a message."""

import math

from django.core.exceptions import ValidationError
from hypothesis import example, given
from hypothesis import strategies as st

from lodestar.accounts.models import Seniority
from lodestar.programs.answers import clean_answer
from lodestar.programs.models import ProfileField, Question, QuestionKind

from .strategies import FUZZ, awkward_text

CHOICES = ["Tech", "Health", "Finance", "Ω Ωmega", "1"]

# What a JSON body can carry, nested a little.
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=10**300, max_value=10**400),
        st.floats(allow_nan=True, allow_infinity=True),
        awkward_text,
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


def questions() -> st.SearchStrategy[Question]:
    """An unsaved question of any type, with options, bounds and required drawn too."""
    bounds = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False))
    return st.builds(
        Question,
        label=st.just("Question"),
        role=st.just("mentee"),
        kind=st.sampled_from(QuestionKind.values),
        choices=st.just(CHOICES),
        min_value=bounds,
        max_value=bounds,
        required=st.booleans(),
        profile_field=st.sampled_from(ProfileField.values),
    )


@FUZZ
@given(question=questions(), raw=st.one_of(json_values, awkward_text))
@example(
    question=Question(kind=QuestionKind.NUMBER, choices=[], min_value=0, max_value=5),
    raw=10**400,
)
@example(question=Question(kind=QuestionKind.SCALE, choices=[]), raw="1" * 5000)
@example(question=Question(kind=QuestionKind.SCALE, choices=[]), raw=float("nan"))
@example(
    question=Question(kind=QuestionKind.PROFILE, profile_field=ProfileField.TIMEZONE),
    raw="a" * 300,
)
def test_an_answer_is_clean_or_refused_with_a_message(question, raw):
    try:
        value = clean_answer(question, raw)
    except ValidationError as error:
        assert error.messages and all(message.strip() for message in error.messages)
        return
    if value is None:
        assert not question.required
        return
    kind = question.kind
    if kind == QuestionKind.SINGLE_CHOICE:
        assert value in CHOICES
    elif kind == QuestionKind.MULTIPLE_CHOICE:
        assert set(value) <= set(CHOICES) and len(set(value)) == len(value)
    elif kind == QuestionKind.SCALE:
        assert type(value) is int and 1 <= value <= 5
    elif kind == QuestionKind.NUMBER:
        assert isinstance(value, int | float) and math.isfinite(value)
        assert question.min_value is None or value >= question.min_value
        assert question.max_value is None or value <= question.max_value
    elif kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        assert isinstance(value, str) and value == value.strip()
    elif question.profile_field == ProfileField.SENIORITY:
        assert value in Seniority.values
    elif question.profile_field in (
        ProfileField.SKILLS,
        ProfileField.INTERESTS,
        ProfileField.LANGUAGES,
    ):
        assert isinstance(value, list) and all(isinstance(item, str) for item in value)
    else:
        assert isinstance(value, str)
