import zoneinfo

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import timezone

from lodestar.core.middleware import UserTimezoneMiddleware
from lodestar.core.states import IllegalTransition
from lodestar.core.views import server_error
from lodestar.programs.states import PROGRAM_STATES, ProgramStatus
from tests import factories


@pytest.mark.django_db
def test_unknown_page_shows_a_helpful_404(client):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"Page not found" in response.content
    assert b"<main" in response.content


def test_server_error_page_renders_without_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong" in response.content


@pytest.mark.django_db
def test_times_are_shown_in_the_viewers_own_time_zone():
    user = factories.make_user("tokyo@example.com", timezone="Asia/Tokyo")
    seen = {}

    def view(request):
        seen["zone"] = timezone.get_current_timezone_name()
        return HttpResponse()

    request = RequestFactory().get("/")
    request.user = user
    UserTimezoneMiddleware(view)(request)
    assert seen["zone"] == "Asia/Tokyo"
    assert (
        timezone.localtime(timezone.now(), zoneinfo.ZoneInfo("Asia/Tokyo"))
        .utcoffset()
        .total_seconds()
        == 9 * 3600
    )


def test_program_lifecycle_allows_only_listed_transitions():
    PROGRAM_STATES.check(ProgramStatus.DRAFT, ProgramStatus.ENROLLING)
    with pytest.raises(IllegalTransition, match="cannot go from"):
        PROGRAM_STATES.check(ProgramStatus.DRAFT, ProgramStatus.RUNNING)
    with pytest.raises(IllegalTransition):
        PROGRAM_STATES.check(ProgramStatus.ARCHIVED, ProgramStatus.DRAFT)
