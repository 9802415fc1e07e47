"""Coordinators' program analytics: a dashboard per program, filtered by dates and cohort, its
CSV and XLSX exports, and the key figures of the programs a coordinator runs, side by side.
Everyone but the program's coordinators gets a 404."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from lodestar.audit.services import record
from lodestar.core.forms import DateRangeForm
from lodestar.programs.models import Program
from lodestar.programs.policy import get_program_for_coordinator

from . import exports
from .analytics import (
    Filters,
    cached_program_figures,
    cohort_choices,
    figures_for,
    program_figures,
)

BOM = "\ufeff"  # so that spreadsheet programs read the CSV as UTF-8
MAX_COMPARED = 8
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class DatesForm(DateRangeForm):
    def filters(self) -> Filters:
        """The chosen filters, or none at all while the form has errors."""
        if not self.is_bound or not self.is_valid():
            return Filters()
        data = self.cleaned_data
        return Filters(data["date_from"], data["date_to"], data.get("cohort") or "")


class DashboardFilterForm(DatesForm):
    cohort = forms.ChoiceField(
        label=gettext_lazy("Cohort"),
        required=False,
        help_text=gettext_lazy("A role, or the department people gave in their profile."),
    )

    def __init__(self, *args, program: Program, **kwargs):
        super().__init__(*args, **kwargs)
        choices = cohort_choices(program)
        self.labels = {value: label for value, _kind, label in choices}
        self.fields["cohort"].choices = [
            ("", _("Everyone")),
            (_("Role"), [(value, label) for value, kind, label in choices if kind == "role"]),
            (
                _("Department"),
                [(value, label) for value, kind, label in choices if kind == "department"],
            ),
        ]


class CompareForm(DatesForm):
    programs = forms.MultipleChoiceField(
        label=gettext_lazy("Programs"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, programs: list[Program], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programs"].choices = [(p.slug, p.name) for p in programs]

    def clean_programs(self):
        chosen = self.cleaned_data["programs"]
        if len(chosen) > MAX_COMPARED:
            raise forms.ValidationError(
                _("Compare at most %(max)d programs at once.") % {"max": MAX_COMPARED}
            )
        return chosen


def _filter_form(request: HttpRequest, program: Program) -> DashboardFilterForm:
    return DashboardFilterForm(request.GET or None, program=program)


@login_required
@require_GET
def program_dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    form = _filter_form(request, program)
    # Up to a minute old (analytics.CACHE_SECONDS); the exports below count afresh.
    figures = cached_program_figures(program, form.filters())
    tables = exports.dashboard_tables(figures)
    links = {
        "pairs_at_risk": (
            reverse("program_health", args=[program.slug]),
            _("See each running pair's health"),
        )
    }
    if figures.fairness is not None:
        links["fairness_by_department"] = (
            reverse("match_run_fairness", args=[program.slug, figures.fairness.run.number]),
            _("Check the run's fairness by any intake question"),
        )
    for table in tables:
        table.link = links.get(table.key)
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    return render(
        request,
        "evaluations/dashboard.html",
        {
            "program": program,
            "form": form,
            "figures": figures,
            "tables": tables,
            "query": query,
            "cohort": form.labels.get(figures.filters.cohort, ""),
        },
    )


@login_required
@require_GET
def dashboard_export(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    filters = _filter_form(request, program).filters()
    figures = program_figures(program, filters)
    tables = exports.dashboard_tables(figures)
    filename = f"{program.slug}-dashboard-{timezone.localdate():%Y-%m-%d}.{kind}"
    record("exported", target=program, request=request, details={"report": f"dashboard.{kind}"})
    if kind == "csv":
        response = HttpResponse(
            BOM + exports.tables_csv(tables), content_type="text/csv; charset=utf-8"
        )
    else:
        content = exports.tables_xlsx(tables, program_name=program.name, filters=filters)
        response = HttpResponse(content, content_type=XLSX)
    # Slugs are letters, digits and hyphens, so the name needs no quoting beyond this.
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def program_comparison(request: HttpRequest, slug: str) -> HttpResponse:
    program = get_program_for_coordinator(request.user, slug)
    mine = list(Program.objects.coordinated_by(request.user).order_by("-created_at", "pk"))
    form = CompareForm(request.GET or None, programs=mine)
    chosen = form.cleaned_data.get("programs") if form.is_bound and form.is_valid() else None
    if chosen:
        compared = [p for p in mine if p.slug in chosen]
    else:
        # This program first, then the most recent others.
        compared = [program, *(p for p in mine if p.pk != program.pk)][:MAX_COMPARED]
    figures = figures_for(compared, form.filters())
    return render(
        request,
        "evaluations/dashboard_compare.html",
        {
            "program": program,
            "form": form,
            "compared": compared,
            "compared_slugs": [p.slug for p in compared],
            "tables": [exports.rates_table(figures), exports.key_figures_table(figures)],
        },
    )


BASE = "coordinate/<slug:slug>/dashboard/"

urlpatterns = [
    path(BASE, program_dashboard, name="program_dashboard"),
    path(BASE + "export.csv", dashboard_export, {"kind": "csv"}, name="dashboard_export_csv"),
    path(BASE + "export.xlsx", dashboard_export, {"kind": "xlsx"}, name="dashboard_export_xlsx"),
    path(BASE + "compare/", program_comparison, name="program_comparison"),
]
