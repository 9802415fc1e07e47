"""Nudges: gentle reminders when a mentorship stalls, and a coordinator's flag when they fail.

Each rule finds *causes* — something wrong, since a given date — and the people who can fix
them. A cause's key names it and its start ("no_meeting:<mentorship>:<since>"), so it is the
same cause run after run, and a new one once it resolved and came back.

The chain of one cause, per recipient: a reminder (level 1) as soon as the cause holds; a
second reminder (level 2) if it still holds the program's nudge_escalate_days later; and, if it
still holds nudge_flag_days after that, a `PairFlag` and one "pair_at_risk" notice to each of the
program's coordinators, once per cause.
A cause that resolves (a meeting held, a request answered) stops its chain: later runs no
longer find it. Every step is a `Nudge` row, unique per (person, cause, level): nothing is sent
twice, however often `nudges_run` runs, or on how many workers.

Quiet hours: no member is nudged between QUIET_FROM and QUIET_UNTIL in their own time
zone; the nudge waits for the first run after. Coordinator alerts are not held back (like a
call for help, they always go through at once).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.matches.models import MentorshipRequest
from lodestar.matches.services.requests import request_url
from lodestar.meetings.models import Meeting
from lodestar.meetings.states import MeetingStatus
from lodestar.mentorships.agreements import agreement_url
from lodestar.mentorships.goal_states import GoalStatus
from lodestar.mentorships.goals import goal_url
from lodestar.mentorships.models import AgreementSignature, AgreementVersion, Goal, Mentorship
from lodestar.mentorships.services import mentorship_url
from lodestar.mentorships.states import MentorshipStatus
from lodestar.programs.models import NudgeRule, Program

from .checkins import _help_recipients, checkin_url, current_period_start, period_days
from .models import CheckIn, Nudge, NudgeLevel, PairFlag
from .services import alert_coordinators, notify

# Nobody is nudged between these local hours. (The rules and their days are program settings:
# Program.nudge_rules and Program.nudge_*_days.)
QUIET_FROM = 21
QUIET_UNTIL = 8

NO_MEETING = NudgeRule.NO_MEETING.value
REQUEST_UNANSWERED = NudgeRule.REQUEST_UNANSWERED.value
AGREEMENT_UNSIGNED = NudgeRule.AGREEMENT_UNSIGNED.value
CHECKIN_OVERDUE = NudgeRule.CHECKIN_OVERDUE.value
GOAL_OVERDUE = NudgeRule.GOAL_OVERDUE.value


def rule_label(rule: str) -> str:
    """What a coordinator reads about a flag: never any content, only what kind of trouble."""
    return {
        NO_MEETING: _("no meeting for a long time"),
        REQUEST_UNANSWERED: _("a mentorship request left unanswered"),
        AGREEMENT_UNSIGNED: _("the agreement is not signed"),
        CHECKIN_OVERDUE: _("check-ins missed"),
        GOAL_OVERDUE: _("a goal past its target date"),
    }.get(rule, rule)


@dataclass
class Cause:
    key: str
    rule: str
    program: Program
    mentorship_id: int | None
    users: list[User]
    url: str
    params: dict  # fills the reminder's text
    pair: tuple[str, str] = ("", "")  # the names a coordinator's alert shows

    def text(self) -> str:
        p = self.params
        if self.rule == NO_MEETING:
            return _(
                "Your mentorship in %(program)s has had no meeting for %(days)d days. "
                "How about planning one?"
            ) % {"program": self.program.name, "days": p["days"]}
        if self.rule == REQUEST_UNANSWERED:
            return _(
                "%(person)s has waited %(days)d days for your answer to their request in "
                "%(program)s."
            ) % {"person": p["person"], "days": p["days"], "program": self.program.name}
        if self.rule == AGREEMENT_UNSIGNED:
            return _(
                "Your mentoring agreement in %(program)s is not signed yet: please read and sign it."
            ) % {"program": self.program.name}
        if self.rule == CHECKIN_OVERDUE:
            return _(
                "You missed your last check-in in %(program)s. How is your mentorship going?"
            ) % {"program": self.program.name}
        return _("Your goal “%(title)s” passed its target date: update it or set a new date.") % {
            "title": p["title"]
        }


def is_quiet(user: User, now: datetime) -> bool:
    try:
        zone = ZoneInfo(user.timezone or "UTC")
    except (ValueError, KeyError):  # an unknown zone: treat as UTC
        zone = ZoneInfo("UTC")
    hour = now.astimezone(zone).hour
    return hour >= QUIET_FROM or hour < QUIET_UNTIL


def _sends(program: Program, rule: str) -> bool:
    return rule in (program.nudge_rules or [])


# --- finding causes (a bounded number of queries, whatever the number of pairs) --------------


def _active_mentorships(now: datetime):
    held = Q(
        meetings__status__in=[MeetingStatus.COMPLETED, MeetingStatus.CONFIRMED],
        meetings__start__lte=now,
    )
    upcoming = Meeting.objects.filter(
        mentorship=OuterRef("pk"), status=MeetingStatus.CONFIRMED, start__gt=now
    )
    return list(
        Mentorship.objects.filter(status=MentorshipStatus.ACTIVE, start_date__isnull=False)
        .select_related("program")
        .prefetch_related("memberships__user")
        .annotate(last_met=Max("meetings__start", filter=held), planned=Exists(upcoming))
        .order_by("pk")
    )


def _members(mentorship: Mentorship) -> list[User]:
    return [m.user for m in mentorship.memberships.all() if m.user.is_active]


def _circle_mentors(mentorship: Mentorship) -> list[User]:
    return [
        u for m in mentorship.memberships.all() if m.role == "mentor" and (u := m.user).is_active
    ]


def _pair(mentorship: Mentorship) -> tuple[str, str]:
    """(mentees, mentors) by name, for a coordinator's alert."""
    members = list(mentorship.memberships.all())
    mentees = [m.user.display_name for m in members if m.role != "mentor"]
    mentors = [m.user.display_name for m in members if m.role == "mentor"]
    return ", ".join(mentees), ", ".join(mentors)


def _no_meeting(mentorships, today: date) -> Iterable[Cause]:
    for m in mentorships:
        if m.planned or not _sends(m.program, NO_MEETING):
            continue
        since = max(m.start_date, timezone.localdate(m.last_met)) if m.last_met else m.start_date
        days = (today - since).days
        if days >= m.program.nudge_no_meeting_days:
            yield Cause(
                f"{NO_MEETING}:{m.pk}:{since.isoformat()}",
                NO_MEETING,
                m.program,
                m.pk,
                _members(m),
                mentorship_url(m),
                {"days": days},
                _pair(m),
            )


def _agreement_unsigned(mentorships, today: date) -> Iterable[Cause]:
    by_pk = {m.pk: m for m in mentorships}
    current: dict[int, AgreementVersion] = {}
    for version in AgreementVersion.objects.filter(mentorship__status=MentorshipStatus.ACTIVE).only(
        "id", "mentorship_id", "number", "created_at", "agreed_at"
    ):
        if version.mentorship_id in by_pk:
            held = current.get(version.mentorship_id)
            if held is None or version.number > held.number:
                current[version.mentorship_id] = version
    signed = set(
        AgreementSignature.objects.filter(
            version_id__in=[v.pk for v in current.values() if v.agreed_at is None]
        ).values_list("version_id", "user_id")
    )
    for m in mentorships:
        version = current.get(m.pk)
        if not _sends(m.program, AGREEMENT_UNSIGNED):
            continue
        if version is not None and version.agreed_at is not None:
            continue
        # The first draft continues the "never signed" chain; a later version starts anew.
        since = m.start_date
        if version is not None and version.number > 1:
            since = max(since, timezone.localdate(version.created_at))
        if (today - since).days < m.program.nudge_agreement_days:
            continue
        unsigned = [u for u in _members(m) if version is None or (version.pk, u.pk) not in signed]
        if unsigned:
            yield Cause(
                f"{AGREEMENT_UNSIGNED}:{m.pk}:{since.isoformat()}",
                AGREEMENT_UNSIGNED,
                m.program,
                m.pk,
                unsigned,
                agreement_url(m),
                {},
                _pair(m),
            )


def _checkin_overdue(mentorships, today: date) -> Iterable[Cause]:
    last = {
        (row["mentorship_id"], row["user_id"]): row["last"]
        for row in CheckIn.objects.filter(mentorship__status=MentorshipStatus.ACTIVE)
        .values("mentorship_id", "user_id")
        .annotate(last=Max("period_start"))
    }
    for m in mentorships:
        current = current_period_start(m, today)
        if current is None or not _sends(m.program, CHECKIN_OVERDUE):
            continue
        ended = current - timedelta(days=period_days(m))
        if ended < m.start_date + timedelta(days=period_days(m)):
            continue  # the first period is still open: nothing has ended without a check-in
        for user in _members(m):
            latest = last.get((m.pk, user.pk))
            if latest is not None and latest >= ended:
                continue
            # Keyed by the last check-in made: checking in ends this chain.
            key = f"{CHECKIN_OVERDUE}:{m.pk}:{user.pk}:{latest.isoformat() if latest else 'none'}"
            yield Cause(key, CHECKIN_OVERDUE, m.program, m.pk, [user], checkin_url(m), {}, _pair(m))


def _goal_overdue(today: date) -> Iterable[Cause]:
    goals = (
        Goal.objects.filter(
            mentorship__status=MentorshipStatus.ACTIVE,
            accepted=True,
            target_date__lt=today,
        )
        # A mentee's own goal reminds its owner; a circle's shared goal, the circle's mentors.
        .filter(Q(owner__is_active=True) | Q(owner__isnull=True))
        .exclude(status__in=[GoalStatus.ACHIEVED, GoalStatus.DROPPED])
        .select_related("owner", "mentorship__program")
        .prefetch_related("mentorship__memberships__user")
        .order_by("pk")
    )
    for goal in goals:
        if not _sends(goal.mentorship.program, GOAL_OVERDUE):
            continue
        yield Cause(
            f"{GOAL_OVERDUE}:{goal.pk}:{goal.target_date.isoformat()}",
            GOAL_OVERDUE,
            goal.mentorship.program,
            goal.mentorship_id,
            [goal.owner] if goal.owner else _circle_mentors(goal.mentorship),
            goal_url(goal),
            {"title": goal.title},
            _pair(goal.mentorship),
        )


def _request_unanswered(now: datetime) -> Iterable[Cause]:
    requests = (
        MentorshipRequest.objects.open()
        # A day is the least any program waits; each program's own wait is checked below.
        .filter(created_at__lte=now - timedelta(days=1))
        .select_related("program", "mentee__user", "mentor__user")
        .order_by("pk")
    )
    for request in requests:
        program = request.program
        if not request.mentor.user.is_active or not _sends(program, REQUEST_UNANSWERED):
            continue
        if now - request.created_at < timedelta(days=program.nudge_request_days):
            continue
        yield Cause(
            f"{REQUEST_UNANSWERED}:{request.pk}",
            REQUEST_UNANSWERED,
            request.program,
            None,
            [request.mentor.user],
            request_url(request),
            {
                "person": request.mentee.user.display_name,
                "days": (now - request.created_at).days,
            },
            (request.mentee.user.display_name, request.mentor.user.display_name),
        )


def causes_now(now: datetime) -> list[Cause]:
    today = timezone.localdate(now)
    mentorships = _active_mentorships(now)
    return [
        *_no_meeting(mentorships, today),
        *_agreement_unsigned(mentorships, today),
        *_checkin_overdue(mentorships, today),
        *_goal_overdue(today),
        *_request_unanswered(now),
    ]


# --- sending ----------------------------------------------------------------------------------


def _send(cause: Cause, user: User, level: int, kind: str, url: str, title: str, now) -> bool:
    """Record the nudge and tell its recipient, once: False if a run got there first."""
    with transaction.atomic():
        _nudge, created = Nudge.objects.get_or_create(
            user=user,
            cause=cause.key,
            level=level,
            defaults={"mentorship_id": cause.mentorship_id, "rule": cause.rule, "sent_at": now},
        )
        if created:
            notify(user=user, kind=kind, url=url, title=title)
    return created


def _flag(cause: Cause, now: datetime) -> bool:
    """Flag the cause for the program's coordinators and alert them: once per cause."""
    with transaction.atomic():
        _row, created = PairFlag.objects.get_or_create(
            cause=cause.key,
            defaults={
                "program": cause.program,
                "mentorship_id": cause.mentorship_id,
                "rule": cause.rule,
                "created_at": now,
            },
        )
        if created:
            url = reverse("program_health", args=[cause.program.slug])
            alert_coordinators(
                program=cause.program,
                kind="pair_at_risk",
                url=url,
                users=_help_recipients(cause.program),
                person=cause.pair[0],
                other=cause.pair[1],
            )
    return created


def nudges_run(now: datetime | None = None) -> int:
    """Send every reminder and second reminder that is due now, flag what outlived both, and
    resolve the flags whose cause is gone. Idempotent. Returns how many reminders and flags."""
    now = now or timezone.now()
    causes = causes_now(now)
    keys = [c.key for c in causes]
    sent_at: dict[tuple[int, str, int], datetime] = {}
    for row in Nudge.objects.filter(cause__in=keys).values("user_id", "cause", "level", "sent_at"):
        sent_at[(row["user_id"], row["cause"], row["level"])] = row["sent_at"]
    flagged = set(PairFlag.objects.filter(cause__in=keys).values_list("cause", flat=True))
    count = 0
    for cause in causes:
        escalate = timedelta(days=cause.program.nudge_escalate_days)
        flag_after = timedelta(days=cause.program.nudge_flag_days)
        for user in cause.users:
            if is_quiet(user, now):
                continue
            first = sent_at.get((user.pk, cause.key, NudgeLevel.REMINDER))
            if first is None:
                level, title = NudgeLevel.REMINDER, cause.text()
            elif sent_at.get((user.pk, cause.key, NudgeLevel.ESCALATION)) is None:
                if now - first < escalate:
                    continue
                level = NudgeLevel.ESCALATION
                title = _("Second reminder: %(text)s") % {"text": cause.text()}
            else:
                continue
            if _send(cause, user, level, "nudge", cause.url, title, now):
                sent_at[(user.pk, cause.key, level)] = now
                count += 1
        if cause.key in flagged:
            continue
        seconds = [
            sent_at[(u.pk, cause.key, NudgeLevel.ESCALATION)]
            for u in cause.users
            if (u.pk, cause.key, NudgeLevel.ESCALATION) in sent_at
        ]
        if seconds and now - min(seconds) >= flag_after and _flag(cause, now):
            count += 1
    PairFlag.objects.filter(resolved_at__isnull=True).exclude(cause__in=keys).update(
        resolved_at=now
    )
    # The very same cause back again (a goal reopened): its flag is open again, not re-sent.
    PairFlag.objects.filter(resolved_at__isnull=False, cause__in=keys).update(resolved_at=None)
    return count
