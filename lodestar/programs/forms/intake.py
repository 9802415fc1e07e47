"""The question builder's form, and the intake form built from a program's questions."""

from typing import Any

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from lodestar.accounts.models import Seniority
from lodestar.core.languages import language_choices
from lodestar.core.timezones import timezone_choices

from .. import answers
from ..models import Enrolment, ProfileField, Program, Question, QuestionKind, Role, Rule
from ..services.intake import CAPACITY_MAX, CAPACITY_MIN, WEIGHT_MAX

TAG_FIELDS = (ProfileField.SKILLS, ProfileField.INTERESTS)
PROFILE_TEXT_MAX = 120


class QuestionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Question) -> str:
        return f"{obj.get_role_display()}: {obj.label}"


class QuestionForm(forms.Form):
    role = forms.ChoiceField(label=_("Asked of"), widget=forms.RadioSelect)
    label = forms.CharField(label=_("Question"), max_length=200)
    help_text = forms.CharField(
        label=_("Help text"),
        max_length=300,
        required=False,
        help_text=_("Shown under the question, to explain what you are asking."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For single and multiple choice: one choice per line, at least two."),
    )
    min_value = forms.FloatField(
        label=_("Minimum"),
        required=False,
        help_text=_("For numbers: the smallest answer accepted."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    max_value = forms.FloatField(
        label=_("Maximum"),
        required=False,
        help_text=_("For numbers: the largest answer accepted."),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )
    profile_field = forms.ChoiceField(
        label=_("Profile field"),
        required=False,
        choices=[("", "—"), *ProfileField.choices],
        help_text=_("For the “profile field” type: which part of the profile the answer fills in."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    is_criterion = forms.BooleanField(label=_("Use for matching"), required=False)
    paired_with = QuestionChoiceField(
        label=_("Compared with"),
        queryset=Question.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("Choose a question of this program to compare with.")},
        help_text=_("The question asked of the other role whose answers are compared with these."),
    )
    rule = forms.ChoiceField(
        label=_("Matching rule"),
        required=False,
        choices=[("", "—"), *Rule.choices],
        help_text=_("How the two answers are compared."),
    )
    weight = forms.IntegerField(
        label=_("Weight"),
        initial=5,
        help_text=_("How much this criterion counts, from 0 to 10."),
        widget=forms.NumberInput(attrs={"min": 0, "max": WEIGHT_MAX}),
    )
    match_required = forms.BooleanField(
        label=_("Required for a match"),
        required=False,
        help_text=_("Never match a pair that scores zero on this criterion."),
    )
    tolerance = forms.FloatField(
        label=_("Tolerance"),
        required=False,
        help_text=_("For the “near” rule: the distance at which the score reaches zero."),
        widget=forms.NumberInput(attrs={"step": "any", "min": 0}),
    )
    sensitive = forms.BooleanField(
        label=_("Sensitive: use only in aggregate"),
        required=False,
        help_text=_(
            "For questions such as a self-reported group: answers feed the fairness check but "
            "are never shown person by person."
        ),
    )

    def __init__(self, *args, program: Program, question: Question | None = None, **kwargs):
        if question is not None:
            initial = {name: getattr(question, name) for name in self.base_fields}
            initial["choices"] = "\n".join(question.choices)
            initial["paired_with"] = question.paired_with_id
            kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in program.roles]
        if len(program.roles) == 1:
            self.fields["role"].initial = program.roles[0]
        candidates = Question.objects.filter(program=program).order_by("role", "position", "id")
        if question is not None and len(program.roles) > 1:
            candidates = candidates.exclude(pk=question.pk)
        self.fields["paired_with"].queryset = candidates


# --- the intake form ---------------------------------------------------------------------------


def field_name(question: Question) -> str:
    return f"question_{question.pk}"


def is_availability(question: Question) -> bool:
    return (
        question.kind == QuestionKind.PROFILE
        and question.profile_field == ProfileField.AVAILABILITY
    )


class AnswerField(forms.Field):
    """One question's input; whether the answer is valid is decided by `answers.clean_answer`."""

    def __init__(self, *, question: Question, **kwargs):
        self.question = question
        super().__init__(required=False, **kwargs)

    def clean(self, value: Any) -> Any:
        return answers.clean_answer(self.question, value)


class AvailabilityField(forms.Field):
    """Not an input: a summary of the profile's weekly availability, required or not."""

    def __init__(self, *, question: Question, windows: list[str], **kwargs):
        self.question = question
        self.windows = windows
        super().__init__(required=False, disabled=True, initial=windows, **kwargs)

    def clean(self, value: Any) -> Any:
        if self.question.required and not self.windows:
            raise forms.ValidationError(
                _("Add your weekly availability on your profile, then come back to this form.")
            )
        return None


def _widget(question: Question) -> forms.Widget:
    kind = question.kind
    if kind == QuestionKind.SINGLE_CHOICE:
        return forms.RadioSelect(choices=[(choice, choice) for choice in question.choices])
    if kind == QuestionKind.MULTIPLE_CHOICE:
        return forms.CheckboxSelectMultiple(choices=[(c, c) for c in question.choices])
    if kind == QuestionKind.SCALE:
        return forms.RadioSelect(choices=[(str(n), str(n)) for n in range(1, 6)])
    if kind == QuestionKind.LONG_TEXT:
        return forms.Textarea(attrs={"maxlength": answers.LONG_TEXT_MAX, "rows": 4})
    if kind == QuestionKind.NUMBER:
        attrs: dict[str, Any] = {"step": "any"}
        if question.min_value is not None:
            attrs["min"] = _number_text(question.min_value)
        if question.max_value is not None:
            attrs["max"] = _number_text(question.max_value)
        return forms.NumberInput(attrs=attrs)
    if kind == QuestionKind.PROFILE:
        return _profile_widget(question.profile_field)
    return forms.TextInput(attrs={"maxlength": answers.SHORT_TEXT_MAX})


def _number_text(number: float) -> str:
    return str(int(number)) if number == int(number) else str(number)


def _profile_widget(field: str) -> forms.Widget:
    if field == ProfileField.SENIORITY:
        return forms.Select(
            choices=[("", "—"), *[(str(v), label) for v, label in Seniority.choices]]
        )
    if field == ProfileField.TIMEZONE:
        return forms.Select(choices=timezone_choices())
    if field == ProfileField.LANGUAGES:
        return forms.SelectMultiple(choices=language_choices(), attrs={"size": 6})
    if field in TAG_FIELDS:
        return forms.TextInput()
    return forms.TextInput(attrs={"maxlength": PROFILE_TEXT_MAX})


def _initial(question: Question, user, saved: dict[int, Any]) -> Any:
    if question.kind == QuestionKind.PROFILE:
        # The profile is the source of truth: it may have changed since the answer was given.
        value = answers.profile_value(user, question.profile_field)
        if question.profile_field in TAG_FIELDS:
            return ", ".join(value)
        if question.profile_field == ProfileField.SENIORITY:
            return "" if value is None else str(value)
        return value
    value = saved.get(question.pk)
    if question.kind == QuestionKind.SCALE and value is not None:
        return str(value)
    return value


def _help_text(question: Question) -> str:
    hints = {
        QuestionKind.SCALE: _("1 is the lowest, 5 the highest."),
        QuestionKind.MULTIPLE_CHOICE: _("Choose all that apply."),
    }
    if question.kind == QuestionKind.PROFILE and question.profile_field in TAG_FIELDS:
        hint = _("Separate them with commas. This also updates your profile.")
    elif question.kind == QuestionKind.PROFILE:
        hint = _("This also updates your profile.")
    else:
        hint = hints.get(question.kind, "")
    # Escaped here: Django's field templates print help text as HTML, and this is a coordinator's.
    return format_html_join(" ", "{}", ((part,) for part in (question.help_text, hint) if part))


class IntakeForm(forms.Form):
    """The questions for a person's role, as inputs, pre-filled from their answers and profile."""

    def __init__(self, *args, enrolment: Enrolment, questions: list[Question], **kwargs):
        # Questions end with a question mark, so no colon after the label.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.enrolment = enrolment
        self.questions = questions
        user = enrolment.user
        saved = {answer.question_id: answer.value for answer in enrolment.answers.all()}
        for question in questions:
            label = question.label + ("" if question.required else f" ({_('optional')})")
            if is_availability(question):
                field = AvailabilityField(
                    question=question,
                    windows=answers.profile_value(user, ProfileField.AVAILABILITY),
                    label=label,
                    help_text=format_html("{}", question.help_text),
                )
            else:
                field = AnswerField(
                    question=question,
                    label=label,
                    help_text=_help_text(question),
                    widget=_widget(question),
                    initial=_initial(question, user, saved),
                )
                if question.required and question.kind != QuestionKind.MULTIPLE_CHOICE:
                    field.widget.attrs["required"] = True
            self.fields[field_name(question)] = field
        if enrolment.role == Role.MENTOR:
            self.fields["capacity"] = forms.IntegerField(
                label=_("How many mentees can you take on?"),
                help_text=_("From 1 to 20."),
                initial=enrolment.capacity or enrolment.program.default_mentor_capacity,
                widget=forms.NumberInput(attrs={"min": CAPACITY_MIN, "max": CAPACITY_MAX}),
            )

    def items(self):
        """(question, bound field) in the order the questions are asked."""
        return [(question, self[field_name(question)]) for question in self.questions]

    def answer_values(self) -> dict[int, Any]:
        return {
            question.pk: self.cleaned_data.get(field_name(question))
            for question in self.questions
            if not is_availability(question)
        }

    def error_field_names(self) -> dict[Any, str]:
        """The service's error keys (question ids) mapped to this form's field names."""
        return {question.pk: field_name(question) for question in self.questions}
