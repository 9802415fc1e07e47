import datetime

from django.utils import timezone

from lodestar.programs.models import Enrolment
from tests import factories


def applied_on(enrolment, when):
    Enrolment.objects.filter(pk=enrolment.pk).update(created_at=when)


def test_dates_follow_the_viewers_language_and_time_zone(client, coordinator, program):
    applicant = factories.make_user("late@example.com", name="Lena Late")
    enrolment = factories.make_enrolment(program, applicant, status="applied")
    # 23:30 UTC on 3 March is already 4 March in Tokyo.
    applied_on(enrolment, datetime.datetime(2027, 3, 3, 23, 30, tzinfo=datetime.UTC))
    coordinator.timezone = "Asia/Tokyo"
    coordinator.save()
    client.force_login(coordinator)

    british = client.get("/coordinate/spring/participants/", HTTP_ACCEPT_LANGUAGE="en-GB")
    american = client.get("/coordinate/spring/participants/", HTTP_ACCEPT_LANGUAGE="en-US")

    assert "4 Mar 2027" in british.content.decode()
    assert (
        "March 4, 2027" in american.content.decode() or "Mar. 4, 2027" in american.content.decode()
    )
    assert timezone.get_current_timezone_name() == "UTC"  # nothing leaks between requests
