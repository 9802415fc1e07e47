"""Celebrations: milestones of a mentorship the app notices by itself — the first meeting held,
each goal achieved, 5, 10 and 20 hours together — each celebrated once, with a notice to the
members.

`celebrations_update(mentorship)` looks at the facts and creates what is missing; it is safe to
call any number of times. It runs after a meeting or a goal is saved in the states that matter
(post_save receivers below, connected in apps.py, run after the transaction commits).
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone

from lodestar.mentorships.goal_states import GoalStatus
from lodestar.mentorships.models import Goal, Mentorship
from lodestar.mentorships.services import mentorship_url

from .models import Celebration, CelebrationKind
from .services import notify

HOURS = (
    (5, CelebrationKind.HOURS_5),
    (10, CelebrationKind.HOURS_10),
    (20, CelebrationKind.HOURS_20),
)


def _deserved(mentorship: Mentorship) -> list[tuple[str, str, Goal | None]]:
    """(key, kind, goal) of every celebration the facts call for."""
    from lodestar.meetings.models import Meeting
    from lodestar.meetings.states import MeetingStatus

    held = Q(status=MeetingStatus.COMPLETED)
    facts = Meeting.objects.filter(mentorship=mentorship).aggregate(
        held=Count("pk", filter=held), minutes=Sum("minutes_logged", filter=held)
    )
    wanted: list[tuple[str, str, Goal | None]] = []
    if facts["held"]:
        wanted.append((CelebrationKind.FIRST_MEETING.value, CelebrationKind.FIRST_MEETING, None))
    for goal in Goal.objects.filter(mentorship=mentorship, status=GoalStatus.ACHIEVED).order_by(
        "pk"
    ):
        wanted.append((f"goal_achieved:{goal.pk}", CelebrationKind.GOAL_ACHIEVED, goal))
    minutes = facts["minutes"] or 0
    for hours, kind in HOURS:
        if minutes >= hours * 60:
            wanted.append((kind.value, kind, None))
    return wanted


def celebrations_update(mentorship: Mentorship) -> list[Celebration]:
    """Create each celebration the mentorship has earned and not had yet; tell the members
    (in the app). Returns the new ones."""
    wanted = _deserved(mentorship)
    if not wanted:
        return []
    have = set(Celebration.objects.filter(mentorship=mentorship).values_list("key", flat=True))
    members = None
    created = []
    for key, kind, goal in wanted:
        if key in have:
            continue
        try:
            with transaction.atomic():
                celebration = Celebration.objects.create(
                    mentorship=mentorship, kind=kind, key=key, goal=goal, created_at=timezone.now()
                )
        except IntegrityError:  # celebrated meanwhile by another run
            continue
        if members is None:
            members = [m.user for m in mentorship.memberships.select_related("user")]
        for user in members:
            notify(
                user=user,
                kind="celebration",
                url=mentorship_url(mentorship),
                email=False,
                title=celebration.text,
            )
        created.append(celebration)
    return created


def _update_later(mentorship_id: int) -> None:
    def run():
        mentorship = Mentorship.objects.filter(pk=mentorship_id).first()
        if mentorship is not None:
            celebrations_update(mentorship)

    transaction.on_commit(run)


def meeting_saved(sender, instance, **kwargs) -> None:
    from lodestar.meetings.states import MeetingStatus

    if instance.status == MeetingStatus.COMPLETED:
        _update_later(instance.mentorship_id)


def goal_saved(sender, instance, **kwargs) -> None:
    if instance.status == GoalStatus.ACHIEVED:
        _update_later(instance.mentorship_id)
