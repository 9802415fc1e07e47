"""Forms of the survey pages. They parse what a person typed; the rules live in the services
(surveys.py, answering.py), whose errors the views put back next to each field."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .answering import SCALES, field_name, scale_label
from .models import Anchor, Anonymity, Audience, QuestionKind, Survey, SurveyQuestion, SurveyStatus
from .surveys import CHOICE_KINDS, INTRO_MAX, QUESTION_MAX, TERMS, TITLE_MAX
from .templates import TEMPLATES


class SurveyCreateForm(forms.Form):
    template = forms.ChoiceField(
        label=_("Start from"),
        required=False,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=TITLE_MAX,
        help_text=_("Needed for a blank survey; a ready-made one has its own unless you give one."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [("", _("A blank survey"))] + [
            (key, f"{spec.title} — {spec.description}") for key, spec in TEMPLATES.items()
        ]


class SurveySettingsForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    intro = forms.CharField(
        label=_("Introduction"),
        required=False,
        max_length=INTRO_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown above the questions."),
    )
    audience = forms.ChoiceField(label=_("Who is asked"), choices=Audience.choices)
    anonymity = forms.ChoiceField(
        label=_("Anonymity"), choices=Anonymity.choices, widget=forms.RadioSelect
    )
    min_group_size = forms.IntegerField(
        label=_("Smallest group shown"),
        help_text=_(
            "Anonymous surveys only: results of fewer respondents than this (3 to 50) are "
            "never shown."
        ),
    )
    anchor = forms.ChoiceField(label=_("When it is sent"), choices=Anchor.choices)
    offset_days = forms.IntegerField(
        label=_("After how many days"),
        help_text=_("Counted from the moment above: 0 sends it at once (0 to 730)."),
    )
    repeat_days = forms.IntegerField(
        label=_("Then again every … days"),
        required=False,
        help_text=_("Leave empty to send it once. Counted from a start only (7 to 365)."),
    )
    open_days = forms.IntegerField(
        label=_("Days to answer"),
        help_text=_("After this, an unanswered survey expires (1 to 90)."),
    )
    remind_after_days = forms.IntegerField(
        label=_("Reminder after … days"),
        help_text=_("One reminder to those who have not answered yet (1 to 60)."),
    )

    def __init__(self, *args, survey: Survey, **kwargs):
        kwargs.setdefault("initial", {name: getattr(survey, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
        if survey.status != SurveyStatus.DRAFT:
            # Locked once sent (surveys.py says why): shown, not editable, never submitted.
            for name in TERMS:
                self.fields[name].disabled = True
        if survey.status == SurveyStatus.CLOSED:
            for name in ("open_days", "remind_after_days", "min_group_size"):
                self.fields[name].disabled = True


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of question"), choices=QuestionKind.choices)
    text = forms.CharField(label=_("Question"), max_length=QUESTION_MAX)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For “one choice” and “several choices” questions: one choice a line."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False, initial=True)

    def __init__(self, *args, question: SurveyQuestion | None = None, locked=False, **kwargs):
        if question is not None:
            kwargs.setdefault(
                "initial",
                {
                    "kind": question.kind,
                    "text": question.text,
                    "choices": "\n".join(question.choices),
                    "required": question.required,
                },
            )
        super().__init__(*args, **kwargs)
        if locked:
            self.fields["kind"].disabled = True
            self.fields["required"].disabled = True
            if question is not None and question.kind not in CHOICE_KINDS:
                del self.fields["choices"]


class RoleFilterForm(forms.Form):
    role = forms.ChoiceField(label=_("Respondents"), required=False)

    def __init__(self, *args, roles: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", _("Everyone")), *roles]


class AnswerForm(forms.Form):
    """One field per question. Every field is optional here: which answers are required, and
    what each may be, is checked by `response_submit`, whose errors come back per field."""

    def __init__(self, *args, questions: list[SurveyQuestion], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            self.fields[field_name(question)] = self._field(question)

    @staticmethod
    def _field(question: SurveyQuestion) -> forms.Field:
        common = {
            "label": question.text,
            "required": False,
            "help_text": "" if question.required else _("Optional."),
        }
        if question.kind in SCALES:
            low, high = SCALES[question.kind]
            choices = [(str(n), scale_label(question.kind, n)) for n in range(low, high + 1)]
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
        options = [(str(i), label) for i, label in enumerate(question.choices)]
        if question.kind == QuestionKind.SINGLE:
            return forms.ChoiceField(choices=options, widget=forms.RadioSelect, **common)
        if question.kind == QuestionKind.MULTIPLE:
            return forms.MultipleChoiceField(
                choices=options, widget=forms.CheckboxSelectMultiple, **common
            )
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), **common)

    def answers(self) -> dict[int, object]:
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}
