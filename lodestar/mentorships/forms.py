"""Forms for the mentorship pages. They parse what a person typed; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .agreements import SECTION_MAX, Section
from .goal_states import GOAL_STATES, GoalStatus
from .goals import COMMENT_MAX, TEXT_MAX, TITLE_MAX
from .models import Origin
from .services import REASON_MAX
from .states import MentorshipStatus


def reason_field(label, help_text) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Please give a reason.")},
    )


class DeclineForm(forms.Form):
    reason = reason_field(
        _("Why are you declining?"),
        _("The coordinators read this to find you a better match."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_decline_%s")  # unique beside the end-early form
        super().__init__(*args, **kwargs)


class EndEarlyForm(forms.Form):
    reason = reason_field(
        _("Why is the mentorship ending?"),
        _("The coordinators read this; the other members are told that it ended."),
    )
    rematch = forms.BooleanField(
        label=_("Don’t match us again"),
        help_text=_(
            "The program will not propose this pair again; the mentee can be matched anew."
        ),
        required=False,
        initial=True,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_end_%s")
        super().__init__(*args, **kwargs)


class MentorshipFilterForm(forms.Form):
    """The coordinator list's filters. A value that is not valid is ignored, not an error."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *MentorshipStatus.choices],
    )
    origin = forms.ChoiceField(
        label=_("Made by"), required=False, choices=[("", _("Any origin")), *Origin.choices]
    )
    q = forms.CharField(label=_("Name or email"), required=False, max_length=100)

    def filters(self) -> dict[str, str]:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if value}


# The agreement -------------------------------------------------------------------------------


class AgreementForm(forms.Form):
    """One text box per section of the agreement (the sections depend on the program)."""

    def __init__(self, *args, sections: list[Section], blank_means_default=False, **kwargs):
        super().__init__(*args, **kwargs)
        for section in sections:
            help_text = section.help_text
            if blank_means_default:
                help_text = _("%(help)s Leave it empty to use the default wording.") % {
                    "help": help_text
                }
            self.fields[section.key] = forms.CharField(
                label=section.label,
                help_text=help_text,
                required=False,
                max_length=SECTION_MAX,
                strip=True,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def sections(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in self.fields}


class SignForm(forms.Form):
    number = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


# Goals ---------------------------------------------------------------------------------------


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class GoalForm(forms.Form):
    """A goal written the SMART way: each field's help says which letter it answers."""

    title = forms.CharField(
        label=_("Goal"),
        max_length=TITLE_MAX,
        help_text=_("Specific: what exactly do you want to achieve? One sentence."),
    )
    measure = forms.CharField(
        label=_("How you will know you got there"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Measurable: the evidence of success — a number, a result, something others can see."
        ),
    )
    description = forms.CharField(
        label=_("Why it matters and how you will get there"),
        required=False,
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Achievable and relevant: why this goal matters to you now, and the first steps "
            "that put it within reach."
        ),
    )
    target_date = forms.DateField(
        label=_("Target date"),
        required=False,
        widget=DateInput(),
        help_text=_("Time-bound: by when? Pick a date within the mentorship."),
    )

    def goal_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in GoalForm.base_fields}


class SuggestGoalForm(GoalForm):
    """A goal suggested to a mentee; they accept or decline it."""

    owner = forms.TypedChoiceField(label=_("Suggest to"), coerce=int)

    field_order = ["owner", "title", "measure", "description", "target_date"]

    def __init__(self, *args, targets: list, **kwargs):
        kwargs.setdefault("prefix", "suggest")
        super().__init__(*args, **kwargs)
        self.targets = {member.user_id: member.user for member in targets}
        self.fields["owner"].choices = [
            (member.user_id, member.user.display_name) for member in targets
        ]
        self.fields["title"].help_text = _(
            "Specific: what exactly could they achieve? One sentence."
        )
        self.fields["description"].help_text = _(
            "Achievable and relevant: why you think it matters for them now."
        )

    def owner_user(self):
        return self.targets.get(self.cleaned_data["owner"])


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"))
    progress = forms.IntegerField(
        label=_("Progress (percent)"),
        min_value=0,
        max_value=100,
        help_text=_("From 0 to 100. Achieving the goal sets it to 100."),
    )

    def __init__(self, *args, goal, **kwargs):
        kwargs.setdefault("prefix", "progress")
        kwargs.setdefault("initial", {"status": goal.status, "progress": goal.progress})
        super().__init__(*args, **kwargs)
        allowed = GOAL_STATES.allowed(goal.status) | {goal.status}
        self.fields["status"].choices = [
            (status, label) for status, label in GoalStatus.choices if status in allowed
        ]


class MilestoneForm(forms.Form):
    title = forms.CharField(label=_("Milestone"), max_length=TITLE_MAX)
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DateInput())

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "milestone")
        super().__init__(*args, **kwargs)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "comment")
        super().__init__(*args, **kwargs)
