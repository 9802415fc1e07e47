"""The health of each running mentorship, for coordinators: healthy, quiet or at risk, with the
reasons — dates and counts only, never what anybody wrote.

- no meeting held or confirmed for QUIET_DAYS → quiet; for AT_RISK_DAYS → at risk;
- no message for QUIET_DAYS → quiet;
- the latest check-in's mood at most LOW_MOOD, or a member's open call for help → at risk;
- a nudge chain that ended in a coordinators' flag (nudges.py), still open → at risk;
- the agreement still unsigned AGREEMENT_DAYS after the start, or goals past their target
  date → quiet.

Computed for a whole program in one query (annotations and subqueries, not one per pair).
"""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from lodestar.meetings.models import Meeting
from lodestar.meetings.states import MeetingStatus
from lodestar.mentorships.goal_states import GoalStatus
from lodestar.mentorships.models import AgreementVersion, Goal, Membership, Mentorship
from lodestar.mentorships.states import MentorshipStatus
from lodestar.messaging.models import Message

from .models import CheckIn, HealthStatus, PairFlag, PairHealth
from .nudges import rule_label

QUIET_DAYS = 21
AT_RISK_DAYS = 42
LOW_MOOD = 2
AGREEMENT_DAYS = 14

ORDER = {HealthStatus.AT_RISK: 0, HealthStatus.QUIET: 1, HealthStatus.HEALTHY: 2}


@dataclass
class Health:
    mentorship_id: int
    start_date: date | None
    status: str = HealthStatus.HEALTHY
    reasons: list[str] = field(default_factory=list)
    last_met: datetime | None = None
    last_message: datetime | None = None
    members: list = field(default_factory=list)  # filled by attach_members

    @property
    def label(self) -> str:
        return HealthStatus(self.status).label


def _annotated(mentorships, now: datetime):
    # Every figure is a subquery: no join to aggregate over, hence no GROUP BY, which would
    # carry the subqueries along and run them once per joined row (per meeting, not per pair).
    last_met = (
        Meeting.objects.filter(
            mentorship=OuterRef("pk"),
            status__in=[MeetingStatus.COMPLETED, MeetingStatus.CONFIRMED],
            start__lte=now,
        )
        .order_by("-start")
        .values("start")[:1]
    )
    last_message = (
        Message.objects.filter(conversation__mentorship=OuterRef("pk"), deleted_at__isnull=True)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    last_mood = CheckIn.objects.filter(mentorship=OuterRef("pk")).order_by("-created_at", "-id")
    help_open = CheckIn.objects.filter(
        mentorship=OuterRef("pk"), wants_contact=True, handled_at__isnull=True
    )
    agreed = AgreementVersion.objects.filter(mentorship=OuterRef("pk")).order_by("-number")
    open_flag = PairFlag.objects.filter(
        mentorship=OuterRef("pk"), resolved_at__isnull=True
    ).order_by("created_at", "id")
    overdue_goals = (
        Goal.objects.filter(
            mentorship=OuterRef("pk"), accepted=True, target_date__lt=timezone.localdate(now)
        )
        .exclude(status__in=[GoalStatus.ACHIEVED, GoalStatus.DROPPED])
        .values("mentorship")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return mentorships.annotate(
        last_met=Subquery(last_met),
        last_message=Subquery(last_message),
        last_mood=Subquery(last_mood.values("mood")[:1]),
        help_open=Exists(help_open),
        flagged_rule=Subquery(open_flag.values("rule")[:1]),
        has_agreement=Exists(agreed),
        agreed_at=Subquery(agreed.values("agreed_at")[:1]),
        overdue_goals=Coalesce(Subquery(overdue_goals, output_field=IntegerField()), 0),
    ).values(
        "pk",
        "start_date",
        "last_met",
        "last_message",
        "last_mood",
        "help_open",
        "flagged_rule",
        "has_agreement",
        "agreed_at",
        "overdue_goals",
    )


def _days_since(moment: datetime | None, start: date | None, today: date) -> int | None:
    since = timezone.localdate(moment) if moment else start
    return None if since is None else (today - since).days


def _assess(row: dict, today: date) -> Health:
    health = Health(row["pk"], row["start_date"], last_met=row["last_met"])
    health.last_message = row["last_message"]
    at_risk, quiet = [], []
    met = _days_since(row["last_met"], row["start_date"], today)
    if met is not None and met >= QUIET_DAYS:
        text = (
            ngettext("No meeting in %(days)d day", "No meeting in %(days)d days", met)
            if row["last_met"]
            else ngettext(
                "No meeting since the start, %(days)d day ago",
                "No meeting since the start, %(days)d days ago",
                met,
            )
        ) % {"days": met}
        (at_risk if met >= AT_RISK_DAYS else quiet).append(text)
    written = _days_since(row["last_message"], row["start_date"], today)
    if written is not None and written >= QUIET_DAYS:
        quiet.append(
            ngettext("No message in %(days)d day", "No message in %(days)d days", written)
            % {"days": written}
        )
    if row["last_mood"] is not None and row["last_mood"] <= LOW_MOOD:
        at_risk.append(_("Latest check-in mood: %(mood)d of 5") % {"mood": row["last_mood"]})
    if row["help_open"]:
        at_risk.append(_("A member asked a coordinator to get in touch"))
    if row["flagged_rule"]:
        at_risk.append(
            _("Two reminders went unheeded: %(trouble)s")
            % {"trouble": rule_label(row["flagged_rule"])}
        )
    started = _days_since(None, row["start_date"], today)
    if started is not None and started >= AGREEMENT_DAYS and row["agreed_at"] is None:
        quiet.append(
            _("Agreement not signed, %(days)d days after the start") % {"days": started}
            if row["has_agreement"]
            else _("No agreement yet, %(days)d days after the start") % {"days": started}
        )
    if row["overdue_goals"]:
        n = row["overdue_goals"]
        quiet.append(
            ngettext(
                "%(count)d goal past its target date", "%(count)d goals past their target date", n
            )
            % {"count": n}
        )
    health.reasons = at_risk + quiet
    if at_risk:
        health.status = HealthStatus.AT_RISK
    elif quiet:
        health.status = HealthStatus.QUIET
    return health


def running(program=None):
    mentorships = Mentorship.objects.filter(
        status=MentorshipStatus.ACTIVE, start_date__isnull=False
    )
    return mentorships if program is None else mentorships.filter(program=program)


def program_health(program, now: datetime | None = None) -> list[Health]:
    """Every running pair of the program, at risk first, then quiet, then healthy (the oldest
    trouble first within each). One query."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = _annotated(running(program), now)
    found = [_assess(row, today) for row in rows]
    found.sort(key=lambda h: (ORDER[h.status], h.last_met or now, h.mentorship_id))
    return found


def attach_members(pairs: list[Health]) -> list[Health]:
    """Give each pair its memberships (with users), in one query."""
    members: dict[int, list[Membership]] = {pair.mentorship_id: [] for pair in pairs}
    for membership in (
        Membership.objects.filter(mentorship_id__in=members)
        .select_related("user")
        .order_by("role", "pk")
    ):
        members[membership.mentorship_id].append(membership)
    for pair in pairs:
        pair.members = members[pair.mentorship_id]
    return pairs


def health_refresh(now: datetime | None = None) -> int:
    """Record every running pair's health, keeping since when it is so (an hourly job).
    A handful of queries whatever the number of pairs; returns how many pairs changed."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    current = {row["pk"]: _assess(row, today).status for row in _annotated(running(), now)}
    changed = 0
    with transaction.atomic():
        known = {
            h.mentorship_id: h
            for h in PairHealth.objects.select_for_update().filter(mentorship_id__in=current)
        }
        fresh, moved = [], []
        for pk, status in current.items():
            record = known.get(pk)
            if record is None:
                fresh.append(PairHealth(mentorship_id=pk, status=status, since=now))
            elif record.status != status:
                record.status, record.since = status, now
                moved.append(record)
        PairHealth.objects.bulk_create(fresh, ignore_conflicts=True)
        PairHealth.objects.bulk_update(moved, ["status", "since"], batch_size=500)
        PairHealth.objects.filter(mentorship_id__in=current).update(checked_at=now)
        changed = len(fresh) + len(moved)
    return changed
