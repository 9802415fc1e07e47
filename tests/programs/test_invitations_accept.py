"""Following an invitation link: as a logged-in person, a newcomer, or an imported account."""

import datetime

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.programs.models import Enrolment, Invitation
from lodestar.programs.services.invitations import invitation_create
from lodestar.programs.states import EnrolmentStatus
from tests import factories

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-long-and-unusual-passphrase"


def make_invitation(program, coordinator, email="guest@example.com", role="mentee", **extra):
    invitation, token = invitation_create(
        program=program, email=email, role=role, invited_by=coordinator, send=False, **extra
    )
    return invitation, reverse("invitation_accept", args=[token])


def intake_url(program):
    return reverse("intake_form", args=[program.slug])


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


# Links that no longer work


def test_an_unknown_link_says_it_does_not_work(client):
    response = client.get(reverse("invitation_accept", args=["no-such-token"]))
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()


def test_an_expired_link_says_so_and_to_ask_the_coordinator(client, coordinator, program):
    invitation, url = make_invitation(program, coordinator)
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - datetime.timedelta(days=1)
    )
    response = client.get(url)
    assert response.status_code == 404
    content = response.content.decode()
    assert "This invitation has expired" in content
    assert "Ask the program's coordinator to send you a new one." in content


def test_a_revoked_link_says_so(client, coordinator, program):
    invitation, url = make_invitation(program, coordinator)
    Invitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    response = client.get(url)
    assert response.status_code == 404
    assert "This invitation was withdrawn" in response.content.decode()


def test_a_used_link_cannot_be_used_again(client, coordinator, program, outsider):
    _invitation, url = make_invitation(program, coordinator)
    client.force_login(outsider)
    client.post(url)
    other = factories.make_user("second@example.com")
    client.force_login(other)
    response = client.post(url)
    assert response.status_code == 404
    assert "This invitation has already been used" in response.content.decode()
    assert not Enrolment.objects.filter(user=other).exists()


def test_a_link_to_an_archived_program_no_longer_works(client, coordinator, program, outsider):
    _invitation, url = make_invitation(program, coordinator)
    program.status = "archived"
    program.save()
    client.force_login(outsider)
    response = client.post(url)
    assert response.status_code == 404
    assert "no longer takes participants" in response.content.decode()
    assert not Enrolment.objects.filter(user=outsider).exists()


# Logged in


def test_logged_in_person_confirms_and_joins_approved(
    client, coordinator, program, outsider, django_capture_on_commit_callbacks
):
    invitation, url = make_invitation(program, coordinator, email="outsider@example.com")
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert "Join Spring Cohort" in page and "sent to" not in page
    assert not Enrolment.objects.filter(user=outsider).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302
    assert response.url == intake_url(program)
    enrolment = Enrolment.objects.get(user=outsider, program=program)
    assert (enrolment.role, enrolment.status) == ("mentee", EnrolmentStatus.APPROVED)
    assert enrolment.decided_by == coordinator
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None and invitation.accepted_by == outsider
    assert [m.subject for m in mail.outbox] == ["[Lodestar] Welcome to Spring Cohort"]
    assert mail.outbox[0].to == ["outsider@example.com"]


def test_a_different_logged_in_person_sees_whose_invitation_it_is_and_may_accept(
    client, coordinator, program, outsider
):
    _invitation, url = make_invitation(program, coordinator, email="someone.else@example.com")
    client.force_login(outsider)
    page = client.get(url).content.decode()
    assert "This invitation was sent to someone.else@example.com" in page
    assert "you are signed in as outsider@example.com" in page
    client.post(url)
    assert Enrolment.objects.get(user=outsider).status == EnrolmentStatus.APPROVED


def test_mentor_capacity_comes_from_the_invitation_or_the_program_default(
    client, coordinator, program, outsider
):
    program.default_mentor_capacity = 2
    program.save()
    _invitation, url = make_invitation(program, coordinator, role="mentor", capacity=5)
    client.force_login(outsider)
    client.post(url)
    assert Enrolment.objects.get(user=outsider).capacity == 5
    _invitation, url = make_invitation(program, coordinator, role="mentor")
    newcomer = factories.make_user("newcomer@example.com")
    client.force_login(newcomer)
    client.post(url)
    assert Enrolment.objects.get(user=newcomer).capacity == 2


def test_a_withdrawn_participant_comes_back_on_the_same_enrolment(
    client, coordinator, program, outsider
):
    old = factories.make_enrolment(program, outsider, role="mentee", status="withdrawn")
    _invitation, url = make_invitation(program, coordinator, role="mentor")
    client.force_login(outsider)
    client.post(url)
    enrolment = Enrolment.objects.get(user=outsider)
    assert enrolment.pk == old.pk
    assert (enrolment.role, enrolment.status) == ("mentor", EnrolmentStatus.APPROVED)


def test_an_application_is_approved_by_the_invitation(client, coordinator, program, outsider):
    factories.make_enrolment(program, outsider, status=EnrolmentStatus.APPLIED)
    _invitation, url = make_invitation(program, coordinator)
    client.force_login(outsider)
    client.post(url)
    assert Enrolment.objects.get(user=outsider).status == EnrolmentStatus.APPROVED


def test_someone_already_taking_part_is_told_and_nothing_changes(
    client, coordinator, program, mentee
):
    invitation, url = make_invitation(program, coordinator, role="mentor")
    client.force_login(mentee)
    response = client.post(url)
    assert response.status_code == 200
    assert "You already take part in this program as a mentee." in response.content.decode()
    enrolment = Enrolment.objects.get(user=mentee)
    assert (enrolment.role, enrolment.status) == ("mentee", EnrolmentStatus.APPROVED)
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_declined_applicant_is_told_to_ask_the_coordinator(
    client, coordinator, program, outsider
):
    factories.make_enrolment(program, outsider, status=EnrolmentStatus.DECLINED)
    _invitation, url = make_invitation(program, coordinator)
    client.force_login(outsider)
    response = client.post(url)
    assert "was declined" in response.content.decode()
    assert Enrolment.objects.get(user=outsider).status == EnrolmentStatus.DECLINED


# Not logged in, no account yet


def test_a_newcomer_creates_an_account_and_joins(
    client, coordinator, program, django_capture_on_commit_callbacks
):
    invitation, url = make_invitation(program, coordinator, email="newcomer@example.com")
    page = client.get(url).content.decode()
    assert "Create my account and join" in page
    assert 'value="newcomer@example.com"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"name": "Nia Newcomer", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD}
        )
    assert response.status_code == 302
    assert response.url == intake_url(program)
    user = User.objects.get(email="newcomer@example.com")
    assert user.name == "Nia Newcomer"
    assert user.check_password(GOOD_PASSWORD)
    address = EmailAddress.objects.get(user=user)
    assert address.email == "newcomer@example.com" and address.verified and address.primary
    assert logged_in_user_id(client) == str(user.pk)
    assert Enrolment.objects.get(user=user).status == EnrolmentStatus.APPROVED
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert [m.to for m in mail.outbox] == [["newcomer@example.com"]]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "Nia", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD + "x"},
            "The two passwords do not match.",
        ),
        ({"name": "Nia", "password1": "short", "password2": "short"}, "too short"),
        (
            {"name": "Nia", "password1": "1234567890123", "password2": "1234567890123"},
            "entirely numeric",
        ),
        (
            {"name": "", "password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD},
            "This field is required.",
        ),
    ],
)
def test_newcomer_sign_up_mistakes_are_shown_and_nothing_is_created(
    client, coordinator, program, data, message
):
    invitation, url = make_invitation(program, coordinator, email="newcomer@example.com")
    response = client.post(url, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert message in content
    assert 'aria-invalid="true"' in content
    assert not User.objects.filter(email="newcomer@example.com").exists()
    assert logged_in_user_id(client) is None
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


# Not logged in, an account exists


def test_someone_with_an_account_is_asked_to_log_in_and_come_back(
    client, coordinator, program, outsider
):
    _invitation, url = make_invitation(program, coordinator, email="outsider@example.com")
    response = client.get(url)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Sign in to accept the invitation." in content
    assert f"{reverse('account_login')}?next={url}" in content
    response = client.post(
        url, {"password1": "hijack-attempt-123", "password2": "hijack-attempt-123"}
    )
    outsider.refresh_from_db()
    assert outsider.check_password(factories.PASSWORD)
    assert not Enrolment.objects.filter(user=outsider).exists()


def test_an_imported_account_without_a_password_sets_one_and_joins(client, coordinator, program):
    imported = User.objects.create_user(email="imported@example.com", name="Ivo Imported")
    assert not imported.has_usable_password()
    EmailAddress.objects.create(user=imported, email=imported.email, verified=False, primary=True)
    _invitation, url = make_invitation(program, coordinator, email="imported@example.com")
    page = client.get(url).content.decode()
    assert "Set my password and join" in page
    assert 'name="name"' not in page
    response = client.post(url, {"password1": GOOD_PASSWORD, "password2": GOOD_PASSWORD})
    assert response.url == intake_url(program)
    imported.refresh_from_db()
    assert imported.check_password(GOOD_PASSWORD)
    assert EmailAddress.objects.get(user=imported).verified
    assert logged_in_user_id(client) == str(imported.pk)
    assert Enrolment.objects.get(user=imported).status == EnrolmentStatus.APPROVED


def test_mismatched_passwords_for_an_imported_account_change_nothing(client, coordinator, program):
    imported = User.objects.create_user(email="imported@example.com")
    _invitation, url = make_invitation(program, coordinator, email="imported@example.com")
    response = client.post(
        url, {"password1": GOOD_PASSWORD, "password2": "something-else-entirely"}
    )
    assert "The two passwords do not match." in response.content.decode()
    imported.refresh_from_db()
    assert not imported.has_usable_password()
    assert not Enrolment.objects.filter(user=imported).exists()


def test_a_deactivated_account_cannot_accept(client, coordinator, program):
    User.objects.create_user(email="gone@example.com", is_active=False)
    _invitation, url = make_invitation(program, coordinator, email="gone@example.com")
    response = client.get(url)
    assert response.status_code == 403
    assert "This account is deactivated" in response.content.decode()
