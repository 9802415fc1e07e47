"""Forms for the programs app. They parse what a person typed; the rules live in the services."""

from django import forms
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.Form, error: ValidationError, field_names=None) -> None:
    """Show a service's ValidationError on the form, each message next to its field.

    `field_names` maps the service's error keys to form field names where they differ; errors
    for keys the form has no field for are shown at the top of the form.
    """
    field_names = field_names or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        name = field_names.get(key, key)
        form.add_error(name if name in form.fields else None, errors)
