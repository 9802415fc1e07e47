"""Mutual feedback and progress reviews: every write, and every read with its privacy rule.

Mutual feedback. At set points each member rates the relationship (1 to 5) and tells another
member what went well and what could be better:

- the mid-point, half way between the mentorship's start and its planned end (or the
  program's end), open from that day on;
- the end, open once the mentorship is closing or in the last 30 days before its planned end;
- any time, as often as one likes.

Mid-point and end feedback are given once per person it is about. The author chooses who reads
it (privacy lives in this module's selectors, nowhere else):

- shared: the person it is about reads all of it and is told; the program's coordinators see
  that it was given and its rating — engagement metadata — never its words, which stay
  between the pair (DESIGN.md: coordinators see metadata, not content);
- coordinators only: the person it is about sees nothing of it and is not told; the
  coordinators read all of it — the author wrote it *to* them, so its words are theirs to read.
  (A coordinator who is also the person it is about still does not read its words.)

Other members of a circle never see feedback between two others; the author always sees their
own. Everyone else gets a 404 from the pages.

Progress reviews. A member walks through the mentorship's goals and records, for each, where it
stood, where it stands now and a note. A change of status or progress goes through the goal
services (goals.goal_update_progress), so the goal's rules, notices and celebrations apply and
only those the goal services allow may move a goal; noting a goal without moving it is open to
every member, since a review is something the pair does together. Members read their
mentorship's reviews; coordinators see how many there were and when, not what they say.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Case, CharField, Count, F, Max, Prefetch, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.accounts.models import User
from lodestar.engagement.services import notify
from lodestar.mentorships import goals as goal_services
from lodestar.mentorships.goal_states import OPEN_GOAL, GoalStatus
from lodestar.mentorships.models import Goal, Mentorship
from lodestar.mentorships.policy import is_member, require_writable_member
from lodestar.mentorships.selectors import with_owners
from lodestar.mentorships.states import MentorshipStatus
from lodestar.programs.models import Program

from .models import (
    FeedbackPoint,
    MutualFeedback,
    ProgressReview,
    ProgressReviewItem,
    Visibility,
)

TEXT_MAX = 3000
SUMMARY_MAX = 5000
NOTE_MAX = 2000
END_WINDOW_DAYS = 30

RATING_CHOICES = [
    (1, gettext_lazy("1 — poorly")),
    (2, gettext_lazy("2 — not so well")),
    (3, gettext_lazy("3 — all right")),
    (4, gettext_lazy("4 — well")),
    (5, gettext_lazy("5 — very well")),
]
STATUS_LABELS = dict(GoalStatus.choices)


# When feedback is open ------------------------------------------------------------------------


def planned_end(mentorship: Mentorship) -> date | None:
    return mentorship.planned_end_date or mentorship.program.end_date


def midpoint(mentorship: Mentorship) -> date | None:
    """Half way between the start and the planned end; None when either is unknown."""
    start, end = mentorship.start_date, planned_end(mentorship)
    if start is None or end is None or end < start:
        return None
    return start + (end - start) // 2


def end_opens(mentorship: Mentorship) -> date | None:
    end = planned_end(mentorship)
    return end - timedelta(days=END_WINDOW_DAYS) if end else None


def point_refusal(mentorship: Mentorship, point: str, *, today: date) -> str | None:
    """Why feedback at this point cannot be given today, or None when it can."""
    if mentorship.status == MentorshipStatus.PROPOSED or mentorship.start_date is None:
        return _("Feedback opens once the mentorship has started.")
    if point == FeedbackPoint.MIDPOINT:
        middle = midpoint(mentorship)
        if middle is None:
            return _(
                "This mentorship has no planned end date, so it has no mid-point: "
                "give your feedback “any time” instead."
            )
        if today < middle:
            return _("Mid-point feedback opens on %(date)s, half way through the mentorship.") % {
                "date": _day(middle)
            }
    elif point == FeedbackPoint.END and mentorship.status != MentorshipStatus.CLOSING:
        opens = end_opens(mentorship)
        if opens is None:
            return _("End-of-mentorship feedback opens once the mentorship is closing.")
        if today < opens:
            return _(
                "End-of-mentorship feedback opens on %(date)s, %(days)s days before the planned "
                "end, or as soon as the mentorship is closing."
            ) % {"date": _day(opens), "days": END_WINDOW_DAYS}
    return None


def open_points(mentorship: Mentorship, *, today: date | None = None) -> list[str]:
    today = today or timezone.localdate()
    return [
        point
        for point in FeedbackPoint.values
        if point_refusal(mentorship, point, today=today) is None
    ]


def _day(value: date) -> str:
    return date_format(value, "DATE_FORMAT")


# Writes: feedback -----------------------------------------------------------------------------


def feedback_url(mentorship: Mentorship) -> str:
    return reverse("relationship_feedback", args=[mentorship.pk])


def reviews_url(mentorship: Mentorship) -> str:
    return reverse("progress_reviews", args=[mentorship.pk])


def _locked(mentorship: Mentorship, by: User) -> Mentorship:
    """The mentorship, locked so that it cannot end while we write, for a writing member."""
    current = (
        Mentorship.objects.select_for_update()
        .select_related("program")
        .prefetch_related("memberships__user")
        .get(pk=mentorship.pk)
    )
    require_writable_member(by, current)
    return current


def _text(value, name: str, max_length: int) -> str:
    text = (value or "").strip()
    if len(text) > max_length:
        raise ValidationError({name: _("Keep it under %(max)s characters.") % {"max": max_length}})
    return text


def _rating(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationError({"rating": _("Rate the relationship from 1 to 5.")})
    return value


def _about(mentorship: Mentorship, by: User, about: User | None) -> User:
    if about is None or about.pk == by.pk or not is_member(about, mentorship):
        raise ValidationError({"about": _("Give feedback to another member of this mentorship.")})
    return about


def _already(point: str, about: User) -> ValidationError:
    label = FeedbackPoint(point).label
    message = _("You already gave your “%(point)s” feedback to %(name)s.") % {
        "point": label,
        "name": about.display_name,
    }
    return ValidationError({"point": ValidationError(message, code="given")})


@transaction.atomic
def feedback_give(
    *,
    mentorship: Mentorship,
    by: User,
    about: User | None,
    point: str,
    rating: int,
    went_well: str = "",
    could_improve: str = "",
    visibility: str = Visibility.SHARED,
) -> MutualFeedback:
    """A member rates the relationship and gives feedback to another member. Shared feedback
    tells the person it is about; feedback for the coordinators tells nobody."""
    current = _locked(mentorship, by)
    about = _about(current, by, about)
    if point not in FeedbackPoint.values:
        raise ValidationError({"point": _("Choose when this feedback is for.")})
    if visibility not in Visibility.values:
        raise ValidationError({"visibility": _("Choose who may read your feedback.")})
    fields = {
        "rating": _rating(rating),
        "went_well": _text(went_well, "went_well", TEXT_MAX),
        "could_improve": _text(could_improve, "could_improve", TEXT_MAX),
    }
    refusal = point_refusal(current, point, today=timezone.localdate())
    if refusal:
        raise ValidationError({"point": ValidationError(refusal, code="not_open")})
    once = point != FeedbackPoint.ANYTIME
    mine = MutualFeedback.objects.filter(mentorship=current, author=by, about=about, point=point)
    if once and mine.exists():
        raise _already(point, about)
    try:
        # The unique constraint is the last word when two requests race past the check above.
        with transaction.atomic():
            feedback = MutualFeedback.objects.create(
                mentorship=current,
                author=by,
                about=about,
                point=point,
                visibility=visibility,
                **fields,
            )
    except IntegrityError:
        raise _already(point, about) from None
    if visibility == Visibility.SHARED:
        notify(
            user=about,
            kind="feedback_received",
            url=feedback_url(current),
            person=by.display_name,
            program=current.program.name,
        )
    return feedback


# Writes: progress reviews ---------------------------------------------------------------------


def _prefixed(goal: Goal, error: ValidationError) -> ValidationError:
    """A goal's refusal, naming the goal: a review touches several."""
    return ValidationError(
        [_("“%(goal)s”: %(message)s") % {"goal": goal.title, "message": m} for m in error.messages],
        code=getattr(error, "code", None) or "goal",
    )


def _reviewed_goals(mentorship: Mentorship, items: list[dict]) -> dict[int, Goal]:
    """The goals the items name, locked, each of this mentorship and taken on."""
    ids = []
    for item in items:
        goal = item.get("goal")
        if not isinstance(goal, Goal) or goal.mentorship_id != mentorship.pk:
            raise ValidationError(
                _("A review covers the goals of this mentorship only."), code="other_mentorship"
            )
        if goal.pk in ids:
            raise ValidationError(
                _("“%(goal)s” appears twice in the review.") % {"goal": goal.title},
                code="twice",
            )
        ids.append(goal.pk)
    goals = Goal.objects.select_for_update().filter(mentorship=mentorship, pk__in=ids)
    found = {goal.pk: goal for goal in goals}
    for goal in found.values():
        if not goal.accepted or goal.declined_at is not None:
            raise ValidationError(
                _("“%(goal)s” is a suggestion, not a goal anybody took on.") % {"goal": goal.title},
                code="suggestion",
            )
        goal.mentorship = mentorship  # locked, with its members
    if len(found) != len(ids):
        raise ValidationError(
            _("A review covers the goals of this mentorship only."), code="other_mentorship"
        )
    return found


def _progress(goal: Goal, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        raise _prefixed(goal, ValidationError(_("Progress is a percentage from 0 to 100.")))
    return value


def _review_item(review: ProgressReview, goal: Goal, item: dict, by: User) -> ProgressReviewItem:
    before = (goal.status, goal.progress)
    status = item.get("status", goal.status)
    if status not in STATUS_LABELS:
        raise _prefixed(goal, ValidationError(_("Choose one of the statuses offered.")))
    progress = _progress(goal, item.get("progress", goal.progress))
    note = (item.get("note") or "").strip()
    if len(note) > NOTE_MAX:
        raise _prefixed(
            goal, ValidationError(_("Keep the note under %(max)s characters.") % {"max": NOTE_MAX})
        )
    if (status, progress) != before:
        try:
            goal = goal_services.goal_update_progress(
                goal=goal, by=by, status=status, progress=progress
            )
        except ValidationError as error:
            raise _prefixed(goal, error) from None
    return ProgressReviewItem(
        review=review,
        goal=goal,
        status_before=before[0],
        status_after=goal.status,
        progress_before=before[1],
        progress_after=goal.progress,
        note=note,
    )


@transaction.atomic
def progress_review_create(
    *, mentorship: Mentorship, by: User, summary: str = "", items: list[dict]
) -> ProgressReview:
    """A member records a progress review: for each item ({goal, status, progress, note}) the
    goal's status and progress before and after, and a note. Moves go through the goal
    services; if any is refused, nothing of the review is kept."""
    current = _locked(mentorship, by)
    summary = _text(summary, "summary", SUMMARY_MAX)
    items = list(items or [])
    if not items and not summary:
        raise ValidationError(_("Write a summary, or go through at least one goal."), code="empty")
    goals = _reviewed_goals(current, items)
    review = ProgressReview.objects.create(mentorship=current, author=by, summary=summary)
    rows = [_review_item(review, goals[item["goal"].pk], item, by) for item in items]
    ProgressReviewItem.objects.bulk_create(rows)
    return review


# Reads ----------------------------------------------------------------------------------------
#
# The privacy rules of this module, each in one function: what a member reads, what a
# coordinator reads. Pages and panels call these and nothing else.


def member_feedback(mentorship: Mentorship, user: User) -> QuerySet[MutualFeedback]:
    """What a member reads: the feedback they wrote, and shared feedback about them."""
    mine = Q(author=user) | Q(about=user, visibility=Visibility.SHARED)
    return (
        MutualFeedback.objects.filter(mentorship=mentorship)
        .filter(mine)
        .select_related("author", "about")
        .order_by("-created_at", "-id")
    )


@dataclass(frozen=True)
class CoordinatorFeedback:
    """One feedback as a coordinator reads it: its words only when written for coordinators."""

    pk: int
    mentorship_id: int
    author: User
    about: User
    point: str
    rating: int
    visibility: str
    created_at: datetime
    went_well: str
    could_improve: str

    @property
    def point_label(self) -> str:
        return FeedbackPoint(self.point).label

    @property
    def for_coordinators(self) -> bool:
        return self.visibility == Visibility.COORDINATORS

    @property
    def words_shown(self) -> bool:
        return bool(self.went_well or self.could_improve)


def coordinator_feedback(queryset: QuerySet[MutualFeedback], viewer: User) -> QuerySet:
    """Feedback for coordinators' eyes: the texts never leave the database unless written for
    the coordinators (and not about the viewer). Turn rows into `as_coordinator_rows`."""

    def readable(field: str):
        shown = Q(visibility=Visibility.COORDINATORS) & ~Q(about=viewer)
        return Case(When(shown, then=F(field)), default=Value(""), output_field=CharField())

    return (
        queryset.select_related("author", "about")
        .defer("went_well", "could_improve")
        .annotate(readable_went_well=readable("went_well"))
        .annotate(readable_could_improve=readable("could_improve"))
        .order_by("-created_at", "-id")
    )


def as_coordinator_rows(rows) -> list[CoordinatorFeedback]:
    return [
        CoordinatorFeedback(
            pk=row.pk,
            mentorship_id=row.mentorship_id,
            author=row.author,
            about=row.about,
            point=row.point,
            rating=row.rating,
            visibility=row.visibility,
            created_at=row.created_at,
            went_well=row.readable_went_well,
            could_improve=row.readable_could_improve,
        )
        for row in rows
    ]


def mentorship_feedback_for_coordinator(
    mentorship: Mentorship, viewer: User
) -> list[CoordinatorFeedback]:
    rows = MutualFeedback.objects.filter(mentorship=mentorship)
    return as_coordinator_rows(coordinator_feedback(rows, viewer))


def program_feedback_for_coordinator(program: Program, viewer: User) -> QuerySet:
    """The program's feedback, newest first, for paging; `as_coordinator_rows` on each page."""
    return coordinator_feedback(MutualFeedback.objects.filter(mentorship__program=program), viewer)


@dataclass
class PointSummary:
    point: str
    label: str
    given: int
    average: float | None
    counts: list[int]  # how many gave 1, 2, 3, 4, 5
    for_coordinators: int


def program_ratings(program: Program) -> list[PointSummary]:
    """Ratings at each point of the program's mentorships, in one query."""
    rows = (
        MutualFeedback.objects.filter(mentorship__program=program)
        .values("point", "rating", "visibility")
        .annotate(n=Count("id"))
        .order_by()
    )
    summaries = {
        point: PointSummary(point, label, 0, None, [0] * 5, 0)
        for point, label in FeedbackPoint.choices
    }
    totals = dict.fromkeys(summaries, 0)
    for row in rows:
        summary = summaries[row["point"]]
        summary.given += row["n"]
        summary.counts[row["rating"] - 1] += row["n"]
        totals[row["point"]] += row["rating"] * row["n"]
        if row["visibility"] == Visibility.COORDINATORS:
            summary.for_coordinators += row["n"]
    for point, summary in summaries.items():
        if summary.given:
            summary.average = totals[point] / summary.given
    return list(summaries.values())


def mentorship_reviews(mentorship: Mentorship) -> QuerySet[ProgressReview]:
    """The mentorship's reviews, newest first, with their items and goals: members only."""
    items = ProgressReviewItem.objects.select_related("goal").order_by("id")
    return (
        ProgressReview.objects.filter(mentorship=mentorship)
        .select_related("author")
        .prefetch_related(Prefetch("items", queryset=items))
        .order_by("-created_at", "-id")
    )


def review_facts(mentorship: Mentorship) -> dict:
    """How many reviews and when the latest was: what coordinators see of them."""
    return ProgressReview.objects.filter(mentorship=mentorship).aggregate(
        count=Count("id"), latest=Max("created_at")
    )


def feedback_facts(mentorship: Mentorship) -> dict:
    """Counts and the average rating: what coordinators see at a glance."""
    return MutualFeedback.objects.filter(mentorship=mentorship).aggregate(
        count=Count("id"),
        average=Avg("rating"),
        for_coordinators=Count("id", filter=Q(visibility=Visibility.COORDINATORS)),
    )


def reviewable_goals(mentorship: Mentorship) -> list[Goal]:
    """The open goals a review walks through, oldest first, with their owners."""
    goals = Goal.objects.filter(
        mentorship=mentorship, accepted=True, declined_at=None, status__in=OPEN_GOAL
    ).order_by("created_at", "id")
    return with_owners(list(goals), mentorship)


def still_to_give(mentorship: Mentorship, user: User, given: list) -> list[dict]:
    """For a member: each open once-only point and the members they have not told yet.
    `given` is what they wrote (any iterable of feedback with about_id and point)."""
    done = {(f.about_id, f.point) for f in given}
    others = [m.user for m in mentorship.memberships.all() if m.user_id != user.pk]
    due = []
    for point in open_points(mentorship):
        if point == FeedbackPoint.ANYTIME:
            continue
        people = [u for u in others if (u.pk, point) not in done]
        if people:
            due.append({"point": point, "label": FeedbackPoint(point).label, "people": people})
    return due
