"""Circles in group programs: coordinators build them and move people between them; matching
fills them by score; peer programs pair two peers who share the same workspace."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from lodestar.engagement.models import Notification
from lodestar.matches.services.publish import run_publish
from lodestar.matches.services.responses import proposal_accept
from lodestar.meetings.services import meeting_confirm, meeting_propose
from lodestar.mentorships import agreements, circles, goals
from lodestar.mentorships.goal_states import GoalStatus
from lodestar.mentorships.models import FormerMember, Goal, Membership, Mentorship
from lodestar.mentorships.policy import get_member_workspace, get_workspace_for
from lodestar.messaging.selectors import inbox, unread_count
from lodestar.messaging.services import message_send
from lodestar.programs.states import ProgramStatus
from tests import factories
from tests.matches.test_runs import cohort, peer_program, started

pytestmark = pytest.mark.django_db


# People ---------------------------------------------------------------------------------------


@pytest.fixture
def group(coordinator):
    """“Circles”, a group program: mentors Ada and Ben take 2 mentees each; Cleo, Dan, Eve,
    Fay and Gus are mentees waiting for a circle."""
    program = factories.make_program(coordinator=coordinator, name="Circles", kind="group")
    people = {}
    for name in ("Ada", "Ben"):
        user = factories.make_user(f"{name.lower()}@example.com", name=name)
        people[name] = factories.make_enrolment(program, user, role="mentor", capacity=2)
    for name in ("Cleo", "Dan", "Eve", "Fay", "Gus"):
        user = factories.make_user(f"{name.lower()}@example.com", name=name)
        people[name] = factories.make_enrolment(program, user, role="mentee")
    program.people = people
    return program


def build(group, coordinator, mentors, mentees, **kwargs):
    people = group.people
    return circles.circle_create(
        program=group,
        mentors=[people[n] for n in mentors],
        mentees=[people[n] for n in mentees],
        by=coordinator,
        **kwargs,
    )


def names(circle, role=None):
    members = Membership.objects.filter(mentorship=circle).select_related("user")
    return sorted(m.user.name for m in members if role is None or m.role == role)


@pytest.fixture
def two_circles(group, coordinator):
    """Ada with Cleo and Dan; Ben with Eve."""
    first = build(group, coordinator, ["Ada"], ["Cleo", "Dan"])
    second = build(group, coordinator, ["Ben"], ["Eve"])
    Notification.objects.all().delete()
    return first, second


def user(group, name):
    return group.people[name].user


def refused(code, call, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(**kwargs)
    assert caught.value.code == code, caught.value
    return caught.value


# Building a circle ------------------------------------------------------------------------------


def test_a_coordinator_builds_an_active_circle_and_everyone_in_it_is_told(group, coordinator):
    circle = build(group, coordinator, ["Ada"], ["Cleo", "Dan"])

    assert (circle.status, circle.origin, circle.created_by) == ("active", "manual", coordinator)
    assert circle.start_date == timezone.localdate()
    members = Membership.objects.filter(mentorship=circle).select_related("user")
    assert {(m.user.name, m.role, m.response) for m in members} == {
        ("Ada", "mentor", "accepted"),
        ("Cleo", "mentee", "accepted"),
        ("Dan", "mentee", "accepted"),
    }
    told = {n.user.name: n for n in Notification.objects.select_related("user")}
    assert set(told) == {"Ada", "Cleo", "Dan"}
    assert told["Cleo"].kind == "mentorship_created"
    assert told["Cleo"].params["other"] == "Ada, Dan"
    assert told["Ada"].params["other"] == "Cleo, Dan"
    assert told["Cleo"].url == f"/mentorships/{circle.pk}/"


def test_a_circle_may_have_several_mentors(group, coordinator):
    circle = build(group, coordinator, ["Ada", "Ben"], ["Cleo", "Dan"])
    assert names(circle, "mentor") == ["Ada", "Ben"]
    assert names(circle, "mentee") == ["Cleo", "Dan"]


@pytest.mark.parametrize("persona", ["mentor", "mentee", "outsider", "other_coordinator"])
def test_only_the_programs_coordinators_build_circles(request, group, persona):
    someone = request.getfixturevalue(persona)
    refused("forbidden", build, group=group, coordinator=someone, mentors=["Ada"], mentees=["Cleo"])
    assert not Mentorship.objects.exists()


def test_circles_are_only_for_group_programs(program, coordinator, mentor, mentee):
    mentors = list(program.enrolments.filter(role="mentor"))
    mentees = list(program.enrolments.filter(role="mentee"))
    error = refused(
        "not_group",
        circles.circle_create,
        program=program,
        mentors=mentors,
        mentees=mentees,
        by=coordinator,
    )
    assert "group programs" in error.messages[0]
    assert not Mentorship.objects.exists()


def test_an_archived_programs_circles_no_longer_change(group, coordinator, two_circles):
    group.status = ProgramStatus.ARCHIVED
    group.save()
    refused(
        "archived", build, group=group, coordinator=coordinator, mentors=["Ada"], mentees=["Fay"]
    )
    refused(
        "archived",
        circles.circle_add_member,
        circle=two_circles[1],
        enrolment=group.people["Fay"],
        by=coordinator,
    )
    assert names(two_circles[1]) == ["Ben", "Eve"]


def test_a_circle_needs_a_mentor_and_a_mentee(group, coordinator):
    with pytest.raises(ValidationError) as caught:
        build(group, coordinator, [], ["Cleo"])
    assert caught.value.message_dict == {"mentors": ["A circle needs at least one mentor."]}
    with pytest.raises(ValidationError) as caught:
        build(group, coordinator, ["Ada"], [])
    assert caught.value.message_dict == {"mentees": ["A circle needs at least one mentee."]}
    refused(
        "duplicate",
        build,
        group=group,
        coordinator=coordinator,
        mentors=["Ada"],
        mentees=["Cleo", "Cleo"],
    )
    assert not Mentorship.objects.exists()


def test_people_who_cannot_be_in_the_circle_are_named(group, coordinator, other_program):
    refused(
        "wrong_role", build, group=group, coordinator=coordinator, mentors=["Cleo"], mentees=["Dan"]
    )
    refused(
        "wrong_role", build, group=group, coordinator=coordinator, mentors=["Ada"], mentees=["Ben"]
    )
    group.people["Dan"].status = "applied"
    group.people["Dan"].save()
    error = refused(
        "not_approved",
        build,
        group=group,
        coordinator=coordinator,
        mentors=["Ada"],
        mentees=["Dan"],
    )
    assert "Dan" in error.messages[0]
    stranger = factories.make_enrolment(
        other_program, factories.make_user("zed@example.com", name="Zed"), role="mentee"
    )
    refused(
        "other_program",
        circles.circle_create,
        program=group,
        mentors=[group.people["Ada"]],
        mentees=[stranger],
        by=coordinator,
    )
    assert not Mentorship.objects.exists()


def test_a_circle_beyond_its_mentors_capacity_needs_an_override_with_a_reason(group, coordinator):
    error = refused(
        "circle_full",
        build,
        group=group,
        coordinator=coordinator,
        mentors=["Ada"],
        mentees=["Cleo", "Dan", "Eve"],
    )
    assert "Ada (capacity 2)" in error.messages[0]
    with pytest.raises(ValidationError) as caught:
        build(group, coordinator, ["Ada"], ["Cleo", "Dan", "Eve"], allow_over_capacity=True)
    assert list(caught.value.message_dict) == ["override_reason"]
    assert not Mentorship.objects.exists()

    circle = build(
        group,
        coordinator,
        ["Ada"],
        ["Cleo", "Dan", "Eve"],
        allow_over_capacity=True,
        override_reason="Eve and Dan job-share",
    )
    assert names(circle, "mentee") == ["Cleo", "Dan", "Eve"]
    assert circle.override_reason == "Eve and Dan job-share"


def test_co_mentors_each_need_a_seat_for_every_mentee(group, coordinator):
    """The circle's size is the smaller capacity of its mentors."""
    group.people["Ben"].capacity = 1
    group.people["Ben"].save()
    error = refused(
        "circle_full",
        build,
        group=group,
        coordinator=coordinator,
        mentors=["Ada", "Ben"],
        mentees=["Cleo", "Dan"],
    )
    assert "Ben (capacity 1)" in error.messages[0]
    assert "Ada" not in error.messages[0]


def test_a_mentee_is_in_one_circle_of_the_program_at_a_time(group, coordinator, two_circles):
    error = refused(
        "already_matched",
        build,
        group=group,
        coordinator=coordinator,
        mentors=["Ben"],
        mentees=["Cleo"],
    )
    assert "Cleo is already in a circle" in error.messages[0]
    refused(
        "already_matched",
        circles.circle_add_member,
        circle=two_circles[1],
        enrolment=group.people["Dan"],
        by=coordinator,
    )
    assert names(two_circles[1]) == ["Ben", "Eve"]


# Adding -----------------------------------------------------------------------------------------


def test_a_mentee_added_to_a_circle_joins_at_once_and_is_told(group, coordinator, two_circles):
    _first, second = two_circles
    membership = circles.circle_add_member(
        circle=second, enrolment=group.people["Fay"], by=coordinator
    )
    assert (membership.role, membership.response) == ("mentee", "accepted")
    assert names(second) == ["Ben", "Eve", "Fay"]
    (notice,) = Notification.objects.all()
    assert (notice.user.name, notice.kind) == ("Fay", "circle_joined")
    assert notice.params["other"] == "Ben, Eve"


def test_a_full_circle_takes_nobody_more_without_an_override(group, coordinator, two_circles):
    first, _second = two_circles
    refused(
        "circle_full",
        circles.circle_add_member,
        circle=first,
        enrolment=group.people["Fay"],
        by=coordinator,
    )
    assert names(first) == ["Ada", "Cleo", "Dan"]
    assert not Notification.objects.exists()
    circles.circle_add_member(
        circle=first,
        enrolment=group.people["Fay"],
        by=coordinator,
        allow_over_capacity=True,
        override_reason="Fay only needs a few sessions",
    )
    first.refresh_from_db()
    assert names(first) == ["Ada", "Cleo", "Dan", "Fay"]
    assert first.override_reason == "Fay only needs a few sessions"


def test_a_co_mentor_joins_only_with_a_seat_for_every_mentee(group, coordinator, two_circles):
    first, second = two_circles
    # Ben has one seat left (Eve holds the other): not enough for Cleo and Dan.
    refused(
        "circle_full",
        circles.circle_add_member,
        circle=first,
        enrolment=group.people["Ben"],
        by=coordinator,
    )
    third = build(
        group, coordinator, ["Ada"], ["Fay"], allow_over_capacity=True, override_reason="x"
    )
    third_mentor = factories.make_enrolment(
        group, factories.make_user("hal@example.com", name="Hal"), role="mentor", capacity=3
    )
    circles.circle_add_member(circle=third, enrolment=third_mentor, by=coordinator)
    assert names(third, "mentor") == ["Ada", "Hal"]
    refused(
        "already_member",
        circles.circle_add_member,
        circle=second,
        enrolment=group.people["Ben"],
        by=coordinator,
    )


@pytest.mark.parametrize("persona", ["mentor", "outsider", "other_coordinator"])
def test_only_coordinators_add_members(request, group, two_circles, persona):
    someone = request.getfixturevalue(persona)
    refused(
        "forbidden",
        circles.circle_add_member,
        circle=two_circles[1],
        enrolment=group.people["Fay"],
        by=someone,
    )
    # Nor may a member of the circle.
    refused(
        "forbidden",
        circles.circle_add_member,
        circle=two_circles[1],
        enrolment=group.people["Fay"],
        by=user(group, "Ben"),
    )
    assert names(two_circles[1]) == ["Ben", "Eve"]


def test_a_finished_circle_no_longer_changes(group, coordinator, two_circles):
    _first, second = two_circles
    Mentorship.objects.filter(pk=second.pk).update(status="ended_early")
    refused(
        "not_under_way",
        circles.circle_add_member,
        circle=second,
        enrolment=group.people["Fay"],
        by=coordinator,
    )


# Removing ---------------------------------------------------------------------------------------


def test_a_removed_member_loses_the_workspace_and_the_conversation_but_their_words_stay(
    group, coordinator, two_circles
):
    first, _second = two_circles
    dan, cleo = user(group, "Dan"), user(group, "Cleo")
    said = message_send(mentorship=first, author=dan, body="Thanks for the tips!")
    message_send(mentorship=first, author=cleo, body="See you Thursday")
    assert unread_count(dan) == 1

    former = circles.circle_remove_member(
        circle=first, enrolment=group.people["Dan"], by=coordinator, reason="Changed teams"
    )

    assert names(first) == ["Ada", "Cleo"]
    assert (former.user, former.role, former.reason, former.removed_by) == (
        dan,
        "mentee",
        "Changed teams",
        coordinator,
    )
    assert former.joined_at is not None and former.moved_to is None
    for page in (get_workspace_for, get_member_workspace):
        with pytest.raises(Http404):
            page(dan, first.pk)
    assert inbox(dan) == []
    assert unread_count(dan) == 0
    said.refresh_from_db()
    assert said.author == dan and said.body == "Thanks for the tips!"
    # Dan's seat is free: another circle may take him.
    circles.circle_add_member(circle=_second, enrolment=group.people["Dan"], by=coordinator)
    notices = Notification.objects.filter(user=dan).order_by("pk")
    assert [n.kind for n in notices] == ["circle_left", "circle_joined"]
    assert notices[0].params["other"] == "Ada, Cleo"


def test_a_circle_keeps_its_last_mentor_and_its_last_mentee(group, coordinator, two_circles):
    first, second = two_circles
    error = refused(
        "last_mentor",
        circles.circle_remove_member,
        circle=first,
        enrolment=group.people["Ada"],
        by=coordinator,
        reason="On leave",
    )
    assert "at least one mentor" in error.messages[0]
    refused(
        "last_mentee",
        circles.circle_remove_member,
        circle=second,
        enrolment=group.people["Eve"],
        by=coordinator,
        reason="Left the company",
    )
    assert names(first) == ["Ada", "Cleo", "Dan"] and names(second) == ["Ben", "Eve"]
    assert not FormerMember.objects.exists()


def test_removing_someone_needs_a_reason_and_a_member(group, coordinator, two_circles):
    first, _second = two_circles
    with pytest.raises(ValidationError) as caught:
        circles.circle_remove_member(
            circle=first, enrolment=group.people["Dan"], by=coordinator, reason="  "
        )
    assert list(caught.value.message_dict) == ["reason"]
    refused(
        "not_member",
        circles.circle_remove_member,
        circle=first,
        enrolment=group.people["Eve"],
        by=coordinator,
        reason="Not hers",
    )
    refused(
        "forbidden",
        circles.circle_remove_member,
        circle=first,
        enrolment=group.people["Dan"],
        by=user(group, "Ada"),
        reason="I would rather not",
    )
    assert names(first) == ["Ada", "Cleo", "Dan"]


def test_a_leavers_open_goals_are_dropped_and_suggestions_to_them_declined(
    group, coordinator, two_circles
):
    first, _second = two_circles
    dan, ada = user(group, "Dan"), user(group, "Ada")
    mine = goals.goal_create(mentorship=first, by=dan, title="Speak at the meetup")
    suggested = goals.goal_suggest(mentorship=first, by=ada, owner=dan, title="Write a post")
    done = goals.goal_create(mentorship=first, by=dan, title="Read the book")
    goals.goal_update_progress(goal=done, by=dan, status=GoalStatus.ACHIEVED, progress=100)

    circles.circle_remove_member(
        circle=first, enrolment=group.people["Dan"], by=coordinator, reason="Changed teams"
    )

    statuses = {g.title: (g.status, g.declined_at is not None) for g in Goal.objects.all()}
    assert statuses == {
        mine.title: ("dropped", False),
        suggested.title: ("not_started", True),
        done.title: ("achieved", False),
    }


def test_the_agreement_waits_for_a_newcomer_and_no_longer_for_a_leaver(
    group, coordinator, two_circles
):
    _first, second = two_circles
    ben, eve = user(group, "Ben"), user(group, "Eve")
    version = agreements.agreement_draft(mentorship=second, by=ben)
    agreements.agreement_sign(mentorship=second, by=ben, number=1)
    agreements.agreement_sign(mentorship=second, by=eve, number=1)
    version.refresh_from_db()
    assert version.agreed_at is not None

    circles.circle_add_member(circle=second, enrolment=group.people["Fay"], by=coordinator)
    version.refresh_from_db()
    assert version.agreed_at is None

    circles.circle_remove_member(
        circle=second, enrolment=group.people["Fay"], by=coordinator, reason="Wrong circle"
    )
    version.refresh_from_db()
    assert version.agreed_at is not None


def test_a_proposed_circle_starts_once_the_member_who_had_not_answered_leaves(group, coordinator):
    people = group.people
    circle = factories.make_mentorship(
        group, mentor=people["Ada"], mentees=[people["Cleo"], people["Dan"]], status="proposed"
    )
    proposal_accept(mentorship=circle, user=user(group, "Ada"))
    proposal_accept(mentorship=circle, user=user(group, "Cleo"))
    circles.circle_remove_member(
        circle=circle, enrolment=people["Dan"], by=coordinator, reason="Did not answer"
    )
    circle.refresh_from_db()
    assert circle.status == "active" and circle.start_date is not None
    assert Notification.objects.filter(kind="mentorship_started").count() == 2


# Moving -----------------------------------------------------------------------------------------


def test_a_mentee_moves_from_one_circle_to_another(group, coordinator, two_circles):
    first, second = two_circles
    dan = user(group, "Dan")
    message_send(mentorship=first, author=user(group, "Cleo"), body="Only for the first circle")

    membership = circles.circle_move_member(
        source=first, target=second, enrolment=group.people["Dan"], by=coordinator
    )

    assert membership.mentorship == second
    assert names(first) == ["Ada", "Cleo"]
    assert names(second) == ["Ben", "Dan", "Eve"]
    former = FormerMember.objects.get()
    assert (former.user, former.mentorship, former.moved_to) == (dan, first, second)
    with pytest.raises(Http404):
        get_workspace_for(dan, first.pk)
    assert get_member_workspace(dan, second.pk) == second
    assert [m.pk for m in inbox(dan)] == [second.pk]
    assert unread_count(dan) == 0
    (notice,) = Notification.objects.filter(user=dan)
    assert (notice.kind, notice.params["other"]) == ("circle_joined", "Ben, Eve")


def test_a_move_into_a_full_circle_changes_nothing(group, coordinator, two_circles):
    first, second = two_circles
    circles.circle_add_member(circle=second, enrolment=group.people["Fay"], by=coordinator)
    refused(
        "circle_full",
        circles.circle_move_member,
        source=first,
        target=second,
        enrolment=group.people["Dan"],
        by=coordinator,
    )
    assert names(first) == ["Ada", "Cleo", "Dan"]
    assert names(second) == ["Ben", "Eve", "Fay"]
    assert not FormerMember.objects.exists()


def test_a_move_to_a_circle_of_another_program_is_refused(
    group, coordinator, two_circles, other_program
):
    first, _second = two_circles
    stranger = factories.make_enrolment(
        other_program, factories.make_user("zed@example.com", name="Zed"), role="mentor"
    )
    elsewhere = factories.make_mentorship(other_program, mentor=stranger, mentees=[])
    refused(
        "other_program",
        circles.circle_move_member,
        source=first,
        target=elsewhere,
        enrolment=group.people["Dan"],
        by=coordinator,
    )
    assert names(first) == ["Ada", "Cleo", "Dan"]
    assert names(elsewhere) == ["Zed"]


def test_a_move_needs_another_circle_a_member_and_a_coordinator(group, coordinator, two_circles):
    first, second = two_circles
    refused(
        "same_circle",
        circles.circle_move_member,
        source=first,
        target=first,
        enrolment=group.people["Dan"],
        by=coordinator,
    )
    refused(
        "not_member",
        circles.circle_move_member,
        source=first,
        target=second,
        enrolment=group.people["Fay"],
        by=coordinator,
    )
    refused(
        "last_mentee",
        circles.circle_move_member,
        source=second,
        target=first,
        enrolment=group.people["Eve"],
        by=coordinator,
        allow_over_capacity=True,
        override_reason="x",
    )
    refused(
        "forbidden",
        circles.circle_move_member,
        source=first,
        target=second,
        enrolment=group.people["Dan"],
        by=user(group, "Ada"),
    )
    assert names(first) == ["Ada", "Cleo", "Dan"] and names(second) == ["Ben", "Eve"]


# Reads for the pages ----------------------------------------------------------------------------


def test_the_circles_list_says_each_circles_size_and_free_seats(group, coordinator, two_circles):
    first, second = two_circles
    listed = {c.pk: c for c in circles.circles_of(group)}
    assert (listed[first.pk].name, listed[first.pk].size, listed[first.pk].free) == (
        "Circle of Ada",
        2,
        0,
    )
    assert (listed[second.pk].name, listed[second.pk].size, listed[second.pk].free) == (
        "Circle of Ben",
        2,
        1,
    )
    mentors, mentees = circles.candidates(group)
    assert {e.user.name: e.seats_left for e in mentors} == {"Ada": 0, "Ben": 1}
    assert [e.user.name for e in mentees] == ["Fay", "Gus"]


# Matching fills circles -------------------------------------------------------------------------


def test_a_published_run_fills_each_mentors_circle_up_to_its_size_by_score(
    coordinator, django_capture_on_commit_callbacks
):
    program = factories.make_program(coordinator=coordinator, name="Guild", kind="group")
    cohort(
        program,
        mentors=[("Ada", ["Design"], 2), ("Ben", ["Sales"], 2)],
        mentees=[
            ("Cleo", ["Design"]),
            ("Dan", ["Design"]),
            ("Eve", ["Design", "Data"]),  # half a fit with Ada, none with Ben
            ("Fay", ["Sales"]),
            ("Gus", ["Sales", "Data"]),  # half a fit with Ben
        ],
        required=True,
    )
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        made = run_publish(run=run, by=coordinator)

    assert len(made) == 2
    by_mentor = {names(m, "mentor")[0]: m for m in made}
    assert names(by_mentor["Ada"], "mentee") == ["Cleo", "Dan"]
    assert names(by_mentor["Ben"], "mentee") == ["Fay", "Gus"]
    listed = {c.pk: c for c in circles.circles_of(program)}
    assert all(listed[m.pk].free == 0 for m in made)
    # Eve, the lowest score for the full circle, waits for a circle a coordinator makes room in.
    assert [e.user.name for e in circles.candidates(program)[1]] == ["Eve"]


# Peer programs ----------------------------------------------------------------------------------


def test_a_published_peer_pair_shares_one_workspace_with_the_same_rights(
    coordinator, django_capture_on_commit_callbacks
):
    program = peer_program(coordinator)
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        (pair,) = run_publish(run=run, by=coordinator)
    members = list(pair.memberships.select_related("user"))
    assert {m.role for m in members} == {"peer"}
    pia, quin = sorted((m.user for m in members), key=lambda u: u.name)
    for person in (pia, quin):
        proposal_accept(mentorship=pair, user=person)
    pair.refresh_from_db()
    assert pair.status == "active"

    # Either peer drafts and both sign: the agreement is agreed.
    agreements.agreement_draft(mentorship=pair, by=quin)
    agreements.agreement_sign(mentorship=pair, by=pia, number=1)
    agreements.agreement_sign(mentorship=pair, by=quin, number=1)
    assert agreements.current_version(pair).agreed_at is not None

    # Each owns goals, suggests to the other, and ticks the other's milestones.
    pair = get_member_workspace(pia, pair.pk)
    own = {
        person: goals.goal_create(mentorship=pair, by=person, title=f"{person.name}'s goal")
        for person in (pia, quin)
    }
    for person, other in ((pia, quin), (quin, pia)):
        assert goals.can_own_goals(pair, person)
        assert [m.user for m in goals.suggestion_targets(pair, person)] == [other]
        milestone = goals.milestone_add(goal=own[other], by=other, title="First step")
        goals.milestone_set_done(milestone=milestone, by=person, done=True)
        assert not goals.may_manage(pair, person, own[other])
        assert not goals.can_share_goals(pair, person)

    # Either proposes a meeting, the other confirms it.
    start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    meeting = meeting_propose(mentorship=pair, by=quin, start=start)
    assert meeting_confirm(meeting=meeting, by=pia).status == "confirmed"

    # Messages go both ways.
    message_send(mentorship=pair, author=pia, body="Hello Quin")
    message_send(mentorship=pair, author=quin, body="Hello Pia")
    assert unread_count(pia) == 1 and unread_count(quin) == 1
    assert [m.pk for m in inbox(pia)] == [m.pk for m in inbox(quin)] == [pair.pk]


# Shared goals -----------------------------------------------------------------------------------


@pytest.fixture
def shared_goal(group, two_circles):
    first, _second = two_circles
    return goals.shared_goal_create(
        mentorship=first, by=user(group, "Ada"), title="Run a community workshop"
    )


def test_a_circles_mentor_sets_a_goal_the_whole_circle_shares(group, two_circles, shared_goal):
    first, _second = two_circles
    assert shared_goal.owner is None and shared_goal.is_shared and shared_goal.accepted
    assert shared_goal.mentorship == first
    for mentee in ("Cleo", "Dan"):
        with pytest.raises(ValidationError) as caught:
            goals.shared_goal_create(mentorship=first, by=user(group, mentee), title="Ours")
        assert caught.value.code == "not_allowed"
    with pytest.raises(ValidationError) as caught:
        goals.shared_goal_create(mentorship=first, by=user(group, "Ben"), title="Not my circle")
    assert caught.value.code == "not_member"
    assert Goal.objects.count() == 1
    told = Notification.objects.filter(kind="goal_shared")
    assert sorted(n.user.name for n in told) == ["Cleo", "Dan"]
    assert "Ada set a goal for your circle: “Run a community workshop”" in told[0].text


def test_mentors_move_a_shared_goal_and_every_member_ticks_its_milestones(
    group, two_circles, shared_goal
):
    ada, cleo, dan = (user(group, n) for n in ("Ada", "Cleo", "Dan"))
    milestone = goals.milestone_add(goal=shared_goal, by=ada, title="Book a room")
    goals.milestone_set_done(milestone=milestone, by=cleo, done=True)
    milestone.refresh_from_db()
    assert milestone.done_by == cleo
    goals.milestone_set_done(milestone=milestone, by=dan, done=False)

    for call, kwargs in (
        (goals.goal_update_progress, {"status": "in_progress", "progress": 50}),
        (goals.goal_edit, {"title": "Mine now"}),
        (goals.milestone_add, {"title": "Sneaky"}),
    ):
        with pytest.raises(ValidationError) as caught:
            call(goal=shared_goal, by=cleo, **kwargs)
        assert caught.value.code == "not_owner"
    with pytest.raises(ValidationError):
        goals.milestone_delete(milestone=milestone, by=dan)

    goals.goal_update_progress(goal=shared_goal, by=ada, status="achieved", progress=100)
    shared_goal.refresh_from_db()
    assert (shared_goal.title, shared_goal.status) == ("Run a community workshop", "achieved")
    achieved = Notification.objects.filter(kind="goal_achieved")
    assert sorted(n.user.name for n in achieved) == ["Cleo", "Dan"]


def test_everyone_in_the_circle_hears_of_comments_on_a_shared_goal(group, two_circles, shared_goal):
    goals.goal_comment_add(goal=shared_goal, by=user(group, "Cleo"), body="I can bring chairs")
    told = Notification.objects.filter(kind="goal_comment")
    assert sorted(n.user.name for n in told) == ["Ada", "Dan"]


def test_one_to_one_and_peer_mentorships_have_no_shared_goals(active, mentor):
    with pytest.raises(ValidationError) as caught:
        goals.shared_goal_create(mentorship=active, by=mentor, title="Ours")
    assert caught.value.code == "not_allowed"
    assert not Goal.objects.exists()
