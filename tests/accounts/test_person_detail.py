"""Another person's profile: visible only to people who share a program with them."""

import pytest

from lodestar.accounts.services import profile_update
from tests import factories


def url(person) -> str:
    return f"/people/{person.pk}/"


@pytest.fixture
def filled_in(mentor):
    profile_update(
        user=mentor,
        data={
            "pronouns": "he/him",
            "headline": "Backend lead",
            "job_title": "Staff engineer",
            "organisation": "Acme",
            "location": "Berlin",
            "languages": ["de", "en"],
            "skills": ["Python", "Architecture"],
            "interests": ["Cycling"],
            "links": ["https://max.example"],
            "bio": "A private-ish story.",
        },
    )
    return mentor


def test_anonymous_visitor_is_sent_to_log_in(client, mentor):
    response = client.get(url(mentor))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_co_participant_sees_the_profile_without_the_email(client, mentee, filled_in):
    client.force_login(mentee)
    response = client.get(url(filled_in))
    assert response.status_code == 200
    content = response.content.decode()
    for shown in (
        "Max Mentor",
        "he/him",
        "Backend lead",
        "Staff engineer",
        "Acme",
        "Berlin",
        "German, English",
        "Architecture, Python",
        "Cycling",
        'href="https://max.example"',
    ):
        assert shown in content
    assert "mentor@example.com" not in content


def test_outsider_who_shares_no_program_gets_404(client, outsider, mentor):
    client.force_login(outsider)
    assert client.get(url(mentor)).status_code == 404


def test_coordinator_of_another_program_gets_404(client, other_coordinator, other_program, mentee):
    client.force_login(other_coordinator)
    assert client.get(url(mentee)).status_code == 404


def test_participants_of_different_programs_do_not_see_each_other(
    client, mentee, other_program, outsider
):
    factories.make_enrolment(other_program, outsider, role="mentor")
    client.force_login(mentee)
    assert client.get(url(outsider)).status_code == 404


def test_an_unknown_person_is_a_404_like_any_other(client, mentee):
    client.force_login(mentee)
    assert client.get("/people/999999/").status_code == 404


def test_coordinator_sees_a_participants_email(client, coordinator, mentee):
    client.force_login(coordinator)
    response = client.get(url(mentee))
    assert response.status_code == 200
    assert "mentee@example.com" in response.content.decode()


def test_coordinator_sees_an_applicant_they_have_not_decided_on(client, coordinator, program):
    applicant = factories.make_user("applicant@example.com", name="Ada Applicant")
    factories.make_enrolment(program, applicant, status="applied")
    client.force_login(coordinator)
    response = client.get(url(applicant))
    assert response.status_code == 200
    assert "applicant@example.com" in response.content.decode()


def test_participant_sees_their_coordinator_but_not_their_email(client, mentee, coordinator):
    client.force_login(mentee)
    response = client.get(url(coordinator))
    assert response.status_code == 200
    assert "coordinator@example.com" not in response.content.decode()


def test_someone_who_withdrew_no_longer_sees_the_others(client, program, mentor):
    leaver = factories.make_user("leaver@example.com")
    factories.make_enrolment(program, leaver, status="withdrawn")
    client.force_login(leaver)
    assert client.get(url(mentor)).status_code == 404
    client.force_login(mentor)
    assert client.get(url(leaver)).status_code == 404


def test_person_sees_their_own_profile(client, outsider):
    client.force_login(outsider)
    response = client.get(url(outsider))
    assert response.status_code == 200
    assert "Edit your profile" in response.content.decode()


def test_superuser_sees_anyone(client, outsider, mentee):
    admin = factories.make_user("admin@example.com", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(url(outsider)).status_code == 200


def test_deactivated_person_is_hidden_from_others(client, mentee, mentor):
    mentor.is_active = False
    mentor.save()
    client.force_login(mentee)
    assert client.get(url(mentor)).status_code == 404


def test_bio_stays_off_the_shared_profile_page(client, mentee, filled_in):
    client.force_login(mentee)
    assert "A private-ish story." not in client.get(url(filled_in)).content.decode()


def test_page_does_a_bounded_number_of_queries(
    client, coordinator, filled_in, django_assert_max_num_queries
):
    profile_update(user=filled_in, data={"skills": [f"skill {n}" for n in range(25)]})
    client.force_login(coordinator)
    with django_assert_max_num_queries(11):  # +2: the unread counts in the navigation
        assert client.get(url(filled_in)).status_code == 200
