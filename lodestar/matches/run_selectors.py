"""Reads for the matching-run pages, each in a bounded number of queries whatever the size of
the program: a run's pairs are read once as plain values (flags, search, histogram and seat
counts come from those), then only the page shown is loaded as objects."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lodestar.mentorships import seats
from lodestar.programs.models import Enrolment, Program, Role
from lodestar.programs.states import EnrolmentStatus

from .models import Exclusion, MatchRun, Pin, Proposal
from .services.runs import reason_text
from .states import RunStatus

PAGE_SIZE = 50
LOW_SCORE = 40.0
TIMEZONE_GAP_HOURS = 4
BINS = 10


# ---- the runs page ----------------------------------------------------------------------------


def runs_of(program: Program) -> list[MatchRun]:
    return list(
        MatchRun.objects.filter(program=program).select_related("created_by").order_by("-number")
    )


def participant_counts(program: Program) -> dict[str, int]:
    """Approved people by role, and how many of them already hold a seat, in two queries."""
    counts = program.enrolments.approved().aggregate(
        mentors=Count("pk", filter=Q(role=Role.MENTOR)),
        mentees=Count("pk", filter=Q(role=Role.MENTEE)),
        peers=Count("pk", filter=Q(role=Role.PEER)),
    )
    counts["seated"] = len(seats.seated_enrolments(program))
    return counts


def exclusions_of(program: Program) -> list[Exclusion]:
    return list(
        Exclusion.objects.filter(program=program)
        .select_related("mentee__user", "mentor__user", "created_by")
        .order_by("-created_at", "-pk")
    )


def pins_of(program: Program) -> list[Pin]:
    return list(
        Pin.objects.filter(program=program)
        .select_related("mentee__user", "mentor__user")
        .order_by("-created_at", "-pk")
    )


# ---- time zones -------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def _offset_hours(name: str, day: str) -> float | None:
    try:
        zone = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    moment = datetime.fromisoformat(day).replace(hour=12, tzinfo=ZoneInfo("UTC"))
    offset = moment.astimezone(zone).utcoffset()
    return offset.total_seconds() / 3600 if offset is not None else None


def timezone_gap(first: str | None, second: str | None) -> float | None:
    """Hours between two time zones today (the shorter way round the clock), or None."""
    if not first or not second:
        return None
    day = timezone.now().date().isoformat()
    a, b = _offset_hours(first, day), _offset_hours(second, day)
    if a is None or b is None:
        return None
    gap = abs(a - b) % 24
    return min(gap, 24 - gap)


# ---- the review page --------------------------------------------------------------------------


@dataclass
class PairRow:
    pk: int
    score: float
    mentor_id: int
    mentee_name: str
    mentor_name: str
    gap: float | None
    seats_left: int
    low: bool
    far: bool
    over: bool
    search: str = ""

    @property
    def flagged(self) -> bool:
        return self.low or self.far or self.over


@dataclass
class Review:
    run: MatchRun
    criteria: list[dict[str, Any]]
    page: Page
    rows: list[tuple[Proposal, PairRow]]
    total_pairs: int
    flagged_pairs: int
    histogram: list[dict[str, Any]]
    unmatched_page: Page
    unmatched_rows: list[tuple[Enrolment | None, str]]
    reasons: list[tuple[str, int]]
    low_threshold: float
    peer: bool
    pinned: int = 0
    edited: int = 0
    chart: dict[str, Any] = field(default_factory=dict)


def mentor_capacities(program: Program) -> dict[int, int]:
    """{mentor enrolment id: capacity} for the whole program, in one query."""
    return {
        pk: capacity or program.default_mentor_capacity
        for pk, capacity in Enrolment.objects.filter(program=program, role=Role.MENTOR).values_list(
            "pk", "capacity"
        )
    }


def seats_after(run: MatchRun, proposed: Counter) -> dict[int, int]:
    """Each mentor's seats left once this run's pairs are made (for a published run, as now)."""
    program = run.program
    loads = seats.mentor_loads(program)
    capacities = mentor_capacities(program)
    extra = proposed if run.status != RunStatus.PUBLISHED else Counter()
    return {pk: capacity - loads.get(pk, 0) - extra[pk] for pk, capacity in capacities.items()}


def _pair_rows(run: MatchRun) -> list[PairRow]:
    values = Proposal.objects.filter(run=run).values_list(
        "pk",
        "score",
        "mentor_id",
        "mentee__user__name",
        "mentee__user__email",
        "mentor__user__name",
        "mentor__user__email",
        "mentee__user__timezone",
        "mentor__user__timezone",
    )
    raw = list(values)
    peer = Role.PEER in run.program.roles
    proposed = Counter(row[2] for row in raw)
    left = seats_after(run, proposed) if not peer else {}
    threshold = low_threshold(run)
    rows = []
    for pk, score, mentor_id, a_name, a_email, b_name, b_email, a_zone, b_zone in raw:
        gap = timezone_gap(a_zone, b_zone)
        seats_left = left.get(mentor_id, 0)
        rows.append(
            PairRow(
                pk=pk,
                score=score,
                mentor_id=mentor_id,
                mentee_name=_display(a_name, a_email),
                mentor_name=_display(b_name, b_email),
                gap=gap,
                seats_left=seats_left,
                low=score < threshold,
                far=gap is not None and gap >= TIMEZONE_GAP_HOURS,
                over=not peer and seats_left < 0,
                search=f"{a_name} {a_email} {b_name} {b_email}".casefold(),
            )
        )
    rows.sort(key=lambda r: (r.score, r.pk))
    return rows


def low_threshold(run: MatchRun) -> float:
    """A pair is flagged “low score” below the run's 10th percentile or below 40 points."""
    p10 = (run.metrics or {}).get("p10")
    return max(LOW_SCORE, float(p10)) if p10 is not None else LOW_SCORE


def histogram(scores: list[float]) -> list[dict[str, Any]]:
    counts = [0] * BINS
    width = 100 / BINS
    for score in scores:
        counts[min(BINS - 1, max(0, int(score // width)))] += 1
    return [
        {
            "label": f"{int(k * width)}–{int((k + 1) * width)}",
            "low": int(k * width),
            "high": int((k + 1) * width),
            "count": count,
        }
        for k, count in enumerate(counts)
    ]


def review(
    run: MatchRun,
    *,
    page: Any = 1,
    flagged_only: bool = False,
    query: str = "",
    unmatched_page: Any = 1,
) -> Review:
    """Everything the review page shows, for one page of pairs and one page of the unmatched."""
    rows = _pair_rows(run)
    shown = rows
    needle = " ".join(query.split()).casefold()
    if needle:
        shown = [r for r in shown if needle in r.search]
    if flagged_only:
        shown = [r for r in shown if r.flagged]
    pairs_page = Paginator(shown, PAGE_SIZE).get_page(page)
    by_pk = {
        p.pk: p
        for p in Proposal.objects.filter(pk__in=[r.pk for r in pairs_page.object_list])
        .select_related("mentee__user", "mentor__user")
        .only(
            "pk",
            "score",
            "breakdown",
            "source",
            "mentee__user__name",
            "mentee__user__email",
            "mentor__user__name",
            "mentor__user__email",
            "mentee__user__erased_at",
            "mentor__user__erased_at",
            "run_id",
            "mentee_id",
            "mentor_id",
        )
    }
    criteria = list((run.inputs or {}).get("criteria", []))
    page_rows = []
    for row in pairs_page.object_list:
        proposal = by_pk[row.pk]
        proposal.points = [proposal.breakdown.get(c["name"]) for c in criteria]
        page_rows.append((proposal, row))
    entries = list(run.unmatched or [])
    unmatched = Paginator(entries, PAGE_SIZE).get_page(unmatched_page)
    people = {
        e.pk: e
        for e in Enrolment.objects.filter(
            pk__in=[entry["enrolment"] for entry in unmatched.object_list]
        ).select_related("user")
    }
    sources = Counter(Proposal.objects.filter(run=run).values_list("source", flat=True).order_by())
    histogram_bins = histogram([r.score for r in rows])
    return Review(
        run=run,
        criteria=criteria,
        page=pairs_page,
        rows=page_rows,
        total_pairs=len(rows),
        flagged_pairs=sum(1 for r in rows if r.flagged),
        histogram=histogram_bins,
        unmatched_page=unmatched,
        unmatched_rows=[
            (people.get(entry["enrolment"]), reason_text(entry)) for entry in unmatched.object_list
        ],
        reasons=Counter(reason_text(entry) for entry in entries).most_common(),
        low_threshold=low_threshold(run),
        peer=Role.PEER in run.program.roles,
        pinned=sources.get("pinned", 0),
        edited=sources.get("edited", 0),
        chart={
            "labels": [b["label"] for b in histogram_bins],
            "counts": [b["count"] for b in histogram_bins],
            "title": _("Pairs by score"),
            "x": _("Score"),
            "y": _("Pairs"),
        },
    )


# ---- one mentee of a run ----------------------------------------------------------------------


@dataclass
class MenteeInRun:
    run: MatchRun
    mentee: Enrolment
    proposal: Proposal | None
    reason: str
    gap: float | None
    mentors: list[tuple[int, str]]  # (enrolment id, "name — seats left after this run")
    partners: list[tuple[int, str]]  # other pairs to swap with: (proposal id, description)


def _display(name: str, email: str) -> str:
    """User.display_name from plain values."""
    return name or email.split("@")[0]


def _mentor_option(name: str, left: int) -> str:
    if left <= 0:
        return _("%(name)s — full") % {"name": name}
    return ngettext("%(name)s — %(count)s seat left", "%(name)s — %(count)s seats left", left) % {
        "name": name,
        "count": left,
    }


def mentee_in_run(run: MatchRun, mentee_id: int) -> MenteeInRun | None:
    """A mentee of the run (matched or not), with the choices for changing their pair."""
    proposal = (
        Proposal.objects.filter(run=run, mentee_id=mentee_id)
        .select_related("mentee__user", "mentor__user")
        .first()
    )
    entry = next((e for e in run.unmatched or [] if e.get("enrolment") == mentee_id), None)
    if proposal is None and entry is None:
        return None
    mentee = (
        proposal.mentee
        if proposal
        else Enrolment.objects.select_related("user").filter(pk=mentee_id).first()
    )
    if mentee is None:
        return None
    if proposal is not None:
        criteria = (run.inputs or {}).get("criteria", [])
        proposal.points = [(c["name"], proposal.breakdown.get(c["name"])) for c in criteria]
    peer = Role.PEER in run.program.roles
    mentors, partners = [], []
    if not peer and run.status == RunStatus.DONE:
        proposed = Counter(
            Proposal.objects.filter(run=run).values_list("mentor_id", flat=True).order_by()
        )
        left = seats_after(run, proposed)
        people = (
            Enrolment.objects.filter(
                program=run.program, role=Role.MENTOR, status=EnrolmentStatus.APPROVED
            )
            .order_by("user__name", "user__email")
            .values_list("pk", "user__name", "user__email")
        )
        mentors = [
            (pk, _mentor_option(_display(name, email), left.get(pk, 0)))
            for pk, name, email in people
            if proposal is None or pk != proposal.mentor_id
        ]
        if proposal is not None:
            others = (
                Proposal.objects.filter(run=run)
                .exclude(mentee_id=mentee_id)
                .exclude(mentor_id=proposal.mentor_id)
                .exclude(source="pinned")
                .order_by("mentee__user__name", "pk")
                .values_list(
                    "pk",
                    "mentee__user__name",
                    "mentee__user__email",
                    "mentor__user__name",
                    "mentor__user__email",
                )
            )
            partners = [
                (pk, f"{_display(a_name, a_email)} — {_display(b_name, b_email)}")
                for pk, a_name, a_email, b_name, b_email in others
            ]
    return MenteeInRun(
        run=run,
        mentee=mentee,
        proposal=proposal,
        reason=reason_text(entry) if entry else "",
        gap=timezone_gap(mentee.user.timezone, proposal.mentor.user.timezone) if proposal else None,
        mentors=mentors,
        partners=partners,
    )


# ---- comparing two runs -----------------------------------------------------------------------


@dataclass
class Comparison:
    first: MatchRun
    second: MatchRun
    rows: list[tuple[str, Any, Any]]
    criteria: list[tuple[str, Any, Any]]
    different_mentor: int
    only_first: int
    only_second: int


def compare(first: MatchRun, second: MatchRun) -> Comparison:
    """Two runs' inputs and figures side by side, and how many mentees' pairs differ."""

    def inputs(run: MatchRun) -> dict[str, Any]:
        data = run.inputs or {}
        return {
            "mentees": len(data.get("mentees", [])),
            "mentors": len(data.get("mentors", [])),
            "seats": sum(data.get("capacities", [])),
            "pins": len(data.get("pins", [])),
            "exclusions": len(data.get("exclusions", [])),
        }

    a, b = inputs(first), inputs(second)
    ma, mb = first.metrics or {}, second.metrics or {}
    rows = [
        (_("Method"), first.get_solver_display(), second.get_solver_display()),
        (_("Status"), first.get_status_display(), second.get_status_display()),
        (_("Mentees considered"), a["mentees"], b["mentees"]),
        (_("Mentors considered"), a["mentors"], b["mentors"]),
        (_("Seats offered"), a["seats"], b["seats"]),
        (_("Pinned pairs"), a["pins"], b["pins"]),
        (_("Excluded pairs"), a["exclusions"], b["exclusions"]),
        (_("Matched"), ma.get("matched"), mb.get("matched")),
        (_("Unmatched"), ma.get("unmatched"), mb.get("unmatched")),
        (_("Total score"), ma.get("total"), mb.get("total")),
        (_("Mean score"), ma.get("mean"), mb.get("mean")),
        (_("Median score"), ma.get("median"), mb.get("median")),
        (_("Lowest score"), ma.get("minimum"), mb.get("minimum")),
        (_("10th percentile"), ma.get("p10"), mb.get("p10")),
        (_("Blocking pairs"), ma.get("blocking_pairs"), mb.get("blocking_pairs")),
        (_("Seconds"), ma.get("seconds"), mb.get("seconds")),
    ]
    weights_a = {c["name"]: c for c in (first.inputs or {}).get("criteria", [])}
    weights_b = {c["name"]: c for c in (second.inputs or {}).get("criteria", [])}
    names = list(weights_a) + [n for n in weights_b if n not in weights_a]

    def weight(criteria: dict, name: str) -> str | None:
        c = criteria.get(name)
        if c is None:
            return None
        text = f"{c['weight']:g}"
        return text + (" · " + _("required") if c.get("required") else "")

    pairs_a = dict(Proposal.objects.filter(run=first).values_list("mentee_id", "mentor_id"))
    pairs_b = dict(Proposal.objects.filter(run=second).values_list("mentee_id", "mentor_id"))
    both = pairs_a.keys() & pairs_b.keys()
    return Comparison(
        first=first,
        second=second,
        rows=rows,
        criteria=[(n, weight(weights_a, n), weight(weights_b, n)) for n in names],
        different_mentor=sum(1 for pk in both if pairs_a[pk] != pairs_b[pk]),
        only_first=len(pairs_a.keys() - pairs_b.keys()),
        only_second=len(pairs_b.keys() - pairs_a.keys()),
    )
