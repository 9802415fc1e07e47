"""The message forms. They only shape input; the rules (who, when, which files) live in
services.py and core/uploads.py, whose errors are shown on these forms."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from lodestar.core.uploads import allowed_extensions, describe_allowed

from .models import BODY_MAX, CONCERN_MAX


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=BODY_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = forms.FileField(
        label=_("Attach a file (optional)"),
        required=False,
        allow_empty_file=True,  # the service says why an empty file is refused
        help_text=lazy(describe_allowed, str)(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].widget.attrs["accept"] = ",".join(allowed_extensions())


class EditForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        required=False,
        max_length=BODY_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class ConcernForm(forms.Form):
    text = forms.CharField(
        label=_("What worries you?"),
        max_length=CONCERN_MAX,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Only the program’s coordinators read this. They may contact you to talk it over."
        ),
        error_messages={"required": _("Tell the coordinators what worries you.")},
    )
