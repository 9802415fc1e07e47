"""The two steps of a participant import: upload a file, then confirm what the preview showed."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from ..services.imports import too_big_message


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("UTF-8, comma- or semicolon-separated, with a header row."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> bytes:
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        # Checked before reading, so an oversized upload is never loaded into memory.
        if upload.size > limit:
            raise forms.ValidationError(too_big_message(upload.size, limit))
        return upload.read()


class ImportConfirmForm(forms.Form):
    # The previewed file travels back with the confirmation and is checked again in full.
    csv_text = forms.CharField(widget=forms.HiddenInput, strip=False)
