"""The library, recommendation and feedback pages, per persona."""

import pytest
from django.urls import reverse

from lodestar.growth import services
from lodestar.growth.models import Recommendation, Resource, WorkFeedbackRequest
from lodestar.growth.workspace import panel
from lodestar.mentorships.models import Mentorship
from tests.growth.conftest import EXE, PDF, ask, upload

pytestmark = pytest.mark.django_db

NOTE = "Secret note about chapter two"
QUESTION = "Is my private summary clear enough?"


@pytest.fixture
def shared(resource, pair, mentor, mentee):
    """A recommendation with a note and a request for feedback with its question."""
    rec = services.recommendation_create(
        resource=resource, mentorship=pair, by=mentor, to=mentee, note=NOTE
    )
    item = ask(pair, mentee, question=QUESTION)
    return rec, item


# The library -----------------------------------------------------------------------------------


def library(program):
    return reverse("resource_library", args=[program.slug])


@pytest.mark.parametrize("who", ["mentor", "mentee", "coordinator"])
def test_participants_and_coordinators_see_the_library(client, request, program, resource, who):
    client.force_login(request.getfixturevalue(who))
    response = client.get(library(program))
    assert response.status_code == 200
    assert "Giving feedback well" in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "other_coordinator"])
def test_library_is_404_for_others(client, request, program, resource, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(library(program)).status_code == 404
    assert client.get(reverse("resource_add", args=[program.slug])).status_code == 404


def test_anonymous_is_sent_to_log_in(client, program):
    response = client.get(library(program))
    assert response.status_code == 302 and "login" in response.url


def test_search_and_filters(client, program, coordinator, mentee, resource):
    services.resource_add(
        program=program,
        by=coordinator,
        kind="video",
        title="Negotiation basics",
        url="https://x.org/n",
        tags=["Career"],
    )
    client.force_login(mentee)
    page = client.get(library(program), {"q": "negotiation"}).content.decode()
    assert "Negotiation basics" in page and "Giving feedback well" not in page
    page = client.get(library(program), {"kind": "article"}).content.decode()
    assert "Giving feedback well" in page and "Negotiation basics" not in page
    page = client.get(library(program), {"tag": "communication"}).content.decode()
    assert "Giving feedback well" in page and "Negotiation basics" not in page
    page = client.get(library(program), {"q": "communication"}).content.decode()
    assert "Giving feedback well" in page


def test_hidden_resources_only_for_coordinators(client, program, coordinator, mentee, resource):
    services.resource_set_hidden(resource=resource, by=coordinator, hidden=True)
    client.force_login(mentee)
    assert "Giving feedback well" not in client.get(library(program)).content.decode()
    client.force_login(coordinator)
    assert "Giving feedback well" in client.get(library(program)).content.decode()


def test_library_page_queries_are_bounded(
    client, program, coordinator, mentee, django_assert_max_num_queries
):
    for n in range(25):
        services.resource_add(
            program=program,
            by=coordinator,
            kind="article",
            title=f"Resource {n}",
            url=f"https://x.org/{n}",
            tags=[f"Tag {n % 4}", "Shared"],
        )
    client.force_login(mentee)
    with django_assert_max_num_queries(16):
        response = client.get(library(program), {"q": "resource"})
    assert response.status_code == 200


def test_mentor_adds_through_the_page(client, program, mentor):
    client.force_login(mentor)
    response = client.post(
        reverse("resource_add", args=[program.slug]),
        {
            "kind": "course",
            "title": "Public speaking",
            "url": "https://x.org/ps",
            "tags": "Speaking, Confidence",
        },
    )
    assert response.status_code == 302
    assert Resource.objects.get().title == "Public speaking"


def test_mentee_cannot_add(client, program, mentee):
    client.force_login(mentee)
    assert client.get(reverse("resource_add", args=[program.slug])).status_code == 404


def test_bad_file_is_refused_on_the_page(client, program, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("resource_add", args=[program.slug]),
        {"kind": "file", "title": "X", "file": upload("x.pdf", EXE)},
    )
    assert response.status_code == 400
    assert "not a PDF file" in response.content.decode()
    assert not Resource.objects.exists()


def test_resource_file_download(client, program, coordinator, mentee, outsider):
    added = services.resource_add(
        program=program, by=coordinator, kind="file", title="Plan", file=upload("plan.pdf", PDF)
    )
    url = reverse("resource_file", args=[program.slug, added.pk])
    client.force_login(mentee)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_coordinator_hides_and_edits(client, program, coordinator, resource):
    client.force_login(coordinator)
    client.post(reverse("resource_hide", args=[program.slug, resource.pk]), {"hidden": "1"})
    resource.refresh_from_db()
    assert resource.hidden
    response = client.post(
        reverse("resource_edit", args=[program.slug, resource.pk]),
        {"kind": "book", "title": "Renamed", "url": "https://x.org", "tags": ""},
    )
    assert response.status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Renamed"


@pytest.mark.parametrize("who", ["mentor", "other_coordinator"])
def test_others_cannot_curate(client, request, program, resource, who):
    client.force_login(request.getfixturevalue(who))
    assert (
        client.post(
            reverse("resource_hide", args=[program.slug, resource.pk]), {"hidden": "1"}
        ).status_code
        == 404
    )
    assert client.get(reverse("resource_edit", args=[program.slug, resource.pk])).status_code == 404
    resource.refresh_from_db()
    assert not resource.hidden


def test_stats_show_counts_not_notes(client, program, coordinator, shared, other_coordinator):
    client.force_login(coordinator)
    page = client.get(reverse("resource_stats", args=[program.slug])).content.decode()
    assert "Giving feedback well" in page
    assert NOTE not in page
    client.force_login(other_coordinator)
    assert client.get(reverse("resource_stats", args=[program.slug])).status_code == 404


# Recommendations -------------------------------------------------------------------------------


def test_mentor_recommends_through_the_page(client, program, resource, pair, mentor, mentee):
    client.force_login(mentor)
    url = reverse("resource_recommend", args=[program.slug, resource.pk])
    page = client.get(url).content.decode()
    assert "Mia Mentee" in page
    response = client.post(url, {"to": f"{pair.pk}-{mentee.pk}", "note": "Try it"})
    assert response.status_code == 302
    assert Recommendation.objects.get().note == "Try it"


def test_forged_target_is_refused(client, program, resource, pair, mentor, other_member):
    client.force_login(mentor)
    url = reverse("resource_recommend", args=[program.slug, resource.pk])
    response = client.post(url, {"to": f"{pair.pk}-{other_member.pk}", "note": "x"})
    assert response.status_code == 400
    assert not Recommendation.objects.exists()


def test_mentee_cannot_open_recommend(client, program, resource, pair, mentee):
    client.force_login(mentee)
    assert (
        client.get(reverse("resource_recommend", args=[program.slug, resource.pk])).status_code
        == 404
    )


def test_mentee_updates_a_recommendation(client, pair, mentee, shared):
    rec, _item = shared
    client.force_login(mentee)
    page = client.get(reverse("mentorship_resources", args=[pair.pk])).content.decode()
    assert NOTE in page
    response = client.post(
        reverse("recommendation_update", args=[pair.pk, rec.pk]),
        {f"rec{rec.pk}-status": "done", f"rec{rec.pk}-rating": "4"},
    )
    assert response.status_code == 302
    rec.refresh_from_db()
    assert (rec.status, rec.rating) == ("done", 4)


def test_rating_out_of_range_on_the_page(client, pair, mentee, shared):
    rec, _item = shared
    client.force_login(mentee)
    client.post(
        reverse("recommendation_update", args=[pair.pk, rec.pk]),
        {f"rec{rec.pk}-status": "done", f"rec{rec.pk}-rating": "9"},
    )
    rec.refresh_from_db()
    assert (rec.status, rec.rating) == ("new", None)


@pytest.mark.parametrize("who", ["coordinator", "outsider", "other_coordinator", "other_member"])
def test_pair_pages_are_404_for_non_members(client, request, pair, shared, who):
    _rec, item = shared
    client.force_login(request.getfixturevalue(who))
    for url in (
        reverse("mentorship_resources", args=[pair.pk]),
        reverse("feedback_list", args=[pair.pk]),
        reverse("feedback_detail", args=[pair.pk, item.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("feedback_close", args=[pair.pk, item.pk])).status_code == 404


def test_pair_pages_send_anonymous_to_log_in(client, pair):
    response = client.get(reverse("feedback_list", args=[pair.pk]))
    assert response.status_code == 302 and "login" in response.url


# Feedback on work ------------------------------------------------------------------------------


def test_mentee_asks_through_the_page(client, pair, mentee):
    client.force_login(mentee)
    response = client.post(
        reverse("feedback_list", args=[pair.pk]),
        {"title": "My talk", "question": "Too long?", "link": "https://slides.example.com"},
    )
    assert response.status_code == 302
    assert WorkFeedbackRequest.objects.get().title == "My talk"


def test_mentor_sees_no_ask_form_and_cannot_post(client, pair, mentor):
    client.force_login(mentor)
    page = client.get(reverse("feedback_list", args=[pair.pk])).content.decode()
    assert "Ask for feedback" not in page
    client.post(
        reverse("feedback_list", args=[pair.pk]), {"title": "x", "question": "y", "text": "z"}
    )
    assert not WorkFeedbackRequest.objects.exists()


def test_mentor_answers_and_mentee_closes(client, pair, mentor, mentee, shared):
    _rec, item = shared
    url = reverse("feedback_detail", args=[pair.pk, item.pk])
    client.force_login(mentor)
    assert QUESTION in client.get(url).content.decode()
    client.post(url, {"body": "Looks good"})
    item.refresh_from_db()
    assert item.status == "answered"
    client.force_login(mentee)
    client.post(reverse("feedback_close", args=[pair.pk, item.pk]))
    item.refresh_from_db()
    assert item.status == "closed"
    client.force_login(mentor)
    client.post(url, {"body": "Too late"})
    assert item.comments.count() == 1


def test_another_mentorships_request_is_404(client, pair, mentee, other_member, shared):
    _rec, item = shared
    theirs = Mentorship.objects.get(memberships__user=other_member)
    client.force_login(other_member)
    assert client.get(reverse("feedback_detail", args=[theirs.pk, item.pk])).status_code == 404
    assert client.get(reverse("feedback_file", args=[theirs.pk, item.pk])).status_code == 404


def test_feedback_file_for_members_only(client, pair, mentee, mentor, coordinator):
    item = ask(pair, mentee, text="", file=upload("cv.pdf", PDF))
    url = reverse("feedback_file", args=[pair.pk, item.pk])
    client.force_login(mentor)
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    client.force_login(coordinator)
    assert client.get(url).status_code == 404


def test_finished_mentorship_pages_are_read_only(client, pair, mentee, shared):
    _rec, item = shared
    Mentorship.objects.filter(pk=pair.pk).update(status="completed")
    client.force_login(mentee)
    page = client.get(reverse("feedback_detail", args=[pair.pk, item.pk])).content.decode()
    assert QUESTION in page and "Add the comment" not in page and "Close this request" not in page
    client.post(reverse("feedback_close", args=[pair.pk, item.pk]))
    item.refresh_from_db()
    assert item.status == "open"


# The workspace panel ---------------------------------------------------------------------------


def test_workspace_shows_content_to_members_and_counts_to_coordinators(
    client, pair, mentee, coordinator, shared
):
    url = reverse("mentorship_detail", args=[pair.pk])
    client.force_login(mentee)
    page = client.get(url).content.decode()
    assert "Giving feedback well" in page and "My CV" in page
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert "Resources recommended" in page
    for secret in (NOTE, QUESTION, "My CV"):
        assert secret not in page


def test_panel_queries_are_bounded(
    pair, mentor, mentee, resource, coordinator, django_assert_num_queries
):
    for n in range(8):
        ask(pair, mentee, title=f"Work {n}")
        extra = services.resource_add(
            program=pair.program, by=coordinator, kind="book", title=f"B{n}", url="https://x.org"
        )
        services.recommendation_create(resource=extra, mentorship=pair, by=mentor, to=mentee)
    with django_assert_num_queries(2):
        context = panel(pair, mentee, content=True)
    assert len(context["growth_feedback"]) == 5 and context["growth_feedback_more"]
    with django_assert_num_queries(2):
        context = panel(pair, coordinator, content=False)
    assert context["growth_counts"]["recommendations"] == 8
