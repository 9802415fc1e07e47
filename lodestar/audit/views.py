"""The audit pages: the whole trail for site admins, one program's events for its coordinators.
Both search by action, person, object and dates, page through the results, and export them."""

from __future__ import annotations

import csv
import io
import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import policy
from .forms import AuditSearchForm
from .models import Verb
from .selectors import search_events
from .services import record

PAGE_SIZE = 50
BOM = "\ufeff"  # so that spreadsheet programs read the CSV as UTF-8
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@login_required
@require_GET
def site_events(request: HttpRequest) -> HttpResponse:
    policy.require_site_auditor(request.user)
    return _page(request, program=None)


@login_required
@require_GET
def site_events_csv(request: HttpRequest) -> HttpResponse:
    policy.require_site_auditor(request.user)
    return _csv(request, program=None)


@login_required
@require_GET
def program_events(request: HttpRequest, slug: str) -> HttpResponse:
    program = policy.get_program_for_auditor(request.user, slug)
    return _page(request, program=program)


@login_required
@require_GET
def program_events_csv(request: HttpRequest, slug: str) -> HttpResponse:
    program = policy.get_program_for_auditor(request.user, slug)
    return _csv(request, program=program)


def _form(request: HttpRequest) -> AuditSearchForm:
    wanted = {k: v for k, v in request.GET.items() if k != "page"}
    return AuditSearchForm(wanted or None)


def _page(request: HttpRequest, *, program) -> HttpResponse:
    form = _form(request)
    events = search_events(form.search(), program=program)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/event_list.html",
        {
            "program": program,
            "form": form,
            "page": page,
            # Addresses are personal data: the site's admins see them, a program's coordinators
            # see who did what in their program.
            "show_ip": program is None,
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _csv(request: HttpRequest, *, program) -> HttpResponse:
    form = _form(request)
    if form.is_bound and not form.is_valid():
        errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    search = form.search()
    events = search_events(search, program=program)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header = ["time", "action", "actor", "object type", "object id", "object", "program"]
    show_ip = program is None
    writer.writerow([*header, "ip", "details"] if show_ip else [*header, "details"])
    rows = 0
    for event in events.select_related("target_type").iterator(chunk_size=2000):
        row = [
            timezone.localtime(event.at).isoformat(),
            event.verb,
            event.actor_label,
            event.target_type.model if event.target_type else "",
            event.target_id,
            event.target_label,
            event.program.slug if event.program else "",
        ]
        if show_ip:
            row.append(event.ip or "")
        row.append(_json(event.details))
        writer.writerow([_defuse(cell) for cell in row])
        rows += 1
    # The export is itself an event, recorded after the rows so that it is not among them.
    record(
        Verb.EXPORTED,
        actor=request.user,
        target=program,
        program=program,
        request=request,
        target_label="" if program else "audit trail",
        details={"report": "audit", "rows": rows, "filters": _filters(search)},
    )
    name = f"{program.slug}-audit" if program else "audit"
    response = HttpResponse(BOM + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    return response


def _filters(search) -> dict:
    return {key: str(value) for key, value in vars(search).items() if value not in ("", None)}


def _json(details) -> str:
    return json.dumps(details, ensure_ascii=False, sort_keys=True) if details else ""


def _defuse(cell) -> str:
    # A name like "=HYPERLINK(…)" must stay text when the file is opened in a spreadsheet.
    text = str(cell)
    return "'" + text if text.startswith(FORMULA_START) else text
