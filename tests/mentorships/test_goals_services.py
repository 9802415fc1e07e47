"""Goals, milestones and comments: who may do what, the goal's lifecycle, and the notices."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from lodestar.core.states import IllegalTransition
from lodestar.mentorships import goals
from lodestar.mentorships.goal_states import GOAL_STATES, GoalStatus
from lodestar.mentorships.models import Goal, GoalComment, Milestone
from tests import factories

pytestmark = pytest.mark.django_db


def kinds(user) -> list[str]:
    return list(user.notifications.order_by("id").values_list("kind", flat=True))


def make_goal(mentorship, owner, title="Give a conference talk", **fields) -> Goal:
    return goals.goal_create(mentorship=mentorship, by=owner, title=title, **fields)


@pytest.fixture
def goal(active, mentee):
    return make_goal(active, mentee, measure="Accepted at one conference")


@pytest.fixture
def circle(coordinator):
    """A group program's circle: one mentor, two mentees."""
    group = factories.make_program(coordinator=coordinator, name="Circle", kind="group")
    guide = factories.make_enrolment(
        group, factories.make_user("guide@example.com", name="Gus Guide"), role="mentor"
    )
    one = factories.make_enrolment(group, factories.make_user("ann@example.com", name="Ann"))
    two = factories.make_enrolment(group, factories.make_user("bob@example.com", name="Bob"))
    return factories.make_mentorship(group, mentor=guide, mentees=[one, two])


@pytest.fixture
def peers(coordinator):
    program = factories.make_program(coordinator=coordinator, name="Peers", kind="peer")
    one = factories.make_enrolment(
        program, factories.make_user("pia@example.com", name="Pia"), role="peer"
    )
    two = factories.make_enrolment(
        program, factories.make_user("pat@example.com", name="Pat"), role="peer"
    )
    return factories.make_mentorship(program, mentor=None, mentees=[one, two])


def member(mentorship, name):
    return next(m.user for m in mentorship.memberships.all() if m.user.name == name)


# --- the state machine ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "target", "allowed"),
    [
        ("not_started", "in_progress", True),
        ("not_started", "achieved", True),
        ("not_started", "dropped", True),
        ("in_progress", "achieved", True),
        ("in_progress", "dropped", True),
        ("in_progress", "not_started", False),
        ("achieved", "in_progress", True),
        ("achieved", "dropped", False),
        ("achieved", "not_started", False),
        ("dropped", "in_progress", True),
        ("dropped", "achieved", False),
        ("dropped", "not_started", False),
    ],
)
def test_the_goal_lifecycle(current, target, allowed):
    assert GOAL_STATES.can(current, target) is allowed
    if not allowed:
        with pytest.raises(IllegalTransition):
            GOAL_STATES.check(current, target)


# --- creating and suggesting ----------------------------------------------------------------


def test_a_mentee_sets_a_smart_goal_of_their_own(active, mentee, mentor):
    target = timezone.localdate() + timedelta(days=60)
    goal = make_goal(
        active,
        mentee,
        title="  Lead a design review  ",
        measure="Two reviews led",
        description="I want to grow as a lead",
        target_date=target,
    )
    assert goal.owner == mentee and goal.accepted and goal.suggested_by is None
    assert goal.title == "Lead a design review"
    assert goal.status == GoalStatus.NOT_STARTED and goal.progress == 0
    assert goal.target_date == target
    assert not kinds(mentor)


def test_a_mentor_cannot_set_a_goal_of_their_own(active, mentor):
    with pytest.raises(ValidationError) as error:
        make_goal(active, mentor)
    assert error.value.code == "not_owner"
    assert not Goal.objects.exists()


def test_a_goal_needs_a_title_and_a_future_date(active, mentee):
    with pytest.raises(ValidationError) as error:
        make_goal(active, mentee, title="   ")
    assert "title" in error.value.error_dict
    with pytest.raises(ValidationError) as error:
        make_goal(active, mentee, target_date=timezone.localdate() - timedelta(days=1))
    assert "target_date" in error.value.error_dict
    with pytest.raises(ValidationError):
        make_goal(active, mentee, title="x" * 201)
    assert not Goal.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator", "outsider"])
def test_non_members_cannot_set_or_suggest_goals(active, mentee, persona, request):
    person = request.getfixturevalue(persona)
    with pytest.raises(ValidationError):
        make_goal(active, person)
    with pytest.raises(ValidationError):
        goals.goal_suggest(mentorship=active, by=person, owner=mentee, title="Listen to me")
    assert not Goal.objects.exists()


def test_a_mentors_suggestion_waits_for_the_mentee(active, mentor, mentee):
    goal = goals.goal_suggest(mentorship=active, by=mentor, owner=mentee, title="Write a blog post")
    assert goal.owner == mentee and goal.suggested_by == mentor
    assert not goal.accepted and goal.is_suggestion
    assert kinds(mentee) == ["goal_suggested"]
    assert mentee.notifications.get().params["title"] == "Write a blog post"

    goals.goal_accept(goal=goal, by=mentee)
    goal.refresh_from_db()
    assert goal.accepted and not goal.is_suggestion
    assert kinds(mentor) == ["goal_accepted"]


def test_a_declined_suggestion_stays_declined(active, mentor, mentee):
    goal = goals.goal_suggest(mentorship=active, by=mentor, owner=mentee, title="Run a marathon")
    goals.goal_decline(goal=goal, by=mentee)
    goal.refresh_from_db()
    assert goal.declined_at is not None and not goal.accepted
    assert kinds(mentor) == ["goal_declined"]  # the mentor who suggested it hears the answer
    with pytest.raises(ValidationError) as error:
        goals.goal_accept(goal=goal, by=mentee)
    assert error.value.code == "answered"
    with pytest.raises(ValidationError):
        goals.goal_update_progress(goal=goal, by=mentee, status="in_progress", progress=10)


def test_only_the_mentee_answers_a_suggestion(active, mentor, mentee):
    goal = goals.goal_suggest(mentorship=active, by=mentor, owner=mentee, title="Mentor me back")
    with pytest.raises(ValidationError) as error:
        goals.goal_accept(goal=goal, by=mentor)
    assert error.value.code == "not_owner"
    with pytest.raises(ValidationError):
        goals.goal_decline(goal=goal, by=mentor)
    goal.refresh_from_db()
    assert goal.is_suggestion


def test_an_own_goal_is_not_a_suggestion_to_answer(goal, mentee):
    with pytest.raises(ValidationError) as error:
        goals.goal_accept(goal=goal, by=mentee)
    assert error.value.code == "answered"


def test_suggestions_go_to_a_mentee_not_to_oneself_or_a_mentor(active, mentor, mentee, outsider):
    for owner in (mentor, outsider):
        with pytest.raises(ValidationError) as error:
            goals.goal_suggest(mentorship=active, by=mentor, owner=owner, title="Hmm")
        assert "owner" in error.value.error_dict
    with pytest.raises(ValidationError):
        goals.goal_suggest(mentorship=active, by=mentee, owner=mentee, title="Me")
    assert not Goal.objects.exists()


def test_in_a_circle_each_mentee_owns_their_goals(circle):
    ann, bob, gus = (member(circle, n) for n in ("Ann", "Bob", "Gus Guide"))
    make_goal(circle, ann, title="Ann's goal")
    goal = goals.goal_suggest(mentorship=circle, by=gus, owner=bob, title="Bob's goal")
    assert goal.owner == bob
    assert {m.user for m in goals.suggestion_targets(circle, gus)} == {ann, bob}
    with pytest.raises(ValidationError):
        goals.goal_accept(goal=goal, by=ann)


def test_in_a_peer_program_each_peer_owns_goals_and_may_suggest_to_the_other(peers):
    pia, pat = member(peers, "Pia"), member(peers, "Pat")
    own = make_goal(peers, pia, title="Learn Go")
    assert own.owner == pia and own.accepted
    suggestion = goals.goal_suggest(mentorship=peers, by=pia, owner=pat, title="Learn Rust")
    goals.goal_accept(goal=suggestion, by=pat)
    suggestion.refresh_from_db()
    assert suggestion.owner == pat and suggestion.accepted


# --- status and progress --------------------------------------------------------------------


def test_progress_on_a_goal_not_started_starts_it(goal, mentee):
    goal = goals.goal_update_progress(goal=goal, by=mentee, status="not_started", progress=30)
    assert goal.status == GoalStatus.IN_PROGRESS and goal.progress == 30


def test_achieving_sets_progress_to_100_and_tells_the_others(goal, mentee, mentor):
    goals.goal_update_progress(goal=goal, by=mentee, status="in_progress", progress=40)
    goal = goals.goal_update_progress(goal=goal, by=mentee, status="achieved", progress=40)
    assert goal.status == GoalStatus.ACHIEVED and goal.progress == 100
    assert goal.achieved_at is not None
    assert kinds(mentor) == ["goal_achieved"]
    assert not kinds(mentee)


def test_reopening_an_achieved_goal_forgets_when(goal, mentee):
    goals.goal_update_progress(goal=goal, by=mentee, status="achieved", progress=100)
    goal = goals.goal_update_progress(goal=goal, by=mentee, status="in_progress", progress=90)
    assert goal.status == GoalStatus.IN_PROGRESS and goal.achieved_at is None


@pytest.mark.parametrize(
    ("start", "target"),
    [("in_progress", "not_started"), ("achieved", "dropped"), ("dropped", "achieved")],
)
def test_illegal_moves_are_refused_and_change_nothing(goal, mentee, start, target):
    Goal.objects.filter(pk=goal.pk).update(status=start, progress=50)
    with pytest.raises(IllegalTransition):
        goals.goal_update_progress(goal=goal, by=mentee, status=target, progress=60)
    goal.refresh_from_db()
    assert goal.status == start and goal.progress == 50


@pytest.mark.parametrize("progress", [-1, 101, "50", True, None])
def test_progress_is_a_percentage(goal, mentee, progress):
    with pytest.raises(ValidationError) as error:
        goals.goal_update_progress(goal=goal, by=mentee, status="in_progress", progress=progress)
    assert "progress" in error.value.error_dict
    goal.refresh_from_db()
    assert goal.progress == 0


def test_an_unknown_status_is_refused(goal, mentee):
    with pytest.raises(ValidationError) as error:
        goals.goal_update_progress(goal=goal, by=mentee, status="abandoned", progress=0)
    assert "status" in error.value.error_dict


def test_only_the_owner_moves_or_edits_a_goal(goal, mentor):
    with pytest.raises(ValidationError) as error:
        goals.goal_update_progress(goal=goal, by=mentor, status="achieved", progress=100)
    assert error.value.code == "not_owner"
    with pytest.raises(ValidationError):
        goals.goal_edit(goal=goal, by=mentor, title="Renamed")
    goal.refresh_from_db()
    assert goal.status == GoalStatus.NOT_STARTED and goal.title == "Give a conference talk"


def test_a_suggestion_cannot_be_moved_before_it_is_accepted(active, mentor, mentee):
    goal = goals.goal_suggest(mentorship=active, by=mentor, owner=mentee, title="Ship it")
    with pytest.raises(ValidationError) as error:
        goals.goal_update_progress(goal=goal, by=mentee, status="in_progress", progress=10)
    assert error.value.code == "suggestion"


def test_editing_keeps_a_past_target_date_but_refuses_a_new_one(goal, mentee):
    past = timezone.localdate() - timedelta(days=3)
    Goal.objects.filter(pk=goal.pk).update(target_date=past)
    goal.refresh_from_db()
    goal = goals.goal_edit(goal=goal, by=mentee, title="Give two talks", target_date=past)
    assert goal.title == "Give two talks" and goal.target_date == past
    with pytest.raises(ValidationError) as error:
        goals.goal_edit(goal=goal, by=mentee, title="x", target_date=past - timedelta(days=1))
    assert "target_date" in error.value.error_dict


# --- milestones -----------------------------------------------------------------------------


def test_the_owner_adds_milestones_and_the_mentor_may_tick_them(goal, mentee, mentor):
    milestone = goals.milestone_add(goal=goal, by=mentee, title="Submit an abstract")
    goals.milestone_set_done(milestone=milestone, by=mentor, done=True)
    milestone.refresh_from_db()
    assert milestone.done_at is not None and milestone.done_by == mentor
    goals.milestone_set_done(milestone=milestone, by=mentee, done=False)
    milestone.refresh_from_db()
    assert milestone.done_at is None and milestone.done_by is None


def test_ticking_twice_changes_nothing(goal, mentee):
    milestone = goals.milestone_add(goal=goal, by=mentee, title="Draft slides")
    goals.milestone_set_done(milestone=milestone, by=mentee, done=True)
    done_at = Milestone.objects.get().done_at
    goals.milestone_set_done(milestone=milestone, by=mentee, done=True)
    assert Milestone.objects.get().done_at == done_at


def test_only_the_owner_adds_or_removes_milestones(goal, mentee, mentor):
    with pytest.raises(ValidationError):
        goals.milestone_add(goal=goal, by=mentor, title="Mentor's idea")
    milestone = goals.milestone_add(goal=goal, by=mentee, title="Rehearse")
    with pytest.raises(ValidationError):
        goals.milestone_delete(milestone=milestone, by=mentor)
    assert Milestone.objects.count() == 1
    goals.milestone_delete(milestone=milestone, by=mentee)
    assert not Milestone.objects.exists()


def test_a_milestone_needs_a_title_and_a_date_from_today(goal, mentee):
    with pytest.raises(ValidationError):
        goals.milestone_add(goal=goal, by=mentee, title=" ")
    with pytest.raises(ValidationError) as error:
        goals.milestone_add(
            goal=goal, by=mentee, title="Late", due_date=timezone.localdate() - timedelta(1)
        )
    assert "due_date" in error.value.error_dict
    assert not Milestone.objects.exists()


def test_in_a_circle_other_mentees_do_not_tick_a_goals_milestones(circle):
    ann, bob, gus = (member(circle, n) for n in ("Ann", "Bob", "Gus Guide"))
    goal = make_goal(circle, ann)
    milestone = goals.milestone_add(goal=goal, by=ann, title="Step one")
    with pytest.raises(ValidationError) as error:
        goals.milestone_set_done(milestone=milestone, by=bob, done=True)
    assert error.value.code == "not_allowed"
    goals.milestone_set_done(milestone=milestone, by=gus, done=True)
    assert Milestone.objects.get().done_by == gus


# --- comments -------------------------------------------------------------------------------


def test_both_members_comment_and_the_other_is_told(goal, mentee, mentor):
    goals.goal_comment_add(goal=goal, by=mentor, body="Try a lightning talk first.")
    goals.goal_comment_add(goal=goal, by=mentee, body="Good idea!")
    assert list(GoalComment.objects.values_list("author__name", flat=True)) == [
        "Max Mentor",
        "Mia Mentee",
    ]
    assert kinds(mentee) == ["goal_comment"]
    assert kinds(mentor) == ["goal_comment"]


def test_an_empty_comment_is_refused(goal, mentee):
    with pytest.raises(ValidationError) as error:
        goals.goal_comment_add(goal=goal, by=mentee, body="   ")
    assert "body" in error.value.error_dict
    assert not GoalComment.objects.exists()


def test_in_a_circle_comments_tell_the_owner_and_the_mentor_not_the_other_mentees(circle):
    ann, bob, gus = (member(circle, n) for n in ("Ann", "Bob", "Gus Guide"))
    goal = make_goal(circle, ann)
    goals.goal_comment_add(goal=goal, by=gus, body="Nice.")
    assert kinds(ann) == ["goal_comment"] and not kinds(bob)


def test_in_a_circle_an_achievement_is_celebrated_by_everyone(circle):
    ann, bob, gus = (member(circle, n) for n in ("Ann", "Bob", "Gus Guide"))
    goal = make_goal(circle, ann)
    goals.goal_update_progress(goal=goal, by=ann, status="achieved", progress=100)
    assert kinds(bob) == ["goal_achieved"] and kinds(gus) == ["goal_achieved"]


# --- finished mentorships -------------------------------------------------------------------


@pytest.mark.parametrize("status", ["completed", "ended_early", "declined"])
def test_nothing_is_written_once_the_mentorship_has_ended(goal, active, mentee, mentor, status):
    milestone = goals.milestone_add(goal=goal, by=mentee, title="Step")
    active.status = status
    active.save()
    attempts = [
        lambda: make_goal(active, mentee, title="Late goal"),
        lambda: goals.goal_suggest(mentorship=active, by=mentor, owner=mentee, title="Late"),
        lambda: goals.goal_update_progress(goal=goal, by=mentee, status="achieved", progress=1),
        lambda: goals.goal_edit(goal=goal, by=mentee, title="Renamed"),
        lambda: goals.milestone_add(goal=goal, by=mentee, title="Another"),
        lambda: goals.milestone_set_done(milestone=milestone, by=mentee, done=True),
        lambda: goals.milestone_delete(milestone=milestone, by=mentee),
        lambda: goals.goal_comment_add(goal=goal, by=mentor, body="Late"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as error:
            attempt()
        assert error.value.code == "read_only"
    goal.refresh_from_db()
    assert Goal.objects.count() == 1 and goal.status == GoalStatus.NOT_STARTED
    assert Milestone.objects.get().done_at is None
    assert not GoalComment.objects.exists()
