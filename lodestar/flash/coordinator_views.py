"""The coordinators' view of a flash program: sessions booked, held, cancelled and missed, the
hours held, the most requested topics and mentors, and the feedback scores. Counts and
averages only: the questions and the comments stay with the people of each session."""

from __future__ import annotations

from datetime import time, timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from lodestar.programs.models import Kind
from lodestar.programs.policy import get_program_for_coordinator

from .forms import PeriodForm
from .models import OfficeHours
from .selectors import program_stats
from .slots import to_utc


def _period(form: PeriodForm) -> tuple:
    """The UTC bounds [since, until) of the dates asked for, read in the coordinator's zone."""
    zone = timezone.get_current_timezone()
    since, until = form.cleaned_data.get("since"), form.cleaned_data.get("until")
    return (
        to_utc(since, time(0), zone) if since else None,
        to_utc(until + timedelta(days=1), time(0), zone) if until else None,
    )


def _percent(share: float | None) -> int | None:
    return None if share is None else round(share * 100)


@login_required
@require_GET
def program_sessions(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    if program.kind != Kind.FLASH:
        raise Http404
    form = PeriodForm(request.GET or None)
    since = until = None
    status = 200
    if form.is_bound:
        if form.is_valid():
            since, until = _period(form)
        else:
            status = 400  # the figures below are then for every session
    stats = program_stats(program, since=since, until=until)
    offered = OfficeHours.objects.filter(program=program, withdrawn_at__isnull=True).aggregate(
        hours=Count("pk"), mentors=Count("mentor", distinct=True)
    )
    context = {
        "program": program,
        "form": form,
        "filtered": bool(since or until),
        "stats": stats,
        "useful_percent": _percent(stats.useful_share),
        "offered": offered,
    }
    return render(request, "flash/program_sessions.html", context, status=status)
