"""Forms for the mentorship pages. They parse what a person typed; the rules live in services."""

from django import forms
from django.utils.translation import gettext_lazy as _

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
