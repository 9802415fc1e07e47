"""The endpoint form: it parses what a coordinator typed; the rules live in services.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .destinations import check_url
from .models import SUBSCRIBABLE, Event

EVENT_CHOICES = [(value, label) for value, label in Event.choices if value in SUBSCRIBABLE]


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("Payload URL"),
        max_length=500,
        help_text=_("Where Lodestar posts each event, as JSON. It must be http:// or https://."),
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/lodestar-hook"}),
    )
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=EVENT_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one event to send.")},
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        help_text=_("For you and the other coordinators: what listens at this address."),
    )
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("A disabled endpoint gets nothing; its pending deliveries wait for it."),
    )

    def clean_url(self) -> str:
        # The service's own check, run here too so that every mistake shows at once.
        try:
            return check_url(self.cleaned_data["url"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["url"]) from None

    def add_service_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, errors in error.error_dict.items():
            self.add_error(field if field in self.fields else None, errors)
