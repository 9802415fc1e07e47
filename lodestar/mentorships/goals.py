"""Goals, milestones and comments on goals: every write, with who may make it.

- A mentee (in a peer program, each peer) writes their own goals; a goal is theirs at once.
- Another member (the mentor, or the other peer) may suggest a goal to a mentee; it waits
  until the mentee accepts it (it becomes a real goal) or declines it.
- Only a goal's owner edits it, moves its status and progress, adds and removes milestones.
- Milestones are ticked done (or undone) by the owner or by a mentor (in a peer program, the
  other peer): ticking is something a pair does together in a meeting, so the mentor may do it.
  The other mentees of a group circle read each other's goals but do not tick them.
- Every member comments.

Shared goals (group programs only): besides each mentee's own goals, a circle may have goals
that belong to nobody in particular (owner None) — what the circle works on together.

- The circle's mentors set them; they never wait for an answer (there is nobody to give it).
- The mentors stand in for an owner: they edit a shared goal, move its status and progress,
  add and remove its milestones. Achieving one is the circle's call, and the mentors make it.
- Every member ticks a shared goal's milestones: the progress is everyone's work, and ticking
  what was done is the small, everyday part of it.
- Every member comments, and everyone in the circle hears of comments and achievements.

One-to-one and peer mentorships have no shared goals: a goal there is always someone's.

Achieving a goal sets its progress to 100 and tells the other members, who celebrate it in the
workspace. Nobody writes once the mentorship has ended (policy.require_writable_member).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lodestar.accounts.models import User
from lodestar.engagement.services import notify
from lodestar.programs.models import Role

from .goal_states import GOAL_STATES, GoalStatus
from .models import Goal, GoalComment, Membership, Mentorship, Milestone
from .policy import require_writable_member
from .seats import is_group_program

TITLE_MAX = 200
TEXT_MAX = 4000
COMMENT_MAX = 4000

GOAL_OWNER_ROLES = (Role.MENTEE, Role.PEER)
TICKER_ROLES = (Role.MENTOR, Role.PEER)


def goal_url(goal: Goal) -> str:
    return reverse("goal_detail", args=[goal.mentorship_id, goal.pk])


def goal_owners(mentorship: Mentorship) -> list[Membership]:
    """The members who own goals: the mentees (or both peers). From prefetched members."""
    return [m for m in mentorship.memberships.all() if m.role in GOAL_OWNER_ROLES]


def membership_of(mentorship: Mentorship, user: User) -> Membership | None:
    return next((m for m in mentorship.memberships.all() if m.user_id == user.pk), None)


def can_own_goals(mentorship: Mentorship, user: User) -> bool:
    member = membership_of(mentorship, user)
    return member is not None and member.role in GOAL_OWNER_ROLES


def suggestion_targets(mentorship: Mentorship, user: User) -> list[Membership]:
    """Whom this member may suggest a goal to: every goal owner but themselves."""
    if membership_of(mentorship, user) is None:
        return []
    return [m for m in goal_owners(mentorship) if m.user_id != user.pk]


def may_tick(mentorship: Mentorship, user: User, goal: Goal) -> bool:
    member = membership_of(mentorship, user)
    if member is None:
        return False
    return goal.is_shared or goal.owner_id == user.pk or member.role in TICKER_ROLES


def may_manage(mentorship: Mentorship, user: User, goal: Goal) -> bool:
    """Whether the person edits the goal and moves it along: its owner; for a shared goal, the
    circle's mentors."""
    if goal.is_shared:
        member = membership_of(mentorship, user)
        return member is not None and member.role == Role.MENTOR
    return goal.owner_id == user.pk


def can_share_goals(mentorship: Mentorship, user: User) -> bool:
    """Whether the person sets goals for the whole circle: a mentor of a group program's circle."""
    member = membership_of(mentorship, user)
    return (
        member is not None and member.role == Role.MENTOR and is_group_program(mentorship.program)
    )


# Internals -----------------------------------------------------------------------------------


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


def _locked_goal(goal: Goal, by: User) -> tuple[Mentorship, Goal]:
    mentorship = _locked(goal.mentorship, by)
    return mentorship, Goal.objects.select_for_update().get(pk=goal.pk, mentorship=mentorship)


def _require_owner(goal: Goal, by: User) -> None:
    if goal.owner_id != by.pk:
        raise ValidationError(
            _("Only the person whose goal it is can change it."), code="not_owner"
        )


def _require_manager(mentorship: Mentorship, goal: Goal, by: User) -> None:
    if not goal.is_shared:
        _require_owner(goal, by)
    elif not may_manage(mentorship, by, goal):
        raise ValidationError(
            _("Only the circle’s mentors change a goal the circle shares."), code="not_owner"
        )


def _require_accepted(goal: Goal) -> None:
    if goal.declined_at is not None:
        raise ValidationError(_("This suggestion was declined."), code="declined")
    if not goal.accepted:
        raise ValidationError(
            _("This goal is still a suggestion: accept it first."), code="suggestion"
        )


def _text(value, name: str, max_length: int, *, required=False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({name: _("This field is required.")})
    if len(text) > max_length:
        raise ValidationError({name: _("Keep it under %(max)s characters.") % {"max": max_length}})
    return text


def _future(value: date | None, name: str, *, unchanged_from: date | None = None) -> date | None:
    if value and value != unchanged_from and value < timezone.localdate():
        raise ValidationError({name: _("Choose a date from today on.")})
    return value


def _goal_fields(
    title, description, measure, target_date, *, old_target: date | None = None
) -> dict:
    return {
        "title": _text(title, "title", TITLE_MAX, required=True),
        "description": _text(description, "description", TEXT_MAX),
        "measure": _text(measure, "measure", TEXT_MAX),
        "target_date": _future(target_date, "target_date", unchanged_from=old_target),
    }


def _tell(users, by: User, kind: str, goal: Goal, mentorship: Mentorship) -> None:
    told = set()
    for user in users:
        if user is None or user.pk == by.pk or user.pk in told:
            continue
        told.add(user.pk)
        notify(
            user=user,
            kind=kind,
            url=goal_url(goal),
            person=by.display_name,
            title=goal.title,
            program=mentorship.program.name,
        )


def _members(mentorship: Mentorship) -> list[User]:
    return [m.user for m in mentorship.memberships.all()]


def _goal_people(mentorship: Mentorship, goal: Goal) -> list[User]:
    """Who follows a goal: its owner, the mentors (or peers), and whoever suggested it; the
    whole circle for a shared goal."""
    if goal.is_shared:
        return _members(mentorship)
    return [
        m.user
        for m in mentorship.memberships.all()
        if m.user_id in (goal.owner_id, goal.suggested_by_id) or m.role in TICKER_ROLES
    ]


# Goals ---------------------------------------------------------------------------------------


@transaction.atomic
def goal_create(
    *,
    mentorship: Mentorship,
    by: User,
    title: str,
    description: str = "",
    measure: str = "",
    target_date: date | None = None,
) -> Goal:
    """A mentee (or peer) writes a goal of their own."""
    current = _locked(mentorship, by)
    if not can_own_goals(current, by):
        raise ValidationError(
            _("Goals belong to mentees: suggest one to your mentee instead."), code="not_owner"
        )
    fields = _goal_fields(title, description, measure, target_date)
    return Goal.objects.create(mentorship=current, owner=by, accepted=True, **fields)


@transaction.atomic
def shared_goal_create(
    *,
    mentorship: Mentorship,
    by: User,
    title: str,
    description: str = "",
    measure: str = "",
    target_date: date | None = None,
) -> Goal:
    """A mentor of a circle sets a goal the whole circle shares; the other members are told."""
    current = _locked(mentorship, by)
    if not can_share_goals(current, by):
        raise ValidationError(
            _("Only the mentors of a group program’s circle set goals for the whole circle."),
            code="not_allowed",
        )
    fields = _goal_fields(title, description, measure, target_date)
    goal = Goal.objects.create(mentorship=current, owner=None, accepted=True, **fields)
    _tell(_members(current), by, "goal_shared", goal, current)
    return goal


@transaction.atomic
def goal_suggest(
    *,
    mentorship: Mentorship,
    by: User,
    owner: User,
    title: str,
    description: str = "",
    measure: str = "",
    target_date: date | None = None,
) -> Goal:
    """Another member suggests a goal to a mentee; it waits for the mentee's answer."""
    current = _locked(mentorship, by)
    if owner is None or owner.pk not in {m.user_id for m in suggestion_targets(current, by)}:
        raise ValidationError(
            {"owner": _("Suggest goals to a mentee of this mentorship other than yourself.")}
        )
    fields = _goal_fields(title, description, measure, target_date)
    goal = Goal.objects.create(
        mentorship=current, owner=owner, suggested_by=by, accepted=False, **fields
    )
    _tell([owner], by, "goal_suggested", goal, current)
    return goal


@transaction.atomic
def goal_accept(*, goal: Goal, by: User) -> Goal:
    """The mentee takes on a suggested goal."""
    mentorship, goal = _locked_goal(goal, by)
    _require_owner(goal, by)
    if not goal.is_suggestion:
        raise ValidationError(_("This suggestion was already answered."), code="answered")
    goal.accepted = True
    goal.save(update_fields=["accepted", "updated_at"])
    _tell([goal.suggested_by], by, "goal_accepted", goal, mentorship)
    return goal


@transaction.atomic
def goal_decline(*, goal: Goal, by: User) -> Goal:
    """The mentee declines a suggested goal; it stays listed as declined."""
    mentorship, goal = _locked_goal(goal, by)
    _require_owner(goal, by)
    if not goal.is_suggestion:
        raise ValidationError(_("This suggestion was already answered."), code="answered")
    goal.declined_at = timezone.now()
    goal.save(update_fields=["declined_at", "updated_at"])
    _tell([goal.suggested_by], by, "goal_declined", goal, mentorship)
    return goal


@transaction.atomic
def goal_edit(
    *,
    goal: Goal,
    by: User,
    title: str,
    description: str = "",
    measure: str = "",
    target_date: date | None = None,
) -> Goal:
    mentorship, goal = _locked_goal(goal, by)
    _require_manager(mentorship, goal, by)
    _require_accepted(goal)
    fields = _goal_fields(title, description, measure, target_date, old_target=goal.target_date)
    for name, value in fields.items():
        setattr(goal, name, value)
    goal.save(update_fields=[*fields, "updated_at"])
    return goal


@transaction.atomic
def goal_update_progress(*, goal: Goal, by: User, status: str, progress: int) -> Goal:
    """The owner (a circle's mentor, for a shared goal) moves a goal along. Progress above 0
    starts a goal that has not started; achieving sets progress to 100 and tells the other
    members; reopening an achieved goal forgets when it was achieved."""
    mentorship, goal = _locked_goal(goal, by)
    _require_manager(mentorship, goal, by)
    _require_accepted(goal)
    if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
        raise ValidationError({"progress": _("Progress is a percentage from 0 to 100.")})
    if status not in dict(GoalStatus.choices):
        raise ValidationError({"status": _("Choose one of the statuses offered.")})
    if status == GoalStatus.NOT_STARTED and goal.status == status and progress > 0:
        status = GoalStatus.IN_PROGRESS
    if status != goal.status:
        GOAL_STATES.check(goal.status, status)
    achieved_now = status == GoalStatus.ACHIEVED and goal.status != GoalStatus.ACHIEVED
    if status == GoalStatus.ACHIEVED:
        progress = 100
        goal.achieved_at = goal.achieved_at if not achieved_now else timezone.now()
    else:
        goal.achieved_at = None
    goal.status = status
    goal.progress = progress
    goal.save(update_fields=["status", "progress", "achieved_at", "updated_at"])
    if achieved_now:
        _tell(_members(mentorship), by, "goal_achieved", goal, mentorship)
    return goal


# Milestones ----------------------------------------------------------------------------------


@transaction.atomic
def milestone_add(*, goal: Goal, by: User, title: str, due_date: date | None = None) -> Milestone:
    mentorship, goal = _locked_goal(goal, by)
    _require_manager(mentorship, goal, by)
    _require_accepted(goal)
    return Milestone.objects.create(
        goal=goal,
        title=_text(title, "title", TITLE_MAX, required=True),
        due_date=_future(due_date, "due_date"),
    )


def _locked_milestone(milestone: Milestone, by: User) -> tuple[Mentorship, Goal, Milestone]:
    mentorship, goal = _locked_goal(milestone.goal, by)
    _require_accepted(goal)
    return mentorship, goal, Milestone.objects.select_for_update().get(pk=milestone.pk, goal=goal)


@transaction.atomic
def milestone_set_done(*, milestone: Milestone, by: User, done: bool) -> Milestone:
    """Tick a milestone done, or undo it. Asking for the state it is already in changes
    nothing (a double click is not an error)."""
    mentorship, goal, milestone = _locked_milestone(milestone, by)
    if not may_tick(mentorship, by, goal):
        raise ValidationError(
            _("Only the goal’s owner and the mentor tick its milestones."), code="not_allowed"
        )
    if done == (milestone.done_at is not None):
        return milestone
    milestone.done_at = timezone.now() if done else None
    milestone.done_by = by if done else None
    milestone.save(update_fields=["done_at", "done_by"])
    return milestone


@transaction.atomic
def milestone_delete(*, milestone: Milestone, by: User) -> None:
    mentorship, goal, milestone = _locked_milestone(milestone, by)
    _require_manager(mentorship, goal, by)
    milestone.delete()


# Comments ------------------------------------------------------------------------------------


@transaction.atomic
def goal_comment_add(*, goal: Goal, by: User, body: str) -> GoalComment:
    """Any member comments on a goal (or on a suggestion, to talk it over); the goal's owner,
    the mentors and whoever suggested it are told."""
    mentorship, goal = _locked_goal(goal, by)
    if goal.declined_at is not None:
        raise ValidationError(_("This suggestion was declined."), code="declined")
    comment = GoalComment.objects.create(
        goal=goal, author=by, body=_text(body, "body", COMMENT_MAX, required=True)
    )
    _tell(_goal_people(mentorship, goal), by, "goal_comment", goal, mentorship)
    return comment
