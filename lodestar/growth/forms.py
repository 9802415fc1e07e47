"""Forms for the library, recommendations and feedback. They only shape input; the rules live
in services.py, whose errors are shown on these forms."""

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from lodestar.accounts.forms import TagListField
from lodestar.core.uploads import allowed_extensions, describe_allowed

from .models import (
    COMMENT_MAX,
    DESCRIPTION_MAX,
    NOTE_MAX,
    QUESTION_MAX,
    TITLE_MAX,
    URL_MAX,
    WORK_TEXT_MAX,
    ResourceKind,
)
from .states import RecommendationStatus


class _FileMixin:
    def _accept(self):
        self.fields["file"].widget.attrs["accept"] = ",".join(allowed_extensions())


class LibraryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *ResourceKind.choices]
    )
    tag = forms.SlugField(label=_("Tag"), required=False, max_length=80)


class ResourceForm(_FileMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ResourceKind.choices)
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Give the resource a title.")},
    )
    url = forms.CharField(
        label=_("Link"), required=False, max_length=URL_MAX, help_text=_("Or attach a file below.")
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    tags = TagListField(
        label=_("Tags"), required=False, help_text=_("Skills it helps with, separated by commas.")
    )
    file = forms.FileField(
        label=_("File (optional)"),
        required=False,
        allow_empty_file=True,
        help_text=lazy(describe_allowed, str)(),
    )

    def __init__(self, *args, with_file: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_file:
            self._accept()
        else:
            del self.fields["file"]
            self.fields["url"].help_text = ""


class RecommendForm(forms.Form):
    to = forms.ChoiceField(label=_("Recommend to"))
    note = forms.CharField(
        label=_("A note for them (optional)"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, targets: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to"].choices = targets


class RecommendationUpdateForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Where you are with it"),
        choices=[c for c in RecommendationStatus.choices if c[0] != RecommendationStatus.NEW],
    )
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("No rating")), *[(str(n), str(n)) for n in range(1, 6)]],
    )


class FeedbackRequestForm(_FileMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    question = forms.CharField(
        label=_("What would you like feedback on?"),
        max_length=QUESTION_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    link = forms.CharField(label=_("Link to your work"), required=False, max_length=500)
    text = forms.CharField(
        label=_("Or paste it here"),
        required=False,
        max_length=WORK_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    file = forms.FileField(
        label=_("Or attach a file"),
        required=False,
        allow_empty_file=True,
        help_text=lazy(describe_allowed, str)(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._accept()


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"), max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 4})
    )
