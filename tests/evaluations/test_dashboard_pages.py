"""The program dashboard and the comparison of programs, as coordinators use them: each figure
a chart with its table, filters by dates and cohort, a printable report, 404 for everyone else,
and a number of queries that does not grow with the program."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.engagement.models import CheckIn
from lodestar.meetings.models import Meeting
from lodestar.mentorships.models import Goal, Membership, Mentorship
from lodestar.programs.models import Enrolment
from tests import factories
from tests.evaluations.test_analytics import build_story

pytestmark = pytest.mark.django_db


def dashboard_url(program) -> str:
    return reverse("program_dashboard", args=[program.slug])


@pytest.fixture
def story(program):
    return build_story(program)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def table_rows(html: str, key: str) -> list[list[str]]:
    """The cells of the table in the figure section `key`, row by row (without the header)."""
    section = re.search(rf'<section[^>]*id="{key}".*?</section>', html, re.S).group(0)
    body = re.search(r"<tbody>(.*?)</tbody>", section, re.S).group(1)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]  # fmt: skip


# ---- what the coordinator sees ----------------------------------------------------------------


def test_the_program_page_links_to_its_dashboard(coordinator_client, program):
    response = coordinator_client.get(reverse("program_manage", args=[program.slug]))
    assert dashboard_url(program) in response.content.decode()


def test_every_chart_has_its_data_and_a_captioned_table_behind_it(coordinator_client, story):
    response = coordinator_client.get(dashboard_url(story.program))
    assert response.status_code == 200
    html = response.content.decode()
    canvases = re.findall(r'<canvas data-chart="([\w-]+)" role="img" aria-label="[^"]+"', html)
    assert {"funnel-data", "meetings_by_month-data", "mood_by_month-data"} <= set(canvases)
    for data_id in canvases:
        payload = re.search(rf'<script id="{data_id}" type="application/json">(.*?)</script>', html)
        chart = json.loads(payload.group(1))
        assert chart["labels"] and chart["datasets"]
        key = data_id.removesuffix("-data")
        section = re.search(rf'<section[^>]*id="{key}".*?</section>', html, re.S).group(0)
        assert "<caption>" in section
        assert '<th scope="col">' in section and '<th scope="row">' in section
    # No inline script: the charts are drawn by a static file.
    assert "<script>" not in html
    assert "lodestar/dashboard-charts.js" in html


def test_the_dashboard_shows_the_known_figures(coordinator_client, story):
    html = coordinator_client.get(
        dashboard_url(story.program), {"date_from": "2026-01-01", "date_to": "2026-06-30"}
    ).content.decode()
    assert table_rows(html, "funnel")[0] == ["Applied", "3", "7", "10"]
    assert ["Match rate (%)", "80.0"] in table_rows(html, "matching")
    assert ["February 2026", "4", "3", "2.5", "0.75"] in table_rows(html, "meetings_by_month")
    assert ["Not given", "1"] in table_rows(html, "early_endings")
    assert ["No department given", "1", "0", "0.0", "—", "—"] in table_rows(
        html, "fairness_by_department"
    )


def test_the_cohort_filter_narrows_the_figures(coordinator_client, story):
    html = coordinator_client.get(
        dashboard_url(story.program), {"cohort": "department:Data"}
    ).content.decode()
    assert table_rows(html, "funnel")[0] == ["Applied", "2", "2", "4"]
    assert "Cohort: Data." in html  # on the printed report


def test_dates_in_the_wrong_order_are_refused_and_nothing_is_filtered(coordinator_client, story):
    response = coordinator_client.get(
        dashboard_url(story.program), {"date_from": "2026-06-01", "date_to": "2026-01-01"}
    )
    assert "The end must be on or after the start." in response.content.decode()
    assert response.context["figures"].funnel.total["applied"] == 10


def test_a_date_at_the_end_of_the_calendar_is_refused_not_a_server_error(coordinator_client, story):
    response = coordinator_client.get(dashboard_url(story.program), {"date_to": "9999-12-31"})
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
    assert response.context["figures"].funnel.total["applied"] == 10


def test_an_unknown_cohort_is_refused(coordinator_client, story):
    response = coordinator_client.get(dashboard_url(story.program), {"cohort": "department:Nope"})
    assert response.context["form"].errors["cohort"]
    assert response.context["figures"].filters.cohort == ""


def test_an_empty_program_says_there_is_nothing_to_show(coordinator_client, program):
    html = coordinator_client.get(dashboard_url(program)).content.decode()
    assert "Nothing to show for these filters yet." in html


def test_the_report_prints_without_navigation_or_forms(coordinator_client, story):
    html = coordinator_client.get(dashboard_url(story.program)).content.decode()
    assert "data-print-report hidden>Print report</button>" in html
    assert "lodestar/dashboard.css" in html
    assert re.search(r'<form method="get"[^>]*class="dashboard-filters no-print"', html)


def test_the_export_links_carry_the_filters(coordinator_client, story):
    html = coordinator_client.get(
        dashboard_url(story.program), {"date_from": "2026-01-01", "cohort": "role:mentee"}
    ).content.decode()
    assert (
        reverse("dashboard_export_csv", args=[story.program.slug])
        + "?date_from=2026-01-01&amp;cohort=role%3Amentee"
    ) in html


# ---- comparison -------------------------------------------------------------------------------


def test_comparison_puts_the_coordinators_programs_side_by_side(
    coordinator_client, coordinator, story, other_program
):
    second = factories.make_program(coordinator=coordinator, name="Summer Cohort", slug="summer")
    response = coordinator_client.get(reverse("program_comparison", args=[story.program.slug]))
    html = response.content.decode()
    assert [p.slug for p in response.context["compared"]] == ["spring", "summer"]
    assert ["People who applied", "10", "0"] in table_rows(html, "key_figures")
    assert "Autumn Cohort" not in html  # somebody else's program
    assert second.name in html


def test_comparison_of_chosen_programs_only(coordinator_client, coordinator, story):
    factories.make_program(coordinator=coordinator, name="Summer Cohort", slug="summer")
    response = coordinator_client.get(
        reverse("program_comparison", args=[story.program.slug]), {"programs": ["summer"]}
    )
    assert [p.slug for p in response.context["compared"]] == ["summer"]


def test_comparison_refuses_a_program_somebody_else_runs(coordinator_client, story, other_program):
    response = coordinator_client.get(
        reverse("program_comparison", args=[story.program.slug]), {"programs": ["autumn"]}
    )
    assert response.context["form"].errors["programs"]
    assert [p.slug for p in response.context["compared"]] == ["spring"]
    assert "Autumn Cohort" not in response.content.decode()


# ---- who may see it ---------------------------------------------------------------------------


PAGES = ["program_dashboard", "dashboard_export_csv", "dashboard_export_xlsx", "program_comparison"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("persona", ["other_coordinator", "mentor", "mentee", "outsider"])
def test_only_the_programs_coordinators_may_see_its_analytics(
    client, program, page, persona, request
):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(page, args=[program.slug])).status_code == 404


@pytest.mark.parametrize("page", PAGES)
def test_visitors_are_asked_to_log_in(client, program, page):
    response = client.get(reverse(page, args=[program.slug]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# ---- a bounded number of queries --------------------------------------------------------------


def grow(program, people: int) -> None:
    """`people` more participants (a mentor for every four mentees), each pair with a few
    meetings, a goal and check-ins over the past months. Bulk inserts."""
    now = timezone.now()
    users = User.objects.bulk_create(
        User(email=f"grown{program.pk}-{i}@example.com", name=f"Grown {i}") for i in range(people)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            program=program,
            user=user,
            role="mentor" if i % 5 == 0 else "mentee",
            status="approved",
            decided_at=now - dt.timedelta(days=200),
        )
        for i, user in enumerate(users)
    )
    mentors = [e for e in enrolments if e.role == "mentor"]
    mentees = [e for e in enrolments if e.role == "mentee"]
    pairs = Mentorship.objects.bulk_create(
        Mentorship(
            program=program,
            origin="algorithm",
            status="active" if i % 3 else "completed",
            start_date=timezone.localdate() - dt.timedelta(days=180),
            ended_at=None if i % 3 else now - dt.timedelta(days=10),
        )
        for i in range(len(mentees))
    )
    Membership.objects.bulk_create(
        Membership(mentorship=pair, enrolment=enrolment, user_id=enrolment.user_id, role=role)
        for i, pair in enumerate(pairs)
        for enrolment, role in ((mentees[i], "mentee"), (mentors[i // 4], "mentor"))
    )
    Meeting.objects.bulk_create(
        Meeting(mentorship=pair, start=now - dt.timedelta(days=20 * k + 1), status="completed")
        for pair in pairs
        for k in range(4)
    )
    Goal.objects.bulk_create(
        Goal(mentorship=pair, owner_id=mentees[i].user_id, title="Grow", status="achieved",
             achieved_at=now - dt.timedelta(days=30))
        for i, pair in enumerate(pairs)
    )  # fmt: skip
    CheckIn.objects.bulk_create(
        CheckIn(
            mentorship=pair,
            user_id=mentees[i].user_id,
            period_start=timezone.localdate() - dt.timedelta(days=14 * k),
            mood=1 + (i + k) % 5,
            created_at=now - dt.timedelta(days=14 * k),
        )
        for i, pair in enumerate(pairs)
        for k in range(3)
    )


def count_queries(client, url: str, params=None) -> int:
    cache.clear()  # the dashboard keeps its figures a minute: count their computation
    ContentType.objects.clear_cache()  # and the export's audit event looks up its type each time
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params or {}).status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"date_from": "2026-01-01", "cohort": "role:mentee"}])
def test_the_dashboards_query_count_does_not_grow_with_the_program(
    coordinator_client, story, params
):
    small = count_queries(coordinator_client, dashboard_url(story.program), params)
    grow(story.program, 200)
    assert count_queries(coordinator_client, dashboard_url(story.program), params) == small
    assert small <= 30


def test_the_exports_query_count_does_not_grow_with_the_program(coordinator_client, story):
    url = reverse("dashboard_export_xlsx", args=[story.program.slug])
    small = count_queries(coordinator_client, url)
    grow(story.program, 200)
    assert count_queries(coordinator_client, url) == small


def test_the_comparisons_query_count_does_not_grow_with_the_programs(
    coordinator_client, coordinator, story
):
    summer = factories.make_program(coordinator=coordinator, name="Summer Cohort", slug="summer")
    url = reverse("program_comparison", args=[story.program.slug])
    small = count_queries(coordinator_client, url)
    grow(story.program, 100)
    grow(summer, 100)
    assert count_queries(coordinator_client, url) == small
