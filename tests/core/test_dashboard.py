from datetime import timedelta

from django.urls import reverse

from tests import factories


def test_dashboard_lists_my_programs_with_role_and_status(client, mentee, program):
    client.force_login(mentee)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Spring Cohort" in content
    assert "Mentee" in content
    assert "Approved" in content
    assert "Answer the intake form" in content


def test_dashboard_hides_programs_i_withdrew_from(client, outsider, program):
    factories.make_enrolment(program, outsider, role="mentee", status="withdrawn")
    client.force_login(outsider)
    response = client.get("/dashboard/")
    assert "Spring Cohort" not in response.content.decode()
    assert "You have not joined a program yet." in response.content.decode()


def test_coordinator_sees_programs_they_coordinate_with_applications_to_review(
    client, coordinator, program
):
    applicant = factories.make_user("applicant@example.com")
    factories.make_enrolment(program, applicant, status="applied")
    client.force_login(coordinator)
    content = client.get("/dashboard/").content.decode()
    assert "Programs I coordinate" in content
    assert "1 application to review" in content
    assert "Create a program" in content


def test_a_person_can_mentor_in_one_program_and_be_mentored_in_another(
    client, mentor, other_program
):
    factories.make_enrolment(other_program, mentor, role="mentee")
    client.force_login(mentor)
    content = client.get("/dashboard/").content.decode()
    assert "Spring Cohort" in content and "Autumn Cohort" in content
    assert "Mentor" in content and "Mentee" in content


def test_other_peoples_programs_do_not_appear(client, mentee, other_program):
    client.force_login(mentee)
    assert "Autumn Cohort" not in client.get("/dashboard/").content.decode()


def test_dashboard_query_count_does_not_grow_with_programs(
    client, coordinator, django_assert_max_num_queries
):
    for n in range(12):
        program = factories.make_program(coordinator=coordinator, name=f"Cohort {n}")
        if n % 3 == 0:
            factories.make_enrolment(program, coordinator, role="mentor")
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        response = client.get("/dashboard/")
    assert response.content.decode().count("Cohort ") >= 12


def test_a_mentor_sees_how_many_requests_wait_for_an_answer(client, program, mentor, mentee):
    from lodestar.programs.models import Enrolment

    mentor_enrolment = Enrolment.objects.get(user=mentor, program=program)
    factories.make_request(Enrolment.objects.get(user=mentee, program=program), mentor_enrolment)
    someone = factories.make_enrolment(
        program, factories.make_user("late@example.com"), role="mentee"
    )
    factories.make_request(someone, mentor_enrolment, expires_in=timedelta(days=-1))
    client.force_login(mentor)
    content = client.get(reverse("dashboard")).content.decode()
    # The expired one no longer waits.
    assert "1 mentee asks you to be their mentor" in content
    assert reverse("my_requests") in content
