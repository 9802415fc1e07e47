"""Authentication, CSRF, rate limit, problem details, pagination and the OpenAPI document."""

import pytest
from django.conf import settings
from django.test import Client

from lodestar.mentorships.states import MentorshipStatus
from tests import factories
from tests.factories import PASSWORD

from .conftest import assert_problem, bearer

PROGRAMS = "/api/v1/programs/"


def session_client(user, *, enforce_csrf=True) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_anonymous_callers_get_401_with_a_problem_body(client, program):
    response = client.get(PROGRAMS)
    body = assert_problem(response, 401)
    assert body["type"].endswith(":unauthenticated")
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_browser_session_reads_without_a_token(program, mentee):
    response = session_client(mentee).get(PROGRAMS)
    assert response.status_code == 200
    assert [p["slug"] for p in response.json()["results"]] == ["spring"]


def test_a_session_write_without_the_csrf_token_is_refused(pair, mentor):
    client = session_client(mentor)
    response = client.post(f"/api/v1/mentorships/{pair.pk}/pause/")
    body = assert_problem(response, 403)
    assert "CSRF" in body["detail"]
    pair.refresh_from_db()
    assert pair.status == MentorshipStatus.ACTIVE


def test_a_session_write_with_the_csrf_token_goes_through(pair, mentor):
    client = session_client(mentor)
    client.get("/profile/")  # the page sets the CSRF cookie, as a browser would receive it
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(f"/api/v1/mentorships/{pair.pk}/pause/", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == MentorshipStatus.PAUSED


def test_a_token_with_no_session_needs_no_csrf_token(pair, mentor):
    client = Client(enforce_csrf_checks=True)
    response = client.post(f"/api/v1/mentorships/{pair.pk}/pause/", **bearer(mentor))
    assert response.status_code == 200


def test_a_bad_token_is_401_even_with_a_session(program, mentee):
    client = session_client(mentee)
    response = client.get(PROGRAMS, HTTP_AUTHORIZATION="Bearer lsk_00000000_nope")
    assert_problem(response, 401)


def test_too_many_requests_answer_429_with_retry_after(client, program, mentee, settings):
    settings.API_RATE_LIMIT = "2/minute"
    headers = bearer(mentee)
    assert client.get(PROGRAMS, **headers).status_code == 200
    assert client.get(PROGRAMS, **headers).status_code == 200
    response = client.get(PROGRAMS, **headers)
    body = assert_problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 60
    assert response["Retry-After"] in body["detail"]
    # The limit is per token: another token (or person) still gets through.
    assert client.get(PROGRAMS, **bearer(mentee)).status_code == 200


def test_the_rate_limit_applies_to_browser_sessions_per_person(program, mentee, settings):
    settings.API_RATE_LIMIT = "1/hour"
    client = session_client(mentee)
    assert client.get(PROGRAMS).status_code == 200
    assert_problem(client.get(PROGRAMS), 429)


def test_a_bad_query_parameter_is_422_naming_the_field(client, program, mentee):
    response = client.get(PROGRAMS + "?page_size=500&status=bogus", **bearer(mentee))
    body = assert_problem(response, 422)
    assert {error["field"] for error in body["errors"]} == {"page_size", "status"}


def test_an_illegal_transition_is_409(client, pair, mentor):
    response = client.post(f"/api/v1/mentorships/{pair.pk}/resume/", **bearer(mentor))
    body = assert_problem(response, 409)
    assert "paused" in body["detail"]
    assert body["errors"] == [{"field": None, "message": body["detail"]}]


def test_a_service_refusal_is_400(client, program, mentor, mentee, pair, monkeypatch):
    from django.core.exceptions import ValidationError

    from lodestar.mentorships import services

    def refuse(**kwargs):
        raise ValidationError({"reason": "Say why."})

    monkeypatch.setattr(services, "mentorship_pause", refuse)
    response = client.post(f"/api/v1/mentorships/{pair.pk}/pause/", **bearer(mentor))
    body = assert_problem(response, 400)
    assert body["errors"] == [{"field": "reason", "message": "Say why."}]


def test_somebody_elses_object_is_404(client, pair, outsider):
    response = client.get(f"/api/v1/mentorships/{pair.pk}/", **bearer(outsider))
    body = assert_problem(response, 404)
    assert body["type"].endswith(":not-found")


def test_lists_are_paginated_with_links(client, coordinator):
    for number in range(5):
        factories.make_program(coordinator=coordinator, name=f"Cohort {number}")
    headers = bearer(coordinator)
    first = client.get(PROGRAMS + "?page_size=2", **headers).json()
    assert first["count"] == 5
    assert [p["name"] for p in first["results"]] == ["Cohort 0", "Cohort 1"]
    assert first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/programs/?page_size=2&page=2"
    last = client.get(PROGRAMS + "?page=3&page_size=2", **headers).json()
    assert [p["name"] for p in last["results"]] == ["Cohort 4"]
    assert last["next"] is None and "page=2" in last["previous"]
    assert_problem(client.get(PROGRAMS + "?page=4&page_size=2", **headers), 404)


def test_the_openapi_document_lists_every_endpoint_with_its_problems(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    expected = {
        ("/api/v1/programs/", "get"): {"200", "401", "404", "422", "429"},
        ("/api/v1/programs/{slug}/", "get"): {"200", "401", "404", "429"},
        ("/api/v1/programs/{slug}/enrolments/", "get"): {"200", "401", "404", "422", "429"},
        ("/api/v1/mentorships/", "get"): {"200", "401", "404", "422", "429"},
        ("/api/v1/mentorships/{mentorship_id}/", "get"): {"200", "401", "404", "422", "429"},
        ("/api/v1/mentorships/{mentorship_id}/goals/", "get"): {"200", "401", "404", "422", "429"},
    }
    expected[("/api/v1/mentorships/{mentorship_id}/meetings/", "get")] = expected[
        ("/api/v1/mentorships/{mentorship_id}/goals/", "get")
    ]
    expected[("/api/v1/mentorships/{mentorship_id}/goals/{goal_id}/progress/", "post")] = {
        "200", "400", "401", "403", "404", "409", "422", "429"
    }  # fmt: skip
    for action in ("pause", "resume"):
        expected[(f"/api/v1/mentorships/{{mentorship_id}}/{action}/", "post")] = {
            "200", "400", "401", "403", "404", "409", "422", "429"
        }  # fmt: skip
    listed = {(path, method) for path, methods in paths.items() for method in methods}
    # The first endpoints, with their problems; that every endpoint is listed with a rule is
    # test_matrix.py's test_every_endpoint_has_a_rule.
    assert listed >= set(expected)
    for (path, method), codes in expected.items():
        declared = paths[path][method]["responses"]
        assert set(declared) == codes, path
        for code in codes - {"200"}:
            assert "application/problem+json" in declared[code]["content"]


@pytest.mark.parametrize("asset", ["ninja/swagger-ui.css", "ninja/swagger-ui-bundle.js"])
def test_the_docs_page_loads_its_assets_from_our_own_origin(client, asset):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert f"/static/{asset}" in page
    # Everything the page loads comes from 'self', which the site-wide CSP already allows:
    # no inline script and no CDN, so the CSP stays as strict as on every other page.
    assert "<script>" not in page and "cdn." not in page
    assert "script-src 'self'" in response["Content-Security-Policy"]
