from django import forms
from django.utils.translation import gettext_lazy as _

from .access import REASON_MIN
from .erasure import CONFIRMATION_WORD
from .models import REASON_MAX


class EraseForm(forms.Form):
    """The person erasing their own account: their password (when they have one) and the
    confirmation word, so that neither a slip nor a borrowed open session erases it."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput, required=False
    )
    confirm = forms.CharField(
        label=_("Type %(word)s to confirm") % {"word": CONFIRMATION_WORD}, max_length=20
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.has_usable_password():
            self.fields["password"].required = True
        else:
            del self.fields["password"]

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That is not your password."))
        return password

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value != CONFIRMATION_WORD:
            raise forms.ValidationError(
                _("Type %(word)s, in capitals, to confirm.") % {"word": CONFIRMATION_WORD}
            )
        return value


class StaffEraseForm(forms.Form):
    email = forms.EmailField(label=_("Email address of the account"))
    reason = forms.CharField(
        label=_("The request (who asked, when, how)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX,
    )
    confirm = forms.CharField(
        label=_("Type %(word)s to confirm") % {"word": CONFIRMATION_WORD}, max_length=20
    )

    def clean_confirm(self):
        value = self.cleaned_data["confirm"].strip()
        if value != CONFIRMATION_WORD:
            raise forms.ValidationError(
                _("Type %(word)s, in capitals, to confirm.") % {"word": CONFIRMATION_WORD}
            )
        return value


class AccessForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you need to read this conversation"),
        help_text=_(
            "Required. The members are told that a site admin read their messages; the reason "
            "is kept in the audit trail."
        ),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=REASON_MIN,
        max_length=REASON_MAX,
    )
