"""Manual matching: a coordinator pairs a mentee with a mentor (or two peers) by hand.

The engine still has its say: the preview shows the pair's score and each criterion's points,
and warns when the mentor is full or a required criterion fails. Those warnings can be
overridden with a written reason (kept on the mentorship and logged); a mentee who already has
a mentorship, a pair the program excluded, or a person and their own manager, cannot.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.audit.services import record
from lodestar.mentorships import seats
from lodestar.mentorships.circles import circle_add_member
from lodestar.mentorships.models import Mentorship, Origin
from lodestar.mentorships.services import REASON_MAX, mentorship_create
from lodestar.mentorships.states import MentorshipStatus
from lodestar.programs.models import Answer, Enrolment, Program, Role
from lodestar.programs.policy import is_coordinator
from lodestar.programs.states import EnrolmentStatus, ProgramStatus

from ..inputs import NoCriteria, build_problem
from ..models import Exclusion
from ..reporting_lines import reporting_line
from .requests import withdraw_open_requests

log = logging.getLogger(__name__)


@dataclass
class PairCheck:
    """What a coordinator reads before making a pair by hand."""

    mentee: Enrolment
    mentor: Enrolment
    peer: bool
    score: float | None = None  # the criteria's points added up; None without criteria
    points: list[tuple[str, float]] = field(default_factory=list)  # (criterion, points)
    no_score: str = ""  # why there is no score
    failed_required: list[str] = field(default_factory=list)
    capacity: int = 0
    taken: int = 0
    excluded: bool = False
    reporting_line: str = ""  # why the two may not be matched: one manages the other
    already_matched: list[str] = field(default_factory=list)  # names

    @property
    def full(self) -> bool:
        return not self.peer and self.taken >= self.capacity

    @property
    def refusals(self) -> list[str]:
        """Reasons the pair cannot be made at all."""
        found = [
            _("%(name)s already has a mentorship in this program.") % {"name": name}
            for name in self.already_matched
        ]
        if self.excluded:
            found.append(
                _("%(a)s and %(b)s are excluded from being matched in this program.")
                % {"a": self.mentee.user.display_name, "b": self.mentor.user.display_name}
            )
        if self.reporting_line:
            found.append(
                _("%(line)s Nobody is matched with their own manager.")
                % {"line": self.reporting_line}
            )
        return found

    @property
    def warnings(self) -> list[str]:
        """Reasons the pair needs an explicit override."""
        found = []
        if self.full:
            found.append(
                _("%(name)s is at capacity: %(taken)s of %(capacity)s seats taken.")
                % {
                    "name": self.mentor.user.display_name,
                    "taken": self.taken,
                    "capacity": self.capacity,
                }
            )
        for label in self.failed_required:
            found.append(_("The required criterion “%(name)s” fails.") % {"name": label})
        return found


def _mentee_role(program: Program) -> str:
    return Role.PEER if Role.PEER in program.roles else Role.MENTEE


def _mentor_role(program: Program) -> str:
    return Role.PEER if Role.PEER in program.roles else Role.MENTOR


def scoring_enrolments(program: Program, pks: list[int]) -> dict[int, Enrolment]:
    """These enrolments with everything scoring reads (as matches.inputs.people loads them)."""
    rows = (
        Enrolment.objects.filter(program=program, pk__in=pks)
        .select_related("user__profile", "program")
        .prefetch_related(
            "user__profile__skills",
            "user__profile__interests",
            "user__availability",
            Prefetch(
                "answers", queryset=Answer.objects.only("enrolment_id", "question_id", "value")
            ),
        )
    )
    return {e.pk: e for e in rows}


def _check_pair_shape(program: Program, mentee: Enrolment, mentor: Enrolment) -> None:
    if mentee.pk == mentor.pk:
        raise ValidationError(_("A person cannot be paired with themselves."), code="self")
    for enrolment, role in ((mentee, _mentee_role(program)), (mentor, _mentor_role(program))):
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


def manual_pair_check(*, program: Program, mentee: Enrolment, mentor: Enrolment) -> PairCheck:
    """The engine's view of this pair, and what stands in its way. In a peer program, `mentee`
    and `mentor` are the two peers."""
    _check_pair_shape(program, mentee, mentor)
    peer = Role.PEER in program.roles
    loaded = scoring_enrolments(program, [mentee.pk, mentor.pk])
    mentee, mentor = loaded[mentee.pk], loaded[mentor.pk]
    check = PairCheck(mentee=mentee, mentor=mentor, peer=peer)
    try:
        if peer:
            # Both peers on both sides: the engine scores a peer program as one group.
            built = build_problem(program, mentees=[mentee, mentor], for_run=False)
        else:
            built = build_problem(program, mentees=[mentee], mentors=[mentor], for_run=False)
    except NoCriteria as error:
        check.no_score = str(error)
    else:
        points = built.breakdown(mentee, mentor)
        check.points = list(points.items())
        check.score = round(sum(points.values()), 1)
        check.failed_required = built.failed_required(mentee, mentor)
    if not peer:
        check.capacity = seats.capacity_of(mentor)
        check.taken = seats.seats_taken(mentor)
    people = [mentee, mentor] if peer else [mentee]
    check.already_matched = [e.user.display_name for e in people if seats.seats_taken(e)]
    either_way = Q(mentee=mentee, mentor=mentor)
    if peer:
        either_way |= Q(mentee=mentor, mentor=mentee)
    check.excluded = Exclusion.objects.filter(either_way, program=program).exists()
    check.reporting_line = reporting_line(mentee.user, mentor.user) or ""
    return check


def _circle_of(program: Program, mentor: Enrolment) -> Mentorship | None:
    """In a group program, the circle the mentor already leads (the oldest still running)."""
    if not seats.is_group_program(program):
        return None
    return (
        Mentorship.objects.filter(
            program=program,
            memberships__enrolment=mentor,
            memberships__role=Role.MENTOR,
            status__in=[MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED],
        )
        .order_by("created_at", "pk")
        .first()
    )


def _join_circle(
    circle: Mentorship,
    *,
    program: Program,
    mentee: Enrolment,
    mentor: Enrolment,
    by: User,
    override_reason: str,
) -> Mentorship:
    """Pairing a mentee with a mentor who leads a circle puts the mentee in that circle: the
    same checks as any manual pair (refusals, warnings that need a reason), then the circle's
    own rules (circles.py locks the circle, then the people)."""
    check = manual_pair_check(program=program, mentee=mentee, mentor=mentor)
    if check.refusals:
        raise ValidationError(check.refusals, code="refused")
    reason = (override_reason or "").strip()
    if check.warnings and not reason:
        raise ValidationError(
            {
                "override_reason": _(
                    "%(warnings)s To make this pair anyway, say why in the override reason."
                )
                % {"warnings": " ".join(check.warnings)}
            },
            code="needs_override",
        )
    circle_add_member(
        circle=circle,
        enrolment=check.mentee,
        by=by,
        allow_over_capacity=bool(check.warnings),
        override_reason=reason if check.warnings else "",
    )
    withdraw_open_requests(mentee=check.mentee)
    record("match_overridden", actor=by, target=circle, details={"action": "manual_pair"})
    return circle


@transaction.atomic
def manual_pair_create(
    *,
    program: Program,
    mentee: Enrolment,
    mentor: Enrolment,
    by: User,
    override_reason: str = "",
) -> Mentorship:
    """An active mentorship the coordinator made by hand; both people are told. In a group
    program, a mentor who already leads a circle takes the mentee into it.

    A mentee who already has a mentorship, an excluded pair, or a person and their own manager:
    refused. A full mentor or a
    failed required criterion: allowed only with an override reason, which is recorded.
    """
    if not is_coordinator(by, program):
        raise ValidationError(
            _("Only the program’s coordinators can make pairs by hand."), code="forbidden"
        )
    if program.status == ProgramStatus.ARCHIVED:
        raise ValidationError(_("This program is archived: no new pairs."), code="archived")
    circle = _circle_of(program, mentor)
    if circle is not None:
        return _join_circle(
            circle,
            program=program,
            mentee=mentee,
            mentor=mentor,
            by=by,
            override_reason=override_reason,
        )
    # Lock first, so that the seats we check are still free when we take them.
    seats.lock([mentee, mentor])
    check = manual_pair_check(program=program, mentee=mentee, mentor=mentor)
    if check.refusals:
        raise ValidationError(check.refusals, code="refused")
    reason = (override_reason or "").strip()
    warnings = check.warnings
    if warnings and not reason:
        raise ValidationError(
            {
                "override_reason": _(
                    "%(warnings)s To make this pair anyway, say why in the override reason."
                )
                % {"warnings": " ".join(warnings)}
            },
            code="needs_override",
        )
    if len(reason) > REASON_MAX:
        raise ValidationError({"override_reason": _("Keep the reason under 2000 characters.")})
    peer = check.peer
    mentorship = mentorship_create(
        program=program,
        mentors=[] if peer else [check.mentor],
        mentees=[check.mentee, check.mentor] if peer else [check.mentee],
        origin=Origin.MANUAL,
        by=by,
        status=MentorshipStatus.ACTIVE,
        score=check.score,
        allow_over_capacity=bool(warnings),
        override_reason=reason if warnings else "",
    )
    if warnings:
        log.warning(
            "Manual pair over warnings: user %s (%s) paired enrolments %s and %s in program %s "
            "(mentorship %s) despite: %s Reason: %s",
            by.pk,
            by.email,
            check.mentee.pk,
            check.mentor.pk,
            program.slug,
            mentorship.pk,
            " ".join(warnings),
            reason,
        )
    # Matched now: any request the mentee (or, in peer programs, either peer) still has open
    # would otherwise wait for an answer that can no longer be given.
    for enrolment in (check.mentee, check.mentor) if peer else (check.mentee,):
        withdraw_open_requests(mentee=enrolment)
    record("match_overridden", actor=by, target=mentorship, details={"action": "manual_pair"})
    return mentorship
