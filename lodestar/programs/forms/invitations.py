from django import forms
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Program, Role
from ..services.invitations import MAX_EMAILS_PER_BATCH
from .enrolment import capacity_field


class InvitationBatchForm(forms.Form):
    """Invite a list of addresses in one role; the service checks each line."""

    emails = forms.CharField(
        label=_("Email addresses"),
        help_text=format_lazy(_("One per line, up to {max} at a time."), max=MAX_EMAILS_PER_BATCH),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"))
    capacity = capacity_field()

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role, Role(role).label) for role in program.roles]
        if Role.MENTOR in program.roles:
            self.fields["capacity"].label = _("Mentor capacity")
            self.fields["capacity"].help_text = gettext(
                "For mentors only: how many mentees each takes (1 to 20). "
                "Leave blank for the program's default (%(default)d)."
            ) % {"default": program.default_mentor_capacity}
        else:
            del self.fields["capacity"]

    def clean_emails(self) -> list[str]:
        return self.cleaned_data["emails"].splitlines()


class _PasswordPairForm(forms.Form):
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password (again)"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = password_validators_help_text_html()

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords do not match."))
        return cleaned


class InvitationSignupForm(_PasswordPairForm):
    name = forms.CharField(
        label=_("Your name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    field_order = ["name", "password1", "password2"]


class InvitationSetPasswordForm(_PasswordPairForm):
    pass
