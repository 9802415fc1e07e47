from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from ..models import Program, Role
from ..services.enrolment import CAPACITY_MAX, CAPACITY_MIN, DECISIONS, NOTE_MAX
from ..states import EnrolmentStatus


def capacity_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("How many mentees can you take on?"),
        min_value=CAPACITY_MIN,
        max_value=CAPACITY_MAX,
        required=False,
        help_text=format_lazy(_("From {min} to {max}."), min=CAPACITY_MIN, max=CAPACITY_MAX),
    )


class JoinForm(forms.Form):
    """Joining a program in one role; mentors also say how many mentees they take."""

    capacity = capacity_field()

    def __init__(self, *args, program: Program, role: str, **kwargs):
        super().__init__(*args, **kwargs)
        if role == Role.MENTOR:
            self.fields["capacity"].initial = program.default_mentor_capacity
        else:
            del self.fields["capacity"]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(value, value) for value in DECISIONS],
    )
    note = forms.CharField(
        label=_("Note to the applicant (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ParticipantFilterForm(forms.Form):
    """The participant list's filters. A value that is not valid is ignored, not an error."""

    role = forms.ChoiceField(label=_("Role"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *EnrolmentStatus.choices],
    )
    q = forms.CharField(label=_("Name or email"), required=False, max_length=100)

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            ("", _("Any role")),
            *[(role, Role(role).label) for role in program.roles],
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters only (an empty dict when nothing is filtered)."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: value for name, value in cleaned.items() if value}
