from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from ..models import Cadence, EnrolmentMode, Kind, MatchingMode, NudgeRule, Program


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _days_field(name: str) -> forms.IntegerField:
    """A number of days, labelled and bounded as the model field is; blank keeps the value."""
    field = Program._meta.get_field(name)
    low = max(v.limit_value for v in field.validators if isinstance(v, MinValueValidator))
    high = min(v.limit_value for v in field.validators if isinstance(v, MaxValueValidator))
    return forms.IntegerField(
        label=field.verbose_name.capitalize(),
        required=False,
        initial=field.default,
        help_text=field.help_text,
        widget=forms.NumberInput(attrs={"min": low, "max": high}),
    )


# Numbers a coordinator may leave blank to keep the program's value (or the default).
KEEP_WHEN_BLANK = (
    "max_open_requests",
    "request_expiry_days",
    "nudge_no_meeting_days",
    "nudge_request_days",
    "nudge_agreement_days",
    "nudge_escalate_days",
    "nudge_flag_days",
    "closure_notice_days",
    "flash_bookings_per_month",
    "flash_min_notice_hours",
    "flash_cancel_hours",
)


class ProgramForm(forms.Form):
    """A program's settings. Checks (unique short name, dates in order) happen in the service."""

    name = forms.CharField(label=_("Name"), max_length=120)
    slug = forms.SlugField(
        label=_("Short name"),
        max_length=60,
        required=False,
        help_text=_(
            "Used in the program's web address: letters, digits and hyphens. "
            "Leave it blank to make one from the name."
        ),
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=_date_input())
    end_date = forms.DateField(label=_("End date"), required=False, widget=_date_input())
    meeting_cadence = forms.ChoiceField(
        label=_("Expected meeting cadence"), choices=Cadence.choices
    )
    default_mentor_capacity = forms.IntegerField(
        label=_("Default mentor capacity"),
        initial=1,
        help_text=_("How many mentees a mentor takes unless they say otherwise (1 to 20)."),
        widget=forms.NumberInput(attrs={"min": 1, "max": 20}),
    )
    matching_mode = forms.ChoiceField(label=_("Matching mode"), choices=MatchingMode.choices)
    enrolment_mode = forms.ChoiceField(label=_("Enrolment mode"), choices=EnrolmentMode.choices)
    max_open_requests = forms.IntegerField(
        label=_("Open requests per mentee"),
        required=False,
        initial=3,
        help_text=_("When mentees choose: how many mentors a mentee may ask at once (1 to 10)."),
        widget=forms.NumberInput(attrs={"min": 1, "max": 10}),
    )
    request_expiry_days = forms.IntegerField(
        label=_("Days before a request expires"),
        required=False,
        initial=7,
        help_text=_("A request a mentor has not answered by then expires (1 to 60 days)."),
        widget=forms.NumberInput(attrs={"min": 1, "max": 60}),
    )
    alert_webhook_url = forms.URLField(
        label=_("Alert webhook"),
        required=False,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_(
            "Optional: a Slack-, Teams- or Mattermost-compatible incoming webhook that also "
            "receives coordinator alerts (names and a link, never what participants wrote)."
        ),
    )
    forward_requests = forms.BooleanField(
        label=_("Pass declined or expired requests on to the mentee’s next choice"),
        required=False,
        initial=True,
    )
    nudge_rules = forms.MultipleChoiceField(
        label=_("Reminders to send when a mentorship stalls"),
        choices=NudgeRule.choices,
        required=False,
        initial=list(NudgeRule.values),
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Each reminder goes to the people who can act on it, a second one follows if nothing "
            "changes, and then the coordinators are told."
        ),
    )
    nudge_no_meeting_days = _days_field("nudge_no_meeting_days")
    nudge_request_days = _days_field("nudge_request_days")
    nudge_agreement_days = _days_field("nudge_agreement_days")
    nudge_escalate_days = _days_field("nudge_escalate_days")
    nudge_flag_days = _days_field("nudge_flag_days")
    closure_notice_days = _days_field("closure_notice_days")
    flash_bookings_per_month = _days_field("flash_bookings_per_month")
    flash_min_notice_hours = _days_field("flash_min_notice_hours")
    flash_cancel_hours = _days_field("flash_cancel_hours")
    flash_mentorship_requests = forms.BooleanField(
        label=_("After a session, mentees may ask the mentor for a longer mentorship"),
        required=False,
    )
    retention_months = forms.IntegerField(
        label=_("Months to keep private content after archiving"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=Program._meta.get_field("retention_months").help_text,
        widget=forms.NumberInput(attrs={"min": 1, "max": 120}),
    )

    def __init__(self, *args, program: Program | None = None, **kwargs):
        if program is not None:
            kwargs.setdefault(
                "initial", {name: getattr(program, name) for name in self.base_fields}
            )
        super().__init__(*args, **kwargs)
        if program is not None:
            # An existing program keeps a short name: its web address depends on it.
            self.fields["slug"].required = True
            self.fields["slug"].help_text = _(
                "Used in the program's web address. Changing it breaks links people saved."
            )

    def clean(self):
        cleaned = super().clean()
        # Left blank: keep what the program has (or the default for a new one).
        for name in KEEP_WHEN_BLANK:
            if cleaned.get(name) is None and name not in self.errors:
                kept = self.initial.get(name)
                cleaned[name] = Program._meta.get_field(name).default if kept is None else kept
        return cleaned


class AddCoordinatorForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("The person must already have a Lodestar account."),
    )
