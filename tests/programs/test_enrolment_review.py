"""Coordinators review who joined: the participant list, one person's page, and decisions."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from lodestar.programs.models import Enrolment
from lodestar.programs.states import EnrolmentStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(program):
    user = factories.make_user("ada@example.com", name="Ada Applicant")
    return factories.make_enrolment(
        program, user, role="mentor", capacity=3, status=EnrolmentStatus.APPLIED
    )


def decide(client, program, enrolment, decision, **extra):
    return client.post(
        reverse("enrolment_decide", args=[program.slug, enrolment.pk]),
        {"decision": decision, **extra},
        **({"HTTP_HX_REQUEST": "true"} if extra.pop("htmx", False) else {}),
    )


def test_participant_list_shows_each_enrolment(client, coordinator, program, mentee, applicant):
    client.force_login(coordinator)
    response = client.get(reverse("participant_list", args=[program.slug]))
    content = response.content.decode()
    for text in ("Ada Applicant", "ada@example.com", "Mentor", "Applied", "Mia Mentee", "Approved"):
        assert text in content
    assert reverse("participant_detail", args=[program.slug, applicant.pk]) in content
    assert "2 enrolments" in content


def test_applied_date_is_shown_in_the_viewers_time_zone(client, coordinator, program, applicant):
    late_evening_utc = datetime.datetime(2024, 3, 10, 20, 0, tzinfo=datetime.UTC)
    Enrolment.objects.filter(pk=applicant.pk).update(created_at=late_evening_utc)
    coordinator.timezone = "Pacific/Auckland"  # already the next morning there
    coordinator.save()
    client.force_login(coordinator)
    content = client.get(reverse("participant_list", args=[program.slug])).content.decode()
    assert "March 11, 2024" in content


def test_applications_have_decision_buttons_and_approved_people_do_not(
    client, coordinator, program, mentee, applicant
):
    client.force_login(coordinator)
    content = client.get(reverse("participant_list", args=[program.slug])).content.decode()
    assert content.count('name="decision" value="approved"') == 1
    assert content.count('name="decision" value="waitlisted"') == 1
    assert content.count('name="decision" value="declined"') == 1


def test_participant_list_filters_by_role_status_and_search(
    client, coordinator, program, mentor, mentee, applicant
):
    client.force_login(coordinator)
    url = reverse("participant_list", args=[program.slug])
    content = client.get(url, {"role": "mentor"}).content.decode()
    assert "Max Mentor" in content and "Ada Applicant" in content and "Mia Mentee" not in content
    content = client.get(url, {"status": "applied"}).content.decode()
    assert "Ada Applicant" in content and "Max Mentor" not in content
    content = client.get(url, {"q": "MIA"}).content.decode()
    assert "Mia Mentee" in content and "Ada Applicant" not in content
    content = client.get(url, {"q": "ada@"}).content.decode()
    assert "Ada Applicant" in content and "Max Mentor" not in content


def test_invalid_filter_values_are_ignored(client, coordinator, program, mentor, mentee):
    client.force_login(coordinator)
    url = reverse("participant_list", args=[program.slug])
    response = client.get(url, {"role": "wizard", "status": "sleeping", "page": "banana"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Max Mentor" in content and "Mia Mentee" in content


def test_participant_list_is_paginated_by_50(client, coordinator, program):
    for n in range(55):
        user = factories.make_user(f"person{n:02}@example.com", name=f"Person {n:02}")
        factories.make_enrolment(program, user, status=EnrolmentStatus.APPLIED)
    client.force_login(coordinator)
    url = reverse("participant_list", args=[program.slug])
    first = client.get(url).content.decode()
    assert "Person 00" in first and "Person 49" in first and "Person 50" not in first
    assert "Page 1 of 2" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert "Person 54" in second and "Person 00" not in second


def test_participant_list_query_count_stays_bounded(
    client, coordinator, program, django_assert_max_num_queries
):
    for n in range(35):
        user = factories.make_user(f"person{n:02}@example.com", name=f"Person {n:02}")
        factories.make_enrolment(
            program,
            user,
            role="mentor" if n % 2 else "mentee",
            capacity=2 if n % 2 else None,
            status=EnrolmentStatus.APPLIED if n % 3 else EnrolmentStatus.APPROVED,
        )
    client.force_login(coordinator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("participant_list", args=[program.slug]))
    assert response.content.decode().count("Person ") >= 35


@pytest.mark.parametrize(
    ("decision", "subject"),
    [
        ("approved", "[Lodestar] Your application to Spring Cohort is approved"),
        ("waitlisted", "[Lodestar] You are on the waiting list for Spring Cohort"),
        ("declined", "[Lodestar] Your application to Spring Cohort"),
    ],
)
def test_coordinator_decides_and_the_applicant_is_emailed_with_the_note(
    client, coordinator, program, applicant, decision, subject, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, program, applicant, decision, note="We loved your answers.")
    assert response.status_code == 302
    assert response.url == reverse("participant_list", args=[program.slug])
    applicant.refresh_from_db()
    assert applicant.status == decision
    assert applicant.decided_by == coordinator
    assert applicant.decided_at is not None
    assert applicant.decision_note == "We loved your answers."
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["ada@example.com"]
    assert mail.outbox[0].subject == subject
    assert "We loved your answers." in mail.outbox[0].body


def test_decision_redirects_back_to_the_filtered_list(client, coordinator, program, applicant):
    client.force_login(coordinator)
    back = reverse("participant_list", args=[program.slug]) + "?status=applied"
    response = decide(client, program, applicant, "approved", next=back)
    assert response.url == back
    response = decide(client, program, applicant, "declined", next="https://evil.example/")
    assert response.url == reverse("participant_list", args=[program.slug])


def test_waitlisted_person_can_later_be_approved(client, coordinator, program, applicant):
    client.force_login(coordinator)
    decide(client, program, applicant, "waitlisted")
    decide(client, program, applicant, "approved")
    applicant.refresh_from_db()
    assert applicant.status == EnrolmentStatus.APPROVED


def test_htmx_decision_returns_the_updated_row(client, coordinator, program, applicant):
    client.force_login(coordinator)
    response = client.post(
        reverse("enrolment_decide", args=[program.slug, applicant.pk]),
        {"decision": "waitlisted"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert content.lstrip().startswith(f'<tr id="enrolment-{applicant.pk}">')
    assert "<html" not in content
    assert "Waitlisted" in content
    assert "Ada Applicant is on the waiting list; we emailed them." in content
    assert 'value="waitlisted"' not in content  # no longer a possible decision
    assert 'value="approved"' in content


def test_deciding_an_already_declined_enrolment_is_refused(
    client, coordinator, program, applicant, django_capture_on_commit_callbacks
):
    Enrolment.objects.filter(pk=applicant.pk).update(status=EnrolmentStatus.DECLINED)
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = decide(client, program, applicant, "approved")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("cannot go from “Declined” to “Approved”" in m for m in messages)
    applicant.refresh_from_db()
    assert applicant.status == EnrolmentStatus.DECLINED
    assert applicant.decided_by is None
    assert mail.outbox == []


def test_htmx_refusal_shows_the_error_and_the_unchanged_row(
    client, coordinator, program, applicant
):
    Enrolment.objects.filter(pk=applicant.pk).update(status=EnrolmentStatus.DECLINED)
    client.force_login(coordinator)
    response = decide(client, program, applicant, "approved", htmx=True)
    content = response.content.decode()
    assert "Declined" in content and 'role="alert"' in content
    applicant.refresh_from_db()
    assert applicant.status == EnrolmentStatus.DECLINED


def test_an_unknown_decision_is_refused(client, coordinator, program, applicant):
    client.force_login(coordinator)
    decide(client, program, applicant, "withdrawn")
    decide(client, program, applicant, "")
    applicant.refresh_from_db()
    assert applicant.status == EnrolmentStatus.APPLIED


def test_a_note_longer_than_2000_characters_is_refused(client, coordinator, program, applicant):
    client.force_login(coordinator)
    decide(client, program, applicant, "approved", note="x" * 2001)
    applicant.refresh_from_db()
    assert applicant.status == EnrolmentStatus.APPLIED


def test_participant_detail_shows_profile_and_intake_answers(
    client, coordinator, program, applicant
):
    profile = applicant.user.profile
    profile.job_title = "Staff engineer"
    profile.organisation = "Acme"
    profile.save()
    goals = factories.make_question(program, label="What can you teach?", role="mentor")
    factories.make_question(program, label="Preferred language", role="mentor", position=2)
    factories.make_question(program, label="Only for mentees", role="mentee")
    factories.make_answer(applicant, goals, ["Python", "Public speaking"])
    client.force_login(coordinator)
    response = client.get(reverse("participant_detail", args=[program.slug, applicant.pk]))
    content = response.content.decode()
    assert "Ada Applicant" in content and "ada@example.com" in content
    assert "Staff engineer" in content and "Acme" in content
    assert "What can you teach?" in content and "Python, Public speaking" in content
    assert "Preferred language" in content and "Not answered" in content
    assert "Only for mentees" not in content
    assert 'name="decision" value="approved"' in content


def test_participant_detail_decision_returns_to_the_detail_page(
    client, coordinator, program, applicant
):
    client.force_login(coordinator)
    detail = reverse("participant_detail", args=[program.slug, applicant.pk])
    response = decide(client, program, applicant, "approved", next=detail)
    assert response.url == detail
