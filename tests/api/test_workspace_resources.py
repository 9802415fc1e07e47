"""The resource library and recommendations in the API: the library for the program's people
(hidden resources for its coordinators only), recommendations for the pair's members, and a
mentor recommending a resource to their mentee through the page's service."""

import json

import pytest

from lodestar.engagement.models import Notification
from lodestar.growth import services
from lodestar.growth.models import Recommendation
from tests import factories

from .conftest import assert_problem, bearer, call


def add(program, coordinator, title, *, kind="article", tags=("Communication",), **fields):
    return services.resource_add(
        program=program,
        by=coordinator,
        kind=kind,
        title=title,
        url="https://example.com/" + title.lower().replace(" ", "-"),
        tags=list(tags),
        **fields,
    )


@pytest.fixture
def library(program, coordinator, site_admin):
    feedback = add(program, coordinator, "Giving feedback well")
    python = add(program, coordinator, "Python in a week", kind="course", tags=["Python"])
    hidden = add(program, coordinator, "Old slides", tags=["Python"])
    services.resource_set_hidden(resource=hidden, by=coordinator, hidden=True)
    everywhere = services.resource_add(
        program=None, by=site_admin, kind="book", title="Site-wide book", url="https://ex.com/b"
    )
    return {"feedback": feedback, "python": python, "hidden": hidden, "everywhere": everywhere}


LIBRARY = "/api/v1/programs/spring/resources/"


def recs_url(pair):
    return f"/api/v1/mentorships/{pair.pk}/recommendations/"


# The library -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "role, status, titles",
    [
        ("anonymous", 401, None),
        ("mentee", 200, {"Giving feedback well", "Python in a week", "Site-wide book"}),
        ("mentor", 200, {"Giving feedback well", "Python in a week", "Site-wide book"}),
        (
            "coordinator",
            200,
            {"Giving feedback well", "Python in a week", "Site-wide book", "Old slides"},
        ),
        (
            "site_admin",
            200,
            {"Giving feedback well", "Python in a week", "Site-wide book", "Old slides"},
        ),
        ("other_member", 404, None),
        ("outsider", 404, None),
    ],
)
def test_the_library_is_for_the_programs_people(client, library, people, role, status, titles):
    response = call(client, people[role], "GET", LIBRARY)
    if status != 200:
        assert_problem(response, status)
        return
    assert {r["title"] for r in response.json()["results"]} == titles


def test_the_library_filters_by_skill_kind_and_words(client, library, mentee):
    by_tag = call(client, mentee, "GET", LIBRARY + "?tag=python").json()["results"]
    assert [r["title"] for r in by_tag] == ["Python in a week"]
    assert by_tag[0]["tags"] == [{"name": "Python", "slug": "python"}]
    by_kind = call(client, mentee, "GET", LIBRARY + "?kind=book").json()["results"]
    assert [(r["title"], r["site_wide"]) for r in by_kind] == [("Site-wide book", True)]
    by_words = call(client, mentee, "GET", LIBRARY + "?q=feedback").json()["results"]
    assert [r["title"] for r in by_words] == ["Giving feedback well"]


@pytest.mark.parametrize(
    "query, field", [("?kind=podcast", "kind"), ("?q=a%00b", "q"), ("?tag=py%00", "tag")]
)
def test_a_bad_filter_is_unprocessable(client, library, mentee, query, field):
    problem = assert_problem(call(client, mentee, "GET", LIBRARY + query), 422)
    assert problem["errors"][0]["field"] == field


def test_the_library_takes_a_bounded_number_of_queries(
    client, program, coordinator, mentee, django_assert_max_num_queries
):
    for n in range(12):
        add(program, coordinator, f"Resource {n}", tags=[f"Skill {n}", "Shared"])
    headers = bearer(mentee)
    with django_assert_max_num_queries(12):
        response = client.get(LIBRARY, **headers)
    assert response.json()["count"] == 12


# Recommendations -------------------------------------------------------------------------------


def test_a_mentor_recommends_a_resource_to_their_mentee(client, pair, library, mentor, mentee):
    body = {"resource": library["feedback"].pk, "to": mentee.pk, "note": "Before Friday"}
    response = call(client, mentor, "POST", recs_url(pair), body)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["resource"]["title"] == "Giving feedback well"
    assert created["recommended_by"]["name"] == "Max Mentor"
    assert created["recommended_to"]["name"] == "Mia Mentee"
    assert (created["status"], created["note"]) == ("new", "Before Friday")
    assert Notification.objects.filter(user=mentee, kind="resource_recommended").exists()


def test_a_site_wide_resource_may_be_recommended(client, pair, library, mentor, mentee):
    body = {"resource": library["everywhere"].pk, "to": mentee.pk}
    assert call(client, mentor, "POST", recs_url(pair), body).status_code == 201


def test_a_mentee_does_not_recommend(client, pair, library, mentee, mentor):
    body = {"resource": library["feedback"].pk, "to": mentee.pk}
    problem = assert_problem(call(client, mentee, "POST", recs_url(pair), body), 403)
    assert "Only the mentors" in problem["detail"]
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("which", ["hidden", "another program's", "missing"])
def test_a_resource_outside_the_library_is_refused_naming_it(
    client, pair, library, mentor, mentee, other_program, other_coordinator, which
):
    resource_id = {
        "hidden": lambda: library["hidden"].pk,
        "another program's": lambda: add(other_program, other_coordinator, "Theirs").pk,
        "missing": lambda: 999999,
    }[which]()
    body = {"resource": resource_id, "to": mentee.pk}
    problem = assert_problem(call(client, mentor, "POST", recs_url(pair), body), 400)
    assert [e["field"] for e in problem["errors"]] == ["resource"]
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize("to", ["the mentor", "an outsider"])
def test_only_a_mentee_of_the_pair_receives_one(client, pair, library, mentor, outsider, to):
    body = {
        "resource": library["feedback"].pk,
        "to": (mentor if to == "the mentor" else outsider).pk,
    }
    problem = assert_problem(call(client, mentor, "POST", recs_url(pair), body), 400)
    assert [e["field"] for e in problem["errors"]] == ["to"]
    assert not Recommendation.objects.exists()


def test_recommending_twice_is_refused(client, pair, library, mentor, mentee):
    body = {"resource": library["feedback"].pk, "to": mentee.pk}
    call(client, mentor, "POST", recs_url(pair), body)
    problem = assert_problem(call(client, mentor, "POST", recs_url(pair), body), 400)
    assert "already recommended" in problem["detail"]
    assert Recommendation.objects.count() == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({"to": 1}, "resource"),
        ({"resource": 1}, "to"),
        ({"resource": "the blue one", "to": 1}, "resource"),
        ({"resource": 1, "to": 1, "note": "nul\x00"}, "note"),
    ],
)
def test_a_bad_body_is_unprocessable_and_names_the_field(client, pair, mentor, body, field):
    problem = assert_problem(call(client, mentor, "POST", recs_url(pair), body), 422)
    assert field in [e["field"] for e in problem["errors"]]
    assert not Recommendation.objects.exists()


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
def test_recommendations_are_for_the_pairs_members(
    client, pair, library, mentor, mentee, people, role, status
):
    services.recommendation_create(
        resource=library["feedback"], mentorship=pair, by=mentor, to=mentee, note="Read it"
    )
    response = call(client, people[role], "GET", recs_url(pair))
    if status != 200:
        body = assert_problem(response, status)
        assert "Read it" not in json.dumps(body)
        return
    [listed] = response.json()["results"]
    assert (listed["note"], listed["resource"]["id"]) == ("Read it", library["feedback"].pk)


@pytest.mark.parametrize("role", ["coordinator", "site_admin", "other_member", "outsider"])
def test_non_members_cannot_recommend(client, pair, library, mentee, people, role):
    body = {"resource": library["feedback"].pk, "to": mentee.pk}
    assert_problem(call(client, people[role], "POST", recs_url(pair), body), 404)
    assert not Recommendation.objects.exists()


def test_recommendations_take_a_bounded_number_of_queries(
    client, pair, program, coordinator, mentor, mentee, django_assert_max_num_queries
):
    for n in range(8):
        resource = add(program, coordinator, f"Resource {n}")
        services.recommendation_create(resource=resource, mentorship=pair, by=mentor, to=mentee)
    headers = bearer(mentee)
    with django_assert_max_num_queries(12):
        response = client.get(recs_url(pair), **headers)
    assert response.json()["count"] == 8


def test_a_group_circle_names_which_mentee(client, program, library, mentor, mentee):
    second = factories.make_user("second@example.com", name="Sol Second")
    circle = factories.make_mentorship(
        program,
        mentor=factories.make_enrolment(
            program, factories.make_user("m3@example.com"), role="mentor"
        ),
        mentees=[factories.make_enrolment(program, second, role="mentee")],
    )
    # Max is not a mentor of that circle: nothing of it is his to touch.
    body = {"resource": library["feedback"].pk, "to": second.pk}
    assert_problem(call(client, mentor, "POST", recs_url(circle), body), 404)
