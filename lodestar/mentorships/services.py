"""Writes on mentorships: making one, each member's answer, pausing, resuming, ending early.

Matching (runs, requests, manual pairs) decides *who*; these functions make it so, checking
seats under lock. Notifications go out from here, so every path tells people the same way.
"""

from collections.abc import Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.core.states import IllegalTransition
from lodestar.engagement.services import notify
from lodestar.programs.models import Enrolment, Program, Role
from lodestar.programs.policy import is_coordinator
from lodestar.programs.states import EnrolmentStatus
from lodestar.webhooks import events as webhook_events

from . import seats
from .closure import closure_record_end
from .models import ClosureReason, Membership, Mentorship, Origin
from .signals import mentorship_finished
from .states import MENTORSHIP_STATES, MentorshipStatus, Response

REASON_MAX = 2000


def mentorship_url(mentorship: Mentorship) -> str:
    return reverse("mentorship_detail", args=[mentorship.pk])


@transaction.atomic
def mentorship_create(
    *,
    program: Program,
    mentors: Sequence[Enrolment],
    mentees: Sequence[Enrolment],
    origin: str,
    by: User | None,
    status: str = MentorshipStatus.PROPOSED,
    score: float | None = None,
    match_run=None,
    allow_over_capacity: bool = False,
    override_reason: str = "",
    notify_members: bool = True,
) -> Mentorship:
    """A mentorship between these enrolments of the program, holding their seats.

    In a peer program, pass both peers as `mentees` and no mentor. Everyone must be approved in
    the program in the right role and not already hold a seat; mentors must have seats left
    unless allow_over_capacity (a coordinator's logged override). status is PROPOSED (each
    member then accepts or declines) or ACTIVE (everyone has already agreed).
    """
    if status not in (MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE):
        raise ValueError("a mentorship starts proposed or active")
    if origin not in Origin.values:
        raise ValueError(f"unknown origin {origin!r}")
    locked = seats.lock([*mentors, *mentees])
    mentors = [locked[e.pk] for e in mentors]
    mentees = [locked[e.pk] for e in mentees]
    _check_people(program, mentors, mentees)
    if not allow_over_capacity:
        for mentor in mentors:
            left = seats.seats_left(mentor)
            if left < len(mentees):
                raise ValidationError(
                    _("%(name)s has no seat left (capacity %(capacity)s).")
                    % {"name": mentor.user.display_name, "capacity": seats.capacity_of(mentor)},
                    code="mentor_full",
                )
    now = timezone.now()
    mentorship = Mentorship.objects.create(
        program=program,
        origin=origin,
        status=status,
        score=score,
        match_run=match_run,
        created_by=by,
        override_reason=(override_reason or "").strip(),
        start_date=_start_date(program) if status == MentorshipStatus.ACTIVE else None,
        planned_end_date=program.end_date,
    )
    answered = Response.ACCEPTED if status == MentorshipStatus.ACTIVE else Response.PENDING
    Membership.objects.bulk_create(
        Membership(
            mentorship=mentorship,
            enrolment=enrolment,
            user=enrolment.user,
            role=role,
            response=answered,
            responded_at=now if answered == Response.ACCEPTED else None,
        )
        for role, group in ((Role.MENTOR, mentors), (_mentee_role(program), mentees))
        for enrolment in group
    )
    if notify_members and status == MentorshipStatus.ACTIVE and origin == Origin.MANUAL:
        _tell_members(mentorship, "mentorship_created")
    if status == MentorshipStatus.ACTIVE:
        webhook_events.mentorship_started(mentorship)
    return mentorship


@transaction.atomic
def mentorships_propose_many(
    *,
    program: Program,
    groups: Sequence[tuple[Sequence[Enrolment], Sequence[Enrolment], float | None]],
    by: User | None,
    match_run=None,
) -> list[Mentorship]:
    """Many proposed mentorships at once (a published run): each group is (mentors, mentees,
    score), checked by the same rules as mentorship_create, in a handful of queries whatever
    the number of groups. All or nothing."""
    locked = seats.lock([e for mentors, mentees, _score in groups for e in (*mentors, *mentees)])
    seated = seats.seated_enrolments(program)
    loads = seats.mentor_loads(program)
    wanted: dict[int, int] = {}
    checked = []
    for mentors, mentees, score in groups:
        mentors = [locked[e.pk] for e in mentors]
        mentees = [locked[e.pk] for e in mentees]
        _check_people(program, mentors, mentees, seated)
        seated.update(e.pk for e in mentees)
        for mentor in mentors:
            wanted[mentor.pk] = wanted.get(mentor.pk, 0) + len(mentees)
            if loads.get(mentor.pk, 0) + wanted[mentor.pk] > seats.capacity_of(mentor):
                raise ValidationError(
                    _("%(name)s has no seat left (capacity %(capacity)s).")
                    % {"name": mentor.user.display_name, "capacity": seats.capacity_of(mentor)},
                    code="mentor_full",
                )
        checked.append((mentors, mentees, score))
    made = Mentorship.objects.bulk_create(
        Mentorship(
            program=program,
            origin=Origin.ALGORITHM,
            status=MentorshipStatus.PROPOSED,
            score=score,
            match_run=match_run,
            created_by=by,
            planned_end_date=program.end_date,
        )
        for _mentors, _mentees, score in checked
    )
    mentee_role = _mentee_role(program)
    Membership.objects.bulk_create(
        Membership(mentorship=mentorship, enrolment=enrolment, user=enrolment.user, role=role)
        for mentorship, (mentors, mentees, _score) in zip(made, checked, strict=True)
        for role, group in ((Role.MENTOR, mentors), (mentee_role, mentees))
        for enrolment in group
    )
    return made


def _mentee_role(program: Program) -> str:
    return Role.PEER if Role.PEER in program.roles else Role.MENTEE


def _check_people(
    program: Program,
    mentors: list[Enrolment],
    mentees: list[Enrolment],
    seated: set[int] | None = None,
) -> None:
    """Raise a ValidationError if these people cannot form a mentorship; `seated` (the ids
    already holding a seat) saves a query per person when checking many groups at once."""
    peer = Role.PEER in program.roles
    if peer and (mentors or len(mentees) != 2):
        raise ValidationError(_("A peer mentorship is two peers."), code="shape")
    if not peer and (len(mentors) != 1 or not mentees):
        raise ValidationError(_("A mentorship needs one mentor and a mentee."), code="shape")
    if not peer and not seats.is_group_program(program) and len(mentees) > 1:
        raise ValidationError(
            _("Only group programs put several mentees with one mentor."), code="shape"
        )
    expected = [(e, Role.MENTOR) for e in mentors] + [
        (e, Role.PEER if peer else Role.MENTEE) for e in mentees
    ]
    if len({e.pk for e, _role in expected}) != len(expected):
        raise ValidationError(_("A person cannot be paired with themselves."), code="self")
    for enrolment, role in expected:
        name = enrolment.user.display_name
        if enrolment.program_id != program.pk:
            raise ValidationError(
                _("%(name)s is not in this program.") % {"name": name}, code="other_program"
            )
        if enrolment.status != EnrolmentStatus.APPROVED:
            raise ValidationError(
                _("%(name)s’s enrolment is not approved.") % {"name": name}, code="not_approved"
            )
        if enrolment.role != role:
            raise ValidationError(
                _("%(name)s is not a %(role)s in this program.")
                % {"name": name, "role": Role(role).label.lower()},
                code="wrong_role",
            )
        taken = enrolment.pk in seated if seated is not None else seats.seats_taken(enrolment)
        if role != Role.MENTOR and taken:
            raise ValidationError(
                _("%(name)s already has a mentorship in this program.") % {"name": name},
                code="already_matched",
            )


def _start_date(program: Program) -> date:
    today = timezone.localdate()
    return max(today, program.start_date) if program.start_date else today


def _locked(mentorship: Mentorship) -> Mentorship:
    return Mentorship.objects.select_for_update().get(pk=mentorship.pk)


def _membership_of(mentorship: Mentorship, user: User) -> Membership:
    membership = mentorship.memberships.filter(user=user).first()
    if membership is None:
        raise ValidationError(_("You are not part of this mentorship."), code="not_member")
    return membership


def _others(mentorship: Mentorship, user: User) -> list[Membership]:
    return [m for m in mentorship.memberships.select_related("user") if m.user_id != user.pk]


def _names(memberships: Sequence[Membership]) -> str:
    return ", ".join(m.user.display_name for m in memberships)


def _tell_members(mentorship: Mentorship, kind: str, *, skip: User | None = None) -> None:
    members = list(mentorship.memberships.select_related("user"))
    for member in members:
        if skip is not None and member.user_id == skip.pk:
            continue
        others = [m for m in members if m.user_id != member.user_id]
        notify(
            user=member.user,
            kind=kind,
            url=mentorship_url(mentorship),
            other=_names(others),
            program=mentorship.program.name,
        )


@transaction.atomic
def mentorship_accept(*, mentorship: Mentorship, user: User) -> Mentorship:
    """A member accepts a proposed mentorship; once everyone has, it is active."""
    current = _locked(mentorship)
    membership = _membership_of(current, user)
    if current.status != MentorshipStatus.PROPOSED:
        raise ValidationError(
            _("This mentorship is no longer waiting for answers (it is %(status)s).")
            % {"status": current.get_status_display().lower()},
            code="not_proposed",
        )
    if membership.response != Response.PENDING:
        raise ValidationError(_("You have already answered."), code="answered")
    membership.response = Response.ACCEPTED
    membership.responded_at = timezone.now()
    membership.save(update_fields=["response", "responded_at"])
    for coordinator in current.program.coordinators.all():
        notify(
            user=coordinator,
            kind="proposal_accepted",
            email=False,
            url=mentorship_url(current),
            person=user.display_name,
            other=_names(_others(current, user)),
            program=current.program.name,
        )
    if not current.memberships.exclude(response=Response.ACCEPTED).exists():
        MENTORSHIP_STATES.check(current.status, MentorshipStatus.ACTIVE)
        current.status = MentorshipStatus.ACTIVE
        current.start_date = current.start_date or _start_date(current.program)
        current.save(update_fields=["status", "start_date", "updated_at"])
        _tell_members(current, "mentorship_started")
        webhook_events.mentorship_started(current)
    return current


@transaction.atomic
def mentorship_decline(*, mentorship: Mentorship, user: User, reason: str) -> Mentorship:
    """A member declines a proposed mentorship: it ends, and every seat it held is free again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say briefly why, so the coordinator can find a better match.")}
        )
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under 2000 characters.")})
    current = _locked(mentorship)
    membership = _membership_of(current, user)
    if current.status != MentorshipStatus.PROPOSED:
        raise ValidationError(
            _("This mentorship is no longer waiting for answers (it is %(status)s).")
            % {"status": current.get_status_display().lower()},
            code="not_proposed",
        )
    if membership.response != Response.PENDING:
        raise ValidationError(_("You have already answered."), code="answered")
    now = timezone.now()
    membership.response = Response.DECLINED
    membership.responded_at = now
    membership.decline_reason = reason
    membership.save(update_fields=["response", "responded_at", "decline_reason"])
    MENTORSHIP_STATES.check(current.status, MentorshipStatus.DECLINED)
    current.status = MentorshipStatus.DECLINED
    current.ended_at = now
    current.ended_by = user
    current.end_reason = reason
    current.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "updated_at"])
    mentorship_finished.send(sender=Mentorship, mentorship=current)
    others = _others(current, user)
    for person in [m.user for m in others] + list(current.program.coordinators.all()):
        notify(
            user=person,
            kind="proposal_declined",
            url=mentorship_url(current),
            person=user.display_name,
            other=_names([m for m in others if m.user_id != person.pk]) or _("you"),
            program=current.program.name,
        )
    return current


def _may_manage(mentorship: Mentorship, user: User) -> bool:
    return (
        is_coordinator(user, mentorship.program)
        or mentorship.memberships.filter(user=user).exists()
    )


@transaction.atomic
def mentorship_end_early(
    *,
    mentorship: Mentorship,
    by: User,
    reason: str,
    closure_reason: str = ClosureReason.OTHER,
) -> Mentorship:
    """End a mentorship before its time (a member or a coordinator), at once: its seats are
    freed. Unlike a closure (closure.py) nobody is asked to reflect; a finished closure with the
    outcome "ended early" is recorded all the same (closure_record_end), so that reports count
    it with its reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say briefly why the mentorship is ending.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under 2000 characters.")})
    current = _locked(mentorship)
    if not _may_manage(current, by):
        raise ValidationError(_("You are not part of this mentorship."), code="not_member")
    MENTORSHIP_STATES.check(current.status, MentorshipStatus.ENDED_EARLY)
    was = current.status
    current.status = MentorshipStatus.ENDED_EARLY
    current.ended_at = timezone.now()
    current.ended_by = by
    current.end_reason = reason
    current.save(update_fields=["status", "ended_at", "ended_by", "end_reason", "updated_at"])
    closure_record_end(mentorship=current, by=by, note=reason, was=was, reason=closure_reason)
    mentorship_finished.send(sender=Mentorship, mentorship=current)
    _tell_members(current, "mentorship_ended", skip=by)
    return current


@transaction.atomic
def mentorship_pause(*, mentorship: Mentorship, by: User) -> Mentorship:
    return _move(mentorship, by, MentorshipStatus.PAUSED)


@transaction.atomic
def mentorship_resume(*, mentorship: Mentorship, by: User) -> Mentorship:
    # Only from paused: "active" is also where a proposal goes once accepted, and where a
    # closing mentorship returns, and neither is a resumption.
    return _move(mentorship, by, MentorshipStatus.ACTIVE, only_from=MentorshipStatus.PAUSED)


def _move(
    mentorship: Mentorship, by: User, status: str, only_from: str | None = None
) -> Mentorship:
    current = _locked(mentorship)
    if not _may_manage(current, by):
        raise ValidationError(_("You are not part of this mentorship."), code="not_member")
    if only_from is not None and current.status != only_from:
        raise IllegalTransition(
            _("Only a paused mentorship can be resumed; this one is %(status)s.")
            % {"status": current.get_status_display().lower()},
            code="illegal_transition",
        )
    MENTORSHIP_STATES.check(current.status, status)
    current.status = status
    current.save(update_fields=["status", "updated_at"])
    return current
