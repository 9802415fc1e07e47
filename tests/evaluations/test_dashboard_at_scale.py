"""The dashboard of a generated program of 5 000 participants and a year of activity (the
benchmark's own generator) runs the same number of queries as a small program's. Timing is
measured in bench/platform/dashboard.py, not here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.platform.dashboard import build
from lodestar.accounts.models import User
from lodestar.programs.models import Program

pytestmark = pytest.mark.django_db


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_dashboard_of_5000_people_costs_what_a_small_ones_does(client):
    small, small_coordinator, _counts = build(mentees=40, mentors=10, seed=2)
    client.force_login(small_coordinator)
    few = queries(client, reverse("program_dashboard", args=[small.slug]))

    client.logout()
    Program.objects.all().delete()
    User.objects.all().delete()
    program, coordinator, counts = build(mentees=4000, mentors=1000, seed=1)
    assert counts["people"] == 5000 and counts["meetings"] > 10_000
    client.force_login(coordinator)
    url = reverse("program_dashboard", args=[program.slug])
    assert queries(client, url) == few
    assert queries(client, reverse("dashboard_export_xlsx", args=[program.slug])) <= few
