"""Joining a program by oneself: open programs welcome at once, others take applications."""

import pytest
from django.core import mail
from django.urls import reverse

from lodestar.programs.models import Answer, Enrolment
from lodestar.programs.states import EnrolmentStatus, ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db


def join_url(program, role):
    return reverse("program_join", args=[program.slug, role])


def test_joining_an_application_program_sends_an_application(
    client, outsider, program, django_capture_on_commit_callbacks
):
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(join_url(program, "mentee"))
    assert response.status_code == 302
    assert response.url == reverse("intake_form", args=[program.slug])
    enrolment = Enrolment.objects.get(program=program, user=outsider)
    assert enrolment.role == "mentee"
    assert enrolment.status == EnrolmentStatus.APPLIED
    assert enrolment.capacity is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["outsider@example.com"]
    assert mail.outbox[0].subject == "[Lodestar] We received your application to Spring Cohort"
    assert reverse("intake_form", args=[program.slug]) in mail.outbox[0].body


def test_joining_an_open_program_approves_at_once_and_welcomes(
    client, outsider, program, django_capture_on_commit_callbacks
):
    program.enrolment_mode = "open"
    program.save()
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(join_url(program, "mentee"), follow=False)
    assert response.status_code == 302
    assert Enrolment.objects.get(user=outsider).status == EnrolmentStatus.APPROVED
    assert [m.subject for m in mail.outbox] == ["[Lodestar] Welcome to Spring Cohort"]
    assert mail.outbox[0].to == ["outsider@example.com"]


def test_the_redirect_carries_a_flash_message(client, outsider, program):
    client.force_login(outsider)
    response = client.post(join_url(program, "mentee"))
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("your application to Spring Cohort is in" in m for m in messages)


def test_mentor_confirmation_page_offers_the_default_capacity(client, outsider, program):
    program.default_mentor_capacity = 3
    program.save()
    client.force_login(outsider)
    content = client.get(join_url(program, "mentor")).content.decode()
    assert "How many mentees can you take on?" in content
    assert 'value="3"' in content
    assert "Send my application" in content


def test_mentee_confirmation_page_asks_no_capacity(client, outsider, program):
    client.force_login(outsider)
    content = client.get(join_url(program, "mentee")).content.decode()
    assert "How many mentees" not in content


def test_mentor_chooses_a_capacity(client, outsider, program):
    client.force_login(outsider)
    client.post(join_url(program, "mentor"), {"capacity": "4"})
    enrolment = Enrolment.objects.get(user=outsider)
    assert (enrolment.role, enrolment.capacity) == ("mentor", 4)


def test_mentor_without_a_capacity_gets_the_program_default(client, outsider, program):
    program.default_mentor_capacity = 2
    program.save()
    client.force_login(outsider)
    client.post(join_url(program, "mentor"))
    assert Enrolment.objects.get(user=outsider).capacity == 2


@pytest.mark.parametrize("capacity", ["0", "21", "-1", "lots"])
def test_a_capacity_outside_1_to_20_is_refused(
    client, outsider, program, capacity, django_capture_on_commit_callbacks
):
    client.force_login(outsider)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(join_url(program, "mentor"), {"capacity": capacity})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'aria-invalid="true"' in content
    assert "errorlist" in content
    assert not Enrolment.objects.filter(user=outsider).exists()
    assert mail.outbox == []


def test_joining_twice_is_refused_and_changes_nothing(client, mentee, program):
    client.force_login(mentee)
    response = client.post(join_url(program, "mentor"), {"capacity": "2"})
    assert response.status_code == 200
    assert "You have already joined this program (your status: Approved)." in (
        response.content.decode()
    )
    enrolment = Enrolment.objects.get(user=mentee)
    assert (enrolment.role, enrolment.status) == ("mentee", EnrolmentStatus.APPROVED)


def test_confirmation_page_says_when_one_has_already_joined(client, mentee, program):
    client.force_login(mentee)
    content = client.get(join_url(program, "mentee")).content.decode()
    assert "You have already joined this program" in content
    assert "Send my application" not in content


def test_an_unknown_role_is_not_found(client, outsider, program):
    client.force_login(outsider)
    assert client.post(join_url(program, "wizard")).status_code == 404
    assert client.post(join_url(program, "peer")).status_code == 404
    assert not Enrolment.objects.filter(user=outsider).exists()


def test_a_draft_program_cannot_be_joined(client, outsider, coordinator):
    draft = factories.make_program(coordinator=coordinator, name="Draft", status="draft")
    client.force_login(outsider)
    assert client.post(join_url(draft, "mentee")).status_code == 404
    # Its coordinator can see it, and is told why joining does not work.
    client.force_login(coordinator)
    response = client.post(join_url(draft, "mentee"))
    assert "This program is not open for enrolment." in response.content.decode()
    assert not Enrolment.objects.filter(program=draft).exists()


def test_an_invitation_only_program_cannot_be_joined_by_oneself(client, outsider, coordinator):
    private = factories.make_program(
        coordinator=coordinator, name="Invited Few", enrolment_mode="invitation"
    )
    client.force_login(outsider)
    assert client.post(join_url(private, "mentee")).status_code == 404
    # Someone who once took part (and withdrew) can see it, and learns why they cannot rejoin.
    factories.make_enrolment(private, outsider, status=EnrolmentStatus.WITHDRAWN)
    response = client.post(join_url(private, "mentee"))
    assert "This program takes participants by invitation only." in response.content.decode()
    assert Enrolment.objects.get(user=outsider).status == EnrolmentStatus.WITHDRAWN


def test_a_running_program_takes_no_new_enrolments(client, mentee, program):
    program.status = ProgramStatus.RUNNING
    program.save()
    newcomer = factories.make_user("newcomer@example.com")
    factories.make_enrolment(program, newcomer, status=EnrolmentStatus.WITHDRAWN)
    client.force_login(newcomer)
    response = client.post(join_url(program, "mentee"))
    assert "This program is not open for enrolment." in response.content.decode()
    assert Enrolment.objects.get(user=newcomer).status == EnrolmentStatus.WITHDRAWN


def test_a_person_who_withdrew_applies_again_on_the_same_enrolment(client, outsider, program):
    old = factories.make_enrolment(
        program, outsider, role="mentee", status=EnrolmentStatus.WITHDRAWN
    )
    client.force_login(outsider)
    response = client.post(join_url(program, "mentee"))
    assert response.status_code == 302
    enrolment = Enrolment.objects.get(user=outsider)
    assert enrolment.pk == old.pk
    assert enrolment.status == EnrolmentStatus.APPLIED


def test_applying_again_in_another_role_forgets_the_old_roles_answers(client, outsider, program):
    question = factories.make_question(program, label="What do you want to learn?")
    old = factories.make_enrolment(
        program, outsider, role="mentee", status=EnrolmentStatus.WITHDRAWN
    )
    factories.make_answer(old, question, "Public speaking")
    client.force_login(outsider)
    client.post(join_url(program, "mentor"), {"capacity": "1"})
    enrolment = Enrolment.objects.get(user=outsider)
    assert (enrolment.role, enrolment.capacity) == ("mentor", 1)
    assert not Answer.objects.filter(enrolment=enrolment).exists()


def test_anonymous_visitors_are_sent_to_log_in_before_joining(client, program):
    response = client.post(join_url(program, "mentee"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not Enrolment.objects.filter(program=program).exists()
