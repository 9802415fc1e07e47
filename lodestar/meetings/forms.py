"""Forms of the meeting pages. Times typed by hand are read in the viewer's time zone (the one
the middleware activated); suggested times travel as UTC."""

from datetime import UTC, datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Mode
from .services import AGENDA_MAX, MINUTES_MAX, NOTE_MAX, PLACE_MAX, TITLE_MAX

DURATIONS = [
    (30, _("30 minutes")),
    (45, _("45 minutes")),
    (60, _("1 hour")),
    (90, _("1 hour 30 minutes")),
    (120, _("2 hours")),
]
OTHER = "other"
SLOT_FORMAT = "%Y-%m-%dT%H:%MZ"


def duration_from(value, default: int = 60) -> int:
    try:
        value = int(value)
    except (TypeError, ValueError):
        return default
    return value if value in dict(DURATIONS) else default


class TimeForm(forms.Form):
    """A suggested time (a radio button per suggestion, drawn by the template) or any time."""

    slot = forms.CharField(required=False)
    when = forms.DateTimeField(
        label=_("Another time"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    duration = forms.TypedChoiceField(label=_("Length"), choices=DURATIONS, coerce=int, initial=60)

    def clean(self):
        data = super().clean()
        slot = (data.get("slot") or "").strip()
        if slot and slot != OTHER:
            try:
                data["start"] = datetime.strptime(slot, SLOT_FORMAT).replace(tzinfo=UTC)
            except ValueError:
                self.add_error("slot", _("Choose one of the times shown."))
        elif data.get("when") is not None:
            data["start"] = data["when"]
        elif "when" not in self.errors:
            self.add_error(
                "when" if slot == OTHER else "slot",
                _("Choose one of the suggested times, or give another time."),
            )
        return data


class ProposeForm(TimeForm):
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices, initial=Mode.VIDEO)
    place = forms.CharField(
        label=_("Place or link"),
        required=False,
        max_length=PLACE_MAX,
        help_text=_("An address, a room, a video-call link or a phone number."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=AGENDA_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you would like to talk about. Both of you can change it later."),
    )
    repeat = forms.BooleanField(label=_("Repeat at the agreed cadence"), required=False)


class MeetingEditForm(forms.Form):
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices)
    place = forms.CharField(
        label=_("Place or link"),
        required=False,
        max_length=PLACE_MAX,
        help_text=_("An address, a room, a video-call link or a phone number."),
    )
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        max_length=AGENDA_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class _OnAPageWithOthers(forms.Form):
    """A form that shares its page with others: its own ids, the same field names."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class CompleteForm(_OnAPageWithOthers):
    id_prefix = "complete"
    minutes = forms.IntegerField(
        label=_("How long you met, in minutes"), min_value=1, max_value=MINUTES_MAX
    )


class SharedNoteForm(_OnAPageWithOthers):
    id_prefix = "shared"
    text = forms.CharField(
        label=_("Shared note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Every member of the mentorship reads and edits this note."),
    )
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class PrivateNoteForm(_OnAPageWithOthers):
    id_prefix = "private"
    text = forms.CharField(
        label=_("Your private note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Only you ever see this note: not the other members, not the coordinators."),
    )


class ActionItemForm(_OnAPageWithOthers):
    id_prefix = "item"
    title = forms.CharField(label=_("What to do"), max_length=TITLE_MAX)
    assignee = forms.TypedChoiceField(label=_("Who does it"), coerce=int)
    due = forms.DateField(
        label=_("By when"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.members = {user.pk: user for user in members}
        self.fields["assignee"].choices = [(u.pk, u.display_name) for u in members]

    def clean_assignee(self):
        return self.members[self.cleaned_data["assignee"]]
