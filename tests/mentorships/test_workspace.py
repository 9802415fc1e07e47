"""The workspace page: a dashboard of the relationship for its members, metadata only for the
program's coordinators, nothing for anyone else; read-only history once it has ended."""

import pytest
from django.urls import reverse

from lodestar.mentorships import agreements, goals
from tests import factories

pytestmark = pytest.mark.django_db

SECRET_TEXT = "We talk about the reorganisation in confidence."


def detail(mentorship) -> str:
    return reverse("mentorship_detail", args=[mentorship.pk])


def page(client, user, mentorship) -> str:
    client.force_login(user)
    response = client.get(detail(mentorship))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def busy(active, mentee, mentor):
    """A pair with an agreement the mentee signed, goals (one achieved) and a comment."""
    agreements.agreement_draft(mentorship=active, by=mentee)
    sections = {**agreements.current_version(active).sections, "confidentiality": SECRET_TEXT}
    agreements.agreement_edit(mentorship=active, by=mentee, sections=sections)
    agreements.agreement_sign(mentorship=active, by=mentee, number=1)
    talk = goals.goal_create(mentorship=active, by=mentee, title="Give a conference talk")
    goals.goal_update_progress(goal=talk, by=mentee, status="in_progress", progress=40)
    blog = goals.goal_create(mentorship=active, by=mentee, title="Start a blog")
    goals.goal_update_progress(goal=blog, by=mentee, status="achieved", progress=0)
    goals.goal_comment_add(goal=talk, by=mentor, body="Secret comment")
    goals.goal_suggest(mentorship=active, by=mentor, owner=mentee, title="Read a book a month")
    return active


# --- members --------------------------------------------------------------------------------


def test_members_see_who_since_when_and_where(client, active, mentor, mentee):
    mentor.timezone = "Asia/Tokyo"
    mentor.save()
    content = page(client, mentee, active)
    assert "Asia/Tokyo" in content and "there now" in content
    assert "Max Mentor" in content and "Mia Mentee" in content
    assert "Started" in content


def test_members_see_the_goals_at_a_glance_and_the_celebrations(client, busy, mentor, mentee):
    for person in (mentor, mentee):
        content = page(client, person, busy)
        assert "Give a conference talk" in content
        assert "40% done" in content and "In progress" in content
        assert "Celebrations" in content
        assert "Start a blog" in content and "Achieved on" in content
        assert 'value="40" max="100"' in content
        # a suggestion is not a goal yet
        assert content.count("Read a book a month") == (1 if person == mentee else 0)


def test_what_is_due_for_each_member(client, busy, mentor, mentee):
    content = page(client, mentor, busy)
    assert "What is due" in content
    assert "Read and sign the agreement (version 1)." in content
    assert "Waiting for" not in content  # the mentee has signed already

    content = page(client, mentee, busy)
    assert "Read and sign the agreement" not in content
    assert "Waiting for Max Mentor to sign the agreement." in content
    assert "Max Mentor suggests a goal: “Read a book a month”. Accept or decline it." in content


def test_a_new_pair_is_asked_to_write_the_agreement_and_set_a_goal(client, active, mentee, mentor):
    content = page(client, mentee, active)
    assert "Write your mentoring agreement together." in content
    assert "Set your first goal." in content
    assert "Set your first goal." not in page(client, mentor, active)


def test_once_everybody_signed_the_agreement_is_shown_agreed(client, busy, mentor, mentee):
    agreements.agreement_sign(mentorship=busy, by=mentor, number=1)
    content = page(client, mentee, busy)
    assert "Agreed" in content and "Version 1, agreed on" in content
    assert "sign the agreement" not in content


def test_the_workspace_links_to_the_agreement_and_the_goals(client, active, mentee):
    content = page(client, mentee, active)
    assert reverse("agreement", args=[active.pk]) in content
    assert reverse("goals", args=[active.pk]) in content


def test_a_circle_shows_whose_goal_each_is(client, coordinator):
    group = factories.make_program(coordinator=coordinator, name="Circle", kind="group")
    guide = factories.make_enrolment(
        group, factories.make_user("guide@example.com", name="Gus Guide"), role="mentor"
    )
    ann = factories.make_enrolment(group, factories.make_user("ann@example.com", name="Ann A"))
    bob = factories.make_enrolment(group, factories.make_user("bob@example.com", name="Bob B"))
    circle = factories.make_mentorship(group, mentor=guide, mentees=[ann, bob])
    goals.goal_create(mentorship=circle, by=ann.user, title="Ann aim")
    goals.goal_create(mentorship=circle, by=bob.user, title="Bob aim")
    content = page(client, guide.user, circle)
    assert "Ann aim" in content and "Bob aim" in content
    assert "Whose" in content


# --- coordinators: metadata only ------------------------------------------------------------


def test_coordinators_see_metadata_and_no_content(client, busy, coordinator):
    content = page(client, coordinator, busy)
    assert "Engagement" in content
    assert "Mia Mentee: signed on" in content
    assert "Max Mentor: not signed yet" in content
    assert "Not agreed yet" in content
    for text in (
        "Give a conference talk",
        "Start a blog",
        "Read a book a month",
        "Secret comment",
        SECRET_TEXT,
        "Confidentiality",
    ):
        assert text not in content
    assert reverse("agreement", args=[busy.pk]) not in content
    assert reverse("goals", args=[busy.pk]) not in content


def test_coordinators_see_the_number_of_goals_in_each_status(client, busy, coordinator):
    content = page(client, coordinator, busy)
    # one in progress, one achieved; the suggestion is not counted
    assert '<th scope="row">In progress</th><td>1</td>' in content
    assert '<th scope="row">Achieved</th><td>1</td>' in content
    assert '<th scope="row">Not started</th><td>0</td>' in content


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator"])
def test_everyone_else_gets_404(client, busy, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(detail(busy)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, busy):
    response = client.get(detail(busy))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- history --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", ["completed", "ended_early", "declined"])
def test_a_finished_mentorship_is_read_only_history(client, busy, mentee, status):
    busy.status = status
    busy.save()
    content = page(client, mentee, busy)
    assert "read-only history" in content
    assert "Give a conference talk" in content  # still readable
    assert "What is due" not in content


def test_a_live_mentorship_is_not_marked_as_history(client, busy, mentee):
    assert "read-only history" not in page(client, mentee, busy)


# --- queries --------------------------------------------------------------------------------

# About eight queries belong to the layout (session, user, permissions, navigation counts) and
# a few to the meetings and messaging panels; the page's own do not grow with the data.


def _more(mentorship, mentee, mentor) -> None:
    for i in range(8):
        goal = goals.goal_create(mentorship=mentorship, by=mentee, title=f"Goal {i}")
        goals.milestone_add(goal=goal, by=mentee, title="Step")
        goals.goal_comment_add(goal=goal, by=mentor, body="Go on")
        goals.goal_suggest(mentorship=mentorship, by=mentor, owner=mentee, title=f"Idea {i}")
    sections = {**agreements.current_version(mentorship).sections, "cadence": "Weekly, Fridays"}
    agreements.agreement_edit(mentorship=mentorship, by=mentor, sections=sections)
    agreements.agreement_sign(mentorship=mentorship, by=mentor, number=2)


@pytest.mark.parametrize("persona", ["mentee", "coordinator"])
def test_the_workspace_does_a_bounded_number_of_queries(
    client, busy, mentee, mentor, persona, request, django_assert_max_num_queries
):
    client.force_login(request.getfixturevalue(persona))
    # About 8 for the layout, 3 for the page, the rest the panels': a fixed number either way.
    with django_assert_max_num_queries(30) as before:
        assert client.get(detail(busy)).status_code == 200
    _more(busy, mentee, mentor)
    with django_assert_max_num_queries(len(before)):
        assert client.get(detail(busy)).status_code == 200
