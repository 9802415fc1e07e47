"""The dashboard's figures as tables: one shape for the page's tables (the text behind each
chart), its charts, the CSV and the XLSX, so that the four never disagree.

The CSV is one long table, one line per figure cell: ``figure,row,column,value``. `figure` is a
stable key (``funnel``, ``meetings_by_month`` …), `row` the row's label (a stage, a month as
YYYY-MM, a reason, a department), `column` the measure and `value` a plain number (a dot for
decimals) or empty when there is none. One file holds every figure, stays easy to filter in a
spreadsheet and to load into anything else, and needs no zip. The XLSX has one sheet per
figure (named by its key), the same columns, and a first sheet saying what the file holds.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lodestar.mentorships.models import ClosureReason
from lodestar.programs.models import Role
from lodestar.programs.services.imports import FORMULA_STARTS

from .analytics import NOT_GIVEN, STAGES, Figures, Filters, share

Cell = str | int | float | dt.date | None


@dataclass
class Chart:
    kind: str  # a Chart.js type: "bar" or "line"
    series: list[int]  # the columns drawn, one dataset each
    y_label: str
    y_min: float | None = 0
    y_max: float | None = None


@dataclass
class Table:
    key: str  # stable: the CSV's figure, the XLSX sheet's name, the page's ids
    title: str
    columns: list[str]  # the first heads the row labels
    rows: list[list[Cell]] = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""
    link: tuple[str, str] | None = None  # (url, text): where to read further

    def display_rows(self) -> list[list[str]]:
        return [[display(cell) for cell in row] for row in self.rows]

    def chart_data(self) -> dict[str, Any] | None:
        """What dashboard-charts.js draws (through json_script: no inline script)."""
        if self.chart is None or not self.rows:
            return None
        return {
            "type": self.chart.kind,
            "title": self.title,
            "labels": [display(row[0]) for row in self.rows],
            "datasets": [
                {"label": self.columns[i], "data": [row[i] for row in self.rows]}
                for i in self.chart.series
            ],
            "y": self.chart.y_label,
            "min": self.chart.y_min,
            "max": self.chart.y_max,
        }


def display(cell: Cell) -> str:
    """A cell as the page shows it: localized numbers, months by name, a dash for nothing."""
    if cell is None:
        return "—"
    if isinstance(cell, dt.date):
        return formats.date_format(cell, "YEAR_MONTH_FORMAT")
    if isinstance(cell, float):
        return formats.number_format(cell)
    if isinstance(cell, int):
        return formats.number_format(cell)
    return str(cell)


# ---- the figures as tables --------------------------------------------------------------------


@dataclass(frozen=True)
class KeyFigure:
    key: str
    label: Any  # lazy
    value: Callable[[Figures], Cell]


KEY_FIGURES = [
    KeyFigure("applied", gettext_lazy("People who applied"), lambda f: f.funnel.total["applied"]),
    KeyFigure("approved", gettext_lazy("Approved"), lambda f: f.funnel.total["approved"]),
    KeyFigure("matched", gettext_lazy("Matched"), lambda f: f.funnel.total["matched"]),
    KeyFigure("match_rate", gettext_lazy("Match rate of mentees (%)"), lambda f: f.matching.rate),
    KeyFigure(
        "median_days", gettext_lazy("Median days to a match"), lambda f: f.matching.median_days
    ),
    KeyFigure("mean_days", gettext_lazy("Mean days to a match"), lambda f: f.matching.mean_days),
    KeyFigure("meetings", gettext_lazy("Meetings held"), lambda f: f.meetings.held),
    KeyFigure("hours", gettext_lazy("Hours of meetings held"), lambda f: f.meetings.hours),
    KeyFigure(
        "meetings_per_pair",
        gettext_lazy("Meetings per pair per month"),
        lambda f: f.meetings.per_pair_month,
    ),
    KeyFigure("goals", gettext_lazy("Goals accepted"), lambda f: f.goals.total),
    KeyFigure("goal_completion", gettext_lazy("Goals achieved (%)"), lambda f: f.goals.rate),
    KeyFigure("checkins", gettext_lazy("Check-ins"), lambda f: f.mood.checkins),
    KeyFigure("mood", gettext_lazy("Mean check-in mood (1 to 5)"), lambda f: f.mood.mean),
    KeyFigure("running", gettext_lazy("Pairs running now"), lambda f: f.risk.running),
    KeyFigure("at_risk", gettext_lazy("Pairs at risk now"), lambda f: f.risk.at_risk),
    KeyFigure("completed", gettext_lazy("Mentorships completed"), lambda f: f.retention.completed),
    KeyFigure(
        "ended_early", gettext_lazy("Mentorships ended early"), lambda f: f.retention.ended_early
    ),
    KeyFigure("retention", gettext_lazy("Retention (%)"), lambda f: f.retention.rate),
    KeyFigure(
        "run_mean",
        gettext_lazy("Latest run: mean score"),
        lambda f: f.fairness.metric("mean") if f.fairness else None,
    ),
    KeyFigure(
        "run_minimum",
        gettext_lazy("Latest run: lowest score"),
        lambda f: f.fairness.metric("minimum") if f.fairness else None,
    ),
    KeyFigure(
        "survey_response_rate",
        gettext_lazy("Survey response rate (%)"),
        lambda f: f.surveys.response_rate,
    ),
    KeyFigure("nps", gettext_lazy("Net Promoter Score"), lambda f: f.surveys.nps),
]


def stage_labels() -> dict[str, str]:
    return {
        "applied": _("Applied"),
        "approved": _("Approved"),
        "matched": _("Matched"),
        "active": _("Active"),
        "completed": _("Completed"),
    }


def key_figures_table(figures: Sequence[Figures]) -> Table:
    """The key figures, one column per program: the dashboard's summary and the comparison."""
    return Table(
        key="key_figures",
        title=_("Key figures"),
        columns=[_("Figure"), *(f.program.name for f in figures)],
        rows=[[str(k.label), *(k.value(f) for f in figures)] for k in KEY_FIGURES],
    )


def rates_table(figures: Sequence[Figures]) -> Table:
    """The comparison's chart: the three shares, side by side, one row per program."""
    columns = [_("Match rate (%)"), _("Goals achieved (%)"), _("Retention (%)")]
    return Table(
        key="rates",
        title=_("Match rate, goals achieved and retention by program"),
        columns=[_("Program"), *columns],
        rows=[[f.program.name, f.matching.rate, f.goals.rate, f.retention.rate] for f in figures],
        chart=Chart("bar", [1, 2, 3], _("Percent"), 0, 100),
    )


def dashboard_tables(figures: Figures) -> list[Table]:
    """Every table of one program's dashboard, in the page's order."""
    return [
        key_figures_table([figures]),
        funnel_table(figures),
        matching_table(figures),
        meetings_table(figures),
        goals_table(figures),
        mood_table(figures),
        surveys_table(figures),
        risk_table(figures),
        retention_table(figures),
        endings_table(figures),
        *fairness_tables(figures),
    ]


def funnel_table(figures: Figures) -> Table:
    roles = list(figures.funnel.by_role)
    labels = stage_labels()
    return Table(
        key="funnel",
        title=_("Enrolment funnel: people at each stage"),
        columns=[_("Stage"), *(str(Role(role).label) for role in roles), _("Total")],
        rows=[
            [
                labels[stage],
                *(figures.funnel.by_role[role][stage] for role in roles),
                figures.funnel.total[stage],
            ]
            for stage in STAGES
        ],
        chart=Chart("bar", list(range(1, len(roles) + 1)), _("People")),
        note=_(
            "Approved counts the people approved now and those matched at some time; matched, "
            "the members of a pair that was not declined; active, of a pair that started; "
            "completed, of a pair that completed. People are counted by the day they applied."
        ),
    )


def matching_table(figures: Figures) -> Table:
    m = figures.matching
    return Table(
        key="matching",
        title=_("Matching: match rate and time to a match"),
        columns=[_("Figure"), _("Value")],
        rows=[
            [_("Approved mentees"), m.approved],
            [_("Matched mentees"), m.matched],
            [_("Match rate (%)"), m.rate],
            [_("Mentees matched after their approval"), m.timed],
            [_("Mean days from approval to a match"), m.mean_days],
            [_("Median days from approval to a match"), m.median_days],
        ],
        note=_(
            "The time to a match runs from the approval (or joining an open program) to the "
            "moment the pair was made, not to its start date, which waits for the program's "
            "start."
        ),
    )


def meetings_table(figures: Figures) -> Table:
    return Table(
        key="meetings_by_month",
        title=_("Meetings held by month"),
        columns=[
            _("Month"),
            _("Pairs running"),
            _("Meetings held"),
            _("Hours held"),
            _("Meetings per pair"),
        ],
        rows=[[m.month, m.pairs, m.meetings, m.hours, m.per_pair] for m in figures.meetings.months],
        chart=Chart("line", [4], _("Meetings per pair")),
        note=_(
            "A pair runs in a month when it had started and not yet ended at some time in it. "
            "Hours count the minutes the pair logged, or the planned length."
        ),
    )


def goals_table(figures: Figures) -> Table:
    return Table(
        key="goals_by_month",
        title=_("Goals set and achieved by month"),
        columns=[_("Month"), _("Goals set"), _("Goals achieved")],
        rows=[[m.month, m.set, m.achieved] for m in figures.goals.months],
        chart=Chart("bar", [1, 2], _("Goals")),
    )


def mood_table(figures: Figures) -> Table:
    return Table(
        key="mood_by_month",
        title=_("Check-in mood by month"),
        columns=[_("Month"), _("Check-ins"), _("Mean mood (1 to 5)"), _("Low moods (1 or 2)")],
        rows=[[m.month, m.checkins, m.mean, m.low] for m in figures.mood.months],
        chart=Chart("line", [2], _("Mean mood"), 1, 5),
    )


def surveys_table(figures: Figures) -> Table:
    rows = []
    for s in figures.surveys.surveys:
        rows.append([s.title, s.sent, s.answered, s.response_rate, s.nps, s.nps_answers])
    smallest = [s for s in figures.surveys.surveys if s.hidden]
    return Table(
        key="surveys",
        title=_("Surveys: answers and Net Promoter Score"),
        columns=[
            _("Survey"),
            _("People asked"),
            _("Answers"),
            _("Response rate (%)"),
            _("Net Promoter Score"),
            _("Answers to the 0–10 question"),
        ],
        rows=rows,
        chart=Chart("bar", [3], _("Percent"), 0, 100),
        note=_(
            "The Net Promoter Score is the share answering 9 or 10 minus the share answering 0 "
            "to 6 (from −100 to 100). Anonymous surveys count all their answers, whatever the "
            "filters, and show no score below their smallest group."
        )
        + (" " + _("Some scores are hidden: too few answers yet.") if smallest else ""),
    )


def risk_table(figures: Figures) -> Table:
    r = figures.risk
    return Table(
        key="pairs_at_risk",
        title=_("Running pairs by health, now"),
        columns=[_("Health"), _("Pairs")],
        rows=[[_("At risk"), r.at_risk], [_("Quiet"), r.quiet], [_("Healthy"), r.healthy]],
        chart=Chart("bar", [1], _("Pairs")),
        note=_("Dates do not apply: this is the pairs' health today."),
    )


def retention_table(figures: Figures) -> Table:
    r = figures.retention
    return Table(
        key="retention",
        title=_("Retention: how mentorships ended"),
        columns=[_("Outcome"), _("Mentorships"), _("Share (%)")],
        rows=[
            [_("Completed"), r.completed, r.rate],
            [_("Ended early"), r.ended_early, share(r.ended_early, r.ended)],
        ],
    )


def endings_table(figures: Figures) -> Table:
    labels = dict(ClosureReason.choices)
    return Table(
        key="early_endings",
        title=_("Early endings by reason"),
        columns=[_("Reason"), _("Mentorships")],
        rows=[
            [_("Not given") if reason == NOT_GIVEN else str(labels.get(reason, reason)), n]
            for reason, n in figures.retention.reasons
        ],
        chart=Chart("bar", [1], _("Mentorships")),
    )


def fairness_tables(figures: Figures) -> list[Table]:
    f = figures.fairness
    if f is None:
        return []
    run = Table(
        key="fairness",
        title=_("Latest published matching run (run %(number)d)") % {"number": f.run.number},
        columns=[_("Figure"), _("Value")],
        rows=[
            [_("Matched"), f.metric("matched")],
            [_("Unmatched"), f.metric("unmatched")],
            [_("Mean score"), f.metric("mean")],
            [_("Median score"), f.metric("median")],
            [_("Lowest score"), f.metric("minimum")],
            [_("10th percentile"), f.metric("p10")],
        ],
        note=_("Dates and cohort do not apply: these are the figures of the run."),
    )
    groups = Table(
        key="fairness_by_department",
        title=_("Mentees of the latest run by department"),
        columns=[
            _("Department"),
            _("Mentees"),
            _("Matched"),
            _("Match rate (%)"),
            _("Mean score"),
            _("Lowest score"),
        ],
        rows=[
            [g.label or _("No department given"), g.mentees, g.matched, g.rate, g.mean, g.lowest]
            for g in f.groups
        ],
        chart=Chart("bar", [4], _("Mean score"), 0, 100),
    )
    return [run, groups]


# ---- files ------------------------------------------------------------------------------------


def _defuse(value: str) -> str:
    """A spreadsheet must not read a department named "=…" as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _plain(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.strftime("%Y-%m")
    if isinstance(cell, int | float):
        return str(cell)
    return _defuse(str(cell))


def tables_csv(tables: Sequence[Table]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["figure", "row", "column", "value"])
    for table in tables:
        for row in table.rows:
            for column, cell in zip(table.columns[1:], row[1:], strict=True):
                writer.writerow([table.key, _plain(row[0]), _defuse(column), _plain(cell)])
    return buffer.getvalue()


def tables_xlsx(tables: Sequence[Table], *, program_name: str, filters: Filters) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    about = book.active
    about.title = "about"
    bold = Font(bold=True)
    for label, value in [
        (_("Program"), program_name),
        (_("From"), filters.date_from.isoformat() if filters.date_from else ""),
        (_("Until"), filters.date_to.isoformat() if filters.date_to else ""),
        (_("Cohort"), filters.cohort),
        (_("Made"), timezone.localtime().strftime("%Y-%m-%d %H:%M %Z")),
    ]:
        _append(about, [label, value])
    _append(about, [])
    _append(about, [_("Sheet"), _("Figure")], font=bold)
    for table in tables:
        _append(about, [table.key, table.title])
    for table in tables:
        sheet = book.create_sheet(table.key[:31])
        _append(sheet, table.columns, font=bold)
        for row in table.rows:
            _append(sheet, row)
        for cell in sheet["A"][1:]:
            if isinstance(cell.value, dt.datetime | dt.date):
                cell.number_format = "yyyy-mm"
        sheet.column_dimensions["A"].width = 40
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _append(sheet, values: Sequence[Cell], font=None) -> None:
    sheet.append(list(values))
    if not values:
        return
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            # Text stays text: openpyxl would otherwise store "=…" as a formula.
            cell.data_type = "s"
        if font is not None:
            cell.font = font
