"""Manual matching, the page: choosing, the preview (htmx and without JavaScript), overriding
warnings, refusals, and who may open it."""

import pytest
from django.urls import reverse

from lodestar.matches.models import Exclusion
from lodestar.mentorships.models import Mentorship
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(program):
    return reverse("manual_match", args=[program.slug])


@pytest.fixture
def mentor_enrolment(program, mentor):
    return Enrolment.objects.get(program=program, user=mentor)


@pytest.fixture
def mentee_enrolment(program, mentee):
    return Enrolment.objects.get(program=program, user=mentee)


@pytest.fixture
def topics(program, mentor_enrolment, mentee_enrolment):
    asked_mentees, asked_mentors = factories.make_criterion(program, label="Topics")
    factories.make_answer(mentor_enrolment, asked_mentors, ["Design", "Data"])
    factories.make_answer(mentee_enrolment, asked_mentees, ["Design", "Sales"])


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_lists_show_unmatched_mentees_and_every_mentor_with_seats(
    as_coordinator, url, program, mentor_enrolment, mentee_enrolment
):
    matched = factories.make_enrolment(
        program, factories.make_user("taken@example.com", name="Tia Taken")
    )
    factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[matched])
    factories.make_enrolment(
        program, factories.make_user("app@example.com", name="Appy Applicant"), status="applied"
    )

    content = as_coordinator.get(url).content.decode()

    assert "Mia Mentee (mentee@example.com)" in content
    assert "Tia Taken" not in content
    assert "Appy Applicant" not in content
    assert "Max Mentor (mentor@example.com) — 1 of 2 seats left" in content
    assert "Choose a mentee and a mentor to see how well they fit." in content
    assert "aria-invalid" not in content


def test_the_text_filters_narrow_each_list(as_coordinator, url, program):
    factories.make_enrolment(program, factories.make_user("zed@example.com", name="Zed Zane"))
    content = as_coordinator.get(url, {"mentee_q": "zed", "mentor_q": "nobody"}).content.decode()
    assert "Zed Zane" in content
    assert "Mia Mentee" not in content
    assert "Max Mentor" not in content


def test_checking_a_pair_without_javascript_shows_the_score_and_points(
    as_coordinator, url, topics, mentor_enrolment, mentee_enrolment
):
    response = as_coordinator.get(
        url, {"mentee": mentee_enrolment.pk, "mentor": mentor_enrolment.pk}
    )
    content = response.content.decode()
    assert "Score: 50 out of 100" in content
    assert "<caption>Points by criterion</caption>" in content
    assert "Topics" in content and "50.0" in content
    assert "Make this pair" in content
    assert "<html" in content


def test_the_htmx_preview_is_only_the_preview(
    as_coordinator, url, topics, mentor_enrolment, mentee_enrolment
):
    response = as_coordinator.get(
        url,
        {"mentee": mentee_enrolment.pk, "mentor": mentor_enrolment.pk},
        HTTP_HX_REQUEST="true",
    )
    content = response.content.decode()
    assert "Score: 50 out of 100" in content
    assert "<html" not in content and "Filter mentees" not in content


def test_a_half_made_choice_is_no_error(as_coordinator, url, mentee_enrolment):
    response = as_coordinator.get(url, {"mentee": mentee_enrolment.pk, "mentor": ""})
    content = response.content.decode()
    assert "This field is required" not in content
    assert "Choose a mentee and a mentor" in content


def test_without_criteria_the_preview_says_there_is_no_score(
    as_coordinator, url, mentor_enrolment, mentee_enrolment
):
    content = as_coordinator.get(
        url, {"mentee": mentee_enrolment.pk, "mentor": mentor_enrolment.pk}
    ).content.decode()
    assert "No score:" in content and "Use for matching" in content
    assert "Make this pair" in content


def test_making_a_pair_opens_the_new_mentorship(
    as_coordinator, url, topics, mentor_enrolment, mentee_enrolment
):
    response = as_coordinator.post(
        url, {"mentee": mentee_enrolment.pk, "mentor": mentor_enrolment.pk}, follow=True
    )
    mentorship = Mentorship.objects.get()
    assert response.redirect_chain[-1][0] == reverse("mentorship_detail", args=[mentorship.pk])
    content = response.content.decode()
    assert "The pair is made and both have been told" in content
    assert "Coordinator" in content  # how it was made
    assert mentorship.status == "active"


def test_warnings_need_a_reason_before_the_pair_is_made(
    as_coordinator, url, program, mentor_enrolment, mentee_enrolment
):
    for i in range(2):
        other = factories.make_enrolment(program, factories.make_user(f"f{i}@example.com"))
        factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[other])
    pair = {"mentee": mentee_enrolment.pk, "mentor": mentor_enrolment.pk}

    preview = as_coordinator.get(url, pair).content.decode()
    assert "Max Mentor is at capacity: 2 of 2 seats taken." in preview
    assert "Why make this pair despite the warnings?" in preview
    assert "Make this pair anyway" in preview
    assert "full: 2 of 2 seats taken" in preview

    refused = as_coordinator.post(url, pair).content.decode()
    assert "To make this pair anyway, say why in the override reason." in refused
    assert Mentorship.objects.count() == 2

    response = as_coordinator.post(
        url, {**pair, "override_reason": "Her only possible mentor for data work."}
    )
    made = Mentorship.objects.get(memberships__enrolment=mentee_enrolment)
    assert response.status_code == 302
    assert made.override_reason == "Her only possible mentor for data work."


def test_an_excluded_pair_shows_why_and_offers_no_button(
    as_coordinator, url, program, mentor_enrolment, mentee_enrolment
):
    Exclusion.objects.create(program=program, mentee=mentee_enrolment, mentor=mentor_enrolment)
    pair = {"mentee": mentee_enrolment.pk, "mentor": mentor_enrolment.pk}
    content = as_coordinator.get(url, pair).content.decode()
    assert "This pair cannot be made:" in content
    assert "are excluded from being matched" in content
    assert "Make this pair" not in content

    content = as_coordinator.post(url, {**pair, "override_reason": "Anyway"}).content.decode()
    assert "are excluded from being matched" in content
    assert not Mentorship.objects.exists()


def test_people_from_another_program_cannot_be_posted(
    as_coordinator, url, other_program, outsider, mentor_enrolment
):
    stranger = factories.make_enrolment(other_program, outsider)
    response = as_coordinator.post(url, {"mentee": stranger.pk, "mentor": mentor_enrolment.pk})
    assert "Select a valid choice" in response.content.decode()
    assert not Mentorship.objects.exists()


def test_peer_programs_pair_two_peers(client):
    coordinator = factories.make_user("c@example.com", name="Cora")
    peers = factories.make_program(name="Peers", kind="peer", coordinator=coordinator)
    a, b = (
        factories.make_enrolment(
            peers, factories.make_user(f"p{i}@example.com", name=f"Peer {i}"), role="peer"
        )
        for i in range(2)
    )
    client.force_login(coordinator)
    url = reverse("manual_match", args=[peers.slug])
    content = client.get(url).content.decode()
    assert "First peer" in content and "Second peer" in content
    response = client.post(url, {"mentee": a.pk, "mentor": b.pk})
    assert response.status_code == 302
    assert Mentorship.objects.get().memberships.count() == 2


def test_only_the_programs_coordinators_open_the_page(
    client, url, other_coordinator, mentor, mentee_enrolment, mentor_enrolment
):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for person in (other_coordinator, mentor):
        client.force_login(person)
        assert client.get(url).status_code == 404
        response = client.post(url, {"mentee": mentee_enrolment.pk, "mentor": mentor_enrolment.pk})
        assert response.status_code == 404
    assert not Mentorship.objects.exists()


def test_the_page_does_a_bounded_number_of_queries(
    as_coordinator,
    url,
    program,
    topics,
    mentor_enrolment,
    mentee_enrolment,
    django_assert_max_num_queries,
):
    mentors = [
        factories.make_enrolment(
            program, factories.make_user(f"mentor{i}@example.com"), role="mentor", capacity=1
        )
        for i in range(40)
    ]
    for i in range(200):
        enrolment = factories.make_enrolment(program, factories.make_user(f"m{i}@example.com"))
        if i < 40:
            factories.make_mentorship(program, mentor=mentors[i], mentees=[enrolment])
    pair = {"mentee": mentee_enrolment.pk, "mentor": mentor_enrolment.pk}
    with django_assert_max_num_queries(30):
        response = as_coordinator.get(url, pair)
    content = response.content.decode()
    assert "Score: 50 out of 100" in content
    assert "full: 1 of 1 seats taken" in content
    assert content.count("<option") == 1 + 161 + 1 + 41
