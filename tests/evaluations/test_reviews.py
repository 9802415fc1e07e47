"""Progress reviews: a walk through the goals that records before and after, and moves each goal
through the goal services — their rules, notices and celebrations — or changes nothing."""

import pytest
from django.core.exceptions import ValidationError

from lodestar.engagement.models import Celebration, Notification
from lodestar.evaluations.feedback import progress_review_create
from lodestar.evaluations.models import ProgressReview, ProgressReviewItem
from lodestar.mentorships import goals
from lodestar.mentorships.models import Goal, Mentorship
from tests.evaluations.feedback_helpers import fresh, make_circle, make_pair

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(program, mentor, mentee):
    return make_pair(program, mentor, mentee)


@pytest.fixture
def talk(pair, mentee):
    return goals.goal_create(mentorship=pair, by=mentee, title="Give a conference talk")


@pytest.fixture
def blog(pair, mentee):
    return goals.goal_create(mentorship=pair, by=mentee, title="Start a blog")


def review(mentorship, by, *items, summary=""):
    return progress_review_create(mentorship=mentorship, by=by, summary=summary, items=list(items))


def item(goal, status=None, progress=None, note=""):
    return {
        "goal": goal,
        "status": status or goal.status,
        "progress": goal.progress if progress is None else progress,
        "note": note,
    }


def refusal(call) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value


def test_a_review_records_each_goal_before_and_after_and_moves_it(pair, mentee, talk, blog):
    done = review(
        pair,
        mentee,
        item(talk, "in_progress", 40, note="Abstract submitted."),
        item(blog, note="Not yet."),
        summary="Good month.",
    )

    assert (done.author, done.summary) == (mentee, "Good month.")
    rows = {row.goal_id: row for row in done.items.all()}
    moved = rows[talk.pk]
    assert (moved.status_before, moved.status_after) == ("not_started", "in_progress")
    assert (moved.progress_before, moved.progress_after, moved.changed) == (0, 40, True)
    assert moved.note == "Abstract submitted."
    assert rows[blog.pk].changed is False
    talk.refresh_from_db()
    assert (talk.status, talk.progress) == ("in_progress", 40)


def test_progress_above_zero_starts_a_goal_as_the_goal_rules_say(pair, mentee, talk):
    done = review(pair, mentee, item(talk, "not_started", 10))
    assert done.items.get().status_after == "in_progress"


def test_achieving_a_goal_in_a_review_is_celebrated_like_any_other(
    pair, mentor, mentee, talk, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        done = review(pair, mentee, item(talk, "achieved", 70))

    row = done.items.get()
    assert (row.status_after, row.progress_after) == ("achieved", 100)
    assert Notification.objects.filter(user=mentor, kind="goal_achieved").exists()
    assert Celebration.objects.filter(mentorship=pair, goal=talk).exists()


def test_an_illegal_move_is_refused_with_the_goal_rule_and_nothing_is_kept(
    pair, mentee, talk, blog
):
    goals.goal_update_progress(goal=blog, by=mentee, status="achieved", progress=100)
    blog.refresh_from_db()

    error = refusal(
        lambda: review(pair, mentee, item(talk, "in_progress", 50), item(blog, "dropped"))
    )

    assert error.messages == ["“Start a blog”: A goal cannot go from “Achieved” to “Dropped”."]
    talk.refresh_from_db()
    assert (talk.status, talk.progress) == ("not_started", 0)
    assert not ProgressReview.objects.exists() and not ProgressReviewItem.objects.exists()


def test_a_mentor_notes_a_mentees_goal_but_only_its_owner_moves_it(pair, mentor, talk):
    noted = review(pair, mentor, item(talk, note="We talked it through."))
    assert noted.items.get().note == "We talked it through."

    error = refusal(lambda: review(pair, mentor, item(talk, "in_progress", 30)))
    assert error.messages == [
        "“Give a conference talk”: Only the person whose goal it is can change it."
    ]
    talk.refresh_from_db()
    assert talk.status == "not_started"
    assert ProgressReview.objects.count() == 1


def test_a_circles_mentor_moves_the_circles_shared_goal(coordinator):
    circle, guide, first, _second = make_circle(coordinator)
    shared = goals.shared_goal_create(mentorship=circle, by=guide, title="Present together")

    review(circle, guide, item(shared, "in_progress", 20))
    shared.refresh_from_db()
    assert shared.progress == 20
    error = refusal(lambda: review(circle, first, item(shared, "in_progress", 60)))
    assert "Only the circle’s mentors change a goal the circle shares." in error.messages[0]


def test_goals_of_another_mentorship_are_refused(pair, mentee, coordinator):
    circle, _guide, first, _second = make_circle(coordinator)
    theirs = goals.goal_create(mentorship=circle, by=first, title="Their goal")

    error = refusal(lambda: review(pair, mentee, item(theirs, note="Peeking")))
    assert error.messages == ["A review covers the goals of this mentorship only."]
    assert not ProgressReview.objects.exists()


def test_a_goal_appears_once_in_a_review(pair, mentee, talk):
    error = refusal(lambda: review(pair, mentee, item(talk), item(talk, "in_progress", 5)))
    assert error.messages == ["“Give a conference talk” appears twice in the review."]


def test_suggestions_nobody_took_on_are_not_reviewed(pair, mentor, mentee):
    suggested = goals.goal_suggest(mentorship=pair, by=mentor, owner=mentee, title="Learn SQL")
    error = refusal(lambda: review(pair, mentee, item(suggested, note="Hmm")))
    assert "is a suggestion" in error.messages[0]


@pytest.mark.parametrize(
    ("status", "progress", "message"),
    [
        ("finished", 10, "Choose one of the statuses offered."),
        ("in_progress", 101, "Progress is a percentage from 0 to 100."),
        ("in_progress", -1, "Progress is a percentage from 0 to 100."),
        ("in_progress", "50", "Progress is a percentage from 0 to 100."),
    ],
)
def test_bad_statuses_and_progress_are_refused(pair, mentee, talk, status, progress, message):
    error = refusal(lambda: review(pair, mentee, item(talk, status, progress)))
    assert error.messages == [f"“Give a conference talk”: {message}"]
    assert not ProgressReview.objects.exists()


def test_a_note_longer_than_the_limit_is_refused(pair, mentee, talk):
    error = refusal(lambda: review(pair, mentee, item(talk, note="x" * 2001)))
    assert "Keep the note under 2000 characters." in error.messages[0]


def test_an_empty_review_is_refused(pair, mentee):
    error = refusal(lambda: review(pair, mentee, summary="   "))
    assert error.messages == ["Write a summary, or go through at least one goal."]


def test_a_summary_alone_is_a_review(pair, mentor):
    assert review(pair, mentor, summary="No goals yet; we agreed to set two.").items.count() == 0


@pytest.mark.parametrize("persona", ["outsider", "coordinator", "other_coordinator"])
def test_only_members_review(pair, talk, persona, request):
    error = refusal(lambda: review(pair, request.getfixturevalue(persona), item(talk, note="x")))
    assert error.code == "not_member"
    assert not ProgressReview.objects.exists()


@pytest.mark.parametrize("status", ["completed", "ended_early"])
def test_a_finished_mentorship_takes_no_review(pair, mentee, talk, status):
    Mentorship.objects.filter(pk=pair.pk).update(status=status)
    error = refusal(lambda: review(fresh(pair), mentee, item(talk, "in_progress", 10)))
    assert error.code == "read_only"
    assert Goal.objects.get(pk=talk.pk).progress == 0
