"""Writes on meetings: proposing, confirming, proposing another time, changing the details,
cancelling, marking held or missed; the shared and private notes; action items; calendar feeds.

Every function is keyword-only and atomic, checks that the person is a member of a mentorship
that still takes changes, and raises a ValidationError that says what is wrong.

Rules worth knowing:
- The person who proposed a time does not confirm it: another member does. In a group circle
  any member other than the proposer may confirm for everyone.
- "Repeat at the agreed cadence" proposes the next REPEAT_COUNT meetings too (weekly,
  fortnightly or monthly from the program's cadence; none for "as needed"), each on its own:
  confirming, moving or cancelling one leaves the rest of the series as it is.
- Calendars: the first confirmation emails everyone an invitation (iTIP REQUEST); from then on
  every change of time, place or status goes out with the same UID and a higher SEQUENCE (an
  update, tentative while a new time waits for an answer, or a CANCEL). The in-app notice is
  then not emailed as well: one email per change is enough.
"""

import secrets
import uuid
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.engagement.services import notify
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import is_member, require_writable_member
from lodestar.webhooks import events as webhook_events

from .models import (
    MAX_DURATION,
    MIN_DURATION,
    ActionItem,
    CalendarFeed,
    Meeting,
    MeetingNote,
    Mode,
    PrivateNote,
    hash_token,
)
from .scheduling import repeat_starts
from .states import MEETING_STATES, PLANNED, MeetingStatus
from .zones import user_zone

REPEAT_COUNT = 3
PLACE_MAX = 500
AGENDA_MAX = 5000
NOTE_MAX = 20000
TITLE_MAX = 200
MINUTES_MAX = 24 * 60


class NoteConflict(ValidationError):
    """The shared note was saved by someone else since the version being edited was loaded.
    `note` is what is saved now."""

    def __init__(self, note: MeetingNote):
        super().__init__(
            _(
                "%(name)s saved the shared note while you were editing it. Your text was not "
                "saved: compare the two versions below, merge them, and save again."
            )
            % {"name": note.last_edited_by.display_name if note.last_edited_by else _("Someone")},
            code="stale",
        )
        self.note = note


def meeting_url(meeting: Meeting) -> str:
    return reverse("meeting_detail", args=[meeting.pk])


def when_text(start: datetime, user: User) -> str:
    """A start as the person reads it: in their zone, with the zone named."""
    zone = user_zone(user)
    local = timezone.localtime(start, zone)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} ({zone.key})"


# --- checks ---------------------------------------------------------------------------------


def _locked(meeting: Meeting) -> Meeting:
    return (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("mentorship__program")
        .prefetch_related("mentorship__memberships__user")
        .get(pk=meeting.pk)
    )


def _members(mentorship: Mentorship) -> list[User]:
    return [m.user for m in mentorship.memberships.all()]


def _check_time(start: datetime, duration: int) -> None:
    errors = {}
    if not isinstance(start, datetime) or timezone.is_naive(start):
        raise ValueError("start must be an aware datetime")
    if start <= timezone.now():
        errors["start"] = _("This time has passed: choose a time in the future.")
    if not isinstance(duration, int) or not MIN_DURATION <= duration <= MAX_DURATION:
        errors["duration"] = _("A meeting lasts from %(low)s minutes to %(high)s hours.") % {
            "low": MIN_DURATION,
            "high": MAX_DURATION // 60,
        }
    if errors:
        raise ValidationError(errors)


def _check_details(mode: str, place: str, agenda: str) -> tuple[str, str]:
    errors = {}
    if mode not in Mode.values:
        errors["mode"] = _("Choose how you will meet.")
    place, agenda = (place or "").strip(), (agenda or "").strip()
    if len(place) > PLACE_MAX:
        errors["place"] = _("Keep the place or link under %(n)s characters.") % {"n": PLACE_MAX}
    if len(agenda) > AGENDA_MAX:
        errors["agenda"] = _("Keep the agenda under %(n)s characters.") % {"n": AGENDA_MAX}
    if errors:
        raise ValidationError(errors)
    return place, agenda


def _clash(
    mentorship: Mentorship, start: datetime, duration: int, *, exclude: int | None = None
) -> Meeting | None:
    """A planned meeting of the mentorship overlapping [start, start + duration)."""
    end = start + timedelta(minutes=duration)
    nearby = Meeting.objects.planned().filter(
        mentorship=mentorship, start__lt=end, start__gt=start - timedelta(minutes=MAX_DURATION)
    )
    if exclude is not None:
        nearby = nearby.exclude(pk=exclude)
    return next((m for m in nearby if m.end > start), None)


def _clash_error(clash: Meeting) -> ValidationError:
    when = formats.date_format(timezone.localtime(clash.start), "DATETIME_FORMAT")
    return ValidationError(
        {
            "start": _("You already have a meeting then (%(when)s). Choose another time.")
            % {"when": when}
        },
        code="clash",
    )


def _not_planned(meeting: Meeting) -> ValidationError:
    return ValidationError(
        _("This meeting is %(status)s: it can no longer change.")
        % {"status": meeting.get_status_display().lower()},
        code="finished",
    )


# --- telling people -------------------------------------------------------------------------


def _tell_others(meeting: Meeting, by: User, kind: str, *, email: bool) -> None:
    for user in _members(meeting.mentorship):
        if user.pk == by.pk:
            continue
        notify(
            user=user,
            kind=kind,
            url=meeting_url(meeting),
            email=email,
            person=by.display_name,
            when=when_text(meeting.start, user),
        )


def _send_to_calendars(meeting: Meeting, kind: str) -> None:
    """kind: "invitation" (first confirmation), "update", "tentative" (another time proposed)
    or "cancellation"."""
    from .tasks import send_meeting_calendar  # the task module imports the email builders

    meeting_id, sequence = meeting.pk, meeting.sequence
    transaction.on_commit(
        lambda: send_meeting_calendar.enqueue(meeting_id=meeting_id, sequence=sequence, kind=kind)
    )


# --- the meeting's life ---------------------------------------------------------------------


@transaction.atomic
def meeting_propose(
    *,
    mentorship: Mentorship,
    by: User,
    start: datetime,
    duration: int = 60,
    mode: str = Mode.VIDEO,
    place: str = "",
    agenda: str = "",
    repeat: bool = False,
) -> Meeting:
    """Propose a meeting (and, with repeat, the next ones of a series at the program's cadence);
    the other members are asked to confirm. Returns the first meeting."""
    require_writable_member(by, mentorship)
    _check_time(start, duration)
    place, agenda = _check_details(mode, place, agenda)
    # One proposal at a time per mentorship, so that two cannot claim the same hour.
    Mentorship.objects.select_for_update().filter(pk=mentorship.pk).first()
    clash = _clash(mentorship, start, duration)
    if clash is not None:
        raise _clash_error(clash)
    starts = [start]
    if repeat:
        cadence = mentorship.program.meeting_cadence
        later = repeat_starts(start, by.timezone or "UTC", cadence, REPEAT_COUNT)
        starts += [s for s in later if _clash(mentorship, s, duration) is None]
    series = uuid.uuid4() if len(starts) > 1 else None
    meetings = [
        Meeting.objects.create(
            mentorship=mentorship,
            start=when,
            duration=duration,
            mode=mode,
            place=place,
            agenda=agenda,
            proposed_by=by,
            series=series,
        )
        for when in starts
    ]
    _tell_others(meetings[0], by, "meeting_proposed", email=True)
    return meetings[0]


@transaction.atomic
def meeting_confirm(*, meeting: Meeting, by: User) -> Meeting:
    """Another member than the proposer agrees to the proposed time; everyone's calendar gets
    the invitation."""
    meeting = _locked(meeting)
    require_writable_member(by, meeting.mentorship)
    if meeting.status != MeetingStatus.PROPOSED:
        if meeting.status == MeetingStatus.CONFIRMED:
            raise ValidationError(_("This meeting is already confirmed."), code="confirmed")
        raise _not_planned(meeting)
    if meeting.proposed_by_id == by.pk:
        raise ValidationError(
            _("You proposed this time: another member confirms it."), code="own_proposal"
        )
    if meeting.start <= timezone.now():
        raise ValidationError(_("This time has passed: propose another time instead."), code="past")
    MEETING_STATES.check(meeting.status, MeetingStatus.CONFIRMED)
    now = timezone.now()
    kind = "update" if meeting.invited_at else "invitation"
    meeting.status = MeetingStatus.CONFIRMED
    meeting.confirmed_at = now
    meeting.invited_at = meeting.invited_at or now
    meeting.sequence += 1
    meeting.save(update_fields=["status", "confirmed_at", "invited_at", "sequence", "updated_at"])
    _tell_others(meeting, by, "meeting_confirmed", email=False)
    _send_to_calendars(meeting, kind)
    return meeting


@transaction.atomic
def meeting_reschedule(
    *, meeting: Meeting, by: User, start: datetime, duration: int | None = None
) -> Meeting:
    """Either member proposes another time for a proposed or confirmed meeting: it waits for
    another member's confirmation again. Calendars that had it see it move, tentative."""
    meeting = _locked(meeting)
    require_writable_member(by, meeting.mentorship)
    if meeting.status not in PLANNED:
        raise _not_planned(meeting)
    duration = meeting.duration if duration is None else duration
    _check_time(start, duration)
    if start == meeting.start and duration == meeting.duration:
        raise ValidationError(
            {"start": _("That is already this meeting’s time. Choose another time.")},
            code="same_time",
        )
    clash = _clash(meeting.mentorship, start, duration, exclude=meeting.pk)
    if clash is not None:
        raise _clash_error(clash)
    MEETING_STATES.check(meeting.status, MeetingStatus.PROPOSED)
    meeting.start, meeting.duration = start, duration
    meeting.status = MeetingStatus.PROPOSED
    meeting.proposed_by = by
    meeting.confirmed_at = None
    meeting.sequence += 1
    meeting.save()
    _tell_others(meeting, by, "meeting_rescheduled", email=meeting.invited_at is None)
    if meeting.invited_at is not None:
        _send_to_calendars(meeting, "tentative")
    return meeting


@transaction.atomic
def meeting_update(
    *, meeting: Meeting, by: User, mode: str, place: str = "", agenda: str = ""
) -> Meeting:
    """Change how, where and what about (not when: that is proposing another time). A new
    place or way of meeting goes to calendars that have the meeting as an update."""
    meeting = _locked(meeting)
    require_writable_member(by, meeting.mentorship)
    if meeting.status not in PLANNED:
        raise _not_planned(meeting)
    place, agenda = _check_details(mode, place, agenda)
    moved = (mode, place) != (meeting.mode, meeting.place)
    if not moved and agenda == meeting.agenda:
        return meeting
    meeting.mode, meeting.place, meeting.agenda = mode, place, agenda
    if moved:
        meeting.sequence += 1
    meeting.save(update_fields=["mode", "place", "agenda", "sequence", "updated_at"])
    if moved and meeting.invited_at is not None:
        _send_to_calendars(meeting, "update")
    return meeting


def _cancel(meeting: Meeting) -> None:
    MEETING_STATES.check(meeting.status, MeetingStatus.CANCELLED)
    meeting.status = MeetingStatus.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    if meeting.invited_at is not None:
        _send_to_calendars(meeting, "cancellation")


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User) -> Meeting:
    """Call off a proposed or confirmed meeting that has not started; calendars that have it
    get a cancellation."""
    meeting = _locked(meeting)
    require_writable_member(by, meeting.mentorship)
    if meeting.status not in PLANNED:
        raise _not_planned(meeting)
    if meeting.status == MeetingStatus.CONFIRMED and meeting.start <= timezone.now():
        raise ValidationError(
            _("This meeting has started: mark it as held or missed instead."), code="started"
        )
    _cancel(meeting)
    _tell_others(meeting, by, "meeting_cancelled", email=meeting.invited_at is None)
    return meeting


@transaction.atomic
def meetings_cancel_upcoming(*, mentorship: Mentorship) -> int:
    """Cancel the mentorship's meetings still to come (when it ends); calendars are told.
    No membership check: whoever ended the mentorship was checked there."""
    upcoming = list(
        Meeting.objects.select_for_update()
        .planned()
        .filter(mentorship=mentorship, start__gt=timezone.now())
    )
    for meeting in upcoming:
        _cancel(meeting)
    return len(upcoming)


def cancel_when_finished(sender, *, mentorship: Mentorship, **kwargs) -> None:
    """A finished mentorship keeps no meeting in anyone's calendar."""
    meetings_cancel_upcoming(mentorship=mentorship)


def _check_started(meeting: Meeting, target: str) -> None:
    if meeting.status != MeetingStatus.CONFIRMED:
        if meeting.status == MeetingStatus.PROPOSED:
            raise ValidationError(
                _("This meeting was never confirmed: confirm it or cancel it."),
                code="not_confirmed",
            )
        raise _not_planned(meeting)
    if meeting.start > timezone.now():
        raise ValidationError(_("This meeting has not started yet."), code="not_started")
    MEETING_STATES.check(meeting.status, target)


@transaction.atomic
def meeting_complete(*, meeting: Meeting, by: User, minutes: int | None = None) -> Meeting:
    """Mark a confirmed meeting as held, with how long it really lasted (its planned length
    unless said otherwise): these minutes add up to the pair's hours together."""
    meeting = _locked(meeting)
    require_writable_member(by, meeting.mentorship)
    _check_started(meeting, MeetingStatus.COMPLETED)
    minutes = meeting.duration if minutes is None else minutes
    if not isinstance(minutes, int) or not 1 <= minutes <= MINUTES_MAX:
        raise ValidationError(
            {"minutes": _("Give the minutes you met, from 1 to %(n)s.") % {"n": MINUTES_MAX}}
        )
    meeting.status = MeetingStatus.COMPLETED
    meeting.minutes_logged = minutes
    meeting.save(update_fields=["status", "minutes_logged", "updated_at"])
    webhook_events.meeting_completed(meeting)
    return meeting


@transaction.atomic
def meeting_mark_missed(*, meeting: Meeting, by: User) -> Meeting:
    """A confirmed meeting that did not take place."""
    meeting = _locked(meeting)
    require_writable_member(by, meeting.mentorship)
    _check_started(meeting, MeetingStatus.MISSED)
    meeting.status = MeetingStatus.MISSED
    meeting.save(update_fields=["status", "updated_at"])
    return meeting


# --- notes ----------------------------------------------------------------------------------


def _check_note(text: str) -> str:
    text = (text or "").strip()
    if len(text) > NOTE_MAX:
        raise ValidationError(
            {"text": _("Keep the note under %(n)s characters.") % {"n": NOTE_MAX}}
        )
    return text


@transaction.atomic
def shared_note_save(*, meeting: Meeting, by: User, text: str, version: int) -> MeetingNote:
    """Save the shared note if nobody saved it since `version` (0 before the first save);
    otherwise raise NoteConflict carrying the note as it is now, and change nothing."""
    meeting = _locked(meeting)  # the meeting's lock serialises the note's saves
    require_writable_member(by, meeting.mentorship)
    text = _check_note(text)
    note = MeetingNote.objects.select_related("last_edited_by").filter(meeting=meeting).first()
    if note is None and version != 0:
        # Nothing was saved yet, so nobody's text is there to compare with (a stale page cannot
        # send this; a tampered form or an API call can).
        raise ValidationError(
            {"version": _("Nobody has saved this note yet: save it from version 0.")},
            code="no_note",
        )
    if note is not None and version != note.version:
        raise NoteConflict(note)
    note = note or MeetingNote(meeting=meeting)
    note.text = text
    note.version += 1
    note.last_edited_by = by
    note.save()
    return note


@transaction.atomic
def private_note_save(*, meeting: Meeting, by: User, text: str) -> PrivateNote:
    """A member's own note on the meeting, seen by nobody else."""
    require_writable_member(by, meeting.mentorship)
    text = _check_note(text)
    note, _created = PrivateNote.objects.update_or_create(
        meeting=meeting, author=by, defaults={"text": text}
    )
    return note


# --- action items ---------------------------------------------------------------------------


@transaction.atomic
def action_item_add(
    *,
    mentorship: Mentorship,
    by: User,
    title: str,
    assignee: User,
    due: date | None = None,
    meeting: Meeting | None = None,
) -> ActionItem:
    """Something one member will do, by a date; the assignee is told (unless it is the person
    writing it)."""
    require_writable_member(by, mentorship)
    errors = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = _("Say what is to be done.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Keep it under %(n)s characters.") % {"n": TITLE_MAX}
    if assignee is None or not is_member(assignee, mentorship):
        errors["assignee"] = _("Choose a member of this mentorship.")
    if due is not None and due < timezone.localdate():
        errors["due"] = _("This date has passed: choose today or later.")
    if meeting is not None and meeting.mentorship_id != mentorship.pk:
        raise ValueError("the meeting belongs to another mentorship")
    if errors:
        raise ValidationError(errors)
    item = ActionItem.objects.create(
        mentorship=mentorship,
        meeting=meeting,
        title=title,
        assignee=assignee,
        due=due,
        created_by=by,
    )
    if assignee.pk != by.pk:
        notify(
            user=assignee,
            kind="action_item_assigned",
            url=meeting_url(meeting)
            if meeting
            else reverse("mentorship_detail", args=[mentorship.pk]),
            person=by.display_name,
            title=title,
        )
    return item


@transaction.atomic
def action_item_set_done(*, item: ActionItem, by: User, done: bool = True) -> ActionItem:
    """Tick an action item done (or open it again). Any member may: the pair keeps one list."""
    item = ActionItem.objects.select_for_update().get(pk=item.pk)
    mentorship = Mentorship.objects.prefetch_related("memberships").get(pk=item.mentorship_id)
    require_writable_member(by, mentorship)
    if done == (item.done_at is not None):
        return item
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at"])
    return item


# --- calendar feeds -------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_create(*, user: User) -> tuple[CalendarFeed, str]:
    """A new private feed address for the person; any earlier one stops working. Returns the
    feed and its secret token, which is stored only as a hash: show it now or never."""
    calendar_feed_revoke(user=user)
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed.objects.create(user=user, token_hash=hash_token(token))
    return feed, token


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> int:
    """Stop the person's feed address from working; how many were revoked."""
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
