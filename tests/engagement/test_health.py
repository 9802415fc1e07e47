"""Pair health: each running mentorship healthy, quiet or at risk, with its reasons (dates and
counts, never content); the coordinators' page, at risk first, in a bounded number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from lodestar.engagement.health import health_refresh, program_health
from lodestar.engagement.models import CheckIn, PairHealth
from lodestar.meetings.models import Meeting
from lodestar.mentorships.models import AgreementSignature, AgreementVersion, Goal
from lodestar.messaging.models import Conversation, Message
from lodestar.programs.models import Enrolment
from tests import factories

pytestmark = pytest.mark.django_db


def days_ago(n: int):
    return timezone.now() - timedelta(days=n)


@pytest.fixture
def make_pair(program, mentor, mentee):
    mentor_enrolment = Enrolment.objects.get(user=mentor, program=program)
    mentee_enrolment = Enrolment.objects.get(user=mentee, program=program)

    def make(started_days_ago=10, met_days_ago=None, wrote_days_ago=None, signed=True):
        m = factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[mentee_enrolment])
        m.start_date = timezone.localdate() - timedelta(days=started_days_ago)
        m.save(update_fields=["start_date"])
        if met_days_ago is not None:
            Meeting.objects.create(
                mentorship=m, start=days_ago(met_days_ago), status="completed", proposed_by=mentor
            )
        if wrote_days_ago is not None:
            conversation = Conversation.objects.create(mentorship=m)
            Message.objects.create(
                conversation=conversation,
                author=mentee,
                body="A very private message",
                created_at=days_ago(wrote_days_ago),
            )
        if signed:
            version = AgreementVersion.objects.create(
                mentorship=m, number=1, agreed_at=timezone.now()
            )
            AgreementSignature.objects.create(version=version, user=mentor)
            AgreementSignature.objects.create(version=version, user=mentee)
        return m

    return make


def by_pk(program):
    return {h.mentorship_id: h for h in program_health(program)}


def test_a_pair_that_meets_and_writes_is_healthy(program, make_pair):
    m = make_pair(started_days_ago=60, met_days_ago=5, wrote_days_ago=2)
    health = by_pk(program)[m.pk]
    assert health.status == "healthy"
    assert health.reasons == []


def test_three_weeks_without_meeting_is_quiet_six_is_at_risk(program, make_pair):
    quiet = make_pair(started_days_ago=60, met_days_ago=21, wrote_days_ago=1)
    at_risk = make_pair(started_days_ago=60, met_days_ago=42, wrote_days_ago=1)
    never = make_pair(started_days_ago=25, wrote_days_ago=1)
    found = by_pk(program)
    assert found[quiet.pk].status == "quiet"
    assert found[quiet.pk].reasons == ["No meeting in 21 days"]
    assert found[at_risk.pk].status == "at_risk"
    assert found[at_risk.pk].reasons == ["No meeting in 42 days"]
    assert found[never.pk].status == "quiet"
    assert found[never.pk].reasons == ["No meeting since the start, 25 days ago"]


def test_silence_in_messages_is_quiet(program, make_pair):
    m = make_pair(started_days_ago=60, met_days_ago=3, wrote_days_ago=30)
    health = by_pk(program)[m.pk]
    assert (health.status, health.reasons) == ("quiet", ["No message in 30 days"])


def test_low_mood_or_a_call_for_help_is_at_risk(program, make_pair, mentee, mentor):
    low = make_pair(met_days_ago=1, wrote_days_ago=1)
    CheckIn.objects.create(mentorship=low, user=mentee, period_start=low.start_date, mood=2)
    helped = make_pair(met_days_ago=1, wrote_days_ago=1)
    CheckIn.objects.create(
        mentorship=helped,
        user=mentor,
        period_start=helped.start_date,
        mood=4,
        wants_contact=True,
        blockers="Something only the coordinator may read when asked",
    )
    found = by_pk(program)
    assert found[low.pk].status == "at_risk"
    assert found[low.pk].reasons == ["Latest check-in mood: 2 of 5"]
    assert found[helped.pk].status == "at_risk"
    assert found[helped.pk].reasons == ["A member asked a coordinator to get in touch"]


def test_unsigned_agreement_and_overdue_goals_are_quiet(program, make_pair, mentee):
    unsigned = make_pair(started_days_ago=14, met_days_ago=1, wrote_days_ago=1, signed=False)
    AgreementVersion.objects.create(mentorship=unsigned, number=1)
    no_agreement = make_pair(started_days_ago=13, met_days_ago=1, wrote_days_ago=1, signed=False)
    goals = make_pair(met_days_ago=1, wrote_days_ago=1)
    for title in ("Learn SQL", "Give a talk"):
        Goal.objects.create(
            mentorship=goals,
            owner=mentee,
            title=title,
            target_date=timezone.localdate() - timedelta(days=1),
        )
    Goal.objects.create(
        mentorship=goals,
        owner=mentee,
        title="Done already",
        status="achieved",
        target_date=timezone.localdate() - timedelta(days=1),
    )
    found = by_pk(program)
    assert found[unsigned.pk].reasons == ["Agreement not signed, 14 days after the start"]
    assert found[unsigned.pk].status == "quiet"
    assert found[no_agreement.pk].status == "healthy"  # 13 days: not yet
    assert found[goals.pk].reasons == ["2 goals past their target date"]


def test_page_lists_at_risk_first_then_quiet_then_healthy_without_content(
    client, coordinator, program, make_pair
):
    healthy = make_pair(met_days_ago=1, wrote_days_ago=1)
    quiet = make_pair(started_days_ago=60, met_days_ago=25, wrote_days_ago=1)
    at_risk = make_pair(started_days_ago=60, met_days_ago=50, wrote_days_ago=1)
    client.force_login(coordinator)
    response = client.get(reverse("program_health", args=[program.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    positions = [page.index(f"Mentorship #{m.pk}<") for m in (at_risk, quiet, healthy)]
    assert positions == sorted(positions)
    assert "No meeting in 50 days" in page
    assert "No meeting in 25 days" in page
    assert "A very private message" not in page
    assert "At risk: 1" in page and "Quiet: 1" in page and "Healthy: 1" in page


def test_page_is_for_the_programs_coordinators_only(
    client, program, make_pair, mentor, outsider, other_coordinator
):
    make_pair()
    url = reverse("program_health", args=[program.slug])
    for user in (mentor, outsider, other_coordinator):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_page_with_300_pairs_takes_a_bounded_number_of_queries(
    client, coordinator, program, make_pair, django_assert_max_num_queries
):
    for i in range(300):
        make_pair(started_days_ago=60, met_days_ago=i % 50, wrote_days_ago=i % 30, signed=False)
    health_refresh()
    client.force_login(coordinator)
    url = reverse("program_health", args=[program.slug])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200
    assert "Page 1 of 6" in response.content.decode()
    with django_assert_max_num_queries(12):
        assert client.get(url + "?page=6").status_code == 200


def test_refresh_keeps_since_when_a_pair_is_so(program, make_pair, mentee):
    m = make_pair(met_days_ago=1, wrote_days_ago=1)
    first = timezone.now()
    assert health_refresh(now=first) == 1
    assert health_refresh(now=first + timedelta(hours=1)) == 0
    record = PairHealth.objects.get(mentorship=m)
    assert (record.status, record.since) == ("healthy", first)
    CheckIn.objects.create(mentorship=m, user=mentee, period_start=m.start_date, mood=1)
    later = first + timedelta(hours=2)
    assert health_refresh(now=later) == 1
    record.refresh_from_db()
    assert (record.status, record.since, record.checked_at) == ("at_risk", later, later)
