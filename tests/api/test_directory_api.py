"""POST /api/v1/directory/sync/: the directory sync for site administrators, the same service as
the console command; a bad file is a 400 problem naming each row, and changes nothing."""

import json

import pytest

from lodestar.accounts.models import User
from lodestar.api.api import api

from .conftest import assert_problem, bearer

URL = "/api/v1/directory/sync/"
ORG = (
    "email,name,department,title,manager_email,active\n"
    "bea@example.com,Bea Boss,Engineering,CTO,,true\n"
    "ann@example.com,Ann Analyst,Engineering,Analyst,bea@example.com,true\n"
)


def post(client, user, body, scope="read_write"):
    headers = bearer(user, scope) if user else {}
    return client.post(URL, data=json.dumps(body), content_type="application/json", **headers)


def test_a_site_admin_syncs_a_csv_export_and_reads_the_report(client, site_admin):
    response = post(client, site_admin, {"format": "csv", "data": ORG})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["dry_run"] is False
    assert body["counts"] == {
        "created": 2,
        "updated": 0,
        "deactivated": 0,
        "reactivated": 0,
        "skipped": 0,
        "unchanged": 0,
    }
    assert {p["email"]: p["action"] for p in body["people"]} == {
        "bea@example.com": "created",
        "ann@example.com": "created",
    }
    assert User.objects.get(email="ann@example.com").manager.email == "bea@example.com"
    again = post(client, site_admin, {"format": "csv", "data": ORG}).json()
    assert again["counts"]["unchanged"] == 2


def test_json_data_with_a_dry_run_changes_nothing(client, site_admin):
    data = [{"email": "ann@example.com", "name": "Ann", "title": "Analyst", "active": "yes"}]
    response = post(client, site_admin, {"format": "json", "data": data, "dry_run": True})
    assert response.status_code == 200, response.content
    assert response.json()["people"] == [
        {"email": "ann@example.com", "action": "created", "fields": [], "note": ""}
    ]
    assert not User.objects.filter(email="ann@example.com").exists()


def test_a_mentor_marked_inactive_is_deactivated_and_a_superuser_skipped(
    client, site_admin, mentor
):
    data = [
        {"email": "mentor@example.com", "active": False},
        {"email": "admin@example.com", "active": False},
    ]
    body = post(client, site_admin, {"format": "json", "data": data}).json()
    actions = {p["email"]: p["action"] for p in body["people"]}
    assert actions == {"mentor@example.com": "deactivated", "admin@example.com": "skipped"}
    mentor.refresh_from_db()
    site_admin.refresh_from_db()
    assert not mentor.is_active and site_admin.is_active
    # The mentor's own token now answers 401, like any token of a deactivated account.
    assert post(client, mentor, {"format": "json", "data": data}).status_code == 401


def test_deactivate_missing_is_passed_through(client, site_admin):
    post(client, site_admin, {"format": "csv", "data": ORG})
    only_bea = "\n".join(ORG.splitlines()[:2]) + "\n"
    body = post(
        client, site_admin, {"format": "csv", "data": only_bea, "deactivate_missing": True}
    ).json()
    assert body["counts"]["deactivated"] == 1
    assert not User.objects.get(email="ann@example.com").is_active


def test_an_invalid_file_is_a_400_problem_naming_each_row_and_field(client, site_admin):
    data = ORG + "not-an-address,X,,,,true\nbob@example.com,Bob,,,bob@example.com,maybe\n"
    body = assert_problem(post(client, site_admin, {"format": "csv", "data": data}), 400)
    assert body["errors"] == [
        {"field": "rows[4].email", "message": "“not-an-address” is not a valid email address."},
        {"field": "rows[5].manager_email", "message": "A person cannot be their own manager."},
        {
            "field": "rows[5].active",
            "message": "“maybe” is not one of true, false, yes, no, 1 or 0.",
        },
    ]
    assert body["detail"] == "“not-an-address” is not a valid email address."
    assert User.objects.filter(email__endswith="@example.com").count() == 1  # the admin


def test_json_rows_are_numbered_from_one(client, site_admin):
    data = [{"email": "ann@example.com"}, {"email": "ann@example.com"}]
    body = assert_problem(post(client, site_admin, {"format": "json", "data": data}), 400)
    assert body["errors"] == [
        {"field": "rows[2].email", "message": "ann@example.com is also on row 1."}
    ]


def test_csv_data_must_be_text(client, site_admin):
    body = assert_problem(post(client, site_admin, {"format": "csv", "data": [{}]}), 400)
    assert body["errors"] == [
        {"field": "data", "message": "CSV data must be text, with a header row."}
    ]


def test_an_unknown_format_is_422(client, site_admin):
    assert_problem(post(client, site_admin, {"format": "xml", "data": ""}), 422)


@pytest.mark.parametrize("who", ["coordinator", "mentor", "outsider"])
def test_everyone_but_a_site_admin_is_refused_and_nothing_changes(client, request, who):
    user = request.getfixturevalue(who)
    body = assert_problem(post(client, user, {"format": "csv", "data": ORG}), 403)
    assert body["detail"] == "Only site administrators can sync the directory."
    assert not User.objects.filter(email="ann@example.com").exists()


def test_signed_out_is_401(client, db):
    assert_problem(post(client, None, {"format": "csv", "data": ORG}), 401)


def test_a_read_only_token_cannot_sync(client, site_admin):
    assert_problem(post(client, site_admin, {"format": "csv", "data": ORG}, scope="read"), 403)
    assert not User.objects.filter(email="ann@example.com").exists()


def test_the_schema_declares_every_status():
    operation = api.get_openapi_schema()["paths"][URL]["post"]
    assert operation["operationId"] == "directory_sync"
    assert set(operation["responses"]) == {200, 400, 401, 403, 422, 429}
