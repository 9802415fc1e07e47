"""A coordinator's changes to a finished run before publishing it: pin, unpin, exclude, reassign,
swap. Each is atomic, works only on a run that is ready for review (not yet published), and
either makes the whole change or none of it, with a clear error.

Pins and exclusions belong to the program, so the next run keeps them. A changed pair gets its
new score and points by criterion, from the same scoring the engine used (on the two people
concerned, with the run's reference date; a text-similarity criterion weighs words against
these few people's texts, so its points can differ slightly from a full run's).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.audit.services import record
from lodestar.matching.problem import Metrics
from lodestar.mentorships import seats
from lodestar.programs.models import Answer, Enrolment, Program, Role
from lodestar.programs.policy import is_coordinator
from lodestar.programs.states import EnrolmentStatus

from ..inputs import NoCriteria, build_problem
from ..models import Exclusion, ExclusionSource, MatchRun, Pin, Proposal, ProposalSource
from ..reporting_lines import reporting_line
from ..states import RunStatus
from .runs import EXCLUDED, REASON_TEXTS


@dataclass
class PairCheck:
    """What a coordinator sees before making a pair: its score, each criterion's points, and
    what speaks against it (warnings) or forbids it (refusals)."""

    mentee: Enrolment
    mentor: Enrolment
    score: float | None
    breakdown: dict[str, float]
    seats_left: int | None = None
    warnings: list[str] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    @property
    def allowed(self) -> bool:
        return not self.refusals


# ---- guards -----------------------------------------------------------------------------------


def _editable(run: MatchRun, by: User) -> MatchRun:
    """The run, locked for the rest of the transaction, if `by` may still change it."""
    if not is_coordinator(by, run.program):
        raise PermissionDenied
    locked = MatchRun.objects.select_for_update().select_related("program").get(pk=run.pk)
    if locked.status == RunStatus.PUBLISHED:
        raise ValidationError(
            _("This run is published: its pairs can no longer be changed. Run matching again."),
            code="published",
        )
    if locked.status != RunStatus.DONE:
        raise ValidationError(
            _("Only a finished run can be changed; this one is %(status)s.")
            % {"status": locked.get_status_display().lower()},
            code="not_done",
        )
    return locked


def _proposal_in(run: MatchRun, proposal: Proposal) -> Proposal:
    found = (
        Proposal.objects.select_related("mentee__user", "mentor__user")
        .filter(pk=proposal.pk, run=run)
        .first()
    )
    if found is None:
        raise ValidationError(_("That pair is not part of this run."), code="other_run")
    return found


def _not_peer(program: Program) -> None:
    if Role.PEER in program.roles:
        raise ValidationError(
            _(
                "Peers are not moved by hand: exclude the pair you do not want and run "
                "matching again."
            ),
            code="peer",
        )


def _not_pinned(proposal: Proposal) -> None:
    if proposal.source == ProposalSource.PINNED:
        raise ValidationError(
            _("%(name)s’s pair is pinned: unpin it first.")
            % {"name": proposal.mentee.user.display_name},
            code="pinned",
        )


def _record_override(run: MatchRun, by: User, target, action: str, *, with_=None) -> None:
    """The audit trail's entry for a coordinator's change to the engine's proposals."""
    details = {"action": action, "run": run.pk}
    if with_ is not None:
        details["with"] = str(with_)
    record("match_overridden", actor=by, target=target, program=run.program, details=details)


# ---- pin and unpin ----------------------------------------------------------------------------


@transaction.atomic
def proposal_pin(*, run: MatchRun, proposal: Proposal, by: User) -> Proposal:
    """Keep this pair: it stays in this run and every later run of the program proposes it."""
    run = _editable(run, by)
    proposal = _proposal_in(run, proposal)
    if proposal.source == ProposalSource.PINNED:
        raise ValidationError(_("This pair is already pinned."), code="pinned")
    Pin.objects.update_or_create(
        program=run.program,
        mentee=proposal.mentee,
        defaults={"mentor": proposal.mentor, "created_by": by},
    )
    proposal.source = ProposalSource.PINNED
    proposal.save(update_fields=["source"])
    _record_override(run, by, proposal, "pin")
    return proposal


@transaction.atomic
def proposal_unpin(*, run: MatchRun, proposal: Proposal, by: User) -> Proposal:
    """Let the engine decide this pair again in later runs; this run keeps it for now."""
    run = _editable(run, by)
    proposal = _proposal_in(run, proposal)
    if proposal.source != ProposalSource.PINNED:
        raise ValidationError(_("This pair is not pinned."), code="not_pinned")
    Pin.objects.filter(program=run.program, mentee=proposal.mentee, mentor=proposal.mentor).delete()
    proposal.source = ProposalSource.SOLVER
    proposal.save(update_fields=["source"])
    _record_override(run, by, proposal, "unpin")
    return proposal


# ---- exclusions -------------------------------------------------------------------------------


@transaction.atomic
def pair_exclude(*, run: MatchRun, proposal: Proposal, by: User) -> Exclusion:
    """Never match these two in this program: the pair leaves this run (its mentee is then
    unmatched, “excluded by a coordinator”) and no later run proposes it."""
    run = _editable(run, by)
    proposal = _proposal_in(run, proposal)
    peer = Role.PEER in run.program.roles
    either_way = Q(mentee=proposal.mentee, mentor=proposal.mentor)
    if peer:
        either_way |= Q(mentee=proposal.mentor, mentor=proposal.mentee)
    exclusion = Exclusion.objects.filter(either_way, program=run.program).first()
    if exclusion is None:
        exclusion = Exclusion.objects.create(
            program=run.program,
            mentee=proposal.mentee,
            mentor=proposal.mentor,
            source=ExclusionSource.COORDINATOR,
            created_by=by,
        )
    Pin.objects.filter(
        Q(mentee=proposal.mentee, mentor=proposal.mentor)
        | Q(mentee=proposal.mentor, mentor=proposal.mentee),
        program=run.program,
    ).delete()
    left = [proposal.mentee_id, proposal.mentor_id] if peer else [proposal.mentee_id]
    proposal.delete()
    _set_unmatched(run, add=left)
    _refresh_metrics(run)
    _record_override(run, by, exclusion, "exclude")
    return exclusion


@transaction.atomic
def exclusion_remove(*, exclusion: Exclusion, by: User) -> None:
    """Allow the pair again in later runs (a run already made is not changed)."""
    if not is_coordinator(by, exclusion.program):
        raise PermissionDenied
    record("match_overridden", actor=by, target=exclusion, details={"action": "allow_again"})
    Exclusion.objects.filter(pk=exclusion.pk).delete()


# ---- reassigning and swapping -----------------------------------------------------------------


@transaction.atomic
def proposal_reassign(*, run: MatchRun, mentee: Enrolment, mentor: Enrolment, by: User) -> Proposal:
    """Give a mentee of the run another mentor (or, if unmatched, a first one)."""
    run = _editable(run, by)
    _not_peer(run.program)
    current = (
        Proposal.objects.select_related("mentee__user", "mentor__user")
        .filter(run=run, mentee_id=mentee.pk)
        .first()
    )
    if current is not None:
        _not_pinned(current)
        if current.mentor_id == mentor.pk:
            raise ValidationError(
                _("%(mentor)s is already %(mentee)s’s mentor in this run.")
                % {
                    "mentor": current.mentor.user.display_name,
                    "mentee": current.mentee.user.display_name,
                },
                code="same",
            )
    check = pair_preview(run=run, mentee=mentee, mentor=mentor)
    if check.refusals:
        raise ValidationError(check.refusals, code="refused")
    if current is None:
        current = Proposal(run=run, mentee=check.mentee)
    current.mentor = check.mentor
    current.score = round(check.score or 0.0, 2)
    current.breakdown = check.breakdown
    current.source = ProposalSource.EDITED
    current.save()
    _set_unmatched(run, remove=[mentee.pk])
    _refresh_metrics(run)
    _record_override(run, by, current, "reassign")
    return current


@transaction.atomic
def proposal_swap(
    *, run: MatchRun, first: Proposal, second: Proposal, by: User
) -> tuple[Proposal, Proposal]:
    """Exchange the mentors of two mentees of the run."""
    run = _editable(run, by)
    _not_peer(run.program)
    first, second = _proposal_in(run, first), _proposal_in(run, second)
    checks = swap_preview(run=run, first=first, second=second)
    refusals = [text for check in checks for text in check.refusals]
    if refusals:
        raise ValidationError(refusals, code="refused")
    for proposal, check in zip((first, second), checks, strict=True):
        proposal.mentor = check.mentor
        proposal.score = round(check.score or 0.0, 2)
        proposal.breakdown = check.breakdown
        proposal.source = ProposalSource.EDITED
        proposal.save(update_fields=["mentor", "score", "breakdown", "source"])
    _refresh_metrics(run)
    _record_override(run, by, first, "swap", with_=second)
    return first, second


# ---- previews (reads, shared by the services and the pages) -----------------------------------


def pair_preview(*, run: MatchRun, mentee: Enrolment, mentor: Enrolment) -> PairCheck:
    """The score and warnings of giving `mentee` the mentor `mentor` in this run."""
    mentee_row = _run_mentee(run, mentee)
    mentor_row = _program_mentor(run.program, mentor)
    check = _scored(run, [(mentee_row, mentor_row)])[0]
    held = seats.mentor_loads(run.program).get(mentor_row.pk, 0)
    proposed = (
        Proposal.objects.filter(run=run, mentor_id=mentor_row.pk)
        .exclude(mentee_id=mentee_row.pk)
        .count()
    )
    # Seats the mentor would still have once this mentee is theirs.
    check.seats_left = seats.capacity_of(mentor_row) - held - proposed - 1
    if check.seats_left < 0:
        text = _(
            "%(name)s is full within this run: capacity %(capacity)s, %(held)s held by "
            "mentorships, %(proposed)s proposed in this run."
        ) % {
            "name": mentor_row.user.display_name,
            "capacity": seats.capacity_of(mentor_row),
            "held": held,
            "proposed": proposed,
        }
        check.warnings.append(text)
        check.refusals.append(text)
    return check


def swap_preview(*, run: MatchRun, first: Proposal, second: Proposal) -> list[PairCheck]:
    """The two pairs a swap would make, each with its score and warnings."""
    if first.pk == second.pk or first.mentor_id == second.mentor_id:
        raise ValidationError(
            _("Choose a mentee with a different mentor to swap with."), code="same"
        )
    for proposal in (first, second):
        if proposal.run_id != run.pk:
            raise ValidationError(_("That pair is not part of this run."), code="other_run")
        _not_pinned(proposal)
    ids = [first.mentee_id, second.mentee_id, first.mentor_id, second.mentor_id]
    people = {e.pk: e for e in _load(ids)}
    return _scored(
        run,
        [
            (people[first.mentee_id], people[second.mentor_id]),
            (people[second.mentee_id], people[first.mentor_id]),
        ],
    )


def _scored(run: MatchRun, pairs: list[tuple[Enrolment, Enrolment]]) -> list[PairCheck]:
    mentees = _unique([a for a, _b in pairs])
    mentors = _unique([b for _a, b in pairs])
    try:
        built = build_problem(
            run.program,
            mentees=mentees,
            mentors=mentors,
            reference_date=_reference_date(run),
            for_run=False,
        )
    except NoCriteria as error:
        raise ValidationError(str(error), code="no_criteria") from error
    excluded = set(
        Exclusion.objects.filter(
            program=run.program,
            mentee_id__in=[e.pk for e in mentees],
            mentor_id__in=[e.pk for e in mentors],
        ).values_list("mentee_id", "mentor_id")
    )
    checks = []
    for mentee, mentor in pairs:
        breakdown = built.breakdown(mentee, mentor)
        check = PairCheck(
            mentee=mentee,
            mentor=mentor,
            score=built.pair_score(mentee, mentor),
            breakdown=breakdown,
        )
        names = {"mentee": mentee.user.display_name, "mentor": mentor.user.display_name}
        if (mentee.pk, mentor.pk) in excluded:
            check.refusals.append(
                _("%(mentee)s and %(mentor)s are excluded from being matched in this program.")
                % names
            )
        if line := reporting_line(mentee.user, mentor.user):
            check.refusals.append(
                _("%(line)s Nobody is matched with their own manager.") % {"line": line}
            )
        for label in built.failed_required(mentee, mentor):
            check.refusals.append(
                _("%(mentee)s and %(mentor)s fail the required criterion “%(criterion)s”.")
                % {**names, "criterion": label}
            )
        checks.append(check)
    return checks


def _unique(enrolments: list[Enrolment]) -> list[Enrolment]:
    return list({e.pk: e for e in enrolments}.values())


def _reference_date(run: MatchRun) -> date | None:
    text = (run.inputs or {}).get("reference_date")
    return date.fromisoformat(text) if text else None


def _load(ids: list[int]) -> list[Enrolment]:
    """Enrolments with everything scoring reads (as the run's own loading does)."""
    return list(
        Enrolment.objects.filter(pk__in=ids)
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


def _run_mentee(run: MatchRun, mentee: Enrolment) -> Enrolment:
    in_run = Proposal.objects.filter(run=run, mentee_id=mentee.pk).exists() or any(
        entry.get("enrolment") == mentee.pk for entry in run.unmatched
    )
    if not in_run:
        raise ValidationError(_("That mentee is not part of this run."), code="not_in_run")
    return _load([mentee.pk])[0]


def _program_mentor(program: Program, mentor: Enrolment) -> Enrolment:
    found = _load([mentor.pk])
    row = found[0] if found else None
    if row is None or row.program_id != program.pk or row.role != Role.MENTOR:
        raise ValidationError(_("Choose a mentor of this program."), code="not_a_mentor")
    if row.status != EnrolmentStatus.APPROVED:
        raise ValidationError(
            _("%(name)s’s enrolment is not approved.") % {"name": row.user.display_name},
            code="not_approved",
        )
    return row


# ---- the run's lists and figures after a change -----------------------------------------------


def _set_unmatched(run: MatchRun, *, add=(), remove=()) -> None:
    entries = [e for e in run.unmatched if e.get("enrolment") not in set(add) | set(remove)]
    entries += [
        {"enrolment": pk, "reason": str(REASON_TEXTS[EXCLUDED]), "code": EXCLUDED} for pk in add
    ]
    run.unmatched = entries
    run.save(update_fields=["unmatched"])


def _refresh_metrics(run: MatchRun) -> None:
    """The run's figures as they are after a change by hand (blocking pairs are no longer
    counted: they describe the engine's assignment)."""
    scores = np.array(list(Proposal.objects.filter(run=run).values_list("score", flat=True)))
    per_pair = 2 if Role.PEER in run.program.roles else 1
    figures = Metrics.of(scores, scores.size + len(run.unmatched))
    run.metrics = {
        **run.metrics,
        "matched": per_pair * figures.matched,
        "unmatched": len(run.unmatched),
        "total": round(figures.total, 2),
        "mean": round(figures.mean, 2),
        "median": round(figures.median, 2),
        "minimum": round(figures.minimum, 2),
        "p10": round(figures.p10, 2),
        "blocking_pairs": None,
        "edited": True,
    }
    run.save(update_fields=["metrics"])
