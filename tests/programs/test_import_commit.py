"""Importing a checked CSV: everyone is enrolled in one go, or nobody is."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from lodestar.accounts.models import User
from lodestar.core.models import Tag
from lodestar.programs.models import Answer, Enrolment, Invitation
from lodestar.programs.services.imports import import_commit
from lodestar.programs.states import EnrolmentStatus
from tests import factories

pytestmark = pytest.mark.django_db

HEADER = "email,name,role,capacity,Goals,Expertise,Skills,Seniority"
GOOD_FILE = "\n".join(
    [
        HEADER,
        "ana@example.com,Ana Alves,mentee,,Find a first job,,Python; SQL,",
        "ben@example.com,Ben Brown,mentor,3,,Leadership,Coaching,Senior",
        "outsider@example.com,Someone Else,mentee,,Switch careers,,Knitting,",
    ]
)


@pytest.fixture
def questions(program):
    make = factories.make_question
    return {
        "goals": make(program, label="Goals", role="mentee", kind="long_text", required=True),
        "expertise": make(
            program,
            label="Expertise",
            role="mentor",
            kind="multiple_choice",
            choices=["Leadership", "Career change"],
            required=True,
        ),
        "mentee_skills": make(
            program, label="Skills", role="mentee", kind="profile", profile_field="skills"
        ),
        "mentor_skills": make(
            program, label="Skills", role="mentor", kind="profile", profile_field="skills"
        ),
        "seniority": make(
            program,
            label="Seniority",
            role="mentor",
            kind="profile",
            profile_field="seniority",
            required=True,
        ),
    }


def table_sizes():
    return (
        User.objects.count(),
        EmailAddress.objects.count(),
        Enrolment.objects.count(),
        Answer.objects.count(),
        Invitation.objects.count(),
    )


def test_everyone_in_the_file_is_enrolled_approved_with_their_answers(
    program, questions, coordinator, outsider
):
    result = import_commit(program=program, text=GOOD_FILE, by=coordinator)

    assert (result.enrolled, result.invited, result.added) == (3, 2, 1)
    ana = User.objects.get(email="ana@example.com")
    assert ana.name == "Ana Alves"
    assert not ana.has_usable_password()
    address = EmailAddress.objects.get(user=ana)
    assert (address.email, address.verified, address.primary) == ("ana@example.com", False, True)

    enrolment = Enrolment.objects.get(program=program, user=ana)
    assert (enrolment.role, enrolment.status, enrolment.capacity) == ("mentee", "approved", None)
    assert enrolment.decided_by == coordinator
    assert enrolment.intake_completed_at is not None
    assert {a.question.label: a.value for a in enrolment.answers.all()} == {
        "Goals": "Find a first job",
        "Skills": ["Python", "SQL"],
    }
    assert sorted(tag.name for tag in ana.profile.skills.all()) == ["Python", "SQL"]

    ben = Enrolment.objects.get(program=program, user__email="ben@example.com")
    assert (ben.role, ben.capacity) == ("mentor", 3)
    assert ben.user.profile.seniority == 4
    assert Enrolment.objects.get(program=program, user=outsider).status == EnrolmentStatus.APPROVED


def test_a_mentor_without_a_capacity_gets_the_programs_default(program, questions, coordinator):
    program.default_mentor_capacity = 3
    program.save()

    import_commit(
        program=program,
        text="email,role,Expertise,Seniority\ncleo@example.com,mentor,Leadership,Senior\n",
        by=coordinator,
    )

    assert Enrolment.objects.get(user__email="cleo@example.com").capacity == 3


def test_intake_is_complete_only_when_every_required_question_was_answered(
    program, questions, coordinator
):
    # No Goals column: these people answer the intake form themselves.
    import_commit(
        program=program,
        text="email,role,Skills\nana@example.com,mentee,Python\n",
        by=coordinator,
    )

    enrolment = Enrolment.objects.get(user__email="ana@example.com")
    assert enrolment.intake_completed_at is None
    assert enrolment.status == EnrolmentStatus.APPROVED


def test_new_people_are_invited_and_people_with_an_account_are_told_they_were_added(
    program, questions, coordinator, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        import_commit(program=program, text=GOOD_FILE, by=coordinator)

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_recipient) == ["ana@example.com", "ben@example.com", "outsider@example.com"]
    assert (
        by_recipient["ana@example.com"].subject
        == "[Lodestar] You are invited to join Spring Cohort"
    )
    assert "/invitations/" in by_recipient["ana@example.com"].body
    added = by_recipient["outsider@example.com"]
    assert added.subject == "[Lodestar] You have been added to Spring Cohort"
    assert "Cora Coordinator added you to Spring Cohort as a mentee." in added.body
    assert "http://testserver/programs/spring/" in added.body
    assert Invitation.objects.filter(program=program).count() == 2
    ben_invitation = Invitation.objects.get(email="ben@example.com")
    assert (ben_invitation.role, ben_invitation.capacity, ben_invitation.created_by) == (
        "mentor",
        3,
        coordinator,
    )


def test_one_bad_row_means_nothing_is_imported(
    program, questions, coordinator, django_capture_on_commit_callbacks
):
    before = table_sizes()
    text = GOOD_FILE + "\ncleo@example.com,Cleo,coach,,,,,\n"

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        import_commit(program=program, text=text, by=coordinator)

    assert error.value.messages == [
        "row 5, column role: “coach” is not a role in this program. Use one of: mentor, mentee."
    ]
    assert table_sizes() == before
    assert mail.outbox == []
    assert not Tag.objects.filter(name="Python").exists()


def test_the_import_checks_the_file_again_instead_of_trusting_the_preview(
    program, questions, coordinator
):
    # Someone joined between the preview and the confirmation.
    late = factories.make_user("ana@example.com")
    factories.make_enrolment(program, late, role="mentee", status=EnrolmentStatus.APPLIED)
    before = table_sizes()

    with pytest.raises(ValidationError) as error:
        import_commit(program=program, text=GOOD_FILE, by=coordinator)

    assert error.value.messages == [
        "row 2, column email: This person is already in the program (Applied)."
    ]
    assert table_sizes() == before


def test_an_existing_persons_profile_and_name_are_left_as_they_wrote_them(
    program, questions, coordinator, outsider
):
    outsider.profile.skills.set(Tag.objects.named(["Gardening"]))

    result = import_commit(program=program, text=GOOD_FILE, by=coordinator)

    outsider.refresh_from_db()
    assert outsider.name == "Otto Outsider"
    assert [tag.name for tag in outsider.profile.skills.all()] == ["Gardening"]
    assert result.profile_fields_kept == 1
    enrolment = Enrolment.objects.get(program=program, user=outsider)
    assert {a.question.label: a.value for a in enrolment.answers.all()} == {
        "Goals": "Switch careers"
    }


def test_only_a_coordinator_of_the_program_can_import(program, questions, other_coordinator):
    before = table_sizes()

    with pytest.raises(PermissionDenied):
        import_commit(program=program, text=GOOD_FILE, by=other_coordinator)

    assert table_sizes() == before


def test_an_unreadable_file_is_refused_on_import_too(program, coordinator):
    with pytest.raises(ValidationError) as error:
        import_commit(program=program, text="", by=coordinator)

    assert error.value.messages == ["The file is empty."]
