"""The dashboard's exports: a long CSV (figure, row, column, value) and an XLSX with one sheet
per figure, both with the page's filters, named after the program and the day, for the
program's coordinators only."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from lodestar.accounts.models import Profile
from tests.evaluations.test_analytics import build_story

pytestmark = pytest.mark.django_db

FIRST_HALF = {"date_from": "2026-01-01", "date_to": "2026-06-30"}


@pytest.fixture
def story(program):
    return build_story(program)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def csv_rows(response) -> list[list[str]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def download(client, kind: str, program, params=None):
    return client.get(reverse(f"dashboard_export_{kind}", args=[program.slug]), params or {})


def test_the_csv_holds_every_figure_one_cell_per_line(coordinator_client, story):
    response = download(coordinator_client, "csv", story.program, FIRST_HALF)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="spring-dashboard-{today}.csv"'
    )
    rows = csv_rows(response)
    assert rows[0] == ["figure", "row", "column", "value"]
    assert ["key_figures", "People who applied", "Spring Cohort", "10"] in rows
    assert ["funnel", "Approved", "Mentee", "5"] in rows
    assert ["funnel", "Completed", "Total", "2"] in rows
    assert ["matching", "Median days from approval to a match", "Value", "7.0"] in rows
    assert ["meetings_by_month", "2026-02", "Meetings per pair", "0.75"] in rows
    assert ["meetings_by_month", "2026-01", "Meetings per pair", ""] in rows
    assert ["goals_by_month", "2026-04", "Goals achieved", "1"] in rows
    assert ["mood_by_month", "2026-03", "Mean mood (1 to 5)", "3.33"] in rows
    assert ["pairs_at_risk", "At risk", "Pairs", "1"] in rows
    assert ["retention", "Completed", "Share (%)", "33.3"] in rows
    assert ["early_endings", "Not a good match", "Mentorships", "1"] in rows
    assert ["fairness", "10th percentile", "Value", "52.0"] in rows
    assert ["fairness_by_department", "Data", "Mean score", "55.0"] in rows
    assert {row[0] for row in rows[1:]} == {
        "key_figures",
        "funnel",
        "matching",
        "meetings_by_month",
        "goals_by_month",
        "mood_by_month",
        "pairs_at_risk",
        "retention",
        "early_endings",
        "fairness",
        "fairness_by_department",
    }


def test_the_csv_follows_the_filters(coordinator_client, story):
    rows = csv_rows(
        download(coordinator_client, "csv", story.program, {"cohort": "department:Data"})
    )
    assert ["funnel", "Applied", "Total", "4"] in rows


def test_a_department_that_looks_like_a_formula_stays_text(coordinator_client, story):
    Profile.objects.filter(department="Sales").update(department="=HYPERLINK(1)")
    rows = csv_rows(download(coordinator_client, "csv", story.program))
    assert ["fairness_by_department", "'=HYPERLINK(1)", "Mentees", "1"] in rows

    book = load_workbook(io.BytesIO(download(coordinator_client, "xlsx", story.program).content))
    cells = [row[0] for row in book["fairness_by_department"].iter_rows(values_only=True)]
    assert "=HYPERLINK(1)" in cells
    cell = next(c for c in book["fairness_by_department"]["A"] if c.value == "=HYPERLINK(1)")
    assert cell.data_type == "s"


def test_the_xlsx_has_one_sheet_per_figure(coordinator_client, story):
    response = download(coordinator_client, "xlsx", story.program, FIRST_HALF)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="spring-dashboard-{today}.xlsx"'
    )
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "about",
        "key_figures",
        "funnel",
        "matching",
        "meetings_by_month",
        "goals_by_month",
        "mood_by_month",
        "surveys",
        "pairs_at_risk",
        "retention",
        "early_endings",
        "fairness",
        "fairness_by_department",
    ]
    funnel = list(book["funnel"].iter_rows(values_only=True))
    assert funnel[0] == ("Stage", "Mentor", "Mentee", "Total")
    assert funnel[1:] == [
        ("Applied", 3, 7, 10),
        ("Approved", 2, 5, 7),
        ("Matched", 2, 4, 6),
        ("Active", 2, 4, 6),
        ("Completed", 1, 1, 2),
    ]
    meetings = list(book["meetings_by_month"].iter_rows(values_only=True))
    assert meetings[2] == (dt.datetime(2026, 2, 1), 4, 3, 2.5, 0.75)
    assert book["meetings_by_month"]["A3"].number_format == "yyyy-mm"
    about = {row[0]: row[1] for row in book["about"].iter_rows(values_only=True) if row[0]}
    assert about["Program"] == "Spring Cohort"
    assert (about["From"], about["Until"]) == ("2026-01-01", "2026-06-30")


def test_an_empty_program_exports_its_zeros(coordinator_client, program):
    rows = csv_rows(download(coordinator_client, "csv", program))
    assert ["funnel", "Applied", "Total", "0"] in rows
    assert ["key_figures", "Match rate of mentees (%)", "Spring Cohort", ""] in rows
    book = load_workbook(io.BytesIO(download(coordinator_client, "xlsx", program).content))
    assert "fairness" not in book.sheetnames
