"""Publishing a run: each pair becomes a proposed mentorship and every member is told; once,
all or nothing."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from lodestar.engagement.models import Notification
from lodestar.matches.models import MatchRun
from lodestar.matches.services.publish import run_publish
from lodestar.matches.states import RunStatus
from lodestar.mentorships.models import Membership, Mentorship
from lodestar.mentorships.services import mentorship_decline
from tests import factories
from tests.matches.test_runs import cohort, peer_program, small_cohort, started

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(coordinator, program, django_capture_on_commit_callbacks):
    """Run 1 of “spring”: Cleo–Ada and Dan–Ben; Eve unmatched."""
    small_cohort(program)
    return started(program, coordinator, capture=django_capture_on_commit_callbacks)


def published(run, by, capture):
    with capture(execute=True):
        return run_publish(run=run, by=by)


def members(mentorship):
    return {
        (m.user.name, m.role, m.response) for m in mentorship.memberships.select_related("user")
    }


def test_publishing_makes_proposed_mentorships_and_tells_everyone(
    run, coordinator, django_capture_on_commit_callbacks
):
    made = published(run, coordinator, django_capture_on_commit_callbacks)

    assert len(made) == 2
    by_mentor = {
        m.mentors[0].user.name: m for m in Mentorship.objects.prefetch_related("memberships__user")
    }
    ada = by_mentor["Ada"]
    assert (ada.origin, ada.status, ada.score, ada.match_run_id) == (
        "algorithm",
        "proposed",
        100.0,
        run.pk,
    )
    assert members(ada) == {("Ada", "mentor", "pending"), ("Cleo", "mentee", "pending")}
    run.refresh_from_db()
    assert run.status == RunStatus.PUBLISHED
    assert run.published_by == coordinator and run.published_at is not None

    notices = {n.user.name: n for n in Notification.objects.select_related("user")}
    assert set(notices) == {"Ada", "Ben", "Cleo", "Dan"}
    assert notices["Cleo"].kind == "proposal_published"
    assert notices["Cleo"].params == {
        "other": "Ada",
        "other_role": "mentor",
        "program": "Spring Cohort",
    }
    assert notices["Ada"].params["other"] == "Cleo"
    assert notices["Ada"].params["other_role"] == "mentee"
    assert notices["Cleo"].url == reverse("mentorship_detail", args=[ada.pk])
    assert notices["Cleo"].text == (
        "Spring Cohort proposes Ada as your mentor. Please accept or decline."
    )
    assert sorted(message.to[0] for message in mail.outbox) == [
        "ada@example.com",
        "ben@example.com",
        "cleo@example.com",
        "dan@example.com",
    ]
    cleo_mail = next(m for m in mail.outbox if m.to == ["cleo@example.com"])
    assert "proposes Ada as your mentor" in cleo_mail.body


def test_a_run_is_published_only_once(run, coordinator, django_capture_on_commit_callbacks):
    published(run, coordinator, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with pytest.raises(ValidationError, match="already published"):
        published(run, coordinator, django_capture_on_commit_callbacks)
    assert Mentorship.objects.count() == 2
    assert Notification.objects.count() == 4
    assert mail.outbox == []


def test_a_run_that_is_not_finished_is_not_published(run, coordinator):
    MatchRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
    with pytest.raises(ValidationError, match="Only a finished run"):
        run_publish(run=run, by=coordinator)
    assert not Mentorship.objects.exists()


@pytest.mark.parametrize("persona", ["mentor", "mentee", "outsider", "other_coordinator"])
def test_only_coordinators_publish(request, run, persona):
    with pytest.raises(PermissionDenied):
        run_publish(run=run, by=request.getfixturevalue(persona))
    assert not Mentorship.objects.exists()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_someone_matched_since_the_run_stops_everything_and_is_named(
    run, coordinator, program, django_capture_on_commit_callbacks
):
    cleo = run.proposals.get(mentee__user__name="Cleo").mentee
    extra = factories.make_enrolment(
        program, factories.make_user("gus@example.com", name="Gus"), role="mentor"
    )
    factories.make_mentorship(program, mentor=extra, mentees=[cleo])
    with pytest.raises(ValidationError, match="Cleo") as caught:
        published(run, coordinator, django_capture_on_commit_callbacks)
    assert "Nothing was published" in caught.value.messages[0]
    assert Mentorship.objects.count() == 1
    assert not Notification.objects.exists()
    assert mail.outbox == []
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_a_mentor_whose_seat_was_taken_since_the_run_is_named(
    run, coordinator, program, django_capture_on_commit_callbacks
):
    ada = run.proposals.get(mentor__user__name="Ada").mentor
    late = factories.make_enrolment(
        program, factories.make_user("hal@example.com", name="Hal"), role="mentee"
    )
    factories.make_mentorship(program, mentor=ada, mentees=[late])
    with pytest.raises(ValidationError, match="Ada"):
        published(run, coordinator, django_capture_on_commit_callbacks)
    assert Mentorship.objects.count() == 1
    assert not Membership.objects.filter(user__name="Dan").exists()


def test_group_programs_publish_one_circle_per_mentor(
    coordinator, django_capture_on_commit_callbacks
):
    program = factories.make_program(coordinator=coordinator, name="Circles", kind="group")
    cohort(
        program,
        mentors=[("Ada", ["Design"], 2), ("Ben", ["Sales"], 1)],
        mentees=[("Cleo", ["Design"]), ("Dan", ["Sales"]), ("Eve", ["Design"])],
    )
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert run.proposals.count() == 3
    made = published(run, coordinator, django_capture_on_commit_callbacks)
    assert len(made) == 2
    circle = next(m for m in made if m.mentors[0].user.name == "Ada")
    assert members(circle) == {
        ("Ada", "mentor", "pending"),
        ("Cleo", "mentee", "pending"),
        ("Eve", "mentee", "pending"),
    }
    assert circle.score == 100.0
    ada_notice = Notification.objects.get(user__name="Ada")
    assert ada_notice.params["other"] in ("Cleo, Eve", "Eve, Cleo")
    assert ada_notice.params["other_role"] == "mentees"
    assert Notification.objects.get(user__name="Eve").params["other"] == "Ada"


def test_peer_programs_publish_each_pair_as_two_peers(
    coordinator, django_capture_on_commit_callbacks
):
    program = peer_program(coordinator)
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    (made,) = published(run, coordinator, django_capture_on_commit_callbacks)
    assert members(made) == {("Pia", "peer", "pending"), ("Quin", "peer", "pending")}
    pia = Notification.objects.get(user__name="Pia")
    assert pia.params["other"] == "Quin"
    assert pia.params["other_role"] == "peer"
    assert len(mail.outbox) == 2


def test_a_declined_proposal_frees_its_people_for_the_next_run(
    run, coordinator, program, django_capture_on_commit_callbacks
):
    published(run, coordinator, django_capture_on_commit_callbacks)
    mentorship = Mentorship.objects.get(memberships__user__name="Cleo")
    cleo = mentorship.memberships.get(user__name="Cleo").user
    mentorship_decline(mentorship=mentorship, user=cleo, reason="Different goals")
    again = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    enrolled = {e.user.name: e.pk for e in program.enrolments.select_related("user")}
    assert enrolled["Cleo"] in again.inputs["mentees"]
    assert enrolled["Dan"] not in again.inputs["mentees"]
    ada = again.inputs["mentors"].index(enrolled["Ada"])
    assert again.inputs["capacities"][ada] == 1


def test_everyone_is_told_once_even_if_the_worker_runs_the_notices_twice(
    run, coordinator, django_capture_on_commit_callbacks
):
    from lodestar.matches.services.publish import run_tell_members

    published(run, coordinator, django_capture_on_commit_callbacks)
    told = Notification.objects.filter(kind="proposal_published").count()
    sent = len(mail.outbox)
    assert told == 4  # two pairs, two people each

    with django_capture_on_commit_callbacks(execute=True):
        assert run_tell_members(run.pk) == 0

    assert Notification.objects.filter(kind="proposal_published").count() == told
    assert len(mail.outbox) == sent


def test_publishing_leaves_the_telling_to_the_worker(run, coordinator):
    # Without the commit callbacks running (no worker yet), the pairs exist but nobody is told.
    run_publish(run=run, by=coordinator)
    assert Mentorship.objects.filter(match_run=run, status="proposed").count() == 2
    assert not Notification.objects.filter(kind="proposal_published").exists()


def test_in_a_hybrid_program_publishing_withdraws_the_mentees_open_requests(
    run, coordinator, program, django_capture_on_commit_callbacks
):
    from lodestar.matches.models import MentorshipRequest

    program.matching_mode = "hybrid"
    program.save()
    proposal = run.proposals.select_related("mentee", "mentor").first()
    elsewhere = factories.make_enrolment(
        program, factories.make_user("olga@example.com", name="Olga"), role="mentor"
    )
    waiting = factories.make_request(proposal.mentee, elsewhere)

    published(run, coordinator, django_capture_on_commit_callbacks)

    waiting.refresh_from_db()
    assert waiting.status == "withdrawn"
    assert not MentorshipRequest.objects.filter(status="open").exists()
