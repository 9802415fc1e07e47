"""Forms of the flash pages. They parse what a person typed; every rule (lengths, durations,
seats, dates in the past) lives in services.py, whose errors `show_service_errors` places next
to the field they are about."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from lodestar.core.timezones import timezone_choices
from lodestar.meetings.models import Mode
from lodestar.programs.forms import add_service_errors

from .models import MAX_CAPACITY, MAX_DURATION, MIN_DURATION, Repeat
from .selectors import TIME_OF_DAY_CHOICES
from .services import COMMENT_MAX, NOTE_MAX, PLACE_MAX, QUESTION_MAX, REASON_MAX
from .states import BookingStatus

# The browser's pickers send and expect ISO dates and 24-hour times, whatever language they show.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_INPUT = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def show_service_errors(
    form: forms.Form, error: ValidationError, by_code: dict[str, str | None] | None = None
) -> None:
    """Show a service's ValidationError on the form: a keyed error next to its field (as
    add_service_errors does), a plain one next to the field its `code` is about, else on top."""
    if hasattr(error, "error_dict"):
        add_service_errors(form, error)
        return
    by_code = by_code or {}
    for single in error.error_list:
        name = by_code.get(single.code or "")
        form.add_error(name if name in form.fields else None, single)


class _OnAPageWithOthers(forms.Form):
    """A form that shares its page with others: its own ids, the same field names."""

    id_prefix = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


# --- office hours -----------------------------------------------------------------------------


class OfficeHoursForm(forms.Form):
    """Weekly hours are a weekday and a time, from a date (today by default) until another
    (none: until withdrawn); a single session is a date and a time. Both in the chosen zone."""

    repeat = forms.ChoiceField(
        label=_("How often"),
        choices=Repeat.choices,
        initial=Repeat.WEEKLY,
        widget=forms.RadioSelect,
    )
    weekday = forms.TypedChoiceField(
        label=_("Day of the week"),
        choices=[("", _("Choose a day")), *WEEKDAYS.items()],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("For weekly office hours."),
    )
    starts_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("For weekly office hours: the first week. Empty: from this week."),
    )
    ends_on = forms.DateField(
        label=_("Until"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("For weekly office hours: the last date. Empty: until you withdraw them."),
    )
    on_date = forms.DateField(
        label=_("Date"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("For a single session."),
    )
    start_time = forms.TimeField(label=_("Start time"), widget=TIME_INPUT)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("The day and time above are in this zone. Mentees see them in their own."),
    )
    duration = forms.IntegerField(
        label=_("Length in minutes"),
        initial=30,
        widget=forms.NumberInput(attrs={"min": MIN_DURATION, "max": MAX_DURATION, "step": 5}),
    )
    capacity = forms.IntegerField(
        label=_("People per session"),
        initial=1,
        widget=forms.NumberInput(attrs={"min": 1, "max": MAX_CAPACITY}),
        help_text=_("1 for a one-to-one session; more for a small group."),
    )
    topics = forms.CharField(
        label=_("Topics"),
        required=False,
        help_text=_("Separate them with commas, such as “CV review, interviews”."),
    )
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices, initial=Mode.VIDEO)
    place = forms.CharField(
        label=_("Place or link"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": PLACE_MAX}),
        help_text=_("An address, a room, a video-call link or a phone number."),
    )
    note = forms.CharField(
        label=_("About these sessions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": NOTE_MAX}),
        help_text=_("What mentees should know or prepare before they book."),
    )

    # Where each of the publishing service's errors belongs on this form.
    ERROR_FIELDS = {
        "repeat": "repeat",
        "invalid_timezone": "time_zone",
        "duration": "duration",
        "capacity": "capacity",
        "mode": "mode",
        "dates": "ends_on",
        "topic_too_long": "topics",
        "too_many_topics": "topics",
    }

    def __init__(self, *args, zone: str = "UTC", **kwargs):
        kwargs.setdefault("initial", {}).setdefault("time_zone", zone)
        super().__init__(*args, **kwargs)
        self.fields["time_zone"].choices = timezone_choices()

    def clean(self):
        data = super().clean()
        if data.get("repeat") == Repeat.ONCE:
            if data.get("on_date") is None and "on_date" not in self.errors:
                self.add_error("on_date", _("Give the date of the session."))
            data["starts_on"] = data.get("on_date")
            data["ends_on"] = None
        elif data.get("repeat") == Repeat.WEEKLY:
            if data.get("weekday") is None and "weekday" not in self.errors:
                self.add_error("weekday", _("Choose the day of the week."))
            elif data.get("time_zone") and "starts_from" not in self.errors:
                data["starts_on"] = first_weekday(
                    data["weekday"], data.get("starts_from") or self._today(data["time_zone"])
                )
        return data

    @staticmethod
    def _today(zone: str) -> date:
        return timezone.now().astimezone(ZoneInfo(zone)).date()

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "repeat": data["repeat"],
            "starts_on": data["starts_on"],
            "ends_on": data["ends_on"],
            "start_time": data["start_time"],
            "time_zone": data["time_zone"],
            "duration": data["duration"],
            "capacity": data["capacity"],
            "topics": data["topics"].split(","),
            "mode": data["mode"],
            "place": data["place"],
            "note": data["note"],
        }

    def error_fields(self) -> dict[str, str]:
        """ERROR_FIELDS, with the dates' errors where this kind of office hours has its dates."""
        once = self.cleaned_data.get("repeat") == Repeat.ONCE
        return self.ERROR_FIELDS | {
            "past": "on_date" if once else "ends_on",
            "too_far": "on_date" if once else "starts_from",
        }


def first_weekday(weekday: int, start: date) -> date:
    """The first date on or after `start` that falls on `weekday` (Monday is 0)."""
    return start + timedelta(days=(weekday - start.weekday()) % 7)


class ReasonForm(_OnAPageWithOthers):
    """Why something is withdrawn or cancelled (optional; the people booked read it)."""

    id_prefix = "cancel"
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        widget=forms.TextInput(attrs={"maxlength": REASON_MAX}),
        help_text=_("The people booked read it."),
    )

    ERROR_FIELDS = {"too_long": "reason"}


# --- booking ----------------------------------------------------------------------------------


class BookForm(forms.Form):
    # Empty is refused by the service, with its own words; the browser asks first.
    question = forms.CharField(
        label=_("Your question"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": QUESTION_MAX, "required": True}),
        help_text=_("What you would like to talk about, in a few lines. The mentor reads it."),
    )
    follow_up_of = forms.IntegerField(required=False, widget=forms.HiddenInput)

    ERROR_FIELDS = {"required": "question", "too_long": "question"}


class OutcomeForm(_OnAPageWithOthers):
    id_prefix = "outcome"
    status = forms.ChoiceField(
        choices=[
            (BookingStatus.HELD, BookingStatus.HELD.label),
            (BookingStatus.NO_SHOW, BookingStatus.NO_SHOW.label),
        ],
        widget=forms.HiddenInput,
    )


YES, NO = "yes", "no"


class FeedbackForm(_OnAPageWithOthers):
    id_prefix = "feedback"
    rating = forms.TypedChoiceField(
        label=_("How was the session? (1: poor, 5: excellent)"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    useful = forms.TypedChoiceField(
        label=_("Was it useful?"),
        choices=[(YES, _("Yes")), (NO, _("No"))],
        coerce=lambda value: value == YES,
        widget=forms.RadioSelect,
    )
    follow_up = forms.BooleanField(label=_("A follow-up session would help"), required=False)
    comment = forms.CharField(
        label=_("Comment (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": COMMENT_MAX}),
        help_text=_("For the record of this session. The coordinators see only the scores."),
    )

    ERROR_FIELDS = {"rating": "rating", "too_long": "comment"}


class LongerMentorshipForm(_OnAPageWithOthers):
    id_prefix = "request"
    message = forms.CharField(
        label=_("Your message to the mentor"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What you would like to keep working on together, and how often to meet."),
    )


# --- lists ------------------------------------------------------------------------------------


class BrowseFilterForm(forms.Form):
    """The filters of the mentors to book; a value that is not valid is ignored, not an
    error."""

    skill = forms.CharField(label=_("Skill"), required=False, max_length=100)
    topic = forms.ChoiceField(label=_("Topic"), required=False)
    language = forms.ChoiceField(label=_("Language"), required=False)
    time_of_day = forms.ChoiceField(
        label=_("Time of day (yours)"),
        required=False,
        choices=[("", _("Any time")), *TIME_OF_DAY_CHOICES],
    )
    mentor = forms.IntegerField(required=False, widget=forms.HiddenInput)
    follow_up = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, topics: list[str], languages: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("Any topic")), *((t, t) for t in topics)]
        self.fields["language"].choices = [("", _("Any language")), *languages]

    def filters(self) -> dict:
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            key: cleaned.get(key) or None
            for key in ("skill", "topic", "language", "time_of_day", "mentor", "follow_up")
        }


class PeriodForm(forms.Form):
    """The sessions the coordinators' figures count: starting on or after `since`, on or
    before `until` (dates in the coordinator's zone)."""

    since = forms.DateField(label=_("Sessions from"), required=False, widget=DATE_INPUT)
    until = forms.DateField(label=_("Until (included)"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            self.add_error("until", _("The end of the period comes before its start."))
        return data
