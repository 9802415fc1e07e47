"""The agreement's pages: members read, edit and sign; coordinators word the program's template
and see only who signed when; everyone else gets a 404."""

import pytest
from django.urls import reverse

from lodestar.mentorships import agreements
from lodestar.mentorships.models import AgreementSignature, AgreementVersion
from tests import factories

pytestmark = pytest.mark.django_db


def url(name, mentorship, *args) -> str:
    return reverse(name, args=[mentorship.pk, *args])


def page(client, user, address) -> str:
    client.force_login(user)
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def form_data(mentorship, **changes) -> dict:
    return {**agreements.current_version(mentorship).sections, **changes}


@pytest.fixture
def drafted(active, mentee):
    agreements.agreement_draft(mentorship=active, by=mentee)
    return active


# --- who sees it ----------------------------------------------------------------------------


def test_a_member_opening_the_agreement_drafts_it_from_the_template(
    client, program, active, mentor
):
    program.agreement_template = {"confidentiality": "What is said here stays here."}
    program.save()
    content = page(client, mentor, url("agreement", active))
    assert "Your mentoring agreement" in content
    assert "What is said here stays here." in content
    assert "Meeting cadence" in content and "The mentee’s responsibilities" in content
    assert "Sign version 1" in content
    assert AgreementVersion.objects.get().created_by == mentor


@pytest.mark.parametrize("persona", ["coordinator", "outsider", "other_coordinator"])
def test_only_members_reach_the_agreement(client, drafted, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(url("agreement", drafted)).status_code == 404
    assert client.get(url("agreement_version", drafted, 1)).status_code == 404
    assert client.post(url("agreement_sign", drafted), {"number": 1}).status_code == 404
    data = form_data(drafted, expectations="Changed by a stranger")
    assert client.post(url("agreement_edit", drafted), data).status_code == 404
    assert not AgreementSignature.objects.exists()
    assert AgreementVersion.objects.get().sections["expectations"] != "Changed by a stranger"


def test_a_coordinator_opening_the_agreement_drafts_nothing(client, active, coordinator):
    client.force_login(coordinator)
    assert client.get(url("agreement", active)).status_code == 404
    assert not AgreementVersion.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, drafted):
    response = client.get(url("agreement", drafted))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_version_is_a_404(client, drafted, mentee):
    client.force_login(mentee)
    assert client.get(url("agreement_version", drafted, 2)).status_code == 404


# --- editing and signing --------------------------------------------------------------------


def test_editing_the_draft_from_the_page(client, drafted, mentee):
    client.force_login(mentee)
    response = client.post(
        url("agreement_edit", drafted),
        form_data(drafted, expectations="We both show up on time."),
        follow=True,
    )
    content = response.content.decode()
    assert "Your changes to the draft are saved." in content
    assert "We both show up on time." in content
    assert AgreementVersion.objects.count() == 1


def test_signing_then_everybody_signing_shows_it_agreed(client, drafted, mentee, mentor):
    client.force_login(mentee)
    content = client.post(url("agreement_sign", drafted), {"number": 1}, follow=True)
    content = content.content.decode()
    assert "You signed. The others are asked to sign too." in content
    assert "Still to sign: Max Mentor." in content
    assert "Sign version 1" not in content

    client.force_login(mentor)
    content = client.post(url("agreement_sign", drafted), {"number": 1}, follow=True)
    content = content.content.decode()
    assert "everybody has, so the agreement is agreed" in content
    assert "Agreed" in content and "Not agreed yet" not in content


def test_editing_after_signing_makes_version_2_and_clears_agreed(client, drafted, mentee, mentor):
    for person in (mentee, mentor):
        agreements.agreement_sign(mentorship=drafted, by=person, number=1)
    client.force_login(mentor)
    response = client.post(
        url("agreement_edit", drafted), form_data(drafted, cadence="Every Monday."), follow=True
    )
    content = response.content.decode()
    assert "Saved as version 2." in content
    assert "Not agreed yet" in content
    assert "Sign version 2" in content
    assert "Earlier versions" in content

    old = page(client, mentee, url("agreement_version", drafted, 1))
    assert "An earlier version, kept as it was." in old
    assert "Every Monday." not in old
    assert "signed on" in old


def test_signing_an_old_version_from_a_stale_page_shows_why(client, drafted, mentee, mentor):
    agreements.agreement_sign(mentorship=drafted, by=mentee, number=1)
    agreements.agreement_edit(
        mentorship=drafted, by=mentee, sections=form_data(drafted, expectations="v2")
    )
    client.force_login(mentor)
    content = client.post(url("agreement_sign", drafted), {"number": 1}, follow=True)
    assert "Version 1 is no longer the current one" in content.content.decode()
    assert not AgreementSignature.objects.filter(user=mentor).exists()


def test_signing_twice_shows_the_error(client, drafted, mentee):
    client.force_login(mentee)
    client.post(url("agreement_sign", drafted), {"number": 1})
    content = client.post(url("agreement_sign", drafted), {"number": 1}, follow=True)
    assert "You have already signed this version." in content.content.decode()
    assert AgreementSignature.objects.count() == 1


def test_a_too_long_section_is_shown_next_to_its_field(client, drafted, mentee):
    client.force_login(mentee)
    response = client.post(url("agreement_edit", drafted), form_data(drafted, channels="x" * 4001))
    assert response.status_code == 200
    assert "Ensure this value has at most 4000 characters" in response.content.decode()
    assert "x" * 4001 not in agreements.current_version(drafted).sections.values()


def test_an_edit_changing_nothing_says_so(client, drafted, mentee):
    client.force_login(mentee)
    response = client.post(url("agreement_edit", drafted), form_data(drafted))
    assert "Nothing was changed" in response.content.decode()


def test_the_pages_only_take_the_right_methods(client, drafted, mentee):
    client.force_login(mentee)
    assert client.get(url("agreement_sign", drafted)).status_code == 405
    assert client.get(url("agreement_edit", drafted)).status_code == 405


# --- finished mentorships -------------------------------------------------------------------


def test_a_finished_mentorships_agreement_is_read_only_history(client, drafted, mentee):
    drafted.status = "completed"
    drafted.save()
    content = page(client, mentee, url("agreement", drafted))
    assert "read-only history" in content
    assert "Sign version 1" not in content and "Save the agreement" not in content
    assert "Expectations" in content  # still readable

    response = client.post(url("agreement_sign", drafted), {"number": 1}, follow=True)
    assert "read-only" in response.content.decode()
    response = client.post(
        url("agreement_edit", drafted), form_data(drafted, expectations="Late"), follow=True
    )
    assert "read-only" in response.content.decode()
    assert not AgreementSignature.objects.exists()
    assert AgreementVersion.objects.get().sections["expectations"] != "Late"


def test_a_finished_mentorship_without_an_agreement_says_so(
    client, program, mentor_enrolment, mentee_enrolment, mentee
):
    done = factories.make_mentorship(
        program, mentor=mentor_enrolment, mentees=[mentee_enrolment], status="ended_early"
    )
    content = page(client, mentee, url("agreement", done))
    assert "No agreement was written in this mentorship." in content
    assert not AgreementVersion.objects.exists()


# --- the program's template -----------------------------------------------------------------


def template_url(program) -> str:
    return reverse("agreement_template", args=[program.slug])


def test_a_coordinator_edits_the_template(client, program, coordinator):
    content = page(client, coordinator, template_url(program))
    assert "Agreement template" in content
    assert "every two weeks" in content  # the default follows the program's cadence
    data = agreements.template_texts(program)
    data["expectations"] = "Mentees lead."
    response = client.post(template_url(program), data, follow=True)
    assert "The agreement template is saved." in response.content.decode()
    program.refresh_from_db()
    assert program.agreement_template == {"expectations": "Mentees lead."}


@pytest.mark.parametrize("persona", ["mentor", "mentee", "outsider", "other_coordinator"])
def test_only_the_programs_coordinators_reach_the_template(client, program, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(template_url(program)).status_code == 404
    assert client.post(template_url(program), {"expectations": "Mine"}).status_code == 404
    program.refresh_from_db()
    assert program.agreement_template == {}


def test_anonymous_visitors_are_sent_to_log_in_from_the_template(client, program):
    response = client.get(template_url(program))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_too_long_template_section_is_refused(client, program, coordinator):
    client.force_login(coordinator)
    response = client.post(template_url(program), {"duration": "x" * 4001})
    assert response.status_code == 200
    assert "Ensure this value has at most 4000 characters" in response.content.decode()
    program.refresh_from_db()
    assert program.agreement_template == {}
