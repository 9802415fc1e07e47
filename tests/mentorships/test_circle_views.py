"""The coordinators' circle pages: who reaches them, building a circle, adding, removing and
moving members through the forms, errors next to their fields; and the shared goals' pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lodestar.mentorships import circles, goals
from lodestar.mentorships.models import FormerMember, Goal, Membership, Mentorship
from lodestar.messaging.services import message_send
from tests import factories
from tests.mentorships.test_circles import build, names, user

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(coordinator):
    """“Circles”: mentors Ada and Ben (2 seats each), mentees Cleo, Dan, Eve, Fay, Gus."""
    program = factories.make_program(coordinator=coordinator, name="Circles", kind="group")
    people = {}
    for name in ("Ada", "Ben"):
        person = factories.make_user(f"{name.lower()}@example.com", name=name)
        people[name] = factories.make_enrolment(program, person, role="mentor", capacity=2)
    for name in ("Cleo", "Dan", "Eve", "Fay", "Gus"):
        person = factories.make_user(f"{name.lower()}@example.com", name=name)
        people[name] = factories.make_enrolment(program, person, role="mentee")
    program.people = people
    return program


@pytest.fixture
def two_circles(group, coordinator):
    """Ada with Cleo and Dan; Ben with Eve."""
    return (
        build(group, coordinator, ["Ada"], ["Cleo", "Dan"]),
        build(group, coordinator, ["Ben"], ["Eve"]),
    )


def list_url(program) -> str:
    return reverse("program_circles", args=[program.slug])


def circle_url(program, circle, action: str = "") -> str:
    name = f"circle_{action}" if action else "circle_detail"
    return reverse(name, args=[program.slug, circle.pk])


def get(client, person, address) -> str:
    client.force_login(person)
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


# Who reaches the pages --------------------------------------------------------------------------


def test_the_program_page_links_to_its_circles_only_in_group_programs(
    client, coordinator, group, program
):
    assert list_url(group) in get(client, coordinator, reverse("program_manage", args=[group.slug]))
    spring = get(client, coordinator, reverse("program_manage", args=[program.slug]))
    assert "/circles/" not in spring


@pytest.mark.parametrize("persona", ["ada", "cleo", "outsider", "other_coordinator"])
def test_only_the_programs_coordinators_reach_the_circle_pages(
    client, request, group, two_circles, persona
):
    first, second = two_circles
    people = {"ada": user(group, "Ada"), "cleo": user(group, "Cleo")}
    someone = people.get(persona) or request.getfixturevalue(persona)
    client.force_login(someone)
    for address in (list_url(group), circle_url(group, first)):
        assert client.get(address).status_code == 404
    dan = group.people["Dan"].pk
    posts = [
        (reverse("circle_create", args=[group.slug]), {"mentors": [group.people["Ben"].pk]}),
        (circle_url(group, second, "add_member"), {"person": group.people["Fay"].pk}),
        (circle_url(group, first, "remove_member"), {"enrolment": dan, "reason": "Because"}),
        (circle_url(group, first, "move_member"), {"enrolment": dan, "target": second.pk}),
    ]
    for address, data in posts:
        assert client.post(address, data).status_code == 404
    assert Mentorship.objects.count() == 2
    assert names(first) == ["Ada", "Cleo", "Dan"] and names(second) == ["Ben", "Eve"]


def test_anonymous_visitors_are_sent_to_log_in(client, group, two_circles):
    response = client.get(list_url(group))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_program_that_is_not_a_group_program_has_no_circle_pages(client, coordinator, program):
    client.force_login(coordinator)
    assert client.get(list_url(program)).status_code == 404


def test_a_circle_of_another_program_is_not_found_under_this_one(
    client, coordinator, group, two_circles
):
    other = factories.make_program(coordinator=coordinator, name="Guild", kind="group")
    client.force_login(coordinator)
    assert client.get(circle_url(other, two_circles[0])).status_code == 404
    response = client.post(
        circle_url(other, two_circles[0], "add_member"), {"person": group.people["Fay"].pk}
    )
    assert response.status_code == 404
    assert names(two_circles[0]) == ["Ada", "Cleo", "Dan"]


# The list and building a circle -----------------------------------------------------------------


def test_the_list_shows_each_circle_with_its_members_and_seats(
    client, coordinator, group, two_circles
):
    content = get(client, coordinator, list_url(group))
    assert "Circle of Ada" in content and "Circle of Ben" in content
    assert "2 of 2 seats taken" in content
    assert "1 of 2 seats taken" in content
    # The form offers the mentees without a circle and the mentors with their seats.
    assert "Fay" in content and "Gus" in content
    assert "Ben — 1 seat left" in content
    assert f'name="mentees" value="{group.people["Cleo"].pk}"' not in content


def test_a_coordinator_builds_a_circle_with_the_form(client, coordinator, group):
    client.force_login(coordinator)
    people = group.people
    response = client.post(
        reverse("circle_create", args=[group.slug]),
        {"mentors": [people["Ada"].pk], "mentees": [people["Cleo"].pk, people["Dan"].pk]},
        follow=True,
    )
    circle = Mentorship.objects.get()
    assert response.redirect_chain[-1][0] == circle_url(group, circle)
    content = response.content.decode()
    assert "The circle is built and its members are told." in content
    assert "<h1>Circle of Ada</h1>" in content
    assert names(circle) == ["Ada", "Cleo", "Dan"]


def test_the_form_shows_what_is_missing_and_what_is_refused(client, coordinator, group):
    client.force_login(coordinator)
    people = group.people
    address = reverse("circle_create", args=[group.slug])
    response = client.post(address, {"mentees": [people["Cleo"].pk]})
    assert response.status_code == 200
    assert "Choose at least one mentor." in response.content.decode()

    too_many = {
        "mentors": [people["Ada"].pk],
        "mentees": [people[n].pk for n in ("Cleo", "Dan", "Eve")],
    }
    content = client.post(address, too_many).content.decode()
    assert "The circle is full: no seat left with Ada (capacity 2)." in content
    assert not Mentorship.objects.exists()

    response = client.post(address, {**too_many, "override_reason": "A pilot of three"})
    assert response.status_code == 302
    assert Mentorship.objects.get().override_reason == "A pilot of three"


def test_someone_taken_meanwhile_is_named(client, coordinator, group, two_circles):
    client.force_login(coordinator)
    people = group.people
    content = client.post(
        reverse("circle_create", args=[group.slug]),
        {"mentors": [people["Ben"].pk], "mentees": [people["Cleo"].pk]},
    ).content.decode()
    assert "Cleo is already in a circle of this program." in content
    assert Mentorship.objects.count() == 2


# One circle: add, remove, move ------------------------------------------------------------------


def test_a_coordinator_adds_a_mentee(client, coordinator, group, two_circles):
    _first, second = two_circles
    content = get(client, coordinator, circle_url(group, second))
    assert "Mentees not in a circle" in content and "Fay" in content
    response = client.post(
        circle_url(group, second, "add_member"), {"person": group.people["Fay"].pk}, follow=True
    )
    assert "Fay joined the circle and is told." in response.content.decode()
    assert names(second) == ["Ben", "Eve", "Fay"]


def test_adding_to_a_full_circle_shows_the_refusal_next_to_the_form(
    client, coordinator, group, two_circles
):
    first, _second = two_circles
    client.force_login(coordinator)
    response = client.post(
        circle_url(group, first, "add_member"), {"person": group.people["Fay"].pk}
    )
    assert response.status_code == 200
    assert "The circle is full" in response.content.decode()
    assert names(first) == ["Ada", "Cleo", "Dan"]


def test_a_coordinator_removes_a_member_who_then_loses_the_workspace(
    client, coordinator, group, two_circles
):
    first, _second = two_circles
    dan = user(group, "Dan")
    message_send(mentorship=first, author=user(group, "Cleo"), body="Agenda for Thursday")
    client.force_login(coordinator)
    enrolment = group.people["Dan"].pk
    response = client.post(circle_url(group, first, "remove_member"), {"enrolment": enrolment})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert names(first) == ["Ada", "Cleo", "Dan"]

    response = client.post(
        circle_url(group, first, "remove_member"),
        {"enrolment": enrolment, "reason": "Moved abroad"},
        follow=True,
    )
    content = response.content.decode()
    assert "Dan has left the circle and no longer sees its workspace." in content
    assert "Former members" in content and "Moved abroad" in content
    assert names(first) == ["Ada", "Cleo"]

    client.force_login(dan)
    for address in (
        reverse("mentorship_detail", args=[first.pk]),
        reverse("messages", args=[first.pk]),
        reverse("goals", args=[first.pk]),
    ):
        assert client.get(address).status_code == 404
    assert "Agenda for Thursday" not in get(client, dan, reverse("message_inbox"))


def test_the_last_mentee_cannot_be_removed(client, coordinator, group, two_circles):
    _first, second = two_circles
    client.force_login(coordinator)
    response = client.post(
        circle_url(group, second, "remove_member"),
        {"enrolment": group.people["Eve"].pk, "reason": "Left"},
    )
    assert "A circle keeps at least one mentee" in response.content.decode()
    assert names(second) == ["Ben", "Eve"]


def test_someone_outside_the_circle_is_not_found_in_its_forms(
    client, coordinator, group, two_circles
):
    first, _second = two_circles
    client.force_login(coordinator)
    response = client.post(
        circle_url(group, first, "remove_member"),
        {"enrolment": group.people["Eve"].pk, "reason": "Not hers"},
    )
    assert response.status_code == 404
    assert not FormerMember.objects.exists()


def test_a_coordinator_moves_a_mentee_to_another_circle(client, coordinator, group, two_circles):
    first, second = two_circles
    content = get(client, coordinator, circle_url(group, first))
    assert (
        "Move Dan to" in content
        and f'<option value="{second.pk}">Circle of Ben</option>' in content
    )
    response = client.post(
        circle_url(group, first, "move_member"),
        {"enrolment": group.people["Dan"].pk, "target": second.pk},
        follow=True,
    )
    assert "Dan moved to Circle of Ben." in response.content.decode()
    assert names(first) == ["Ada", "Cleo"] and names(second) == ["Ben", "Dan", "Eve"]


def test_a_move_into_a_full_circle_is_shown_and_changes_nothing(
    client, coordinator, group, two_circles
):
    first, second = two_circles
    circles.circle_add_member(circle=second, enrolment=group.people["Fay"], by=coordinator)
    client.force_login(coordinator)
    response = client.post(
        circle_url(group, first, "move_member"),
        {"enrolment": group.people["Dan"].pk, "target": second.pk},
    )
    content = response.content.decode()
    assert response.status_code == 200 and "The circle is full" in content
    assert names(first) == ["Ada", "Cleo", "Dan"]
    response = client.post(
        circle_url(group, first, "move_member"),
        {"enrolment": group.people["Dan"].pk, "target": second.pk, "override_reason": "Temporary"},
    )
    assert response.status_code == 302
    assert names(second) == ["Ben", "Dan", "Eve", "Fay"]


def test_a_move_to_a_circle_that_is_not_offered_is_refused(
    client, coordinator, group, two_circles, other_coordinator
):
    first, _second = two_circles
    other = factories.make_program(coordinator=coordinator, name="Guild", kind="group")
    mentor = factories.make_enrolment(other, factories.make_user("zed@example.com"), role="mentor")
    elsewhere = factories.make_mentorship(other, mentor=mentor, mentees=[])
    client.force_login(coordinator)
    response = client.post(
        circle_url(group, first, "move_member"),
        {"enrolment": group.people["Dan"].pk, "target": elsewhere.pk},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert names(first) == ["Ada", "Cleo", "Dan"]


# Queries ----------------------------------------------------------------------------------------


def count_queries(client, address) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(address).status_code == 200
    return len(queries)


def test_the_circle_pages_do_as_many_queries_for_ten_circles_as_for_two(
    client, coordinator, group, two_circles
):
    client.force_login(coordinator)
    first, _second = two_circles
    few = count_queries(client, list_url(group)), count_queries(client, circle_url(group, first))
    for i in range(8):
        mentor = factories.make_enrolment(
            group,
            factories.make_user(f"m{i}@example.com", name=f"Mentor {i}"),
            role="mentor",
            capacity=2,
        )
        mentees = [
            factories.make_enrolment(group, factories.make_user(f"e{i}{j}@example.com"))
            for j in range(2)
        ]
        circles.circle_create(program=group, mentors=[mentor], mentees=mentees, by=coordinator)
    many = count_queries(client, list_url(group)), count_queries(client, circle_url(group, first))
    assert many == few, (few, many)
    assert few[0] <= 15 and few[1] <= 20


# Shared goals on the goals pages ----------------------------------------------------------------


def test_a_circles_mentor_sets_a_shared_goal_that_every_member_sees(client, group, two_circles):
    first, _second = two_circles
    ada, cleo = user(group, "Ada"), user(group, "Cleo")
    content = get(client, ada, reverse("goals", args=[first.pk]))
    assert "Set a goal for the whole circle" in content
    assert "Set a goal for the whole circle" not in get(
        client, cleo, reverse("goals", args=[first.pk])
    )

    client.force_login(ada)
    response = client.post(reverse("shared_goal_create", args=[first.pk]), {"shared-title": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = client.post(
        reverse("shared_goal_create", args=[first.pk]),
        {"shared-title": "Run a community workshop", "shared-measure": "Twenty people come"},
    )
    goal = Goal.objects.get()
    assert response.status_code == 302 and goal.owner is None

    content = get(client, cleo, reverse("goals", args=[first.pk]))
    assert "The circle’s shared goals" in content and "Run a community workshop" in content
    detail = get(client, cleo, reverse("goal_detail", args=[first.pk, goal.pk]))
    assert "The whole circle’s" in detail
    assert "Update progress" not in detail
    assert "Update progress" in get(client, ada, reverse("goal_detail", args=[first.pk, goal.pk]))
    assert "The whole circle" in get(client, cleo, reverse("mentorship_detail", args=[first.pk]))


def test_every_member_ticks_a_shared_milestone_and_only_mentors_move_the_goal(
    client, group, two_circles
):
    first, _second = two_circles
    ada, dan = user(group, "Ada"), user(group, "Dan")
    goal = goals.shared_goal_create(mentorship=first, by=ada, title="Run a workshop")
    milestone = goals.milestone_add(goal=goal, by=ada, title="Book a room")
    client.force_login(dan)
    client.post(reverse("milestone_done", args=[first.pk, goal.pk, milestone.pk]), {"done": "1"})
    milestone.refresh_from_db()
    assert milestone.done_by == dan
    response = client.post(
        reverse("goal_progress", args=[first.pk, goal.pk]),
        {"progress-status": "achieved", "progress-progress": "100"},
        follow=True,
    )
    assert "Only the circle’s mentors change a goal the circle shares." in response.content.decode()
    goal.refresh_from_db()
    assert goal.status == "not_started"


def test_a_former_members_goals_stay_as_history(client, coordinator, group, two_circles):
    first, _second = two_circles
    goals.goal_create(mentorship=first, by=user(group, "Dan"), title="Speak at the meetup")
    circles.circle_remove_member(
        circle=first, enrolment=group.people["Dan"], by=coordinator, reason="Left"
    )
    content = get(client, user(group, "Cleo"), reverse("goals", args=[first.pk]))
    assert "Goals of former members" in content and "Speak at the meetup" in content
    assert "Dropped" in content


def test_one_to_one_mentors_are_not_offered_shared_goals(client, active, mentor):
    content = get(client, mentor, reverse("goals", args=[active.pk]))
    assert "Set a goal for the whole circle" not in content
    assert "shared goals" not in content
    client.force_login(mentor)
    response = client.post(
        reverse("shared_goal_create", args=[active.pk]), {"shared-title": "Ours"}, follow=True
    )
    assert "Only the mentors of a group program’s circle" in response.content.decode()
    assert not Goal.objects.exists()
    assert Membership.objects.filter(mentorship=active).count() == 2


def test_the_workspace_celebrates_a_shared_goal_as_the_circles(client, group, two_circles):
    first, _second = two_circles
    ada = user(group, "Ada")
    goal = goals.shared_goal_create(mentorship=first, by=ada, title="Run a workshop")
    goals.goal_update_progress(goal=goal, by=ada, status="achieved", progress=100)
    content = get(client, user(group, "Dan"), reverse("mentorship_detail", args=[first.pk]))
    assert "The whole circle — Achieved on" in content


# Peer programs ----------------------------------------------------------------------------------


def test_both_peers_reach_every_page_of_their_workspace(
    client, coordinator, django_capture_on_commit_callbacks
):
    from lodestar.matches.services.publish import run_publish
    from lodestar.matches.services.responses import proposal_accept
    from tests.matches.test_runs import peer_program, started

    program = peer_program(coordinator)
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        (pair,) = run_publish(run=run, by=coordinator)
    peers = [m.user for m in pair.memberships.select_related("user")]
    for person in peers:
        proposal_accept(mentorship=pair, user=person)
    for person in peers:
        other = next(p for p in peers if p != person)
        workspace = get(client, person, reverse("mentorship_detail", args=[pair.pk]))
        assert other.name in workspace
        for name in ("agreement", "goals", "messages", "meeting_list", "meeting_new"):
            get(client, person, reverse(name, args=[pair.pk]))
        assert "Set a goal for the whole circle" not in get(
            client, person, reverse("goals", args=[pair.pk])
        )


def test_a_closing_circle_is_shown_without_forms_and_refuses_changes(
    client, coordinator, group, two_circles
):
    _first, second = two_circles
    Mentorship.objects.filter(pk=second.pk).update(status="closing")
    content = get(client, coordinator, circle_url(group, second))
    assert "This circle is closing: its members no longer change." in content
    assert "Add to the circle" not in content and "Remove Eve" not in content
    response = client.post(
        circle_url(group, second, "add_member"), {"person": group.people["Fay"].pk}
    )
    assert "This circle is closing: its members no longer change." in response.content.decode()
    assert names(second) == ["Ben", "Eve"]
    Mentorship.objects.filter(pk=second.pk).update(status="completed")
    assert client.get(circle_url(group, second)).status_code == 404
