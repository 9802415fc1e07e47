"""Coordinators invite people by email, see what became of each invitation, and revoke them."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lodestar.programs.models import Invitation
from lodestar.programs.services.invitations import invitation_create
from lodestar.programs.states import EnrolmentStatus
from tests import factories

pytestmark = pytest.mark.django_db


def invite(client, program, emails, role="mentee", **extra):
    return client.post(
        reverse("invitation_list", args=[program.slug]),
        {"emails": emails, "role": role, **extra},
    )


def test_coordinator_invites_several_people_at_once(
    client, coordinator, program, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, program, "ana@example.com\n\n  Ben@Example.com  \n")
    assert response.status_code == 302
    assert response.url == reverse("invitation_list", args=[program.slug])
    invitations = Invitation.objects.filter(program=program).order_by("email")
    assert [i.email for i in invitations] == ["ana@example.com", "ben@example.com"]
    assert all(i.role == "mentee" and i.created_by == coordinator for i in invitations)
    assert sorted(m.to[0] for m in mail.outbox) == ["ana@example.com", "ben@example.com"]
    assert {m.subject for m in mail.outbox} == {"[Lodestar] You are invited to join Spring Cohort"}
    assert "http://testserver/invitations/" in mail.outbox[0].body
    page = client.get(response.url).content.decode()
    assert "We sent 2 invitations." in page
    assert "ana@example.com" in page and "Pending" in page


def test_an_address_listed_twice_is_invited_once(client, coordinator, program):
    client.force_login(coordinator)
    invite(client, program, "ana@example.com\nANA@example.com")
    assert Invitation.objects.filter(program=program).count() == 1


def test_mentors_are_invited_with_a_capacity(client, coordinator, program):
    client.force_login(coordinator)
    invite(client, program, "ana@example.com", role="mentor", capacity="3")
    invitation = Invitation.objects.get()
    assert (invitation.role, invitation.capacity) == ("mentor", 3)


def test_an_invalid_line_is_reported_by_number_and_nothing_is_sent(
    client, coordinator, program, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(client, program, "ana@example.com\nnot-an-email\n\nben@@example.com")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Line 2: “not-an-email” is not a valid email address." in content
    assert "Line 4: “ben@@example.com” is not a valid email address." in content
    assert 'aria-invalid="true"' in content
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_someone_already_taking_part_is_reported(client, coordinator, program, mentee):
    client.force_login(coordinator)
    response = invite(client, program, "ana@example.com\nmentee@example.com")
    assert "Line 2: mentee@example.com already takes part in this program." in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()


def test_someone_who_withdrew_may_be_invited_back(client, coordinator, program, outsider):
    factories.make_enrolment(program, outsider, status=EnrolmentStatus.WITHDRAWN)
    client.force_login(coordinator)
    invite(client, program, "outsider@example.com")
    assert Invitation.objects.filter(email="outsider@example.com").exists()


def test_more_than_200_addresses_are_refused(client, coordinator, program):
    client.force_login(coordinator)
    emails = "\n".join(f"person{n}@example.com" for n in range(201))
    response = invite(client, program, emails)
    assert "Invite at most 200 people at a time (this list has 201)." in response.content.decode()
    assert not Invitation.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"emails": "", "role": "mentee"}, "This field is required."),
        ({"emails": "ana@example.com", "role": "peer"}, "Select a valid choice."),
        (
            {"emails": "ana@example.com", "role": "mentor", "capacity": "0"},
            "greater than or equal to 1",
        ),
        (
            {"emails": "ana@example.com", "role": "mentor", "capacity": "21"},
            "less than or equal to 20",
        ),
    ],
)
def test_bad_form_input_is_refused(client, coordinator, program, data, message):
    client.force_login(coordinator)
    response = client.post(reverse("invitation_list", args=[program.slug]), data)
    assert message in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_archived_program_takes_no_invitations(client, coordinator, program):
    program.status = "archived"
    program.save()
    client.force_login(coordinator)
    response = invite(client, program, "ana@example.com")
    assert "This program no longer takes new participants." in response.content.decode()
    assert not Invitation.objects.exists()


def test_the_list_shows_what_became_of_each_invitation(client, coordinator, program, outsider):
    def make(email):
        return invitation_create(
            program=program, email=email, role="mentee", invited_by=coordinator, send=False
        )[0]

    make("pending@example.com")
    Invitation.objects.filter(pk=make("accepted@example.com").pk).update(
        accepted_at=timezone.now(), accepted_by=outsider
    )
    Invitation.objects.filter(pk=make("revoked@example.com").pk).update(revoked_at=timezone.now())
    Invitation.objects.filter(pk=make("expired@example.com").pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(coordinator)
    content = client.get(reverse("invitation_list", args=[program.slug])).content.decode()
    for status in ("Pending", "Accepted", "Revoked", "Expired"):
        assert f">{status}</span>" in content
    assert "by Otto Outsider" in content
    assert content.count(">Revoke<") == 1  # only the pending one


def test_coordinator_revokes_a_pending_invitation(client, coordinator, program):
    invitation, token = invitation_create(
        program=program, email="ana@example.com", role="mentee", invited_by=coordinator, send=False
    )
    client.force_login(coordinator)
    response = client.post(reverse("invitation_revoke", args=[program.slug, invitation.pk]))
    assert response.url == reverse("invitation_list", args=[program.slug])
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "The invitation to ana@example.com no longer works." in (
        client.get(response.url).content.decode()
    )
    client.logout()
    assert client.get(reverse("invitation_accept", args=[token])).status_code == 404


def test_an_accepted_invitation_cannot_be_revoked(client, coordinator, program, outsider):
    invitation = invitation_create(
        program=program, email="ana@example.com", role="mentee", invited_by=coordinator, send=False
    )[0]
    accepted_at = timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(accepted_at=accepted_at)
    client.force_login(coordinator)
    response = client.post(
        reverse("invitation_revoke", args=[program.slug, invitation.pk]), follow=True
    )
    assert "This invitation has already been accepted." in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_revoking_twice_says_so(client, coordinator, program):
    invitation = invitation_create(
        program=program, email="ana@example.com", role="mentee", invited_by=coordinator, send=False
    )[0]
    client.force_login(coordinator)
    url = reverse("invitation_revoke", args=[program.slug, invitation.pk])
    client.post(url)
    first = Invitation.objects.get().revoked_at
    response = client.post(url, follow=True)
    assert "This invitation was already revoked." in response.content.decode()
    assert Invitation.objects.get().revoked_at == first


def test_invitation_list_query_count_stays_bounded(
    client, coordinator, program, outsider, django_assert_max_num_queries
):
    for n in range(30):
        invitation = invitation_create(
            program=program,
            email=f"p{n}@example.com",
            role="mentee",
            invited_by=coordinator,
            send=False,
        )[0]
        if n % 3 == 0:
            Invitation.objects.filter(pk=invitation.pk).update(
                accepted_at=timezone.now(), accepted_by=outsider
            )
    client.force_login(coordinator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("invitation_list", args=[program.slug]))
    assert response.content.decode().count("@example.com</th>") == 30
