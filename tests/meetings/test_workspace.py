"""The meetings panel of a mentorship's workspace page: what the members see, what the
coordinators see (counts and dates, none of the pair's words), and its fixed number of queries."""

import pytest
from django.urls import reverse

from lodestar.meetings import services
from lodestar.meetings.models import ActionItem
from lodestar.meetings.workspace import panel
from lodestar.mentorships.policy import get_workspace_for

from .conftest import make_meeting, soon

pytestmark = pytest.mark.django_db


def workspace(client, user, mentorship) -> str:
    client.force_login(user)
    response = client.get(reverse("mentorship_detail", args=[mentorship.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def history(pair, mentor, mentee, clock):
    """A held meeting (90 min), a missed one, the next one proposed by Max, an open item."""
    held = make_meeting(
        pair,
        by=mentor,
        start=soon(days=-14),
        status="completed",
        minutes_logged=90,
        agenda="AGENDA-PAST",
    )
    make_meeting(pair, by=mentee, start=soon(days=-7), status="missed")
    upcoming = make_meeting(
        pair,
        by=mentor,
        start=soon(days=2, hours=21),
        place="https://meet.example.com/PLACE-LINK",
        agenda="AGENDA-NEXT",
    )
    services.shared_note_save(meeting=held, by=mentee, text="NOTE-TEXT", version=0)
    services.private_note_save(meeting=held, by=mentor, text="PRIVATE-TEXT")
    ActionItem.objects.create(mentorship=pair, meeting=held, title="ITEM-TITLE", assignee=mentee)
    return {"held": held, "upcoming": upcoming}


def test_members_see_the_next_meeting_in_their_zone_with_the_others_time(
    client, pair, mentee, history
):
    content = workspace(client, mentee, pair)
    # 13 Jan 2027 21:00 UTC: Thursday 10 a.m. in Auckland, Wednesday 1 p.m. in Los Angeles.
    assert "Thu Jan. 14, 2027, 10 a.m.</time></a> for you" in content
    assert "Wed Jan. 13, 2027, 1 p.m. for Max Mentor (America/Los_Angeles)" in content
    assert "Confirm this time" in content  # Max proposed it: Mia answers
    assert reverse("meeting_reschedule", args=[history["upcoming"].pk]) in content
    assert reverse("meeting_new", args=[pair.pk]) in content and "Plan a meeting" in content
    assert reverse("meeting_detail", args=[history["held"].pk]) in content  # past meetings
    assert "1 meeting held · 1.5 h together" in content
    assert "ITEM-TITLE" in content and "Mark “ITEM-TITLE” done" in content
    assert "PRIVATE-TEXT" not in content


def test_the_proposer_is_not_offered_to_confirm(client, pair, mentor, history):
    content = workspace(client, mentor, pair)
    assert "Confirm this time" not in content
    assert "Propose another time" in content


def test_coordinators_see_counts_and_dates_only(client, pair, coordinator, history):
    content = workspace(client, coordinator, pair)
    assert "Meetings held" in content and "Hours together" in content
    assert "1.5" in content
    assert "Jan. 13, 2027" in content  # the next meeting's date (coordinator in UTC)
    for words in (
        "AGENDA-PAST",
        "AGENDA-NEXT",
        "PLACE-LINK",
        "NOTE-TEXT",
        "PRIVATE-TEXT",
        "ITEM-TITLE",
    ):
        assert words not in content
    assert "/meetings/" not in content and "Plan a meeting" not in content


def test_a_finished_mentorship_shows_its_history_without_actions(client, pair, mentee, history):
    pair.status = "completed"
    pair.save()
    content = workspace(client, mentee, pair)
    assert "1 meeting held · 1.5 h together" in content
    assert "Plan a meeting" not in content and "Confirm this time" not in content
    assert "Mark “ITEM-TITLE” done" not in content


def test_an_empty_history(client, pair, mentee, clock):
    content = workspace(client, mentee, pair)
    assert "No meeting planned." in content and "0 meetings held · 0.0 h together" in content


def test_the_panel_takes_a_fixed_number_of_queries(
    pair, mentor, mentee, coordinator, clock, django_assert_num_queries
):
    for k in range(20):
        make_meeting(
            pair,
            by=mentor,
            start=soon(days=k - 10, hours=1),
            status="completed" if k < 10 else "proposed",
            minutes_logged=30,
        )
        ActionItem.objects.create(mentorship=pair, title=f"Item {k}", assignee=mentee)
    mentorship = get_workspace_for(mentee, pair.pk)  # members come prefetched with the page
    with django_assert_num_queries(4):
        context = panel(mentorship, mentee, content=True)
    assert len(context["meetings_upcoming"]) == 5 and context["meetings_more_upcoming"]
    assert len(context["meetings_items"]) == 10 and context["meetings_more_items"]
    assert context["meetings_hours"] == 5.0
    mentorship = get_workspace_for(coordinator, pair.pk)
    with django_assert_num_queries(1):
        context = panel(mentorship, coordinator, content=False)
    assert context["meetings_held"] == 10 and "meetings_items" not in context
