"""Closure and transition: the end of a mentorship, each member's reflection, and what comes next.

The life of a closure:

- **Start.** A member or a coordinator closes an active or paused mentorship
  (`closure_start`), a coordinator closes a whole cohort at once (`closures_bulk_start`), or the
  program's end date does (`closure_start_due`, after a `closure_upcoming` notice
  `Program.closure_notice_days` before). The mentorship is then "closing": its workspace still
  works, and every member is asked for a reflection.
- **Outcome.** Decided at the start from the reason: goals achieved and the program's end
  *complete* a mentorship; any other reason (a mismatch, no time, another) *ends it early*. A
  coordinator may choose the other outcome. The outcome is what the mentorship becomes when the
  closure finishes, and what reports count as completion.
- **Reflections.** Each member writes one (`reflection_submit`), and may change it until the
  closure finishes; a note of thanks is told to the others at once.
- **Finish.** As soon as every member has reflected, the mentorship becomes completed or ended
  early (seats freed, upcoming meetings cancelled, members told). Nobody stays "closing"
  forever: seven days after the start the members who have not reflected are reminded once, and
  thirty days after the start the closure finishes anyway (`closure_finish_due`).
- **Reopen.** A coordinator who closed by mistake reopens (`closure_reopen`): an open closure at
  any time, a finished one within REOPEN_WINDOW and only if every seat is still free. The
  mentorship is active again and the same Closure row keeps the history (reopened_at); if it
  closes later, the row starts over and the reflections written before count only as drafts.

Ending early (services.mentorship_end_early) stays the immediate way out, without a round of
reflections; it records a finished closure too (`closure_record_end`), so that every mentorship
that had started and then ended has a reason and an outcome in the reports.

Every write here locks the mentorship row first: that one lock orders every change to its
closure and reflections.
"""

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.engagement.services import notify
from lodestar.evaluations.models import SurveyAssignment
from lodestar.meetings.states import MeetingStatus
from lodestar.programs.models import Program, Role
from lodestar.programs.policy import is_coordinator
from lodestar.programs.states import EnrolmentStatus
from lodestar.webhooks import events as webhook_events

from . import seats
from .goal_states import GoalStatus
from .models import (
    Closure,
    ClosureNotice,
    ClosureReason,
    Membership,
    Mentorship,
    Outcome,
    Reflection,
    Transition,
)
from .signals import mentorship_finished
from .states import MENTORSHIP_STATES, MentorshipStatus

REMIND_AFTER = timedelta(days=7)
FINISH_AFTER = timedelta(days=30)
REOPEN_WINDOW = timedelta(days=30)
COMPLETING_REASONS = frozenset({ClosureReason.GOALS_ACHIEVED, ClosureReason.PROGRAM_ENDED})
CLOSABLE = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED)
NOTE_MAX = 2000
TEXT_MAX = 5000
GRATITUDE_MAX = 3000
BATCH = 500


def closure_url(mentorship: Mentorship) -> str:
    return reverse("mentorship_closure", args=[mentorship.pk])


def outcome_for(reason: str) -> str:
    """The outcome a reason leads to, unless a coordinator chooses otherwise."""
    return Outcome.COMPLETED if reason in COMPLETING_REASONS else Outcome.ENDED_EARLY


def _locked(mentorship: Mentorship) -> Mentorship:
    return (
        Mentorship.objects.select_for_update(of=("self",))
        .select_related("program")
        .get(pk=mentorship.pk)
    )


def _members(mentorship: Mentorship) -> list[Membership]:
    return list(mentorship.memberships.select_related("user", "enrolment").order_by("-role", "id"))


def _names(members: Iterable[Membership], but: int | None = None) -> str:
    return ", ".join(m.user.display_name for m in members if m.user_id != but)


def _tell(
    members: Sequence[Membership],
    mentorship: Mentorship,
    kind: str,
    *,
    skip: User | None = None,
    **params: str,
) -> None:
    for member in members:
        if skip is not None and member.user_id == skip.pk:
            continue
        notify(
            user=member.user,
            kind=kind,
            url=closure_url(mentorship),
            other=_names(members, but=member.user_id),
            program=mentorship.program.name,
            **params,
        )


def _closure_of(mentorship: Mentorship) -> Closure | None:
    return Closure.objects.filter(mentorship=mentorship).first()


def current_reflections(closure: Closure, reflections: Iterable[Reflection]) -> list[Reflection]:
    """The reflections of this closure's round: those written since it (re)started. Earlier
    ones belong to a closure a coordinator reopened; they are kept as drafts."""
    return [r for r in reflections if r.submitted_at >= closure.started_at]


# Starting ------------------------------------------------------------------------------------


def _check_start(reason: str, reason_note: str, outcome: str | None) -> str:
    errors = {}
    if reason not in ClosureReason.values:
        errors["reason"] = _("Choose why the mentorship ends.")
    if len(reason_note) > NOTE_MAX:
        errors["reason_note"] = _("Keep the note under 2000 characters.")
    if outcome not in (None, "", *Outcome.values):
        errors["outcome"] = _("Choose an outcome from the list.")
    if errors:
        raise ValidationError(errors)
    return outcome or outcome_for(reason)


def _start(
    current: Mentorship,
    *,
    by: User | None,
    reason: str,
    reason_note: str,
    outcome: str,
    now: datetime,
) -> Closure:
    """Move a locked mentorship to closing and (re)start its closure; the checks are done."""
    if current.status not in CLOSABLE:
        raise ValidationError(
            _("Only an active or paused mentorship can be closed; this one is %(status)s.")
            % {"status": current.get_status_display().lower()},
            code="not_running",
        )
    MENTORSHIP_STATES.check(current.status, MentorshipStatus.CLOSING)
    closure = _closure_of(current) or Closure(mentorship=current)
    closure.started_by = by
    closure.started_at = now
    closure.reason = reason
    closure.reason_note = reason_note
    closure.outcome = outcome
    closure.finished_at = None
    closure.reminded_at = None
    closure.save()
    current.status = MentorshipStatus.CLOSING
    current.save(update_fields=["status", "updated_at"])
    who = by.display_name if by is not None else _("The program’s end date")
    _tell(_members(current), current, "closure_started", skip=by, person=who)
    return closure


@transaction.atomic
def closure_start(
    *,
    mentorship: Mentorship,
    by: User,
    reason: str,
    reason_note: str = "",
    outcome: str | None = None,
) -> Closure:
    """A member or a coordinator starts closing an active or paused mentorship. The outcome
    follows from the reason (outcome_for); only a coordinator may choose it. The other members
    are asked for their reflection."""
    reason_note = (reason_note or "").strip()
    chosen = _check_start(reason, reason_note, outcome)
    current = _locked(mentorship)
    coordinates = is_coordinator(by, current.program)
    if not coordinates and not current.memberships.filter(user=by).exists():
        raise ValidationError(_("You are not part of this mentorship."), code="not_member")
    if outcome and not coordinates:
        raise ValidationError(
            {"outcome": _("Only a coordinator can choose the outcome.")}, code="not_coordinator"
        )
    return _start(
        current, by=by, reason=reason, reason_note=reason_note, outcome=chosen, now=timezone.now()
    )


@transaction.atomic
def closures_bulk_start(
    *,
    program: Program,
    by: User,
    mentorships: Sequence[Mentorship] | None = None,
    reason: str = ClosureReason.PROGRAM_ENDED,
) -> int:
    """A coordinator closes every running (active or paused) mentorship of the program, or the
    chosen ones, at the end of a cohort: all of them or, if one cannot be closed, none.
    Returns how many closures started."""
    if not is_coordinator(by, program):
        raise ValidationError(
            _("Only a coordinator of the program can close its mentorships."),
            code="not_coordinator",
        )
    _check_start(reason, "", None)
    running = Mentorship.objects.filter(program=program, status__in=CLOSABLE)
    if mentorships is not None:
        wanted = {m.pk for m in mentorships}
        if not wanted:
            raise ValidationError(_("Choose at least one mentorship to close."), code="empty")
        running = running.filter(pk__in=wanted)
        if running.count() != len(wanted):
            raise ValidationError(
                _(
                    "Some of the chosen mentorships are no longer running, or are not in this "
                    "program. Nothing was closed: look at the list again."
                ),
                code="not_running",
            )
    now = timezone.now()
    started = 0
    for pk in running.order_by("pk").values_list("pk", flat=True):
        current = Mentorship.objects.select_for_update(of=("self",)).select_related("program")
        _start(
            current.get(pk=pk),
            by=by,
            reason=reason,
            reason_note="",
            outcome=outcome_for(reason),
            now=now,
        )
        started += 1
    return started


def closure_start_due(now: datetime | None = None) -> int:
    """The scheduler's job for program end dates: the notice `closure_notice_days` before (once
    per mentorship and end date), then, from the end date on, a closure of every mentorship still
    running (started by nobody, reason "the program ended"). A mentorship a coordinator reopened
    on or after the end date is left alone: they kept it going on purpose. Returns notices sent
    plus closures started."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    return _announce_upcoming(today) + _close_ended_programs(today, now)


def _running(programs) -> QuerySet:
    return Mentorship.objects.filter(program__in=programs, status__in=CLOSABLE)


def _kept_on_purpose(closure: Closure | None, program: Program) -> bool:
    """Reopened by a coordinator on or after the program's end date: not for the end date to
    close again. (One reopened earlier in the program closes at its end like any other.)"""
    return bool(
        closure is not None
        and closure.reopened_at is not None
        and timezone.localdate(closure.reopened_at) >= program.end_date
    )


def _announce_upcoming(today: date) -> int:
    horizon = today + timedelta(days=max_notice_days())
    programs = [
        p
        for p in Program.objects.filter(end_date__gt=today, end_date__lte=horizon)
        if p.end_date - today <= timedelta(days=p.closure_notice_days)
    ]
    sent = 0
    for program in programs:
        due = (
            _running([program])
            .exclude(closure_notices__end_date=program.end_date)
            .values_list("pk", flat=True)[:BATCH]
        )
        for pk in list(due):
            with transaction.atomic():
                _notice, created = ClosureNotice.objects.get_or_create(
                    mentorship_id=pk, end_date=program.end_date
                )
                if not created:
                    continue  # another scheduler sent it
                mentorship = Mentorship.objects.select_related("program").get(pk=pk)
                when = formats.date_format(program.end_date, "DATE_FORMAT")
                _tell(_members(mentorship), mentorship, "closure_upcoming", when=when)
                sent += 1
    return sent


def max_notice_days() -> int:
    field = Program._meta.get_field("closure_notice_days")
    return min(v.limit_value for v in field.validators if isinstance(v, MaxValueValidator))


def _close_ended_programs(today: date, now: datetime) -> int:
    ended = Program.objects.filter(end_date__lte=today)
    due = list(
        _running(ended)
        .exclude(closure__reopened_at__date__gte=F("program__end_date"))
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    )
    started = 0
    for pk in due:
        with transaction.atomic():
            current = _locked(Mentorship(pk=pk))
            if current.status not in CLOSABLE or _kept_on_purpose(
                _closure_of(current), current.program
            ):
                continue  # moved on since the query, or another scheduler was first
            _start(
                current,
                by=None,
                reason=ClosureReason.PROGRAM_ENDED,
                reason_note="",
                outcome=Outcome.COMPLETED,
                now=now,
            )
            started += 1
    return started


# Reflections ---------------------------------------------------------------------------------


def _check_reflection(
    accomplishments: str, learned: str, differently: str, gratitude: str, transition: str
) -> None:
    errors = {}
    if not accomplishments:
        errors["accomplishments"] = _("Say what you accomplished, in a sentence or more.")
    limits = (
        ("accomplishments", accomplishments, TEXT_MAX),
        ("learned", learned, TEXT_MAX),
        ("differently", differently, TEXT_MAX),
        ("gratitude", gratitude, GRATITUDE_MAX),
    )
    for name, value, limit in limits:
        if len(value) > limit:
            errors[name] = _("Keep this under %(limit)s characters.") % {"limit": limit}
    if transition not in Transition.values:
        errors["transition"] = _("Choose what comes next.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def reflection_submit(
    *,
    closure: Closure,
    by: User,
    accomplishments: str,
    learned: str = "",
    differently: str = "",
    gratitude: str = "",
    transition: str,
) -> Reflection:
    """A member's reflection on a closing mentorship, written once and changed at will until the
    closure finishes. A first note of thanks is told to the other members. When every member
    has reflected, the closure finishes."""
    accomplishments, learned, differently, gratitude = (
        (value or "").strip() for value in (accomplishments, learned, differently, gratitude)
    )
    _check_reflection(accomplishments, learned, differently, gratitude, transition)
    current = _locked(closure.mentorship)
    members = _members(current)
    if not any(m.user_id == by.pk for m in members):
        raise ValidationError(_("You are not part of this mentorship."), code="not_member")
    closure = Closure.objects.get(pk=closure.pk)
    if current.status != MentorshipStatus.CLOSING:
        raise ValidationError(
            _(
                "This mentorship is no longer closing: reflections can no longer be written "
                "or changed."
            ),
            code="closure_over",
        )
    now = timezone.now()
    reflection = Reflection.objects.filter(closure=closure, user=by).first()
    thanked_before = bool(
        reflection and reflection.gratitude and reflection.submitted_at >= closure.started_at
    )
    reflection = reflection or Reflection(closure=closure, user=by)
    reflection.accomplishments = accomplishments
    reflection.learned = learned
    reflection.differently = differently
    reflection.gratitude = gratitude
    reflection.transition = transition
    reflection.submitted_at = now
    reflection.save()
    if gratitude and not thanked_before:
        others = [m for m in members if m.user_id != by.pk]
        _tell(others, current, "gratitude_received", person=by.display_name)
    reflected = {r.user_id for r in current_reflections(closure, closure.reflections.all())}
    if all(m.user_id in reflected for m in members):
        _finish(current, closure, members, now)
    return reflection


# Finishing -----------------------------------------------------------------------------------


def _finish(
    current: Mentorship, closure: Closure, members: Sequence[Membership], now: datetime
) -> None:
    """The locked, closing mentorship becomes completed or ended early, per the outcome."""
    status = (
        MentorshipStatus.COMPLETED
        if closure.outcome == Outcome.COMPLETED
        else MentorshipStatus.ENDED_EARLY
    )
    MENTORSHIP_STATES.check(current.status, status)
    current.status = status
    current.ended_at = now
    current.ended_by = closure.started_by
    current.end_reason = "\n".join(
        part for part in (str(closure.get_reason_display()), closure.reason_note) if part
    )
    current.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "updated_at"])
    closure.finished_at = now
    closure.save(update_fields=["finished_at"])
    mentorship_finished.send(sender=Mentorship, mentorship=current)
    webhook_events.mentorship_closed(current, closure)
    kind = "mentorship_completed" if status == MentorshipStatus.COMPLETED else "mentorship_ended"
    _tell(members, current, kind)


def closure_finish_due(now: datetime | None = None) -> int:
    """The scheduler's job: finish every open closure whose members have all reflected (a member
    who left a circle can leave it so), and every one open FINISH_AFTER since its start whoever
    has reflected, so that no mentorship stays "closing" for ever. Returns how many finished."""
    now = now or timezone.now()
    candidates = list(
        Closure.objects.open()
        .order_by("started_at", "pk")
        .prefetch_related("reflections", "mentorship__memberships")[:BATCH]
    )
    finished = 0
    for candidate in candidates:
        members = {m.user_id for m in candidate.mentorship.memberships.all()}
        reflected = {r.user_id for r in current_reflections(candidate, candidate.reflections.all())}
        if candidate.started_at > now - FINISH_AFTER and not members <= reflected:
            continue
        with transaction.atomic():
            current = _locked(candidate.mentorship)
            closure = Closure.objects.get(pk=candidate.pk)
            if current.status != MentorshipStatus.CLOSING or closure.started_at != (
                candidate.started_at
            ):
                continue  # finished, reopened or restarted meanwhile
            _finish(current, closure, _members(current), now)
            finished += 1
    return finished


def closure_remind_due(now: datetime | None = None) -> int:
    """The scheduler's job: REMIND_AFTER a closure started, one reminder to each member who has
    not reflected. The closure is claimed first (reminded_at), so nobody is reminded twice.
    Returns how many reminders went out."""
    now = now or timezone.now()
    due = list(
        Closure.objects.open()
        .filter(reminded_at__isnull=True, started_at__lte=now - REMIND_AFTER)
        .values_list("pk", flat=True)[:BATCH]
    )
    sent = 0
    for pk in due:
        with transaction.atomic():
            claimed = (
                Closure.objects.open()
                .filter(pk=pk, reminded_at__isnull=True)
                .update(reminded_at=now)
            )
            if not claimed:
                continue
            closure = Closure.objects.select_related("mentorship__program").get(pk=pk)
            mentorship = closure.mentorship
            members = _members(mentorship)
            reflected = {r.user_id for r in current_reflections(closure, closure.reflections.all())}
            waiting = [m for m in members if m.user_id not in reflected]
            for member in waiting:
                notify(
                    user=member.user,
                    kind="closure_reminder",
                    url=closure_url(mentorship),
                    other=_names(members, but=member.user_id),
                    program=mentorship.program.name,
                )
            sent += len(waiting)
    return sent


# Ending early --------------------------------------------------------------------------------


def closure_record_end(
    *, mentorship: Mentorship, by: User, note: str, was: str, reason: str = ClosureReason.OTHER
) -> Closure | None:
    """Called by services.mentorship_end_early, inside its transaction, once the locked
    mentorship has ended early: a finished closure with the outcome "ended early", so that
    reports see every mentorship that started and ended. An open closure simply finishes so
    (its reason kept); a proposal that never started gets none."""
    if reason not in ClosureReason.values:
        raise ValueError(f"unknown closure reason {reason!r}")
    if was == MentorshipStatus.PROPOSED:
        return None
    now = timezone.now()
    closure = _closure_of(mentorship)
    if closure is None or was != MentorshipStatus.CLOSING:
        closure = closure or Closure(mentorship=mentorship)
        closure.started_by = by
        closure.started_at = now
        closure.reason = reason
        closure.reason_note = note[:NOTE_MAX]
        closure.reminded_at = None
    closure.outcome = Outcome.ENDED_EARLY
    closure.finished_at = now
    closure.save()
    webhook_events.mentorship_closed(mentorship, closure)
    return closure


# Reopening -----------------------------------------------------------------------------------


def reopen_deadline(closure: Closure) -> datetime | None:
    """Until when a finished closure may be reopened (None for one that is not finished)."""
    return closure.finished_at + REOPEN_WINDOW if closure.finished_at else None


def can_reopen(closure: Closure, mentorship: Mentorship, now: datetime | None = None) -> bool:
    """Whether the closure is in a state to be reopened (who may do it is the policy's)."""
    if mentorship.status == MentorshipStatus.CLOSING:
        return True
    if mentorship.status not in (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY):
        return False
    deadline = reopen_deadline(closure)
    return deadline is not None and (now or timezone.now()) <= deadline


def _check_seats(members: Sequence[Membership]) -> None:
    """Every member may hold this mentorship's seat again: still approved, a mentee (or peer)
    not in another mentorship of the program, a mentor with room for its mentees."""
    locked = seats.lock([m.enrolment for m in members])
    mentees = sum(1 for m in members if m.role != Role.MENTOR)
    for member in members:
        enrolment = locked[member.enrolment_id]
        name = member.user.display_name
        if enrolment.status != EnrolmentStatus.APPROVED:
            raise ValidationError(
                _("%(name)s is no longer in the program: the mentorship cannot be reopened.")
                % {"name": name},
                code="not_approved",
            )
        if member.role == Role.MENTOR:
            room = seats.capacity_of(enrolment) - seats.seats_taken(enrolment)
            if room < mentees:
                raise ValidationError(
                    _(
                        "%(name)s has given this seat to another mentee since (capacity "
                        "%(capacity)s): the mentorship cannot be reopened. Free a seat first."
                    )
                    % {"name": name, "capacity": seats.capacity_of(enrolment)},
                    code="seat_taken",
                )
        elif seats.seats_taken(enrolment):
            raise ValidationError(
                _(
                    "%(name)s has started another mentorship in this program since: the "
                    "mentorship cannot be reopened."
                )
                % {"name": name},
                code="seat_taken",
            )


@transaction.atomic
def closure_reopen(*, closure: Closure, by: User) -> Closure:
    """A coordinator undoes a closure made by mistake: an open one at any time, a finished one
    within REOPEN_WINDOW if every seat is still free. The mentorship is active again and its
    members are told."""
    current = _locked(closure.mentorship)
    if not is_coordinator(by, current.program):
        raise ValidationError(
            _("Only a coordinator of the program can reopen a mentorship."),
            code="not_coordinator",
        )
    closure = Closure.objects.get(pk=closure.pk)
    now = timezone.now()
    if not can_reopen(closure, current, now):
        if current.status in (MentorshipStatus.COMPLETED, MentorshipStatus.ENDED_EARLY):
            raise ValidationError(
                _("A closure can be reopened within %(days)s days of its end; this one is older.")
                % {"days": REOPEN_WINDOW.days},
                code="too_late",
            )
        raise ValidationError(_("This mentorship is not closed."), code="not_closed")
    members = _members(current)
    if current.status != MentorshipStatus.CLOSING:
        _check_seats(members)  # a closing mentorship never gave its seats up
    MENTORSHIP_STATES.check(current.status, MentorshipStatus.ACTIVE)
    current.status = MentorshipStatus.ACTIVE
    current.ended_at = None
    current.ended_by = None
    current.end_reason = ""
    current.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "updated_at"])
    closure.finished_at = None
    closure.reopened_at = now
    closure.reopened_by = by
    closure.save(update_fields=["finished_at", "reopened_at", "reopened_by"])
    _tell(members, current, "closure_reopened")
    return closure


# Reads for the pages -------------------------------------------------------------------------


def pending_survey_url(user: User, mentorship: Mentorship) -> str | None:
    """The answer page of the person's pending survey about this mentorship (the end-of-program
    survey the evaluations scheduler assigns at closure), if there is one. (The page belongs to
    the evaluations app; without its route the closure page simply shows no link.)"""
    assignment = (
        SurveyAssignment.objects.filter(user=user, mentorship=mentorship, status="pending")
        .order_by("due_at", "pk")
        .first()
    )
    if assignment is None:
        return None
    try:
        return reverse("survey_answer", args=[assignment.pk])
    except NoReverseMatch:
        return None


def certificate_facts(mentorship: Mentorship, membership: Membership) -> dict:
    """What a certificate states: hours met (meetings held), meetings, goals achieved (for a
    mentee their own and the shared ones; for a mentor all of the mentorship's)."""
    held = mentorship.meetings.filter(status=MeetingStatus.COMPLETED).aggregate(
        minutes=Sum("duration"), count=Count("id")
    )
    goals = mentorship.goals.accepted().filter(status=GoalStatus.ACHIEVED)
    if membership.role != Role.MENTOR:
        goals = goals.filter(Q(owner=membership.user) | Q(owner__isnull=True))
    minutes = held["minutes"] or 0
    return {
        "hours": round(minutes / 60 * 2) / 2,  # to the half hour
        "meetings": held["count"],
        "goals_achieved": goals.count(),
    }
