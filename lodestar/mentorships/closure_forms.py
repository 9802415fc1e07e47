"""Forms for the closure pages. They parse what a person typed; the rules live in closure.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .closure import GRATITUDE_MAX, NOTE_MAX, TEXT_MAX
from .models import ClosureReason, Mentorship, Outcome, Transition


def _text(label, help_text, max_length: int, *, required=False, rows=4) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=max_length,
        required=required,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ClosureStartForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why is the mentorship ending?"),
        choices=ClosureReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose why the mentorship ends.")},
    )
    reason_note = _text(
        _("Anything to add? (optional)"),
        _("Read by the coordinators only."),
        NOTE_MAX,
        rows=3,
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Decide from the reason")), *Outcome.choices],
        help_text=_(
            "Goals achieved and the end of the program complete a mentorship; other reasons "
            "end it early. Choose otherwise only when the reason does not tell the story."
        ),
    )

    def __init__(self, *args, coordinator: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "id_close_%s")
        kwargs.setdefault("label_suffix", "")  # the labels are questions, or end in "(optional)"
        super().__init__(*args, **kwargs)
        if not coordinator:
            del self.fields["outcome"]  # only a coordinator chooses the outcome


class ReflectionForm(forms.Form):
    accomplishments = _text(
        _("What did you accomplish?"),
        _("Read by you and the program’s coordinators."),
        TEXT_MAX,
        required=True,
    )
    learned = _text(
        _("What did you learn?"), _("Read by you and the program’s coordinators."), TEXT_MAX
    )
    differently = _text(
        _("What would you do differently?"),
        _("Read by you and the program’s coordinators."),
        TEXT_MAX,
    )
    gratitude = _text(
        _("A note of thanks (optional)"),
        _("The other members of your mentorship read it, and the coordinators."),
        GRATITUDE_MAX,
        rows=3,
    )
    transition = forms.ChoiceField(
        label=_("What comes next?"),
        choices=Transition.choices,
        widget=forms.RadioSelect,
        help_text=_("Read by you and the program’s coordinators."),
        error_messages={"required": _("Choose what comes next.")},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_reflection_%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["accomplishments"].error_messages["required"] = _(
            "Say what you accomplished, in a sentence or more."
        )


class MentorshipChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Mentorship) -> str:
        # The members come prefetched: no query per choice.
        return " · ".join(m.user.display_name for m in obj.memberships.all())


class BulkCloseForm(forms.Form):
    """The running mentorships a coordinator closes at once; `confirmed` once they have seen
    the list of what will close."""

    mentorships = MentorshipChoiceField(
        label=_("Mentorships to close"),
        queryset=Mentorship.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one mentorship to close."),
            "invalid_choice": _(
                "One of the chosen mentorships is no longer running. Nothing was closed: look "
                "at the list again."
            ),
        },
    )
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, running, **kwargs):
        kwargs.setdefault("auto_id", "id_bulk_%s")
        super().__init__(*args, **kwargs)
        self.fields["mentorships"].queryset = running
