"""Reads for the mentorship pages, each in a bounded number of queries."""

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet

from lodestar.programs.models import Program

from .models import Membership, Mentorship
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
