"""The search form of the audit pages."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from .models import Verb
from .selectors import Search

DATE_RANGE = [MinValueValidator(dt.date(1900, 1, 1)), MaxValueValidator(dt.date(9000, 12, 31))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class AuditSearchForm(forms.Form):
    verb = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("Any action")), *Verb.choices]
    )
    actor = forms.CharField(
        label=_("Who"),
        required=False,
        max_length=100,
        help_text=_("Part of a name or an email address."),
    )
    q = forms.CharField(
        label=_("About"),
        required=False,
        max_length=100,
        help_text=_("Part of the object’s name."),
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput(), validators=DATE_RANGE
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=DateInput(), validators=DATE_RANGE
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end must be on or after the start."))
        return cleaned

    def search(self) -> Search:
        """The chosen filters; none at all while the form has errors (the page says which)."""
        if not self.is_bound or not self.is_valid():
            return Search()
        data = self.cleaned_data
        return Search(
            verb=data["verb"],
            actor=data["actor"].strip(),
            text=data["q"].strip(),
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
