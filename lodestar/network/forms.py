from django import forms
from django.utils.translation import gettext_lazy as _

from .models import DirectoryListing, Referral
from .services import NOTE_MAX


class ListingForm(forms.ModelForm):
    class Meta:
        model = DirectoryListing
        fields = ["listed", "scope", "blurb", "open_to"]
        widgets = {"scope": forms.RadioSelect, "blurb": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "listed": _(
                "Unticked, nobody finds you in the directory — not even coordinators. Your "
                "profile's skills, organisation and location are shown with your listing."
            ),
        }


class DirectorySearchForm(forms.Form):
    skill = forms.CharField(label=_("Skill"), required=False, max_length=60)
    organisation = forms.CharField(
        label=_("Industry or organisation"), required=False, max_length=120
    )
    location = forms.CharField(label=_("Location"), required=False, max_length=120)

    def terms(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class IntroductionForm(forms.Form):
    mentee = forms.ModelChoiceField(label=_("Your mentee"), queryset=None, empty_label=None)
    other = forms.ModelChoiceField(
        label=_("Introduce them to"),
        queryset=None,
        help_text=_("People in the directory, and people in your programs."),
    )
    note = forms.CharField(
        label=_("Why they should meet"),
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Both of them read this note. Nobody else does."),
    )

    def __init__(self, *args, mentees, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = mentees
        self.fields["other"].queryset = people


def _https_links(field, **kwargs):
    if field.name == "link":
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class ReferralForm(forms.ModelForm):
    mentee = forms.ModelChoiceField(label=_("Your mentee"), queryset=None, empty_label=None)

    class Meta:
        model = Referral
        fields = ["mentee", "title", "organisation", "link", "note"]
        formfield_callback = _https_links
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, mentees, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mentee"].queryset = mentees


class AnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        choices=[("yes", _("Accept")), ("no", _("Decline"))],
        coerce=lambda value: value == "yes",
    )
