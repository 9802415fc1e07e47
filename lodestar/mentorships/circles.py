"""Circles: a group program's mentorships, each of one or more mentors and several mentees,
built and reshaped by the program's coordinators.

A circle is an ordinary Mentorship (one workspace, one conversation, one agreement, shared
goals besides each mentee's own); this module adds what coordinators do to its members:
circle_create, circle_add_member, circle_remove_member and circle_move_member.

The rules:

- Only the program's coordinators, only in group programs that are not archived, and only
  while the circle is under way (proposed, active or paused).
- A circle a coordinator builds is active at once: nobody has to accept a coordinator's
  decision. Everyone in it is told, and so is anyone added later.
- The circle's size is its mentors' capacity (seats.capacity_of): every mentor holds a seat
  for every mentee of the circle (co-mentors share them all), so a mentee joins only if each
  mentor has a seat left. Going beyond takes an explicit override with a reason, which is kept
  on the circle.
- A mentee is in one circle of the program at a time. A circle keeps at least one mentor and
  one mentee: to dissolve it, end it early.
- Someone who leaves (removed, or moved to another circle) loses the workspace and the
  conversation from that moment: their Membership is deleted, and a FormerMember row keeps the
  history (see its docstring for why). What they wrote stays with the circle. Their open goals
  there are dropped and the suggestions waiting for them declined, so that nobody is reminded
  of goals no one can open any more.
- The agreement is everyone's: someone joining is asked to sign the current version (it is no
  longer agreed until they do); someone leaving no longer holds it up.

Locks: the circles first (in primary-key order), then the enrolments whose seats are counted
(seats.lock, in primary-key order). No other service locks an enrolment and then an existing
mentorship, so the two orders never cross.
"""

import logging
from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.engagement.services import notify
from lodestar.programs.models import Enrolment, Program, Role
from lodestar.programs.policy import is_coordinator
from lodestar.programs.states import EnrolmentStatus, ProgramStatus

from . import seats
from .goal_states import OPEN_GOAL, GoalStatus
from .models import AgreementVersion, FormerMember, Goal, Membership, Mentorship, Origin
from .services import REASON_MAX, mentorship_url
from .states import HOLDS_A_SEAT, MENTORSHIP_STATES, MentorshipStatus, Response

log = logging.getLogger(__name__)

# A circle's members change while it is under way; once it is closing or over, they are history.
UNDER_WAY = frozenset({MentorshipStatus.PROPOSED, MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED})
CIRCLE_ROLES = (Role.MENTOR, Role.MENTEE)


# Writes --------------------------------------------------------------------------------------


@transaction.atomic
def circle_create(
    *,
    program: Program,
    mentors: Sequence[Enrolment],
    mentees: Sequence[Enrolment],
    by: User,
    allow_over_capacity: bool = False,
    override_reason: str = "",
) -> Mentorship:
    """An active circle of these mentors and mentees of a group program; everyone is told."""
    _require_coordinator(program, by)
    _require_group_program(program)
    if not mentors:
        raise ValidationError({"mentors": _("A circle needs at least one mentor.")})
    if not mentees:
        raise ValidationError({"mentees": _("A circle needs at least one mentee.")})
    ids = [e.pk for e in (*mentors, *mentees)]
    if len(set(ids)) != len(ids):
        raise ValidationError(_("Choose each person once."), code="duplicate")
    locked = _lock_people(ids)
    mentors = [locked[e.pk] for e in mentors]
    mentees = [locked[e.pk] for e in mentees]
    for enrolment in mentors:
        _check_enrolment(program, enrolment, Role.MENTOR)
    for enrolment in mentees:
        _check_enrolment(program, enrolment, Role.MENTEE)
        _require_free(enrolment)
    full = [m for m in mentors if seats.seats_left(m) < len(mentees)]
    reason = _override(full, allow_over_capacity, override_reason)
    now = timezone.now()
    circle = Mentorship.objects.create(
        program=program,
        origin=Origin.MANUAL,
        status=MentorshipStatus.ACTIVE,
        created_by=by,
        override_reason=reason,
        start_date=_start_date(program),
        planned_end_date=program.end_date,
    )
    Membership.objects.bulk_create(
        Membership(
            mentorship=circle,
            enrolment=enrolment,
            user=enrolment.user,
            role=enrolment.role,
            response=Response.ACCEPTED,
            responded_at=now,
        )
        for enrolment in (*mentors, *mentees)
    )
    if reason:
        _log_override(by, circle, reason)
    _refresh(circle)
    _welcome(circle, [e.user for e in (*mentors, *mentees)])
    return circle


@transaction.atomic
def circle_add_member(
    *,
    circle: Mentorship,
    enrolment: Enrolment,
    by: User,
    allow_over_capacity: bool = False,
    override_reason: str = "",
) -> Membership:
    """Add a mentee (or a co-mentor) to a circle; they are told."""
    (current,) = _lock_circles([circle], by)
    locked = _lock_people([enrolment.pk, *_mentor_ids(current)])
    return _add(current, locked, enrolment.pk, by, allow_over_capacity, override_reason)


@transaction.atomic
def circle_remove_member(
    *, circle: Mentorship, enrolment: Enrolment, by: User, reason: str
) -> FormerMember:
    """Take someone out of a circle, saying why; they are told and lose its workspace."""
    reason = _reason(reason, required=True)
    (current,) = _lock_circles([circle], by)
    _lock_people([enrolment.pk])
    former = _remove(current, enrolment.pk, by, reason)
    notify(
        user=former.user,
        kind="circle_left",
        url=reverse("my_mentorships"),
        other=_names(current, skip=former.user),
        program=current.program.name,
    )
    return former


@transaction.atomic
def circle_move_member(
    *,
    source: Mentorship,
    target: Mentorship,
    enrolment: Enrolment,
    by: User,
    reason: str = "",
    allow_over_capacity: bool = False,
    override_reason: str = "",
) -> Membership:
    """Move someone from one circle to another of the same program, both or neither."""
    reason = _reason(reason)
    if source.pk == target.pk:
        raise ValidationError(_("Choose another circle to move them to."), code="same_circle")
    if source.program_id != target.program_id:
        raise ValidationError(
            _("Members move only between circles of the same program."), code="other_program"
        )
    locked_circles = {c.pk: c for c in _lock_circles([source, target], by)}
    current, destination = locked_circles[source.pk], locked_circles[target.pk]
    locked = _lock_people([enrolment.pk, *_mentor_ids(current), *_mentor_ids(destination)])
    _remove(current, enrolment.pk, by, reason, moved_to=destination)
    return _add(destination, locked, enrolment.pk, by, allow_over_capacity, override_reason)


# Checks --------------------------------------------------------------------------------------


def _require_coordinator(program: Program, by: User) -> None:
    if not is_coordinator(by, program):
        raise ValidationError(
            _("Only the program’s coordinators manage its circles."), code="forbidden"
        )


def _require_group_program(program: Program) -> None:
    if not seats.is_group_program(program):
        raise ValidationError(
            _("Circles are for group programs; %(program)s is a %(kind)s program.")
            % {"program": program.name, "kind": program.get_kind_display().lower()},
            code="not_group",
        )
    if program.status == ProgramStatus.ARCHIVED:
        raise ValidationError(
            _("This program is archived: its circles no longer change."), code="archived"
        )


def _require_under_way(circle: Mentorship) -> None:
    if circle.status not in UNDER_WAY:
        raise ValidationError(
            _("This circle is %(status)s: its members no longer change.")
            % {"status": circle.get_status_display().lower()},
            code="not_under_way",
        )


def _check_enrolment(program: Program, enrolment: Enrolment, role: str) -> None:
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


def _require_free(mentee: Enrolment) -> None:
    if seats.seats_taken(mentee):
        raise ValidationError(
            _("%(name)s is already in a circle of this program.")
            % {"name": mentee.user.display_name},
            code="already_matched",
        )


def _reason(text: str, *, required: bool = False) -> str:
    text = (text or "").strip()
    if required and not text:
        raise ValidationError({"reason": _("Say briefly why, for the circle’s history.")})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": _("Keep the reason under 2000 characters.")})
    return text


def _override(full: list[Enrolment], allowed: bool, reason: str) -> str:
    """The override reason to record ("" when every mentor has the seats), or a refusal."""
    if not full:
        return ""
    names = ", ".join(
        _("%(name)s (capacity %(capacity)s)")
        % {"name": m.user.display_name, "capacity": seats.capacity_of(m)}
        for m in full
    )
    if not allowed:
        raise ValidationError(
            _(
                "The circle is full: no seat left with %(names)s. To go beyond the capacity, "
                "override it and say why."
            )
            % {"names": names},
            code="circle_full",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"override_reason": _("Say why the circle goes beyond its mentors’ capacity.")}
        )
    if len(reason) > REASON_MAX:
        raise ValidationError({"override_reason": _("Keep the reason under 2000 characters.")})
    return reason


# Internals -----------------------------------------------------------------------------------


def _lock_circles(circles: Iterable[Mentorship], by: User) -> list[Mentorship]:
    """The circles, locked in primary-key order (in the order given), fresh with their members,
    once the person is known to coordinate their program and they can change."""
    ids = [c.pk for c in circles]
    rows = {
        c.pk: c
        for c in Mentorship.objects.select_for_update(of=("self",))
        .select_related("program")
        .prefetch_related(_members_prefetch())
        .filter(pk__in=ids)
        .order_by("pk")
    }
    if set(rows) != set(ids):
        raise ValidationError(_("This circle no longer exists."), code="gone")
    locked = [rows[pk] for pk in ids]
    for circle in locked:
        _require_coordinator(circle.program, by)
        _require_group_program(circle.program)
        _require_under_way(circle)
    return locked


def _members_prefetch() -> Prefetch:
    members = Membership.objects.select_related("user", "enrolment").order_by("-role", "id")
    return Prefetch("memberships", queryset=members)


def _refresh(circle: Mentorship) -> None:
    """Load the circle's members again, after a change."""
    getattr(circle, "_prefetched_objects_cache", {}).pop("memberships", None)
    prefetch_related_objects([circle], _members_prefetch())


def _lock_people(ids: Iterable[int]) -> dict[int, Enrolment]:
    wanted = set(ids)
    locked = seats.lock(Enrolment(pk=pk) for pk in wanted)
    if set(locked) != wanted:
        raise ValidationError(
            _("Someone you chose is no longer enrolled in the program."), code="gone"
        )
    return locked


def _mentor_ids(circle: Mentorship) -> list[int]:
    return [m.enrolment_id for m in circle.memberships.all() if m.role == Role.MENTOR]


def _add(
    circle: Mentorship,
    locked: dict[int, Enrolment],
    enrolment_id: int,
    by: User,
    allow_over_capacity: bool,
    override_reason: str,
) -> Membership:
    person = locked[enrolment_id]
    members = list(circle.memberships.all())
    if any(m.user_id == person.user_id for m in members):
        raise ValidationError(
            _("%(name)s is already in this circle.") % {"name": person.user.display_name},
            code="already_member",
        )
    role = person.role if person.role in CIRCLE_ROLES else Role.MENTEE
    _check_enrolment(circle.program, person, role)
    if role == Role.MENTEE:
        _require_free(person)
        full = [
            locked[m.enrolment_id]
            for m in members
            if m.role == Role.MENTOR and seats.seats_left(locked[m.enrolment_id]) < 1
        ]
    else:
        mentees = sum(1 for m in members if m.role == Role.MENTEE)
        full = [person] if seats.seats_left(person) < mentees else []
    reason = _override(full, allow_over_capacity, override_reason)
    if reason:
        circle.override_reason = "\n".join(filter(None, [circle.override_reason, reason]))
        circle.save(update_fields=["override_reason", "updated_at"])
        _log_override(by, circle, reason)
    membership = Membership.objects.create(
        mentorship=circle,
        enrolment=person,
        user=person.user,
        role=role,
        response=Response.ACCEPTED,
        responded_at=timezone.now(),
    )
    _refresh(circle)
    _settle(circle)
    _welcome(circle, [person.user], kind="circle_joined")
    return membership


def _remove(
    circle: Mentorship,
    enrolment_id: int,
    by: User,
    reason: str,
    *,
    moved_to: Mentorship | None = None,
) -> FormerMember:
    members = list(circle.memberships.all())
    leaving = next((m for m in members if m.enrolment_id == enrolment_id), None)
    if leaving is None:
        raise ValidationError(_("This person is not in this circle."), code="not_member")
    staying = [m for m in members if m.pk != leaving.pk]
    if not any(m.role == leaving.role for m in staying):
        if leaving.role == Role.MENTOR:
            message = _(
                "A circle keeps at least one mentor: add another mentor before removing "
                "%(name)s, or end the circle."
            )
        else:
            message = _(
                "A circle keeps at least one mentee: %(name)s is the last one. End the circle "
                "instead."
            )
        raise ValidationError(
            message % {"name": leaving.user.display_name}, code=f"last_{leaving.role}"
        )
    former = FormerMember.objects.create(
        mentorship=circle,
        enrolment_id=leaving.enrolment_id,
        user=leaving.user,
        role=leaving.role,
        joined_at=leaving.responded_at,
        removed_by=by,
        reason=reason,
        moved_to=moved_to,
    )
    leaving.delete()
    _refresh(circle)
    _retire_goals(circle, leaving.user)
    _settle(circle)
    return former


def _retire_goals(circle: Mentorship, user: User) -> None:
    now = timezone.now()
    goals = Goal.objects.filter(mentorship=circle, owner=user)
    goals.filter(accepted=True, status__in=OPEN_GOAL).update(
        status=GoalStatus.DROPPED, updated_at=now
    )
    goals.suggestions().update(declined_at=now, updated_at=now)


def _settle(circle: Mentorship) -> None:
    """After members change: the agreement is agreed exactly when every member has signed the
    current version, and a proposed circle whose remaining members have all accepted starts."""
    members = list(circle.memberships.all())
    version = AgreementVersion.objects.filter(mentorship=circle).order_by("-number").first()
    if version is not None:
        signed = set(version.signatures.values_list("user_id", flat=True))
        everyone = all(m.user_id in signed for m in members)
        if everyone != (version.agreed_at is not None):
            version.agreed_at = timezone.now() if everyone else None
            version.save(update_fields=["agreed_at", "updated_at"])
    if circle.status == MentorshipStatus.PROPOSED and all(
        m.response == Response.ACCEPTED for m in members
    ):
        MENTORSHIP_STATES.check(circle.status, MentorshipStatus.ACTIVE)
        circle.status = MentorshipStatus.ACTIVE
        circle.start_date = circle.start_date or _start_date(circle.program)
        circle.save(update_fields=["status", "start_date", "updated_at"])
        for member in members:
            notify(
                user=member.user,
                kind="mentorship_started",
                url=mentorship_url(circle),
                other=_names(circle, skip=member.user),
                program=circle.program.name,
            )


def _names(circle: Mentorship, *, skip: User) -> str:
    return ", ".join(m.user.display_name for m in circle.memberships.all() if m.user_id != skip.pk)


def _welcome(circle: Mentorship, users: list[User], kind: str = "mentorship_created") -> None:
    """Tell the people who just joined whom they are with."""
    for user in users:
        notify(
            user=user,
            kind=kind,
            url=mentorship_url(circle),
            other=_names(circle, skip=user),
            program=circle.program.name,
        )


def _log_override(by: User, circle: Mentorship, reason: str) -> None:
    log.warning(
        "Circle over capacity: user %s (%s) in program %s (mentorship %s). Reason: %s",
        by.pk,
        by.email,
        circle.program.slug,
        circle.pk,
        reason,
    )


def _start_date(program: Program) -> date:
    today = timezone.localdate()
    return max(today, program.start_date) if program.start_date else today


# Reads for the coordinators' pages -----------------------------------------------------------


def circles_of(program: Program) -> list[Mentorship]:
    """The program's circles that hold seats, oldest first, each with `name`, `circle_mentors`,
    `circle_mentees`, `size` (its mentors' capacity), `free` seats and `changeable`. Three
    queries whatever the number of circles."""
    circles = list(
        Mentorship.objects.filter(program=program, status__in=HOLDS_A_SEAT)
        .prefetch_related(_members_prefetch())
        .order_by("created_at", "pk")
    )
    loads = seats.mentor_loads(program)
    for circle in circles:
        circle.program = program
        _describe(circle, program, loads)
    _name(circles)
    return circles


def _describe(circle: Mentorship, program: Program, loads: dict[int, int]) -> None:
    members = list(circle.memberships.all())
    circle.circle_mentors = [m for m in members if m.role == Role.MENTOR]
    circle.circle_mentees = [m for m in members if m.role != Role.MENTOR]
    count = len(circle.circle_mentees)
    # A mentor's seats elsewhere are not this circle's to fill.
    sizes = [
        _capacity(m.enrolment, program) - (loads.get(m.enrolment_id, 0) - count)
        for m in circle.circle_mentors
    ]
    circle.size = max(0, min(sizes)) if sizes else 0
    circle.free = max(0, circle.size - count)
    circle.over = max(0, count - circle.size)
    circle.changeable = circle.status in UNDER_WAY


def _capacity(enrolment: Enrolment, program: Program) -> int:
    return enrolment.capacity or program.default_mentor_capacity


def _name(circles: list[Mentorship]) -> None:
    """“Circle of Ada Lovelace”; circles led by the same people get a number as well."""
    seen: dict[str, int] = {}
    for circle in circles:
        mentors = ", ".join(m.user.display_name for m in circle.circle_mentors)
        name = _("Circle of %(mentors)s") % {"mentors": mentors} if mentors else _("Circle")
        seen[name] = seen.get(name, 0) + 1
        circle.name = name if seen[name] == 1 else f"{name} ({seen[name]})"


def candidates(program: Program) -> tuple[list[Enrolment], list[Enrolment]]:
    """Who may join a circle: the approved mentors, each with `seats_left`, and the approved
    mentees not yet in a circle. Three queries."""
    approved = list(
        program.enrolments.filter(status=EnrolmentStatus.APPROVED, role__in=CIRCLE_ROLES)
        .select_related("user")
        .order_by("user__name", "user__email", "pk")
    )
    seated = seats.seated_enrolments(program)
    loads = seats.mentor_loads(program)
    mentors = []
    for enrolment in approved:
        if enrolment.role == Role.MENTOR:
            enrolment.seats_left = max(
                0, _capacity(enrolment, program) - loads.get(enrolment.pk, 0)
            )
            mentors.append(enrolment)
    mentees = [e for e in approved if e.role == Role.MENTEE and e.pk not in seated]
    return mentors, mentees


def former_members(circle: Mentorship) -> list[FormerMember]:
    """Who left the circle, most recent first. One query."""
    return list(
        FormerMember.objects.filter(mentorship=circle)
        .select_related("user", "removed_by")
        .order_by("-left_at", "-pk")
    )
