"""The agreement in the API: read, edit and sign a mentorship's agreement, for its members only,
through the agreement's services (new versions once anyone has signed, signing by number)."""

import pytest

from lodestar.mentorships import agreements
from lodestar.mentorships.models import AgreementSignature, AgreementVersion
from lodestar.mentorships.states import MentorshipStatus

from .conftest import assert_problem, bearer, call


def url(pair, tail=""):
    return f"/api/v1/mentorships/{pair.pk}/agreement/{tail}"


@pytest.mark.parametrize(
    "role, status",
    [
        ("anonymous", 401),
        ("mentee", 200),
        ("mentor", 200),
        ("other_member", 404),
        ("outsider", 404),
        ("coordinator", 404),
        ("site_admin", 404),
    ],
)
def test_the_agreement_is_for_the_members_only(client, pair, people, role, status):
    agreements.agreement_draft(mentorship=pair, by=people["mentee"])
    response = call(client, people[role], "GET", url(pair))
    if status != 200:
        assert_problem(response, status)
        return
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == 1
    assert [s["key"] for s in body["sections"]][:2] == ["expectations", "cadence"]
    assert {(s["name"], s["role"], s["signed_at"]) for s in body["signatures"]} == {
        ("Max Mentor", "mentor", None),
        ("Mia Mentee", "mentee", None),
    }


def test_reading_before_any_draft_shows_the_template_and_writes_nothing(client, pair, mentee):
    body = call(client, mentee, "GET", url(pair)).json()
    assert body["number"] is None
    expected = agreements.template_texts(pair.program, pair)
    assert {s["key"]: s["text"] for s in body["sections"]} == expected
    assert not AgreementVersion.objects.filter(mentorship=pair).exists()


def test_a_read_only_token_may_read_it(client, pair, mentor):
    assert call(client, mentor, "GET", url(pair), scope="read").status_code == 200


def test_a_member_edits_the_draft_in_place(client, pair, mentor):
    sections = {"expectations": "We meet and we listen.", "cadence": "Weekly."}
    response = call(client, mentor, "PUT", url(pair), {"sections": sections})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["number"] == 1
    texts = {s["key"]: s["text"] for s in body["sections"]}
    assert texts["expectations"] == "We meet and we listen."
    assert texts["confidentiality"] == ""
    assert AgreementVersion.objects.get(mentorship=pair).sections["cadence"] == "Weekly."


def test_an_edit_after_a_signature_makes_the_next_version(client, pair, mentor, mentee):
    agreements.agreement_draft(mentorship=pair, by=mentee)
    agreements.agreement_sign(mentorship=pair, by=mentee, number=1)
    response = call(client, mentor, "PUT", url(pair), {"sections": {"expectations": "New."}})
    assert response.status_code == 200
    assert response.json()["number"] == 2
    assert all(s["signed_at"] is None for s in response.json()["signatures"])
    assert AgreementVersion.objects.filter(mentorship=pair).count() == 2


def test_both_signatures_make_it_agreed(client, pair, mentor, mentee):
    agreements.agreement_draft(mentorship=pair, by=mentee)
    first = call(client, mentee, "POST", url(pair, "sign/"), {"number": 1})
    assert first.status_code == 200, first.content
    assert first.json()["agreed_at"] is None
    second = call(client, mentor, "POST", url(pair, "sign/"), {"number": 1})
    assert second.json()["agreed_at"] is not None
    assert all(s["signed_at"] for s in second.json()["signatures"])


def test_signing_a_version_that_is_not_the_current_one_is_refused(client, pair, mentor, mentee):
    agreements.agreement_draft(mentorship=pair, by=mentee)
    agreements.agreement_sign(mentorship=pair, by=mentee, number=1)
    agreements.agreement_edit(mentorship=pair, by=mentee, sections={"expectations": "v2"})
    body = assert_problem(call(client, mentor, "POST", url(pair, "sign/"), {"number": 1}), 400)
    assert "no longer the current one" in body["detail"]
    assert not AgreementSignature.objects.filter(user=mentor).exists()


def test_signing_twice_is_refused(client, pair, mentee):
    agreements.agreement_draft(mentorship=pair, by=mentee)
    call(client, mentee, "POST", url(pair, "sign/"), {"number": 1})
    body = assert_problem(call(client, mentee, "POST", url(pair, "sign/"), {"number": 1}), 400)
    assert "already signed" in body["detail"]
    assert AgreementSignature.objects.filter(user=mentee).count() == 1


def test_an_unknown_section_is_refused_and_nothing_changes(client, pair, mentee):
    agreements.agreement_draft(mentorship=pair, by=mentee)
    before = AgreementVersion.objects.get(mentorship=pair).sections
    body = assert_problem(
        call(client, mentee, "PUT", url(pair), {"sections": {"salary": "Secret"}}), 400
    )
    assert "salary" in body["detail"]
    assert AgreementVersion.objects.get(mentorship=pair).sections == before


def test_a_section_too_long_is_refused_naming_it(client, pair, mentee):
    long = "x" * (agreements.SECTION_MAX + 1)
    body = assert_problem(
        call(client, mentee, "PUT", url(pair), {"sections": {"expectations": long}}), 400
    )
    assert [e["field"] for e in body["errors"]] == ["expectations"]
    assert not AgreementVersion.objects.filter(mentorship=pair).exists()


def test_an_ended_mentorships_agreement_is_read_only(client, pair, mentee):
    agreements.agreement_draft(mentorship=pair, by=mentee)
    pair.status = MentorshipStatus.COMPLETED
    pair.save(update_fields=["status"])
    assert call(client, mentee, "GET", url(pair)).json()["read_only"] is True
    body = assert_problem(
        call(client, mentee, "PUT", url(pair), {"sections": {"expectations": "Late"}}), 400
    )
    assert "read-only" in body["detail"]


@pytest.mark.parametrize(
    "tail, method, body, field",
    [
        ("", "PUT", {}, "body.sections"),
        ("", "PUT", {"sections": "all of it"}, "body.sections"),
        ("", "PUT", {"sections": {"expectations": "nul\x00"}}, "body.sections.expectations"),
        ("sign/", "POST", {}, "body.number"),
        ("sign/", "POST", {"number": 0}, "body.number"),
        ("sign/", "POST", {"number": "first"}, "body.number"),
    ],
)
def test_a_bad_body_is_unprocessable_and_names_the_field(
    client, pair, mentee, tail, method, body, field
):
    agreements.agreement_draft(mentorship=pair, by=mentee)
    problem = assert_problem(call(client, mentee, method, url(pair, tail), body), 422)
    assert field in [error["field"] for error in problem["errors"]]
    assert not AgreementSignature.objects.exists()


@pytest.mark.parametrize("role", ["coordinator", "site_admin", "other_member", "outsider"])
def test_non_members_cannot_edit_or_sign(client, pair, people, role):
    agreements.agreement_draft(mentorship=pair, by=people["mentee"])
    edit = call(client, people[role], "PUT", url(pair), {"sections": {"expectations": "Mine"}})
    assert_problem(edit, 404)
    assert_problem(call(client, people[role], "POST", url(pair, "sign/"), {"number": 1}), 404)
    assert AgreementVersion.objects.get(mentorship=pair).sections["expectations"] != "Mine"
    assert not AgreementSignature.objects.exists()


def test_a_read_only_token_cannot_sign(client, pair, mentee):
    agreements.agreement_draft(mentorship=pair, by=mentee)
    response = call(client, mentee, "POST", url(pair, "sign/"), {"number": 1}, scope="read")
    assert_problem(response, 403)
    assert not AgreementSignature.objects.exists()


def test_reading_the_agreement_takes_a_bounded_number_of_queries(
    client, pair, mentee, django_assert_max_num_queries
):
    agreements.agreement_draft(mentorship=pair, by=mentee)
    headers = bearer(mentee)
    with django_assert_max_num_queries(12):
        assert client.get(url(pair), **headers).status_code == 200
