"""Form pieces shared by several apps' pages."""

import datetime as dt

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

# Date filters add a day to the end date and count from midnight: keep both far from the
# calendar's edges (9999-12-31 + 1 day does not exist).
DATE_RANGE = [MinValueValidator(dt.date(1900, 1, 1)), MaxValueValidator(dt.date(9000, 12, 31))]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateRangeForm(forms.Form):
    """An optional "from … until …" pair of dates, the end on or after the start."""

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
