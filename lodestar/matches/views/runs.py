"""Coordinators' matching pages: start a run, watch it, review and adjust its pairs, publish,
compare two runs, and check that no group is matched worse."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from lodestar.programs.models import Enrolment, Program, Role
from lodestar.programs.policy import get_program_for_coordinator

from .. import run_selectors
from ..models import Exclusion, MatchRun, Proposal, Solver
from ..services import review as review_services
from ..services.fairness import MIN_GROUP, fairness_attributes, fairness_report
from ..services.publish import run_publish
from ..services.runs import SOLVER_HELP, run_start
from ..states import UNFINISHED_RUN, RunStatus

POLL_SECONDS = 2


class RunForm(forms.Form):
    solver = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=Solver.choices,
        initial=Solver.OPTIMAL,
        widget=forms.RadioSelect,
    )


def _run(program: Program, number: int) -> MatchRun:
    return get_object_or_404(
        MatchRun.objects.select_related("program", "created_by", "published_by"),
        program=program,
        number=number,
    )


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


# ---- the runs of a program --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def run_list(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = RunForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            run = run_start(program=program, solver=form.cleaned_data["solver"], by=request.user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            return redirect("match_run", slug=program.slug, number=run.number)
    runs = run_selectors.runs_of(program)
    return render(
        request,
        "matches/run_list.html",
        {
            "program": program,
            "form": form,
            "solvers": [(value, label, SOLVER_HELP[value]) for value, label in Solver.choices],
            "peer": Role.PEER in program.roles,
            "runs": runs,
            "in_progress": next((r for r in runs if r.status in UNFINISHED_RUN), None),
            "counts": run_selectors.participant_counts(program),
            "pins": run_selectors.pins_of(program),
            "exclusions": run_selectors.exclusions_of(program),
        },
    )


@login_required
@require_POST
def exclusion_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    exclusion = get_object_or_404(
        Exclusion.objects.select_related("mentee__user", "mentor__user", "program"),
        program=program,
        pk=pk,
    )
    review_services.exclusion_remove(exclusion=exclusion, by=request.user)
    messages.success(
        request,
        _("%(mentee)s and %(mentor)s may be matched again in later runs.")
        % {
            "mentee": exclusion.mentee.user.display_name,
            "mentor": exclusion.mentor.user.display_name,
        },
    )
    return redirect(reverse("match_runs", args=[program.slug]) + "#exclusions")


# ---- one run ----------------------------------------------------------------------------------


@login_required
@require_GET
def run_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    run = _run(program, number)
    context = {"program": program, "run": run, "poll_seconds": POLL_SECONDS}
    if run.status in (RunStatus.DONE, RunStatus.PUBLISHED):
        query = request.GET.get("q", "")[:100]
        flagged = request.GET.get("flagged") == "1"
        context.update(
            review=run_selectors.review(
                run,
                page=request.GET.get("page"),
                flagged_only=flagged,
                query=query,
                unmatched_page=request.GET.get("unmatched_page"),
            ),
            query=query,
            flagged=flagged,
        )
    return render(request, "matches/run_detail.html", context)


@login_required
@require_GET
def run_progress(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The progress box while a run is queued or running; once it is not, the whole page
    reloads (htmx) or the visitor is sent to it."""
    program = get_program_for_coordinator(request.user, slug)
    run = _run(program, number)
    if run.status in UNFINISHED_RUN:
        return render(
            request,
            "matches/run_detail.html#progress",
            {"program": program, "run": run, "poll_seconds": POLL_SECONDS},
        )
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    return redirect("match_run", slug=program.slug, number=run.number)


@login_required
@require_POST
def run_publish_view(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    run = _run(program, number)
    try:
        made = run_publish(run=run, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "Published: %(count)s proposed mentorships. Everyone was told by email and in "
                "the app, and each person now accepts or declines."
            )
            % {"count": len(made)},
        )
    return redirect("match_run", slug=program.slug, number=run.number)


# ---- one mentee of a run: look, preview a change, make it -------------------------------------


def _mentee_context(request, program: Program, run: MatchRun, enrolment: int) -> dict:
    found = run_selectors.mentee_in_run(run, enrolment)
    if found is None:
        raise Http404
    return {
        "program": program,
        "run": run,
        "found": found,
        "editable": run.status == RunStatus.DONE,
        "peer": Role.PEER in program.roles,
    }


@login_required
@require_GET
def run_mentee(request: HttpRequest, slug: str, number: int, enrolment: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    run = _run(program, number)
    return render(
        request, "matches/run_mentee.html", _mentee_context(request, program, run, enrolment)
    )


@login_required
@require_GET
def run_preview(request: HttpRequest, slug: str, number: int, enrolment: int) -> HttpResponse:
    """The score and warnings of a change before it is made: ?mentor=<enrolment id> for a new
    mentor, ?swap=<proposal id> for swapping mentors with another mentee."""
    program = get_program_for_coordinator(request.user, slug)
    run = _run(program, number)
    context = _mentee_context(request, program, run, enrolment)
    found = context["found"]
    checks, errors = [], []
    kind = "swap" if "swap" in request.GET else "mentor"
    try:
        if kind == "swap":
            other = _int(request.GET.get("swap"))
            partner = Proposal.objects.filter(run=run, pk=other).first() if other else None
            if found.proposal is None or partner is None:
                raise ValidationError(_("Choose a mentee to swap with."))
            checks = review_services.swap_preview(run=run, first=found.proposal, second=partner)
        else:
            mentor_id = _int(request.GET.get("mentor"))
            mentor = Enrolment.objects.filter(pk=mentor_id).first() if mentor_id else None
            if mentor is None:
                raise ValidationError(_("Choose a mentor."))
            checks = [review_services.pair_preview(run=run, mentee=found.mentee, mentor=mentor)]
    except ValidationError as error:
        errors = error.messages
    context.update(
        checks=checks,
        preview_errors=errors,
        preview_kind=kind,
        criteria=[c["name"] for c in (run.inputs or {}).get("criteria", [])],
        chosen_mentor=_int(request.GET.get("mentor")),
        chosen_swap=_int(request.GET.get("swap")),
    )
    template = "matches/run_mentee.html"
    if request.htmx:
        template += "#preview"
    return render(request, template, context)


ACTIONS = ("pin", "unpin", "exclude", "reassign", "swap")


@login_required
@require_POST
def run_change(
    request: HttpRequest, slug: str, number: int, enrolment: int, action: str
) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    run = _run(program, number)
    found = _mentee_context(request, program, run, enrolment)["found"]
    back = redirect("match_run_mentee", slug=program.slug, number=run.number, enrolment=enrolment)
    name = found.mentee.user.display_name
    try:
        if action == "reassign":
            mentor = Enrolment.objects.filter(pk=_int(request.POST.get("mentor")) or 0).first()
            if mentor is None:
                raise ValidationError(_("Choose a mentor."))
            made = review_services.proposal_reassign(
                run=run, mentee=found.mentee, mentor=mentor, by=request.user
            )
            text = _("%(mentee)s is now proposed with %(mentor)s (score %(score)s).") % {
                "mentee": name,
                "mentor": made.mentor.user.display_name,
                "score": f"{made.score:.0f}",
            }
        else:
            if found.proposal is None:
                raise ValidationError(_("%(name)s has no pair in this run.") % {"name": name})
            if action == "pin":
                review_services.proposal_pin(run=run, proposal=found.proposal, by=request.user)
                text = _("Pinned: every later run keeps this pair.")
            elif action == "unpin":
                review_services.proposal_unpin(run=run, proposal=found.proposal, by=request.user)
                text = _("Unpinned: later runs decide this pair again.")
            elif action == "exclude":
                review_services.pair_exclude(run=run, proposal=found.proposal, by=request.user)
                text = _("%(mentee)s and %(mentor)s will never be matched in this program.") % {
                    "mentee": name,
                    "mentor": found.proposal.mentor.user.display_name,
                }
            else:
                other = Proposal.objects.filter(
                    run=run, pk=_int(request.POST.get("swap")) or 0
                ).first()
                if other is None:
                    raise ValidationError(_("Choose a mentee to swap with."))
                review_services.proposal_swap(
                    run=run, first=found.proposal, second=other, by=request.user
                )
                text = _("Swapped: %(mentee)s and %(other)s exchanged mentors.") % {
                    "mentee": name,
                    "other": other.mentee.user.display_name,
                }
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, text)
    return back


# ---- comparing and checking fairness ----------------------------------------------------------


@login_required
@require_GET
def run_compare(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    runs = [r for r in run_selectors.runs_of(program) if r.status not in UNFINISHED_RUN]
    numbers = {r.number: r for r in runs}
    a, b = _int(request.GET.get("a")), _int(request.GET.get("b"))
    if a is None and b is None and len(runs) >= 2:
        a, b = runs[1].number, runs[0].number
    error = ""
    comparison = None
    if a is not None and b is not None:
        if a not in numbers or b not in numbers:
            error = _("Choose two finished runs of this program.")
        elif a == b:
            error = _("Choose two different runs.")
        else:
            comparison = run_selectors.compare(numbers[a], numbers[b])
    return render(
        request,
        "matches/run_compare.html",
        {
            "program": program,
            "runs": runs,
            "a": a,
            "b": b,
            "comparison": comparison,
            "error": error,
        },
    )


@login_required
@require_GET
def run_fairness(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    run = _run(program, number)
    if run.status not in (RunStatus.DONE, RunStatus.PUBLISHED):
        raise Http404
    attributes = fairness_attributes(program)
    chosen = request.GET.get("attribute") or (attributes[0].key if attributes else "")
    report, error = None, ""
    try:
        report = fairness_report(run=run, attribute=chosen)
    except ValidationError as problem:
        error = " ".join(problem.messages)
    return render(
        request,
        "matches/run_fairness.html",
        {
            "program": program,
            "run": run,
            "attributes": attributes,
            "chosen": chosen,
            "report": report,
            "error": error,
            "min_group": MIN_GROUP,
        },
    )


BASE = "coordinate/<slug:slug>/matching/"
RUN = BASE + "<int:number>/"
MENTEE = RUN + "mentees/<int:enrolment>/"

urlpatterns = [
    path(BASE, run_list, name="match_runs"),
    path(BASE + "compare/", run_compare, name="match_run_compare"),
    path(BASE + "exclusions/<int:pk>/remove/", exclusion_remove, name="match_exclusion_remove"),
    path(RUN, run_detail, name="match_run"),
    path(RUN + "progress/", run_progress, name="match_run_progress"),
    path(RUN + "publish/", run_publish_view, name="match_run_publish"),
    path(RUN + "fairness/", run_fairness, name="match_run_fairness"),
    path(MENTEE, run_mentee, name="match_run_mentee"),
    path(MENTEE + "preview/", run_preview, name="match_run_preview"),
    *[
        path(MENTEE + f"{action}/", run_change, {"action": action}, name=f"match_run_{action}")
        for action in ACTIONS
    ],
]
