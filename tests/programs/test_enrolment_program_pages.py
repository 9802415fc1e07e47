"""The program catalogue and a program's own page, as participants see them."""

import pytest
from django.urls import reverse

from lodestar.programs.states import EnrolmentStatus, ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db


def test_program_list_shows_open_programs_and_mine_with_my_role_and_status(
    client, mentee, program, other_program
):
    client.force_login(mentee)
    content = client.get(reverse("program_list")).content.decode()
    assert "Spring Cohort" in content and "Autumn Cohort" in content
    assert "Mentee" in content and "Approved" in content
    assert "One-to-one" in content


def test_program_list_hides_drafts_and_invitation_only_programs_from_outsiders(
    client, outsider, coordinator
):
    factories.make_program(coordinator=coordinator, name="Secret Draft", status=ProgramStatus.DRAFT)
    factories.make_program(coordinator=coordinator, name="Invited Few", enrolment_mode="invitation")
    client.force_login(outsider)
    content = client.get(reverse("program_list")).content.decode()
    assert "Secret Draft" not in content
    assert "Invited Few" not in content


def test_invitation_only_program_appears_for_its_participants(client, outsider, coordinator):
    private = factories.make_program(
        coordinator=coordinator, name="Invited Few", enrolment_mode="invitation"
    )
    factories.make_enrolment(private, outsider, role="mentee")
    client.force_login(outsider)
    assert "Invited Few" in client.get(reverse("program_list")).content.decode()


def test_program_list_query_count_stays_bounded(
    client, outsider, coordinator, django_assert_max_num_queries
):
    for n in range(15):
        program = factories.make_program(coordinator=coordinator, name=f"Cohort {n}")
        if n % 2:
            factories.make_enrolment(program, outsider, role="mentor", capacity=2)
    client.force_login(outsider)
    with django_assert_max_num_queries(11):  # +1: unread messages in the navigation
        response = client.get(reverse("program_list"))
    assert response.content.decode().count("Cohort ") >= 15


def test_program_pages_ask_anonymous_visitors_to_log_in(client, program):
    for url in (reverse("program_list"), reverse("program_detail", args=[program.slug])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_program_detail_offers_to_join_as_mentor_or_mentee(client, outsider, program):
    program.description = "Six months of fortnightly conversations."
    program.save()
    client.force_login(outsider)
    content = client.get(reverse("program_detail", args=[program.slug])).content.decode()
    assert "Six months of fortnightly conversations." in content
    assert "Join as mentor" in content and "Join as mentee" in content
    assert reverse("program_join", args=[program.slug, "mentor"]) in content
    assert reverse("program_join", args=[program.slug, "mentee"]) in content
    assert "How many mentees can you take on?" in content


def test_peer_program_offers_a_single_join_button(client, outsider, coordinator):
    peers = factories.make_program(coordinator=coordinator, name="Peer Circle", kind="peer")
    client.force_login(outsider)
    content = client.get(reverse("program_detail", args=[peers.slug])).content.decode()
    assert reverse("program_join", args=[peers.slug, "peer"]) in content
    assert "Join as" not in content


def test_enrolled_person_sees_role_status_intake_link_and_withdraw(client, mentor, program):
    client.force_login(mentor)
    content = client.get(reverse("program_detail", args=[program.slug])).content.decode()
    assert "Mentor" in content and "Approved" in content
    assert reverse("intake_form", args=[program.slug]) in content
    assert reverse("enrolment_withdraw", args=[program.slug]) in content
    assert "Join as" not in content


def test_person_who_withdrew_may_join_again(client, outsider, program):
    factories.make_enrolment(program, outsider, status=EnrolmentStatus.WITHDRAWN)
    client.force_login(outsider)
    content = client.get(reverse("program_detail", args=[program.slug])).content.decode()
    assert "You withdrew from this program" in content
    assert "Join as mentee" in content


def test_no_join_buttons_when_the_program_is_not_enrolling(client, mentee, program):
    program.status = ProgramStatus.RUNNING
    program.save()
    factories.make_enrolment(program, factories.make_user("late@example.com"), role="mentor")
    client.force_login(mentee)
    content = client.get(reverse("program_detail", args=[program.slug])).content.decode()
    assert "Join as" not in content


def test_a_program_one_cannot_see_is_not_found(client, outsider, coordinator):
    draft = factories.make_program(coordinator=coordinator, name="Draft", status="draft")
    client.force_login(outsider)
    assert client.get(reverse("program_detail", args=[draft.slug])).status_code == 404
    assert client.get(reverse("program_detail", args=["no-such-program"])).status_code == 404
