"""Reads for the mentorship pages, each in a bounded number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from lodestar.programs.models import Program, Role

from . import agreements
from . import goals as goal_services
from .goal_states import GoalStatus
from .models import AgreementVersion, Goal, Membership, Mentorship
from .policy import is_read_only
from .states import FINISHED, MentorshipStatus, Response

LIVE = (MentorshipStatus.ACTIVE, MentorshipStatus.PAUSED, MentorshipStatus.CLOSING)


def with_members(mentorships: QuerySet) -> QuerySet:
    """Mentorships with their program and members (mentors before mentees) in two queries."""
    # "-role" happens to put peer, mentor, mentee in that order: mentors first.
    members = Membership.objects.select_related("user").order_by("-role", "id")
    return mentorships.select_related("program").prefetch_related(
        Prefetch("memberships", queryset=members)
    )


def membership_of(mentorship: Mentorship, user) -> Membership | None:
    """The person's membership, from the prefetched members (no query)."""
    return next((m for m in mentorship.memberships.all() if m.user_id == user.pk), None)


@dataclass
class MyMentorships:
    """A person's mentorships, in the order they should act on them."""

    needs_answer: list[Mentorship] = field(default_factory=list)
    waiting: list[Mentorship] = field(default_factory=list)  # answered, others have not
    current: list[Mentorship] = field(default_factory=list)
    past: list[Mentorship] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.needs_answer or self.waiting or self.current or self.past)


def my_mentorships(user) -> MyMentorships:
    mentorships = with_members(
        Mentorship.objects.filter(
            pk__in=Membership.objects.filter(user=user).values("mentorship_id")
        )
    ).order_by("-created_at", "-pk")
    mine = MyMentorships()
    for mentorship in mentorships:
        mentorship.mine = membership_of(mentorship, user)
        mentorship.others = [m for m in mentorship.memberships.all() if m.user_id != user.pk]
        if mentorship.status == MentorshipStatus.PROPOSED:
            if mentorship.mine.response == Response.PENDING:
                mine.needs_answer.append(mentorship)
            else:
                mine.waiting.append(mentorship)
        elif mentorship.status in FINISHED:
            mine.past.append(mentorship)
        else:
            mine.current.append(mentorship)
    return mine


def mentorship_counts(programs: list[Program]) -> dict[int, dict[str, int]]:
    """{program id: {"proposed": n, "live": n, "paused": n, "finished": n}} in one query."""
    counts = {p.pk: {"proposed": 0, "live": 0, "paused": 0, "finished": 0} for p in programs}
    if not counts:
        return counts
    rows = (
        Mentorship.objects.filter(program__in=list(counts))
        .values("program_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        status = row["status"]
        if status == MentorshipStatus.PROPOSED:
            bucket = "proposed"
        elif status == MentorshipStatus.PAUSED:
            bucket = "paused"
        elif status in FINISHED:
            bucket = "finished"
        else:
            bucket = "live"
        counts[row["program_id"]][bucket] += row["n"]
    return counts


def dashboard_mentorships(user, coordinated: list[Program]) -> dict:
    """The dashboard's "Your mentorships": what waits for the viewer's answer, what is under
    way, and for coordinators how each of their programs stands."""
    mine = my_mentorships(user)
    counts = mentorship_counts(coordinated)
    return {
        "mentorships_to_answer": mine.needs_answer,
        "mentorships_waiting": mine.waiting,
        "mentorships_current": mine.current,
        "coordinated_mentorships": [(program, counts[program.pk]) for program in coordinated],
    }


def program_mentorships(program: Program, filters: dict) -> QuerySet:
    """A program's mentorships for its coordinators, filtered; members prefetched."""
    mentorships = Mentorship.objects.filter(program=program)
    if filters.get("status"):
        mentorships = mentorships.filter(status=filters["status"])
    if filters.get("origin"):
        mentorships = mentorships.filter(origin=filters["origin"])
    if filters.get("q"):
        q = filters["q"]
        people = Membership.objects.filter(
            Q(user__name__icontains=q) | Q(user__email__icontains=q),
            mentorship__program=program,
        )
        mentorships = mentorships.filter(pk__in=people.values("mentorship_id"))
    return with_members(mentorships).order_by("-created_at", "-pk")


# The workspace -------------------------------------------------------------------------------


def mentors_first(memberships) -> list[Membership]:
    return sorted(memberships, key=lambda m: (m.role != Role.MENTOR, m.pk))


@dataclass
class AgreementState:
    """Where the agreement stands, for the workspace: its current version and who signed."""

    version: AgreementVersion | None
    signatures: list[dict]  # {"member": Membership, "signed_at": datetime | None}

    @property
    def agreed(self) -> bool:
        return self.version is not None and self.version.agreed_at is not None

    def signed_by(self, user) -> bool:
        return any(row["signed_at"] and row["member"].user_id == user.pk for row in self.signatures)

    def waiting_for(self, user=None) -> list[Membership]:
        """The members who have not signed the current version (but `user`)."""
        return [
            row["member"]
            for row in self.signatures
            if row["signed_at"] is None and (user is None or row["member"].user_id != user.pk)
        ]


def agreement_state(mentorship: Mentorship) -> AgreementState:
    """Two queries: the current version, its signatures."""
    version = agreements.current_version(mentorship)
    members = mentors_first(mentorship.memberships.all())
    signed = {s.user_id: s.signed_at for s in version.signatures.all()} if version else {}
    return AgreementState(
        version=version,
        signatures=[{"member": m, "signed_at": signed.get(m.user_id)} for m in members],
    )


def with_owners(goals: list[Goal], mentorship: Mentorship) -> list[Goal]:
    users = {m.user_id: m.user for m in mentorship.memberships.all()}
    for goal in goals:
        goal.owner_user = users.get(goal.owner_id)
        goal.suggester = users.get(goal.suggested_by_id)
    return goals


def mentorship_goals(mentorship: Mentorship, *, with_milestones=False) -> list[Goal]:
    """All the mentorship's goals, suggestions and declined ones included, oldest first, with
    their owner and suggester from the prefetched members; one query (two with milestones)."""
    goals = Goal.objects.filter(mentorship=mentorship).order_by("created_at", "id")
    if with_milestones:
        goals = goals.prefetch_related("milestones")
    goals = with_owners(list(goals), mentorship)
    if with_milestones:
        for goal in goals:
            milestones = goal.milestones.all()
            goal.milestones_done = sum(1 for m in milestones if m.done_at is not None)
            goal.milestones_total = len(milestones)
    return goals


def goal_counts(mentorship: Mentorship) -> dict[str, int]:
    """{status: number of accepted goals} for every status, in one query (for coordinators)."""
    counts = dict.fromkeys(dict(GoalStatus.choices), 0)
    rows = (
        Goal.objects.filter(mentorship=mentorship, accepted=True)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in rows:
        counts[row["status"]] = row["n"]
    return counts


def due_items(
    mentorship: Mentorship, user, agreement: AgreementState, goals: list[Goal]
) -> list[dict]:
    """What waits for this member, most pressing first: {"text", "url", "action"}. `action` is
    True when the member has to do it, False when they wait for someone else."""
    if mentorship.status in FINISHED or mentorship.status == MentorshipStatus.PROPOSED:
        return []
    due = []
    agreement_url = reverse("agreement", args=[mentorship.pk])
    if agreement.version is None:
        due.append(
            {
                "text": _("Write your mentoring agreement together."),
                "url": agreement_url,
                "action": True,
            }
        )
    elif not agreement.agreed:
        if not agreement.signed_by(user):
            due.append(
                {
                    "text": _("Read and sign the agreement (version %(number)s).")
                    % {"number": agreement.version.number},
                    "url": agreement_url,
                    "action": True,
                }
            )
        waiting = agreement.waiting_for(user)
        if waiting:
            due.append(
                {
                    "text": _("Waiting for %(names)s to sign the agreement.")
                    % {"names": ", ".join(m.user.display_name for m in waiting)},
                    "url": agreement_url,
                    "action": False,
                }
            )
    for goal in goals:
        if goal.is_suggestion and goal.owner_id == user.pk:
            due.append(
                {
                    "text": _("%(person)s suggests a goal: “%(title)s”. Accept or decline it.")
                    % {
                        "person": goal.suggester.display_name if goal.suggester else _("Someone"),
                        "title": goal.title,
                    },
                    "url": reverse("goal_detail", args=[mentorship.pk, goal.pk]),
                    "action": True,
                }
            )
    if goal_services.can_own_goals(mentorship, user) and not any(
        g.accepted and g.owner_id == user.pk for g in goals
    ):
        due.append(
            {
                "text": _("Set your first goal."),
                "url": reverse("goals", args=[mentorship.pk]),
                "action": True,
            }
        )
    # Surveys pending (evaluations, later) add their items here.
    return due


def workspace(mentorship: Mentorship, user, *, content: bool) -> dict:
    """The workspace page's own context (the meetings and messaging panels add theirs).

    Members (content=True) get the agreement, the goals at a glance, celebrations and what is
    due; coordinators (content=False) get metadata only: the agreement's signatures and dates
    and the number of goals in each status. Three queries either way.
    """
    agreement = agreement_state(mentorship)
    context = {"agreement": agreement, "read_only": is_read_only(mentorship)}
    if not content:
        counts = goal_counts(mentorship)
        context["goal_counts"] = [(label, counts[status]) for status, label in GoalStatus.choices]
        return context
    goals = mentorship_goals(mentorship)
    accepted = [g for g in goals if g.accepted]
    achieved = [g for g in accepted if g.status == GoalStatus.ACHIEVED and g.achieved_at]
    context.update(
        goals=accepted,
        show_owner=len(goal_services.goal_owners(mentorship)) > 1,
        celebrations=sorted(achieved, key=lambda g: g.achieved_at, reverse=True)[:3],
        due=due_items(mentorship, user, agreement, goals),
    )
    return context
