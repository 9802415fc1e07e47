"""The mentoring agreement: the program's template, drafts, versions and signatures."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from lodestar.mentorships import agreements
from lodestar.mentorships.models import AgreementSignature, AgreementVersion
from lodestar.programs.models import Program
from tests import factories

pytestmark = pytest.mark.django_db


def texts(mentorship, **changes) -> dict:
    current = agreements.current_version(mentorship)
    return {**current.sections, **changes}


def kinds(user) -> list[str]:
    return list(user.notifications.order_by("id").values_list("kind", flat=True))


# --- the template ---------------------------------------------------------------------------


def test_an_empty_template_uses_defaults_from_the_program(program):
    program.meeting_cadence = "weekly"
    program.start_date = date(2030, 3, 1)
    program.end_date = date(2030, 9, 30)
    program.save()
    template = agreements.template_texts(program)
    assert list(template) == [
        "expectations",
        "cadence",
        "channels",
        "confidentiality",
        "mentor_responsibilities",
        "mentee_responsibilities",
        "duration",
    ]
    assert "once a week" in template["cadence"]
    assert "March 1, 2030" in template["duration"] and "Sept. 30, 2030" in template["duration"]
    assert all(template.values())


def test_peer_programs_share_one_list_of_responsibilities(coordinator):
    peers = factories.make_program(coordinator=coordinator, name="Peers", kind="peer")
    keys = list(agreements.template_texts(peers))
    assert "peer_responsibilities" in keys
    assert "mentor_responsibilities" not in keys and "mentee_responsibilities" not in keys


def test_a_coordinator_words_the_template_and_defaults_keep_following_the_program(
    program, coordinator
):
    sections = agreements.template_texts(program)
    sections["confidentiality"] = "Chatham House rules."
    sections["channels"] = ""  # empty: the default
    agreements.agreement_template_update(program=program, by=coordinator, sections=sections)
    program.refresh_from_db()
    # Only what differs from the defaults is stored, so cadence still follows the program.
    assert program.agreement_template == {"confidentiality": "Chatham House rules."}
    program.meeting_cadence = "monthly"
    program.save()
    template = agreements.template_texts(program)
    assert template["confidentiality"] == "Chatham House rules."
    assert "once a month" in template["cadence"]
    assert template["channels"] == agreements.default_text(program, "channels")


@pytest.mark.parametrize("persona", ["mentor", "outsider", "other_coordinator"])
def test_only_the_programs_coordinators_edit_the_template(program, persona, request):
    person = request.getfixturevalue(persona)
    with pytest.raises(ValidationError):
        agreements.agreement_template_update(
            program=program, by=person, sections={"expectations": "Mine now"}
        )
    assert Program.objects.get(pk=program.pk).agreement_template == {}


def test_template_sections_are_checked(program, coordinator):
    with pytest.raises(ValidationError) as error:
        agreements.agreement_template_update(
            program=program, by=coordinator, sections={"salary": "Lots"}
        )
    assert "no section called salary" in str(error.value)
    with pytest.raises(ValidationError) as error:
        agreements.agreement_template_update(
            program=program, by=coordinator, sections={"expectations": "x" * 4001}
        )
    assert "expectations" in error.value.error_dict
    assert Program.objects.get(pk=program.pk).agreement_template == {}


# --- drafting and editing -------------------------------------------------------------------


def test_the_first_draft_is_made_from_the_template_once(program, coordinator, active, mentee):
    program.agreement_template = {"expectations": "We aim high."}
    program.save()
    first = agreements.agreement_draft(mentorship=active, by=mentee)
    again = agreements.agreement_draft(mentorship=active, by=mentee)
    assert first.pk == again.pk and first.number == 1
    assert first.sections["expectations"] == "We aim high."
    assert first.created_by == mentee
    assert AgreementVersion.objects.count() == 1
    assert not kinds(coordinator)  # drafting tells nobody


def test_the_draft_uses_the_mentorships_own_dates(program, active, mentee):
    active.start_date = date(2031, 1, 5)
    active.planned_end_date = date(2031, 6, 30)
    active.save()
    version = agreements.agreement_draft(mentorship=active, by=mentee)
    assert "Jan. 5, 2031" in version.sections["duration"]
    assert "June 30, 2031" in version.sections["duration"]


def test_editing_an_unsigned_draft_changes_it_in_place(active, mentee, mentor):
    agreements.agreement_draft(mentorship=active, by=mentee)
    version = agreements.agreement_edit(
        mentorship=active, by=mentor, sections=texts(active, expectations="Be candid.")
    )
    assert version.number == 1
    assert AgreementVersion.objects.get().sections["expectations"] == "Be candid."
    assert AgreementVersion.objects.get().edited_by == mentor
    assert not kinds(mentee)


def test_editing_a_signed_version_makes_a_new_one_that_everybody_signs_again(
    active, mentee, mentor
):
    agreements.agreement_draft(mentorship=active, by=mentee)
    agreements.agreement_sign(mentorship=active, by=mentee, number=1)
    agreements.agreement_sign(mentorship=active, by=mentor, number=1)
    assert agreements.current_version(active).agreed_at is not None

    version = agreements.agreement_edit(
        mentorship=active, by=mentor, sections=texts(active, cadence="Every Monday.")
    )
    assert version.number == 2
    assert version.agreed_at is None
    assert not version.signatures.exists()
    first = AgreementVersion.objects.get(number=1)
    assert first.agreed_at is not None  # the old version stays agreed, as it was
    assert first.sections["cadence"] != "Every Monday."
    assert kinds(mentee)[-1] == "agreement_to_sign"


def test_a_single_signature_is_enough_to_make_the_next_edit_a_new_version(active, mentee, mentor):
    agreements.agreement_draft(mentorship=active, by=mentee)
    agreements.agreement_sign(mentorship=active, by=mentee, number=1)
    version = agreements.agreement_edit(
        mentorship=active, by=mentee, sections=texts(active, expectations="Changed.")
    )
    assert version.number == 2
    assert AgreementSignature.objects.filter(version__number=1).count() == 1


def test_an_edit_that_changes_nothing_is_refused(active, mentee):
    agreements.agreement_draft(mentorship=active, by=mentee)
    agreements.agreement_sign(mentorship=active, by=mentee, number=1)
    with pytest.raises(ValidationError) as error:
        agreements.agreement_edit(mentorship=active, by=mentee, sections=texts(active))
    assert error.value.code == "unchanged"
    assert AgreementVersion.objects.count() == 1


def test_an_empty_agreement_is_refused(active, mentee):
    agreements.agreement_draft(mentorship=active, by=mentee)
    empty = dict.fromkeys(texts(active), "  ")
    with pytest.raises(ValidationError) as error:
        agreements.agreement_edit(mentorship=active, by=mentee, sections=empty)
    assert error.value.code == "empty"


def test_unknown_and_too_long_sections_are_refused(active, mentee):
    agreements.agreement_draft(mentorship=active, by=mentee)
    before = texts(active)
    with pytest.raises(ValidationError):
        agreements.agreement_edit(mentorship=active, by=mentee, sections={**before, "pay": "1"})
    with pytest.raises(ValidationError) as error:
        agreements.agreement_edit(
            mentorship=active, by=mentee, sections={**before, "channels": "x" * 4001}
        )
    assert "channels" in error.value.error_dict
    assert texts(active) == before


@pytest.mark.parametrize("persona", ["coordinator", "outsider"])
def test_non_members_neither_draft_nor_edit_nor_sign(active, mentee, persona, request):
    person = request.getfixturevalue(persona)
    with pytest.raises(ValidationError):
        agreements.agreement_draft(mentorship=active, by=person)
    agreements.agreement_draft(mentorship=active, by=mentee)
    with pytest.raises(ValidationError):
        agreements.agreement_edit(
            mentorship=active, by=person, sections=texts(active, expectations="Hijacked")
        )
    with pytest.raises(ValidationError):
        agreements.agreement_sign(mentorship=active, by=person, number=1)
    assert "Hijacked" not in texts(active).values()
    assert not AgreementSignature.objects.exists()


# --- signing --------------------------------------------------------------------------------


def test_signing_records_who_and_when_and_the_last_signature_agrees_it(active, mentee, mentor):
    agreements.agreement_draft(mentorship=active, by=mentee)
    first = agreements.agreement_sign(mentorship=active, by=mentee, number=1)
    assert first.user == mentee and first.signed_at is not None
    assert agreements.current_version(active).agreed_at is None
    # The first signature on the first version is the others' first news of it.
    assert kinds(mentor) == ["agreement_to_sign"]

    last = agreements.agreement_sign(mentorship=active, by=mentor, number=1)
    assert agreements.current_version(active).agreed_at == last.signed_at
    assert kinds(mentee) == ["agreement_signed"]


def test_signing_twice_is_refused(active, mentee):
    agreements.agreement_draft(mentorship=active, by=mentee)
    agreements.agreement_sign(mentorship=active, by=mentee, number=1)
    with pytest.raises(ValidationError) as error:
        agreements.agreement_sign(mentorship=active, by=mentee, number=1)
    assert error.value.code == "signed"
    assert AgreementSignature.objects.count() == 1


def test_signing_an_old_version_is_refused(active, mentee, mentor):
    agreements.agreement_draft(mentorship=active, by=mentee)
    agreements.agreement_sign(mentorship=active, by=mentee, number=1)
    agreements.agreement_edit(
        mentorship=active, by=mentee, sections=texts(active, expectations="New text")
    )
    with pytest.raises(ValidationError) as error:
        agreements.agreement_sign(mentorship=active, by=mentor, number=1)
    assert error.value.code == "not_current"
    assert "read version 2" in error.value.messages[0]
    assert not AgreementSignature.objects.filter(user=mentor).exists()


def test_signing_before_any_draft_is_refused(active, mentee):
    with pytest.raises(ValidationError) as error:
        agreements.agreement_sign(mentorship=active, by=mentee, number=1)
    assert error.value.code == "no_agreement"


def test_a_new_version_notifies_then_signatures_say_who_signed(active, mentee, mentor):
    agreements.agreement_draft(mentorship=active, by=mentee)
    agreements.agreement_sign(mentorship=active, by=mentee, number=1)
    agreements.agreement_edit(mentorship=active, by=mentee, sections=texts(active, cadence="x"))
    assert kinds(mentor) == ["agreement_to_sign", "agreement_to_sign"]
    agreements.agreement_sign(mentorship=active, by=mentee, number=2)
    assert kinds(mentor)[-1] == "agreement_signed"
    notice = mentor.notifications.order_by("id").last()
    assert notice.params["person"] == "Mia Mentee"
    assert notice.url == f"/mentorships/{active.pk}/agreement/"


def test_in_a_group_everybody_must_sign(coordinator):
    group = factories.make_program(coordinator=coordinator, name="Circle", kind="group")
    mentor = factories.make_enrolment(group, factories.make_user("g@example.com"), role="mentor")
    one = factories.make_enrolment(group, factories.make_user("one@example.com"))
    two = factories.make_enrolment(group, factories.make_user("two@example.com"))
    circle = factories.make_mentorship(group, mentor=mentor, mentees=[one, two])
    agreements.agreement_draft(mentorship=circle, by=one.user)
    for enrolment in (one, mentor):
        agreements.agreement_sign(mentorship=circle, by=enrolment.user, number=1)
        assert agreements.current_version(circle).agreed_at is None
    agreements.agreement_sign(mentorship=circle, by=two.user, number=1)
    assert agreements.current_version(circle).agreed_at is not None


# --- finished mentorships -------------------------------------------------------------------


@pytest.mark.parametrize("status", ["completed", "ended_early", "declined"])
def test_a_finished_mentorships_agreement_is_read_only(
    program, mentor_enrolment, mentee_enrolment, mentee, status
):
    mentorship = factories.make_mentorship(
        program, mentor=mentor_enrolment, mentees=[mentee_enrolment]
    )
    agreements.agreement_draft(mentorship=mentorship, by=mentee)
    mentorship.status = status
    mentorship.save()
    with pytest.raises(ValidationError) as error:
        agreements.agreement_edit(
            mentorship=mentorship, by=mentee, sections=texts(mentorship, expectations="Late")
        )
    assert error.value.code == "read_only"
    with pytest.raises(ValidationError) as error:
        agreements.agreement_sign(mentorship=mentorship, by=mentee, number=1)
    assert "read-only" in error.value.messages[0]
    # Reading still works: the draft is returned, nothing new is made.
    assert agreements.agreement_draft(mentorship=mentorship, by=mentee).number == 1
    assert not AgreementSignature.objects.exists()


def test_no_draft_is_made_for_a_finished_mentorship(
    program, mentor_enrolment, mentee_enrolment, mentee
):
    done = factories.make_mentorship(
        program, mentor=mentor_enrolment, mentees=[mentee_enrolment], status="completed"
    )
    with pytest.raises(ValidationError):
        agreements.agreement_draft(mentorship=done, by=mentee)
    assert not AgreementVersion.objects.exists()
