"""The coordinators' view of every running pair's health: dates and counts, no content."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from lodestar.programs.policy import get_program_for_coordinator

from .health import attach_members, program_health
from .models import HealthStatus, PairHealth

PAGE_SIZE = 50


@login_required
@require_GET
def program_health_page(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    pairs = program_health(program)
    counts = dict.fromkeys(HealthStatus.values, 0)
    for pair in pairs:
        counts[pair.status] += 1
    page = Paginator(pairs, PAGE_SIZE).get_page(request.GET.get("page"))
    attach_members(page.object_list)
    ids = [pair.mentorship_id for pair in page]
    # Since when a pair is so, from the hourly record (when it agrees with the live status).
    recorded = {
        pk: (status, since)
        for pk, status, since in PairHealth.objects.filter(mentorship_id__in=ids).values_list(
            "mentorship_id", "status", "since"
        )
    }
    for pair in page:
        status, since = recorded.get(pair.mentorship_id, (None, None))
        pair.since = since if status == pair.status else None
    summary = [(HealthStatus(s).label, counts[s]) for s in HealthStatus.values]
    return render(
        request,
        "engagement/health_program.html",
        {"program": program, "page": page, "summary": summary},
    )
