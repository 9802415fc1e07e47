"""Check-ins: each member says, once per period, how their mentorship is going.

The program's meeting cadence cuts a mentorship into periods counted from its start date
(weekly: 7 days; every two weeks: 14; monthly and "as needed": 30). The first check-in is due
one period after the start — on day one there is nothing to report yet — and then every period.

A check-in is private to its author. The program's coordinators see its mood and its help flag;
they read its words only when the member asked to be contacted ("wants_contact"), and then
every coordinator of the program hears of it at once.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.mentorships.models import Mentorship
from lodestar.mentorships.policy import require_writable_member
from lodestar.mentorships.states import MentorshipStatus
from lodestar.programs.models import Cadence
from lodestar.programs.policy import is_coordinator
from lodestar.webhooks import events as webhook_events

from .models import CheckIn, CheckInInvitation, Mood
from .services import alert_coordinators, notify

PERIOD_DAYS = {
    Cadence.WEEKLY: 7,
    Cadence.FORTNIGHTLY: 14,
    Cadence.MONTHLY: 30,
    Cadence.AS_NEEDED: 30,
}
TEXT_MAX = 2000


def period_days(mentorship: Mentorship) -> int:
    return PERIOD_DAYS.get(mentorship.program.meeting_cadence, 30)


def current_period_start(mentorship: Mentorship, today: date) -> date | None:
    """The start of the check-in period `today` falls in; None before the first one opens
    (or for a mentorship that has not started)."""
    start = mentorship.start_date
    if start is None:
        return None
    length = period_days(mentorship)
    elapsed = (today - start).days
    if elapsed < length:
        return None
    return start + timedelta(days=elapsed // length * length)


@dataclass(frozen=True)
class CheckInDue:
    period_start: date | None  # None: no check-in is open yet
    next_start: date | None  # when the following period opens
    checkin: CheckIn | None  # this period's check-in, if the member sent it

    @property
    def open(self) -> bool:
        return self.period_start is not None

    @property
    def submitted(self) -> bool:
        return self.checkin is not None


def checkin_due(mentorship: Mentorship, user: User, today: date | None = None) -> CheckInDue:
    """The member's current period and whether they checked in for it (one query at most)."""
    today = today or timezone.localdate()
    period = current_period_start(mentorship, today)
    length = period_days(mentorship)
    if period is None:
        following = (
            mentorship.start_date + timedelta(days=length) if mentorship.start_date else None
        )
        return CheckInDue(None, following, None)
    checkin = CheckIn.objects.filter(mentorship=mentorship, user=user, period_start=period).first()
    return CheckInDue(period, period + timedelta(days=length), checkin)


def checkin_url(mentorship: Mentorship) -> str:
    return reverse("checkin", args=[mentorship.pk])


def program_checkins_url(program) -> str:
    return reverse("program_checkins", args=[program.slug])


def _help_recipients(program) -> list[User]:
    """Every active coordinator of the program; a program without one falls back to the
    site's admins, so that a call for help is never lost."""
    coordinators = list(program.coordinators.filter(is_active=True))
    if coordinators:
        return coordinators
    return list(User.objects.filter(is_superuser=True, is_active=True))


@transaction.atomic
def checkin_submit(
    *,
    mentorship: Mentorship,
    by: User,
    mood,
    progress: str = "",
    blockers: str = "",
    wants_contact: bool = False,
    today: date | None = None,
) -> CheckIn:
    """A member checks in for the current period: once per period."""
    require_writable_member(by, mentorship)
    today = today or timezone.localdate()
    period = current_period_start(mentorship, today)
    if period is None:
        if mentorship.start_date is None:
            raise ValidationError(
                _("Check-ins begin once the mentorship has started."), code="not_started"
            )
        opens = mentorship.start_date + timedelta(days=period_days(mentorship))
        raise ValidationError(
            _("Your first check-in opens on %(date)s.")
            % {"date": date_format(opens, "DATE_FORMAT")},
            code="not_open",
        )
    errors = {}
    try:
        mood = int(mood)
    except (TypeError, ValueError):
        mood = None
    if mood not in Mood.values:
        errors["mood"] = _("Choose how it is going, from 1 (very badly) to 5 (very well).")
    progress = (progress or "").strip()
    blockers = (blockers or "").strip()
    for name, text in (("progress", progress), ("blockers", blockers)):
        if len(text) > TEXT_MAX:
            errors[name] = _("Please keep it under %(max)d characters (this has %(count)d).") % {
                "max": TEXT_MAX,
                "count": len(text),
            }
    if errors:
        raise ValidationError(errors, code="invalid")
    already = ValidationError(
        _("You already checked in for this period. The next check-in opens on %(date)s.")
        % {"date": date_format(period + timedelta(days=period_days(mentorship)), "DATE_FORMAT")},
        code="already",
    )
    if CheckIn.objects.filter(mentorship=mentorship, user=by, period_start=period).exists():
        raise already
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(
                mentorship=mentorship,
                user=by,
                period_start=period,
                mood=mood,
                progress=progress,
                blockers=blockers,
                wants_contact=bool(wants_contact),
            )
            if checkin.wants_contact:  # in the check-in's own transaction: both or neither
                webhook_events.checkin_flagged(checkin)
    except IntegrityError:  # the same member, twice at once
        raise already from None
    if checkin.wants_contact:
        program = mentorship.program
        url = program_checkins_url(program)
        alert_coordinators(
            program=program,
            kind="checkin_help_wanted",
            url=url,
            users=_help_recipients(program),
            person=by.display_name,
        )
    return checkin


@transaction.atomic
def checkin_help_handle(*, checkin: CheckIn, by: User) -> CheckIn:
    """A coordinator marks a member's request to be contacted as dealt with."""
    locked = (
        CheckIn.objects.select_for_update(of=("self",))
        .select_related("mentorship__program")
        .get(pk=checkin.pk)
    )
    if not is_coordinator(by, locked.mentorship.program):
        raise ValidationError(
            _("Only the program’s coordinators handle requests for help."), code="not_coordinator"
        )
    if not locked.wants_contact:
        raise ValidationError(_("This check-in did not ask for help."), code="no_help")
    if locked.handled_at is not None:
        raise ValidationError(_("This request was already marked as handled."), code="handled")
    locked.handled_at = timezone.now()
    locked.handled_by = by
    locked.save(update_fields=["handled_at", "handled_by"])
    return locked


def checkin_invitations_due(today: date | None = None) -> int:
    """Invite every member of every active mentorship whose current period has neither a
    check-in nor an invitation yet (`checkin_due` notice). Safe to run as often as you like:
    each (mentorship, member, period) is invited once. Returns how many were invited."""
    today = today or timezone.localdate()
    mentorships = (
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE, start_date__lte=today)
        .select_related("program")
        .prefetch_related("memberships__user")
    )
    candidates = []
    for mentorship in mentorships.iterator(chunk_size=500):
        period = current_period_start(mentorship, today)
        if period is None:
            continue
        for membership in mentorship.memberships.all():
            if membership.user.is_active:
                candidates.append((mentorship, membership.user, period))
    if not candidates:
        return 0
    ids = {m.pk for m, _u, _p in candidates}
    periods = {p for _m, _u, p in candidates}
    done = set(
        CheckIn.objects.filter(mentorship_id__in=ids, period_start__in=periods).values_list(
            "mentorship_id", "user_id", "period_start"
        )
    ) | set(
        CheckInInvitation.objects.filter(
            mentorship_id__in=ids, period_start__in=periods
        ).values_list("mentorship_id", "user_id", "period_start")
    )
    sent = 0
    for mentorship, user, period in candidates:
        if (mentorship.pk, user.pk, period) in done:
            continue
        with transaction.atomic():
            _invitation, created = CheckInInvitation.objects.get_or_create(
                mentorship=mentorship, user=user, period_start=period
            )
            if not created:  # another run got there first
                continue
            notify(
                user=user,
                kind="checkin_due",
                url=checkin_url(mentorship),
                program=mentorship.program.name,
            )
        sent += 1
    return sent
