"""The review and invitation screens are for the program's coordinators only: 404 for others."""

import pytest
from django.urls import reverse

from lodestar.programs.models import Enrolment, Invitation
from lodestar.programs.services.invitations import invitation_create
from lodestar.programs.states import EnrolmentStatus
from tests import factories

pytestmark = pytest.mark.django_db

POST_DATA = {"decision": "approved", "emails": "new@example.com", "role": "mentee"}


@pytest.fixture
def applicant(program):
    user = factories.make_user("ada@example.com", name="Ada Applicant")
    return factories.make_enrolment(program, user, status=EnrolmentStatus.APPLIED)


@pytest.fixture
def invitation(program, coordinator):
    return invitation_create(
        program=program,
        email="guest@example.com",
        role="mentee",
        invited_by=coordinator,
        send=False,
    )[0]


def screens(program, applicant, invitation):
    return [
        ("get", reverse("participant_list", args=[program.slug])),
        ("get", reverse("participant_detail", args=[program.slug, applicant.pk])),
        ("post", reverse("enrolment_decide", args=[program.slug, applicant.pk])),
        ("get", reverse("invitation_list", args=[program.slug])),
        ("post", reverse("invitation_list", args=[program.slug])),
        ("post", reverse("invitation_revoke", args=[program.slug, invitation.pk])),
    ]


def assert_nothing_changed(program, applicant, invitation):
    applicant.refresh_from_db()
    invitation.refresh_from_db()
    assert applicant.status == EnrolmentStatus.APPLIED
    assert invitation.revoked_at is None
    assert Invitation.objects.filter(program=program).count() == 1


@pytest.mark.parametrize("persona", ["mentor", "mentee", "outsider", "other_coordinator"])
def test_people_who_do_not_coordinate_the_program_get_404(
    request, client, program, applicant, invitation, persona
):
    client.force_login(request.getfixturevalue(persona))
    for method, url in screens(program, applicant, invitation):
        response = getattr(client, method)(url, POST_DATA)
        assert response.status_code == 404, url
    assert_nothing_changed(program, applicant, invitation)


def test_anonymous_visitors_are_sent_to_log_in(client, program, applicant, invitation):
    for method, url in screens(program, applicant, invitation):
        response = getattr(client, method)(url, POST_DATA)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("account_login"))
    assert_nothing_changed(program, applicant, invitation)


def test_another_programs_coordinator_cannot_reach_this_programs_objects_through_their_own(
    client, other_coordinator, other_program, program, applicant, invitation
):
    client.force_login(other_coordinator)
    urls = [
        ("get", reverse("participant_detail", args=[other_program.slug, applicant.pk])),
        ("post", reverse("enrolment_decide", args=[other_program.slug, applicant.pk])),
        ("post", reverse("invitation_revoke", args=[other_program.slug, invitation.pk])),
    ]
    for method, url in urls:
        assert getattr(client, method)(url, POST_DATA).status_code == 404, url
    assert_nothing_changed(program, applicant, invitation)


def test_the_programs_coordinator_gets_in(client, coordinator, program, applicant, invitation):
    client.force_login(coordinator)
    for method, url in screens(program, applicant, invitation)[:2]:
        assert getattr(client, method)(url).status_code == 200
    assert client.get(reverse("invitation_list", args=[program.slug])).status_code == 200
    assert Enrolment.objects.filter(pk=applicant.pk).exists()
