"""Matching runs: a coordinator starts one, the worker executes it.

`run_start` checks who and when, numbers the run and queues it; the task calls `run_execute`,
which claims the run with a conditional update (so a task delivered twice does the work once),
builds the program's problem, solves it and records everything a coordinator reviews: the
inputs as they were, the metrics, each proposed pair with its points by criterion, and the
unmatched with their reasons. Whatever goes wrong ends as a failed run with a message, never a
half-written one.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.accounts.models import User
from lodestar.matching import metrics as engine_metrics
from lodestar.matching.problem import Result
from lodestar.matching.solve import solve
from lodestar.matching.solvers import peer as engine_peer
from lodestar.programs.models import Program, Role
from lodestar.programs.policy import is_coordinator
from lodestar.programs.states import ProgramStatus

from ..inputs import NoCriteria, ProgramProblem, build_problem
from ..models import MatchRun, Proposal, ProposalSource, Solver
from ..states import RUN_STATES, UNFINISHED_RUN, RunStatus

logger = logging.getLogger(__name__)

# Program statuses in which a coordinator may run matching.
RUNNABLE = frozenset({ProgramStatus.ENROLLING, ProgramStatus.MATCHING, ProgramStatus.RUNNING})
# A run still unfinished after this long was lost (a worker killed mid-run): it no longer
# blocks a new one.
ABANDONED_AFTER = timedelta(hours=1)

# The engine's reasons for leaving someone unmatched, as codes (stored with each entry, so a
# page can show them in the reader's language) and their wording.
REASON_CODES = {
    engine_metrics.NO_MENTOR_ALLOWED: "no_mentor_allowed",
    engine_metrics.ALL_MENTORS_FULL: "all_mentors_full",
    engine_metrics.LEFT_BY_OBJECTIVE: "left_by_objective",
    engine_peer.NO_PARTNER_ALLOWED: "no_partner_allowed",
    engine_peer.ALL_PARTNERS_PAIRED: "all_partners_paired",
}
EXCLUDED = "excluded"
REASON_TEXTS = {
    "no_mentor_allowed": gettext_lazy(
        "No mentor is allowed for this mentee: a required criterion or an exclusion rules "
        "every one out."
    ),
    "all_mentors_full": gettext_lazy("Every compatible mentor is full."),
    "left_by_objective": gettext_lazy(
        "Left unmatched by the method, although a compatible mentor has a free seat."
    ),
    "no_partner_allowed": gettext_lazy(
        "No partner is allowed for this person: a required criterion or an exclusion rules "
        "every one out."
    ),
    "all_partners_paired": gettext_lazy("Every compatible partner is paired with someone else."),
    EXCLUDED: gettext_lazy("Excluded by a coordinator."),
}

SOLVER_HELP = {
    Solver.OPTIMAL: gettext_lazy(
        "The largest total score over everyone, proven optimal. The usual choice."
    ),
    Solver.FAIR: gettext_lazy(
        "First makes the worst pair as good as possible, then the largest total above it: "
        "nobody is left with a poor fit to make others' fits better."
    ),
    Solver.STABLE: gettext_lazy(
        "No mentee and mentor would both rather be with each other than with whom they got. "
        "Its total is usually a few percent below the optimum."
    ),
    Solver.GREEDY: gettext_lazy(
        "Each mentee in turn takes the best mentor left: simple, and the baseline the others "
        "are measured against."
    ),
}


def reason_text(entry: dict[str, Any]) -> str:
    """An unmatched entry's reason in the reader's language (engine details pass through)."""
    text = REASON_TEXTS.get(entry.get("code", ""))
    return str(text) if text is not None else str(entry.get("reason", ""))


def unmatched_entry(enrolment_id: int, engine_reason: str) -> dict[str, Any]:
    code = REASON_CODES.get(engine_reason, "")
    reason = str(REASON_TEXTS[code]) if code else engine_reason
    return {"enrolment": enrolment_id, "reason": reason, "code": code}


def engine_solver(program: Program, solver: str) -> str:
    """The engine's solver for a program: peers are always paired by the peer solver."""
    return "peer" if Role.PEER in program.roles else solver


# ---- starting ---------------------------------------------------------------------------------


def run_start(*, program: Program, solver: str, by: User) -> MatchRun:
    """Queue a new matching run of the program; the worker executes it after commit."""
    if not is_coordinator(by, program):
        raise PermissionDenied
    with transaction.atomic():
        locked = Program.objects.select_for_update().get(pk=program.pk)
        if solver not in Solver.values:
            raise ValidationError(
                {"solver": _("Choose one of the methods listed.")}, code="unknown_solver"
            )
        if locked.status not in RUNNABLE:
            raise ValidationError(
                _(
                    "Matching can run only while the program is enrolling, matching or running; "
                    "this one is %(status)s."
                )
                % {"status": locked.get_status_display().lower()},
                code="program_status",
            )
        if not locked.coordinator_matches:
            raise ValidationError(
                _(
                    "In this program mentees choose their mentors. Switch its matching mode to "
                    "“Coordinator matches” or “Hybrid” to run matching."
                ),
                code="mentees_choose",
            )
        _forget_abandoned_runs(locked)
        if MatchRun.objects.filter(program=locked, status__in=UNFINISHED_RUN).exists():
            raise ValidationError(
                _("A run is already in progress. Wait for it to finish, then run again."),
                code="run_in_progress",
            )
        number = (MatchRun.objects.filter(program=locked).aggregate(n=Max("number"))["n"] or 0) + 1
        run = MatchRun.objects.create(
            program=locked, number=number, solver=solver, status=RunStatus.QUEUED, created_by=by
        )
        transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from ..tasks import execute_match_run

    execute_match_run.enqueue(run_id)


def _forget_abandoned_runs(program: Program) -> None:
    cutoff = timezone.now() - ABANDONED_AFTER
    MatchRun.objects.filter(
        program=program, status__in=UNFINISHED_RUN, created_at__lt=cutoff
    ).update(
        status=RunStatus.FAILED,
        finished_at=timezone.now(),
        error=_("This run did not finish within an hour: the worker running it stopped."),
    )


# ---- executing --------------------------------------------------------------------------------


def run_execute(run_id: int) -> MatchRun | None:
    """Execute a queued run; a run in any other status is left alone (returns None)."""
    claimed = MatchRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    run = MatchRun.objects.select_related("program").get(pk=run_id)
    try:
        # Reading and solving take the time; only the writing holds a transaction (on SQLite,
        # the one write lock).
        built, result = _solve(run)
        with transaction.atomic():
            _record(run, built, result)
    except (NoCriteria, ValidationError) as error:
        message = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        _fail(run, message)
    except Exception:
        logger.exception("Matching run %s of program %s failed", run.number, run.program_id)
        _fail(
            run,
            _(
                "The matching engine stopped with an unexpected error; the details are in the "
                "server log. Try again, or tell your site administrator if it happens again."
            ),
        )
    return MatchRun.objects.get(pk=run_id)


def _fail(run: MatchRun, message: str) -> None:
    RUN_STATES.check(RunStatus.RUNNING, RunStatus.FAILED)
    MatchRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
        status=RunStatus.FAILED, error=message, finished_at=timezone.now()
    )


def _solve(run: MatchRun) -> tuple[ProgramProblem, Result]:
    built = build_problem(run.program)
    _check_pins(built)
    return built, solve(built.problem, engine_solver(run.program, run.solver))


def _record(run: MatchRun, built: ProgramProblem, result: Result) -> None:
    proposals = _proposals(run, built, result)
    Proposal.objects.bulk_create(proposals, batch_size=500)
    metrics = result.metrics
    run.inputs = built.snapshot(engine_solver(run.program, run.solver))
    run.metrics = {
        "matched": metrics.matched,
        "unmatched": metrics.unmatched,
        "total": round(metrics.total, 2),
        "mean": round(metrics.mean, 2),
        "median": round(metrics.median, 2),
        "minimum": round(metrics.minimum, 2),
        "p10": round(metrics.p10, 2),
        "blocking_pairs": metrics.blocking_pairs,
        "seconds": round(result.seconds, 3),
    }
    run.notes = _notes(result)
    run.unmatched = [
        unmatched_entry(built.mentees[i].pk, result.reasons.get(i, ""))
        for i in result.unmatched.tolist()
    ]
    run.prices = (
        {str(e.pk): round(float(p), 4) for e, p in zip(built.mentors, result.prices, strict=True)}
        if result.prices is not None
        else {}
    )
    RUN_STATES.check(RunStatus.RUNNING, RunStatus.DONE)
    run.status = RunStatus.DONE
    run.finished_at = timezone.now()
    run.save(
        update_fields=[
            "inputs",
            "metrics",
            "notes",
            "unmatched",
            "prices",
            "status",
            "finished_at",
        ]
    )


def _check_pins(built: ProgramProblem) -> None:
    """Pins that cannot all hold, said in people's names before the engine says it in indices."""
    problem = built.problem
    if built.peer:
        return
    counts = np.bincount(
        np.array([j for _i, j in problem.pins], dtype=np.int64), minlength=len(built.mentors)
    )
    for j in np.flatnonzero(counts > problem.capacities).tolist():
        raise ValidationError(
            _(
                "%(name)s is pinned to %(pins)s mentees but has only %(seats)s seats left. Unpin "
                "some of their pairs and run again."
            )
            % {
                "name": built.mentors[j].user.display_name,
                "pins": int(counts[j]),
                "seats": int(problem.capacities[j]),
            }
        )
    for i, j in problem.pins:
        mentee, mentor = built.mentees[i], built.mentors[j]
        if built.pair_score(mentee, mentor) is None:
            raise ValidationError(
                _(
                    "The pinned pair %(mentee)s and %(mentor)s is not allowed any more (a "
                    "required criterion fails or the pair is excluded). Unpin it and run again."
                )
                % {"mentee": mentee.user.display_name, "mentor": mentor.user.display_name}
            )


def _breakdowns(built: ProgramProblem, result: Result) -> dict[str, np.ndarray]:
    """Each criterion's points for every pair of the result, in one call to the scorer (two
    for peers, whose score is the mean of both people's views)."""
    parts = built.scorer.breakdown(result.mentee, result.mentor)
    if built.peer:
        other = built.scorer.breakdown(result.mentor, result.mentee)
        parts = {name: (values + other[name]) / 2 for name, values in parts.items()}
    return parts


def _proposals(run: MatchRun, built: ProgramProblem, result: Result) -> list[Proposal]:
    parts = _breakdowns(built, result)
    pins = {tuple(pair) for pair in built.problem.pins}
    if built.peer:
        pins |= {(j, i) for i, j in pins}
    made = []
    for k, (i, j) in enumerate(result.pairs()):
        made.append(
            Proposal(
                run=run,
                mentee=built.mentees[i],
                mentor=built.mentors[j],
                score=round(float(result.score[k]), 2),
                breakdown={name: round(float(values[k]), 2) for name, values in parts.items()},
                source=ProposalSource.PINNED if (i, j) in pins else ProposalSource.SOLVER,
            )
        )
    return made


def _notes(result: Result) -> list[str]:
    notes = list(result.notes)
    if result.proof is not None and result.proof.proven:
        notes.append(_("Proven optimal: no other assignment has a larger total score."))
    return notes
