"""The search form of the audit pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lodestar.core.forms import DateRangeForm

from .models import Verb
from .selectors import Search


class AuditSearchForm(DateRangeForm):
    field_order = ("verb", "actor", "q", "date_from", "date_to")

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
