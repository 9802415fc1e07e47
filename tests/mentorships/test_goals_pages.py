"""The goals' pages: the list with its SMART forms, one goal with progress, milestones and
comments; for members only, in a bounded number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lodestar.mentorships import goals
from lodestar.mentorships.models import Goal, GoalComment, Milestone
from tests import factories

pytestmark = pytest.mark.django_db


def url(name, mentorship, *args) -> str:
    return reverse(name, args=[mentorship.pk, *args])


def page(client, user, address) -> str:
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def goal(active, mentee):
    return goals.goal_create(
        mentorship=active, by=mentee, title="Give a conference talk", measure="One talk given"
    )


@pytest.fixture
def other_pair(program):
    """Another pair in the same program, with a goal of its own."""
    mentor = factories.make_enrolment(
        program, factories.make_user("omar@example.com"), role="mentor"
    )
    mentee = factories.make_enrolment(program, factories.make_user("olga@example.com"))
    mentorship = factories.make_mentorship(program, mentor=mentor, mentees=[mentee])
    goals.goal_create(mentorship=mentorship, by=mentee.user, title="Olga secret goal")
    return mentorship


# --- who sees them --------------------------------------------------------------------------


def test_members_see_the_goals(client, active, goal, mentor, mentee):
    for person in (mentor, mentee):
        content = page(client, person, url("goals", active))
        assert "Give a conference talk" in content
        assert "0% done" in content
    assert "Your goals" in page(client, mentee, url("goals", active))
    assert "Mia Mentee’s goals" in page(client, mentor, url("goals", active))


@pytest.mark.parametrize("persona", ["coordinator", "outsider", "other_coordinator"])
def test_only_members_reach_the_goal_pages(client, active, goal, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("goals", active)).status_code == 404
    assert client.get(url("goal_detail", active, goal.pk)).status_code == 404
    posts = [
        (url("goal_create", active), {"title": "Mine"}),
        (url("goal_progress", active, goal.pk), {"progress-status": "achieved"}),
        (url("goal_comment", active, goal.pk), {"comment-body": "Hi"}),
        (url("milestone_add", active, goal.pk), {"milestone-title": "Step"}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == 404
    assert Goal.objects.count() == 1
    assert Goal.objects.get().status == "not_started"
    assert not GoalComment.objects.exists() and not Milestone.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, active, goal):
    response = client.get(url("goal_detail", active, goal.pk))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_goal_of_another_mentorship_is_a_404(client, active, other_pair, mentee):
    foreign = Goal.objects.get(mentorship=other_pair)
    client.force_login(mentee)
    assert client.get(url("goal_detail", active, foreign.pk)).status_code == 404
    assert (
        client.post(url("goal_comment", active, foreign.pk), {"comment-body": "x"}).status_code
        == 404
    )
    data = {"progress-status": "achieved", "progress-progress": "100"}
    assert client.post(url("goal_progress", active, foreign.pk), data).status_code == 404
    assert Goal.objects.get(pk=foreign.pk).status == "not_started"
    assert "Olga secret goal" not in page(client, mentee, url("goals", active))


def test_a_milestone_of_another_goal_is_a_404(client, active, goal, mentee):
    other = goals.goal_create(mentorship=active, by=mentee, title="Other goal")
    milestone = goals.milestone_add(goal=other, by=mentee, title="Step")
    client.force_login(mentee)
    address = url("milestone_done", active, goal.pk, milestone.pk)
    assert client.post(address, {"done": "1"}).status_code == 404
    assert Milestone.objects.get().done_at is None


# --- setting and suggesting goals -----------------------------------------------------------


def test_the_mentee_sees_the_smart_form_and_the_mentor_the_suggestion_form(
    client, active, mentee, mentor
):
    content = page(client, mentee, url("goals", active))
    assert "Set a goal" in content and "Suggest a goal" not in content
    for letter in ("Specific:", "Measurable:", "Achievable and relevant:", "Time-bound:"):
        assert letter in content
    content = page(client, mentor, url("goals", active))
    assert "Suggest a goal" in content and "Set this goal" not in content


def test_setting_a_goal_from_the_page(client, active, mentee):
    client.force_login(mentee)
    target = timezone.localdate() + timedelta(days=30)
    response = client.post(
        url("goal_create", active),
        {"title": "Ship a side project", "measure": "Live on the web", "target_date": target},
        follow=True,
    )
    content = response.content.decode()
    assert "Your goal is set." in content
    assert "Ship a side project" in content and "Live on the web" in content
    assert Goal.objects.get().target_date == target


def test_a_goal_without_a_title_or_with_a_past_date_shows_the_errors(client, active, mentee):
    client.force_login(mentee)
    response = client.post(url("goal_create", active), {"title": ""})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    past = timezone.localdate() - timedelta(days=2)
    response = client.post(url("goal_create", active), {"title": "Late", "target_date": past})
    assert "Choose a date from today on." in response.content.decode()
    assert not Goal.objects.exists()


def test_a_mentor_posting_the_mentee_form_is_told_why_not(client, active, mentor):
    client.force_login(mentor)
    response = client.post(url("goal_create", active), {"title": "My own"}, follow=True)
    assert "suggest one to your mentee instead" in response.content.decode()
    assert not Goal.objects.exists()


def test_suggesting_accepting_and_declining_from_the_pages(client, active, mentor, mentee):
    client.force_login(mentor)
    for title in ("Read two books", "Learn to juggle"):
        response = client.post(
            url("goal_suggest", active),
            {"suggest-owner": mentee.pk, "suggest-title": title},
            follow=True,
        )
        assert "Your suggestion is sent to Mia Mentee" in response.content.decode()
    books, juggling = Goal.objects.order_by("id")

    content = page(client, mentee, url("goals", active))
    assert "Suggestions waiting for an answer" in content
    content = page(client, mentee, reverse("mentorship_detail", args=[active.pk]))
    assert "Max Mentor suggests a goal: “Read two books”." in content

    client.post(url("goal_accept", active, books.pk))
    response = client.post(url("goal_decline", active, juggling.pk), follow=True)
    content = response.content.decode()
    assert "You declined the suggestion." in content
    assert "1 declined suggestion" in content
    books.refresh_from_db()
    assert books.accepted


def test_a_mentor_cannot_accept_their_own_suggestion(client, active, mentor, mentee):
    goal = goals.goal_suggest(mentorship=active, by=mentor, owner=mentee, title="Take a rest")
    assert "Accept this goal" not in page(client, mentor, url("goal_detail", active, goal.pk))
    response = client.post(url("goal_accept", active, goal.pk), follow=True)
    assert "Only the person whose goal it is" in response.content.decode()
    goal.refresh_from_db()
    assert not goal.accepted


def test_a_suggestion_to_someone_else_is_refused(client, active, mentor, outsider):
    client.force_login(mentor)
    response = client.post(
        url("goal_suggest", active), {"suggest-owner": outsider.pk, "suggest-title": "Hm"}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert not Goal.objects.exists()


# --- one goal -------------------------------------------------------------------------------


def test_progress_and_achievement_are_celebrated(client, active, goal, mentee, mentor):
    client.force_login(mentee)
    address = url("goal_progress", active, goal.pk)
    content = client.post(
        address, {"progress-status": "in_progress", "progress-progress": "60"}, follow=True
    ).content.decode()
    assert "Progress saved." in content and "60% done" in content
    content = client.post(
        address, {"progress-status": "achieved", "progress-progress": "60"}, follow=True
    ).content.decode()
    assert "Goal achieved" in content
    assert "Achieved on" in content and "100% done" in content
    assert mentor.notifications.get().kind == "goal_achieved"

    workspace = page(client, mentor, reverse("mentorship_detail", args=[active.pk]))
    assert "Celebrations" in workspace and "Achieved on" in workspace


def test_an_illegal_move_posted_is_refused_with_the_reason(client, active, goal, mentee):
    Goal.objects.filter(pk=goal.pk).update(status="dropped")
    client.force_login(mentee)
    response = client.post(
        url("goal_progress", active, goal.pk),
        {"progress-status": "achieved", "progress-progress": "100"},
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()  # not offered from "dropped"
    assert Goal.objects.get().status == "dropped"


def test_progress_out_of_range_shows_the_error(client, active, goal, mentee):
    client.force_login(mentee)
    response = client.post(
        url("goal_progress", active, goal.pk),
        {"progress-status": "in_progress", "progress-progress": "150"},
    )
    assert "Ensure this value is less than or equal to 100." in response.content.decode()
    assert Goal.objects.get().progress == 0


def test_the_mentor_reads_but_does_not_move_the_goal(client, active, goal, mentor):
    content = page(client, mentor, url("goal_detail", active, goal.pk))
    assert "Give a conference talk" in content
    assert "Update progress" not in content and "Edit the goal" not in content
    client.post(
        url("goal_progress", active, goal.pk),
        {"progress-status": "achieved", "progress-progress": "100"},
    )
    assert Goal.objects.get().status == "not_started"


def test_editing_the_goal(client, active, goal, mentee):
    client.force_login(mentee)
    response = client.post(
        url("goal_edit", active, goal.pk),
        {"edit-title": "Give two conference talks", "edit-measure": "Two talks"},
        follow=True,
    )
    assert "The goal is saved." in response.content.decode()
    assert Goal.objects.get().title == "Give two conference talks"


def test_milestones_added_by_the_mentee_and_ticked_by_the_mentor(
    client, active, goal, mentee, mentor
):
    client.force_login(mentee)
    response = client.post(
        url("milestone_add", active, goal.pk),
        {"milestone-title": "Write the abstract"},
        follow=True,
    )
    assert "Milestone added." in response.content.decode()
    milestone = Milestone.objects.get()

    client.force_login(mentor)
    content = page(client, mentor, url("goal_detail", active, goal.pk))
    assert "Mark done" in content and "Add the milestone" not in content
    response = client.post(url("milestone_done", active, goal.pk, milestone.pk), {"done": "1"})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done_by == mentor
    assert "1 of 1 done" in page(client, mentee, url("goals", active))


def test_ticking_a_milestone_with_htmx_returns_the_list(client, active, goal, mentee):
    milestone = goals.milestone_add(goal=goal, by=mentee, title="Rehearse")
    client.force_login(mentee)
    response = client.post(
        url("milestone_done", active, goal.pk, milestone.pk), {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert '<div id="milestones">' in content and "Mark not done" in content
    assert "“Rehearse” is done." in content
    assert "<html" not in content


def test_removing_a_milestone(client, active, goal, mentee):
    milestone = goals.milestone_add(goal=goal, by=mentee, title="Rehearse")
    client.force_login(mentee)
    response = client.post(url("milestone_delete", active, goal.pk, milestone.pk), follow=True)
    assert "Milestone removed." in response.content.decode()
    assert not Milestone.objects.exists()


def test_commenting_and_an_empty_comment(client, active, goal, mentor, mentee):
    client.force_login(mentor)
    response = client.post(
        url("goal_comment", active, goal.pk), {"comment-body": "Start with a meetup."}, follow=True
    )
    content = response.content.decode()
    assert "Your comment is posted." in content and "Start with a meetup." in content
    response = client.post(url("goal_comment", active, goal.pk), {"comment-body": " "})
    assert "This field is required." in response.content.decode()
    assert GoalComment.objects.count() == 1
    assert mentee.notifications.get().kind == "goal_comment"


# --- finished mentorships -------------------------------------------------------------------


def test_a_finished_mentorships_goals_are_read_only_history(client, active, goal, mentee):
    milestone = goals.milestone_add(goal=goal, by=mentee, title="Rehearse")
    goals.goal_comment_add(goal=goal, by=mentee, body="Nearly there")
    active.status = "ended_early"
    active.save()
    content = page(client, mentee, url("goal_detail", active, goal.pk))
    assert "read-only history" in content
    assert "Nearly there" in content and "Rehearse" in content
    for form in ("Update progress", "Post the comment", "Mark done", "Add the milestone"):
        assert form not in content
    content = page(client, mentee, url("goals", active))
    assert "Set a goal" not in content and "Give a conference talk" in content

    posts = [
        (url("goal_create", active), {"title": "Late goal"}),
        (url("goal_comment", active, goal.pk), {"comment-body": "Late"}),
        (url("milestone_done", active, goal.pk, milestone.pk), {"done": "1"}),
        (
            url("goal_progress", active, goal.pk),
            {"progress-status": "achieved", "progress-progress": "100"},
        ),
    ]
    for address, data in posts:
        response = client.post(address, data, follow=True)
        assert "read-only" in response.content.decode()
    assert Goal.objects.count() == 1 and Goal.objects.get().status == "not_started"
    assert GoalComment.objects.count() == 1
    assert Milestone.objects.get().done_at is None


# --- queries --------------------------------------------------------------------------------


def _fill(mentorship, mentee, mentor, n: int) -> None:
    for i in range(n):
        goal = goals.goal_create(mentorship=mentorship, by=mentee, title=f"Goal {i}")
        goals.milestone_add(goal=goal, by=mentee, title="Step")
        goals.goal_comment_add(goal=goal, by=mentor, body="Go")
        goals.goal_suggest(mentorship=mentorship, by=mentor, owner=mentee, title=f"Idea {i}")


# About eight queries are the layout's (session, user, permissions, navigation counts); the
# pages' own are a handful, and do not grow with the number of goals, milestones or comments.


def test_the_goals_pages_do_a_bounded_number_of_queries(
    client, active, mentee, mentor, django_assert_max_num_queries
):
    _fill(active, mentee, mentor, 1)
    client.force_login(mentee)
    goal = Goal.objects.first()
    with django_assert_max_num_queries(16) as list_page:
        assert client.get(url("goals", active)).status_code == 200
    with django_assert_max_num_queries(16) as detail_page:
        assert client.get(url("goal_detail", active, goal.pk)).status_code == 200

    _fill(active, mentee, mentor, 8)
    for _ in range(5):
        goals.goal_comment_add(goal=goal, by=mentor, body="More")
        goals.milestone_add(goal=goal, by=mentee, title="More")
    with django_assert_max_num_queries(len(list_page)):
        assert client.get(url("goals", active)).status_code == 200
    with django_assert_max_num_queries(len(detail_page)):
        assert client.get(url("goal_detail", active, goal.pk)).status_code == 200
