"""The program dashboard keeps its figures for a minute in the shared cache: a coordinator who
reloads it sees the same figures for far fewer queries, other filters, time zones and programs
get their own, the exports always count afresh, and fresh figures show once the entry is gone.
Past the minute one request counts afresh, while the others see the figures it replaces."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from lodestar.evaluations import analytics
from lodestar.evaluations.analytics import Filters, figures_cache_key
from lodestar.meetings.models import Meeting
from tests import factories
from tests.evaluations.test_analytics import build_story
from tests.evaluations.test_dashboard_pages import table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def story(program):
    return build_story(program)


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def dashboard(client, program, params=None) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("program_dashboard", args=[program.slug]), params or {})
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def figure_tables(html: str) -> dict[str, str]:
    """Each figure's section (its chart data and its table), without the per-response nonces."""
    found = {
        key: re.sub(r'nonce="[^"]*"', "", section)
        for section, key in re.findall(r'(<section[^>]*id="([\w-]+)".*?</section>)', html, re.S)
    }
    assert len(found) >= 5
    return found


def held_in_february(html: str) -> str:
    return next(row for row in table_rows(html, "meetings_by_month") if row[0] == "February 2026")[
        2
    ]


def add_meeting_in_february(story) -> None:
    pair = story.program.mentorships.exclude(status="declined").order_by("pk").first()
    Meeting.objects.create(
        mentorship=pair,
        start=timezone.make_aware(dt.datetime(2026, 2, 25, 10)),
        duration=60,
        status="completed",
    )


def test_a_reload_within_the_minute_shows_the_same_figures_for_far_fewer_queries(
    coordinator_client, story, django_assert_max_num_queries
):
    first, computed = dashboard(coordinator_client, story.program)
    with django_assert_max_num_queries(10):
        again, _ = dashboard(coordinator_client, story.program)
    assert figure_tables(again) == figure_tables(first)
    assert computed >= 20  # the figures themselves: about fifteen aggregates


def test_the_figures_are_kept_a_few_minutes_at_most(coordinator_client, story):
    dashboard(coordinator_client, story.program)
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM lodestar_cache WHERE cache_key LIKE '%analytics%'")
        [(expires,)] = cursor.fetchall()
    if isinstance(expires, str):  # SQLite hands back text
        expires = dt.datetime.fromisoformat(expires)
    if timezone.is_naive(expires):
        expires = timezone.make_aware(expires, dt.UTC)
    kept = dt.timedelta(seconds=analytics.CACHE_SECONDS + analytics.STALE_SECONDS)
    assert expires - timezone.now() <= kept


def age_the_figures(program, seconds: int) -> None:
    """As if the cached figures had been counted `seconds` earlier."""
    key = figures_cache_key(program, Filters())
    kept = cache.get(key)
    kept.counted_at -= dt.timedelta(seconds=seconds)
    cache.set(key, kept, analytics.CACHE_SECONDS + analytics.STALE_SECONDS)


def test_the_page_says_when_its_figures_were_counted(client, story):
    viewer = story.program.coordinators.first()
    viewer.timezone = "Asia/Kolkata"  # half an hour off UTC: the viewer's zone, not the server's
    viewer.save()
    client.force_login(viewer)
    html, _ = dashboard(client, story.program)

    with timezone.override(ZoneInfo("Asia/Kolkata")):
        key = figures_cache_key(story.program, Filters())
        counted = timezone.localtime(cache.get(key).counted_at)
    # In the viewer's locale's time format ("1:02 p.m." in English), in their zone.
    assert f"Counted at {formats.time_format(counted)}:" in html
    assert counted.utcoffset() == dt.timedelta(hours=5, minutes=30)


def test_figures_older_than_a_minute_are_counted_afresh(coordinator_client, story):
    before, _ = dashboard(coordinator_client, story.program)
    add_meeting_in_february(story)
    age_the_figures(story.program, analytics.CACHE_SECONDS + 1)

    after, queries = dashboard(coordinator_client, story.program)

    assert int(held_in_february(after)) == int(held_in_february(before)) + 1
    assert queries >= 20  # counted, not read from the cache
    lock = figures_cache_key(story.program, Filters()) + ":recount"
    assert cache.get(lock) is None  # released for the next minute's count


def test_while_one_request_counts_afresh_the_others_see_the_figures_it_replaces(
    coordinator_client, story, django_assert_max_num_queries
):
    before, _ = dashboard(coordinator_client, story.program)
    add_meeting_in_february(story)
    age_the_figures(story.program, analytics.CACHE_SECONDS + 1)
    lock = figures_cache_key(story.program, Filters()) + ":recount"
    assert cache.add(lock, True, analytics.RECOUNT_LOCK_SECONDS)  # another request is counting

    with django_assert_max_num_queries(15):  # a cached page's 10, and the try for the lock
        meanwhile, _ = dashboard(coordinator_client, story.program)
    assert held_in_february(meanwhile) == held_in_february(before)

    cache.delete(lock)  # that count died without storing figures: the next request counts
    after, _ = dashboard(coordinator_client, story.program)
    assert int(held_in_february(after)) == int(held_in_february(before)) + 1


def test_fresh_figures_show_once_the_cached_ones_are_gone(coordinator_client, story):
    before, _ = dashboard(coordinator_client, story.program)
    add_meeting_in_february(story)
    # Within the minute: the figures computed a moment ago.
    assert held_in_february(dashboard(coordinator_client, story.program)[0]) == held_in_february(
        before
    )
    cache.delete(figures_cache_key(story.program, Filters()))
    after, _ = dashboard(coordinator_client, story.program)
    assert int(held_in_february(after)) == int(held_in_february(before)) + 1


def exported_held_in_february(client, program) -> str:
    response = client.get(reverse("dashboard_export_csv", args=[program.slug]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return next(r[3] for r in rows if r[:3] == ["meetings_by_month", "2026-02", "Meetings held"])


def test_the_exports_always_count_afresh(coordinator_client, story):
    page, _ = dashboard(coordinator_client, story.program)
    exported = exported_held_in_february(coordinator_client, story.program)
    assert exported == held_in_february(page)
    add_meeting_in_february(story)
    assert held_in_february(dashboard(coordinator_client, story.program)[0]) == exported
    assert int(exported_held_in_february(coordinator_client, story.program)) == int(exported) + 1


def test_other_filters_and_time_zones_get_their_own_figures(story):
    program = story.program
    keys = {
        figures_cache_key(program, Filters()),
        figures_cache_key(program, Filters(date_from=dt.date(2026, 1, 1))),
        figures_cache_key(program, Filters(cohort="department:Data")),
        figures_cache_key(program, Filters(cohort="role:mentee")),
    }
    with timezone.override("Pacific/Auckland"):
        keys.add(figures_cache_key(program, Filters()))
    assert len(keys) == 5


def test_two_programs_never_share_figures(coordinator_client, coordinator, story):
    other = factories.make_program(coordinator=coordinator, name="Summer Cohort", slug="summer")
    dashboard(coordinator_client, story.program)
    html, _ = dashboard(coordinator_client, other)
    assert "Summer Cohort" in html
    assert figures_cache_key(story.program, Filters()) != figures_cache_key(other, Filters())
    assert cache.get(figures_cache_key(other, Filters())).program.pk == other.pk


def test_a_cached_dashboard_is_still_only_for_its_coordinators(client, story, mentor):
    url = reverse("program_dashboard", args=[story.program.slug])
    client.force_login(story.program.coordinators.first())
    assert client.get(url).status_code == 200
    client.force_login(mentor)
    assert client.get(url).status_code == 404
