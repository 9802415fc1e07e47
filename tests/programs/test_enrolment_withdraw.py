"""Leaving a program: a confirmation step, then the enrolment is withdrawn (and may come back)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from lodestar.programs.models import Enrolment
from lodestar.programs.services.enrolment import enrolment_withdraw
from lodestar.programs.states import EnrolmentStatus
from tests import factories

pytestmark = pytest.mark.django_db


def withdraw_url(program):
    return reverse("enrolment_withdraw", args=[program.slug])


def test_withdrawing_asks_for_confirmation_first(client, mentee, program):
    client.force_login(mentee)
    response = client.get(withdraw_url(program))
    content = response.content.decode()
    assert "Yes, withdraw" in content and 'method="post"' in content
    assert Enrolment.objects.get(user=mentee).status == EnrolmentStatus.APPROVED


def test_confirming_withdraws_and_returns_to_the_program(client, mentee, program):
    client.force_login(mentee)
    response = client.post(withdraw_url(program))
    assert response.status_code == 302
    assert response.url == reverse("program_detail", args=[program.slug])
    assert Enrolment.objects.get(user=mentee).status == EnrolmentStatus.WITHDRAWN
    page = client.get(response.url).content.decode()
    assert "You have withdrawn from Spring Cohort." in page
    assert "Join as mentee" in page


def test_an_applicant_can_withdraw_their_application(client, outsider, program):
    factories.make_enrolment(program, outsider, status=EnrolmentStatus.APPLIED)
    client.force_login(outsider)
    client.post(withdraw_url(program))
    assert Enrolment.objects.get(user=outsider).status == EnrolmentStatus.WITHDRAWN


def test_a_declined_applicant_has_nothing_to_withdraw(client, outsider, program):
    factories.make_enrolment(program, outsider, status=EnrolmentStatus.DECLINED)
    client.force_login(outsider)
    assert "There is nothing to withdraw from" in client.get(withdraw_url(program)).content.decode()
    response = client.post(withdraw_url(program), follow=True)
    assert "cannot go from “Declined” to “Withdrawn”" in response.content.decode()
    assert Enrolment.objects.get(user=outsider).status == EnrolmentStatus.DECLINED


def test_withdrawing_twice_is_refused(client, mentee, program):
    client.force_login(mentee)
    client.post(withdraw_url(program))
    response = client.post(withdraw_url(program), follow=True)
    assert "cannot go from “Withdrawn” to “Withdrawn”" in response.content.decode()


def test_someone_not_enrolled_gets_404(client, outsider, program):
    client.force_login(outsider)
    assert client.get(withdraw_url(program)).status_code == 404
    assert client.post(withdraw_url(program)).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, mentee, program):
    response = client.post(withdraw_url(program))
    assert response.url.startswith(reverse("account_login"))
    assert Enrolment.objects.get(user=mentee).status == EnrolmentStatus.APPROVED


def test_only_the_person_or_a_coordinator_may_withdraw_an_enrolment(
    mentee, mentor, coordinator, program
):
    enrolment = Enrolment.objects.get(user=mentee)
    with pytest.raises(PermissionDenied):
        enrolment_withdraw(enrolment=enrolment, by=mentor)
    assert Enrolment.objects.get(user=mentee).status == EnrolmentStatus.APPROVED
    enrolment_withdraw(enrolment=enrolment, by=coordinator)
    assert Enrolment.objects.get(user=mentee).status == EnrolmentStatus.WITHDRAWN
