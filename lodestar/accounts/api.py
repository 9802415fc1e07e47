"""People in the JSON API: the HR directory sync, for site administrators (accounts/directory.py).

A signed-in caller who is not a site administrator gets 403, not 404: the endpoint is nobody's
object and is listed in the published schema, so hiding it would keep nothing secret and would
only send an integrator holding the wrong token looking for a typo in the URL.
"""

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Router, Schema

from lodestar.api.problems import responses

from .directory import directory_sync

router = Router(tags=["accounts"])


class DirectorySyncIn(Schema):
    format: Literal["csv", "json"]
    data: str | list[Any]
    dry_run: bool = False
    deactivate_missing: bool = False


class PersonChangeOut(Schema):
    email: str
    action: Literal["created", "updated", "deactivated", "reactivated", "skipped", "unchanged"]
    fields: list[str]
    note: str


class DirectorySyncOut(Schema):
    dry_run: bool
    counts: dict[str, int]
    people: list[PersonChangeOut]


@router.post(
    "/directory/sync/",
    response=responses({200: DirectorySyncOut}, 400, 403, 422),
    operation_id="directory_sync",
    summary="Sync people with the HR directory",
)
def directory_sync_endpoint(request: HttpRequest, body: DirectorySyncIn):
    """Create, update and deactivate people from an HR directory export; site admins only.

    `data` is the CSV text (with a header row) or, for `json`, a list of objects, each with
    `email` and any of `name`, `department`, `title`, `manager_email`, `active`. Every row is
    checked first: any error answers 400 with each one in `errors` (`rows[3].email`: the row as
    a spreadsheet numbers it, the header being row 1; for JSON, the item's place from 1), and
    nothing changes. A second call with the same data reports every person `unchanged`.
    """
    report = directory_sync(
        data=body.data,
        format=body.format,
        dry_run=body.dry_run,
        deactivate_missing=body.deactivate_missing,
        by=request.auth,
    )
    return {"dry_run": report.dry_run, "counts": report.counts, "people": report.people}
