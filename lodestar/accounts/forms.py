"""Forms turn what a browser sends into the shapes the services take.

The rules themselves (which time zones, languages, links and tags are acceptable) live in the
services, so the profile page and any other caller give the same answer in the same words.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lodestar.core.languages import language_choices
from lodestar.core.timezones import timezone_choices

from .models import Profile, Seniority, Weekday
from .services import MAX_LINKS, PROFILE_FIELDS, availability_check


class TagListField(forms.CharField):
    """Comma-separated tags in one text box, given back as a list of names."""

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        return [part for part in (piece.strip() for piece in text.split(",")) if part]

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(item) for item in value)
        return value


class LineListField(forms.CharField):
    """One item per line in a text area, given back as a list of lines."""

    widget = forms.Textarea

    def to_python(self, value) -> list[str]:
        text = super().to_python(value)
        return [line.strip() for line in text.splitlines() if line.strip()]

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value


class OfferedChoicesField(forms.MultipleChoiceField):
    """Offers choices but leaves judging them to the service, which names the bad value."""

    def validate(self, value):
        pass


class ProfileForm(forms.Form):
    name = forms.CharField(
        label=_("Display name"),
        max_length=150,
        required=False,
        help_text=_("How other people in your programs see you."),
    )
    timezone = forms.CharField(
        label=_("Time zone"),
        widget=forms.Select,
        help_text=_("Every time on Lodestar is shown in this zone, and your availability uses it."),
    )
    pronouns = forms.CharField(label=_("Pronouns"), max_length=40, required=False)
    headline = forms.CharField(
        label=_("Headline"),
        max_length=140,
        required=False,
        help_text=_("One line about you, such as “Data engineer who loves teaching”."),
    )
    bio = forms.CharField(
        label=_("Bio"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    organisation = forms.CharField(label=_("Organisation"), max_length=120, required=False)
    department = forms.CharField(label=_("Department"), max_length=120, required=False)
    seniority = forms.TypedChoiceField(
        label=_("Seniority level"),
        choices=[("", _("Not given")), *Seniority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=120,
        required=False,
        help_text=_("A city or region is enough."),
    )
    languages = OfferedChoicesField(
        label=_("Languages you speak"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    skills = TagListField(
        label=_("Skills"),
        required=False,
        help_text=_("Separate them with commas, such as “Python, public speaking”."),
    )
    interests = TagListField(
        label=_("Interests"),
        required=False,
        help_text=_("Separate them with commas."),
    )
    links = LineListField(
        label=_("Links"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["timezone"].widget.choices = timezone_choices()
        self.fields["links"].help_text = gettext(
            "One web address per line (at most %(max)d), such as a portfolio or profile."
        ) % {"max": MAX_LINKS}
        # Django's catalogue translates the language names; sort them as the reader reads them.
        self.fields["languages"].choices = sorted(
            ((code, gettext(name)) for code, name in language_choices()),
            key=lambda choice: choice[1].casefold(),
        )

    @classmethod
    def initial_for(cls, profile: Profile) -> dict:
        user = profile.user
        return {
            "name": user.name,
            "timezone": user.timezone,
            **{field: getattr(profile, field) for field in (*PROFILE_FIELDS, "languages", "links")},
            "skills": [tag.name for tag in profile.skills.all()],
            "interests": [tag.name for tag in profile.interests.all()],
        }


# The browser's time picker sends and expects 24-hour "HH:MM", whatever language it shows.
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class AvailabilityWindowForm(forms.Form):
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        choices=[("", _("Choose a day")), *Weekday.choices],
        coerce=int,
        empty_value=None,
    )
    start = forms.TimeField(label=_("From"), widget=TIME_INPUT)
    end = forms.TimeField(label=_("Until"), widget=TIME_INPUT)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", _("The end must be after the start."))
        return cleaned


class BaseAvailabilityFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove")

    def windows(self) -> list[tuple]:
        """The rows to keep, as (weekday, start, end); blank new rows and removed rows are left out."""
        return [
            (form.cleaned_data["weekday"], form.cleaned_data["start"], form.cleaned_data["end"])
            for form in self.forms
            if form.cleaned_data and not self._should_delete_form(form)
        ]

    def clean(self):
        if any(self.errors):
            return
        try:
            availability_check(self.windows())
        except ValidationError as error:
            raise ValidationError(error.messages) from None


AvailabilityFormSet = forms.formset_factory(
    AvailabilityWindowForm,
    formset=BaseAvailabilityFormSet,
    extra=1,
    can_delete=True,
    # Far above the service's limit, so people see its clear message rather than a truncation.
    max_num=100,
    absolute_max=100,
)
