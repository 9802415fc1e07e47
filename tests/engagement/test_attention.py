"""The program page starts with what needs the coordinator: open calls for help and the pairs at
risk (names, dates and reasons — never what anybody wrote), in a bounded number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lodestar.engagement.checkins import checkin_help_handle
from lodestar.engagement.models import CheckIn, PairFlag
from lodestar.meetings.models import Meeting
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


def started(program, mentor, mentee, days_ago: int, met_days_ago: int | None = None):
    m = factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(user=mentor, program=program),
        mentees=[Enrolment.objects.get(user=mentee, program=program)],
    )
    m.start_date = timezone.localdate() - timedelta(days=days_ago)
    m.save(update_fields=["start_date"])
    if met_days_ago is not None:
        Meeting.objects.create(
            mentorship=m,
            start=timezone.now() - timedelta(days=met_days_ago),
            status="completed",
            proposed_by=mentor,
        )
    return m


def attention_section(client, program) -> str:
    page = client.get(reverse("program_manage", args=[program.slug])).content.decode()
    start = page.index('id="attention-heading"')
    return page[start : page.index("</section>", start)]


def test_a_call_for_help_shows_on_the_program_page_until_handled(
    client, coordinator, program, mentor, mentee
):
    pair = started(program, mentor, mentee, days_ago=5, met_days_ago=1)
    checkin = CheckIn.objects.create(
        mentorship=pair,
        user=mentee,
        period_start=pair.start_date,
        mood=2,
        blockers="My manager does not let me take the time",
        wants_contact=True,
    )
    client.force_login(coordinator)
    section = attention_section(client, program)
    assert "1 request for help" in section
    assert "Mia Mentee asked a coordinator to get in touch" in section
    assert "My manager" not in section  # the words are on the check-ins page
    assert reverse("program_checkins", args=[program.slug]) in section
    assert "1 pair at risk" in section

    checkin_help_handle(checkin=checkin, by=coordinator)
    section = attention_section(client, program)
    assert "0 requests for help" in section
    assert "Mia Mentee asked" not in section


def test_pairs_at_risk_are_listed_with_their_reasons_and_healthy_ones_are_not(
    client, coordinator, program, mentor, mentee
):
    other_mentee = factories.make_user("noah@example.com", name="Noah Newcomer")
    factories.make_enrolment(program, other_mentee, role="mentee")
    started(program, mentor, mentee, days_ago=60)  # never met: at risk
    started(program, mentor, other_mentee, days_ago=3)  # just started: healthy
    client.force_login(coordinator)
    section = attention_section(client, program)
    assert "1 pair at risk" in section
    assert "Mia Mentee · Max Mentor" in section
    assert "No meeting since the start, 60 days ago" in section
    assert "Noah Newcomer" not in section


def test_a_flag_from_unheeded_reminders_puts_the_pair_at_risk(
    client, coordinator, program, mentor, mentee
):
    pair = started(program, mentor, mentee, days_ago=10, met_days_ago=2)
    PairFlag.objects.create(
        program=program, mentorship=pair, rule="agreement_unsigned", cause="agreement:x"
    )
    client.force_login(coordinator)
    section = attention_section(client, program)
    assert "Two reminders went unheeded: the agreement is not signed" in section


def test_nothing_to_do_says_so(client, coordinator, program):
    client.force_login(coordinator)
    assert "Nothing needs your attention" in attention_section(client, program)


def test_the_program_page_costs_the_same_queries_for_many_pairs(
    client, coordinator, program, mentor, mentee
):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("program_manage", args=[program.slug])).status_code == 200
        return len(captured)

    client.force_login(coordinator)
    started(program, mentor, mentee, days_ago=60)
    few = count_queries()
    for n in range(15):
        person = factories.make_user(f"m{n}@example.com", name=f"Mentee {n}")
        factories.make_enrolment(program, person, role="mentee")
        pair = started(program, mentor, person, days_ago=50 + n)
        CheckIn.objects.create(
            mentorship=pair, user=person, period_start=pair.start_date, mood=1, wants_contact=True
        )
    assert count_queries() == few
