"""A mentorship's page: who may see it, what each sees, and the answers, pauses and early ends
made from it."""

import pytest
from django.urls import reverse

from lodestar.matches.models import Exclusion
from lodestar.mentorships.models import Mentorship
from tests import factories

pytestmark = pytest.mark.django_db


def detail(mentorship) -> str:
    return reverse("mentorship_detail", args=[mentorship.pk])


def action(name, mentorship) -> str:
    return reverse(f"mentorship_{name}", args=[mentorship.pk])


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def other_pair_mentor(program):
    """A mentor of another pair in the same program."""
    user = factories.make_user("omar@example.com", name="Omar Other")
    mentor = factories.make_enrolment(program, user, role="mentor")
    mentee = factories.make_enrolment(program, factories.make_user("olga@example.com"))
    factories.make_mentorship(program, mentor=mentor, mentees=[mentee])
    return user


# --- who sees it ----------------------------------------------------------------------------


def test_members_and_the_programs_coordinators_see_the_page(
    client, active, mentor, mentee, coordinator
):
    for person in (mentor, mentee, coordinator):
        content = page(client, person, detail(active))
        assert "Max Mentor" in content and "Mia Mentee" in content
        assert "Spring Cohort" in content


@pytest.mark.parametrize("persona", ["outsider", "other_coordinator", "other_pair_mentor"])
def test_everyone_else_gets_404(client, active, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(detail(active)).status_code == 404
    for name in ("accept", "decline", "pause", "resume", "end"):
        assert client.post(action(name, active), {"reason": "x"}).status_code == 404
    assert Mentorship.objects.get(pk=active.pk).status == "active"


def test_anonymous_visitors_are_sent_to_log_in(client, active):
    response = client.get(detail(active))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_score_and_reasons_are_for_coordinators(
    client, program, mentor_enrolment, mentee_enrolment, mentor, mentee, coordinator
):
    mentorship = factories.make_mentorship(
        program,
        mentor=mentor_enrolment,
        mentees=[mentee_enrolment],
        score=81.4,
        override_reason="Only mentor with Rust",
    )
    coordinator_view = page(client, coordinator, detail(mentorship))
    assert "81 out of 100" in coordinator_view
    assert "Only mentor with Rust" in coordinator_view
    member_view = page(client, mentee, detail(mentorship))
    assert "81 out of 100" not in member_view
    assert "Only mentor with Rust" not in member_view


def test_the_page_shows_status_origin_roles_and_dates(client, active, mentee):
    content = page(client, mentee, detail(active))
    assert "Active" in content
    assert "Coordinator" in content  # made by hand
    assert "Mentor" in content and "Mentee" in content
    assert "No end date" in content


# --- answering a proposal -------------------------------------------------------------------


def test_a_pending_member_sees_accept_and_decline_and_others_do_not(
    client, proposed, mentee, coordinator
):
    content = page(client, mentee, detail(proposed))
    assert "Accept this match" in content and "Decline this match" in content
    assert "Why are you declining?" in content
    content = page(client, coordinator, detail(proposed))
    assert "Accept this match" not in content and "Decline this match" not in content
    assert "72 out of 100" in content or "73 out of 100" in content


def test_accepting_from_the_page(client, proposed, mentee, mentor):
    client.force_login(mentee)
    response = client.post(action("accept", proposed), follow=True)
    content = response.content.decode()
    assert "The mentorship starts once everyone has accepted." in content
    assert "Accept this match" not in content

    client.force_login(mentor)
    content = client.post(action("accept", proposed), follow=True).content.decode()
    assert "your mentorship has started" in content
    assert Mentorship.objects.get(pk=proposed.pk).status == "active"


def test_declining_needs_a_reason_shown_on_the_page(client, proposed, mentee):
    client.force_login(mentee)
    response = client.post(action("decline", proposed), {"reason": "  "})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Please give a reason." in content
    assert Mentorship.objects.get(pk=proposed.pk).status == "proposed"


def test_declining_from_the_page(client, proposed, mentee, mentor, coordinator):
    client.force_login(mentee)
    response = client.post(
        action("decline", proposed), {"reason": "I want a designer."}, follow=True
    )
    content = response.content.decode()
    assert "You declined this match." in content
    assert "Declined" in content
    assert "I want a designer." in content  # the decliner sees their own reason
    assert Exclusion.objects.filter(source="declined").count() == 1

    assert "I want a designer." not in page(client, mentor, detail(proposed))
    assert "I want a designer." in page(client, coordinator, detail(proposed))


def test_answering_twice_shows_the_error_on_the_page(client, proposed, mentee):
    client.force_login(mentee)
    client.post(action("accept", proposed))
    content = client.post(action("accept", proposed), follow=True).content.decode()
    assert "You have already answered." in content
    response = client.post(action("decline", proposed), {"reason": "Changed my mind"}, follow=True)
    assert "You have already answered." in response.content.decode()
    assert Mentorship.objects.get(pk=proposed.pk).status == "proposed"


def test_answers_are_only_posted(client, proposed, mentee):
    client.force_login(mentee)
    assert client.get(action("accept", proposed)).status_code == 405


# --- pause, resume, end early ---------------------------------------------------------------


def test_pause_and_resume_from_the_page(client, active, mentor):
    content = page(client, mentor, detail(active))
    assert "Pause this mentorship" in content and "Resume this mentorship" not in content

    content = client.post(action("pause", active), follow=True).content.decode()
    assert "The mentorship is paused." in content
    assert "Resume this mentorship" in content

    content = client.post(action("resume", active), follow=True).content.decode()
    assert "The mentorship is active again." in content


def test_an_illegal_move_shows_why(client, active, mentor):
    client.force_login(mentor)
    content = client.post(action("resume", active), follow=True).content.decode()
    assert "Only a paused mentorship can be resumed; this one is active." in content
    assert Mentorship.objects.get(pk=active.pk).status == "active"


def test_ending_early_offers_a_rematch_checked_by_default(client, active, mentee):
    content = page(client, mentee, detail(active))
    assert "End this mentorship early" in content
    assert 'id="id_end_rematch" checked' in content
    assert "Don’t match us again" in content


def test_ending_early_with_rematch_keeps_the_pair_apart(client, active, mentee, coordinator):
    client.force_login(mentee)
    response = client.post(
        action("end", active), {"reason": "We never clicked.", "rematch": "on"}, follow=True
    )
    content = response.content.decode()
    assert "You will not be matched together again" in content
    assert "Ended early" in content
    assert Exclusion.objects.get().source == "rematch"
    assert coordinator.notifications.get().kind == "rematch_requested"


def test_ending_early_without_rematch_excludes_nothing(client, active, mentor):
    client.force_login(mentor)
    content = client.post(
        action("end", active), {"reason": "She moved abroad."}, follow=True
    ).content.decode()
    assert "The mentorship has ended." in content
    assert Mentorship.objects.get(pk=active.pk).status == "ended_early"
    assert not Exclusion.objects.exists()


def test_ending_early_without_a_reason_shows_the_error(client, active, mentor):
    client.force_login(mentor)
    response = client.post(action("end", active), {"reason": "", "rematch": "on"})
    content = response.content.decode()
    assert "Please give a reason." in content
    assert "<details open>" in content
    assert Mentorship.objects.get(pk=active.pk).status == "active"


def test_a_finished_mentorship_offers_no_actions(
    client, program, mentor_enrolment, mentee_enrolment, mentee
):
    done = factories.make_mentorship(
        program, mentor=mentor_enrolment, mentees=[mentee_enrolment], status="completed"
    )
    content = page(client, mentee, detail(done))
    for label in ("Pause this mentorship", "End this mentorship early", "Accept this match"):
        assert label not in content


def test_members_decline_a_proposal_rather_than_end_it(client, proposed, mentee, coordinator):
    assert "End this mentorship early" not in page(client, mentee, detail(proposed))
    assert "End this mentorship early" in page(client, coordinator, detail(proposed))


def test_the_detail_page_does_a_bounded_number_of_queries(
    client, active, coordinator, django_assert_max_num_queries
):
    # The workspace adds the agreement and goal counts, and each panel (meetings, messages,
    # resources, introductions, check-ins) a few of its own; tests/mentorships/test_workspace.py
    # checks that none of it grows with the data.
    client.force_login(coordinator)
    with django_assert_max_num_queries(24):
        assert client.get(detail(active)).status_code == 200
