"""Where people find their sessions — “Your sessions”, the dashboard, the program's page — and
the coordinators' “Sessions and feedback”: figures for a period, never the questions or the
comments, in the same number of queries for a few sessions or many."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lodestar.flash.models import SessionFeedback
from tests import factories

from .conftest import NOW, add_person, book, make_booking, make_slot, publish

pytestmark = pytest.mark.django_db

MINE = reverse("flash_my_sessions")
FIGURES = reverse("flash_program_sessions", args=["flash-week"])


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def page(client, user, address, params=None) -> str:
    client.force_login(user)
    return text(client.get(address, params or {}))


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", html)


@pytest.fixture
def sessions(clock, program, max_e, mia_e):
    """Mia's upcoming session with Max (Tuesday 17:00 in Paris), and one held last week."""
    coming = book(publish(max_e).slots.order_by("start").first(), mia_e, question="Secret plan")
    past = make_booking(make_slot(max_e, NOW - timedelta(days=7)), mia_e, status="held")
    return coming, past


# --- "Your sessions" --------------------------------------------------------------------------


def test_the_mentee_sees_sessions_to_come_and_past_in_their_zone(client, sessions, mentee):
    coming, past = sessions
    content = page(client, mentee, MINE)
    assert "Tue March 2, 2027, 11 a.m." in content  # New York
    assert "Max Mentor (your mentor)" in content
    assert reverse("flash_booking", args=[coming.pk]) in content
    assert reverse("flash_booking", args=[past.pk]) + "#feedback-heading" in content
    assert reverse("flash_browse", args=["flash-week"]) in content


def test_the_mentor_sees_the_same_sessions_from_their_side(client, sessions, mentor):
    content = page(client, mentor, MINE)
    assert "Tue March 2, 2027, 5 p.m." in content  # Paris
    assert "Mia Mentee (your mentee)" in content
    assert reverse("flash_office_hours", args=["flash-week"]) in content
    assert "Secret plan" not in content  # questions are on each booking's page


def test_nobody_else_sees_them(client, sessions, program, outsider):
    ola = add_person(program, "Ola Other").user
    for user in (ola, outsider):
        content = page(client, user, MINE)
        assert "No session to come." in content and "No past session yet." in content


def test_past_sessions_are_paged(client, clock, max_e, mia_e, mentee):
    for k in range(30):
        make_booking(make_slot(max_e, NOW - timedelta(days=k + 1)), mia_e, status="held")
    content = page(client, mentee, MINE)
    assert "Page 1 of 2" in content
    assert content.count('<span class="badge booking-held">') == 25


# --- dashboard and program page ---------------------------------------------------------------


def test_the_dashboard_lists_the_next_sessions_of_flash_participants(client, sessions, mentee):
    content = page(client, mentee, reverse("dashboard"))
    assert "Your sessions" in content
    assert "with Max Mentor (your mentor)" in content


def test_the_dashboard_has_no_sessions_section_for_others(client, outsider, coordinator):
    program = factories.make_program(name="Classic", coordinator=coordinator)
    factories.make_enrolment(program, outsider)
    content = page(client, outsider, reverse("dashboard"))
    assert 'id="my-sessions"' not in content


def test_the_program_page_leads_mentors_and_mentees_to_their_pages(client, clock, mentor, mentee):
    detail = reverse("program_detail", args=["flash-week"])
    assert reverse("flash_office_hours", args=["flash-week"]) in page(client, mentor, detail)
    content = page(client, mentee, detail)
    assert reverse("flash_browse", args=["flash-week"]) in content
    assert "Book a session" in content


def test_other_programs_have_no_flash_links(client, program, mentee, coordinator):
    program.kind = "one_to_one"
    program.save()
    assert "Book a session" not in page(
        client, mentee, reverse("program_detail", args=["flash-week"])
    )
    manage = page(client, coordinator, reverse("program_manage", args=["flash-week"]))
    assert "Sessions and feedback" not in manage


def test_the_coordinators_page_leads_to_the_figures(client, program, coordinator):
    manage = page(client, coordinator, reverse("program_manage", args=["flash-week"]))
    assert f'href="{FIGURES}">Sessions and feedback' in manage


# --- the coordinators' figures ----------------------------------------------------------------


@pytest.fixture
def history(clock, program, max_e, mia_e):
    olga = add_person(program, "Olga Other", role="mentor")
    ann, ben = add_person(program, "Ann A"), add_person(program, "Ben B")
    day = NOW - timedelta(days=10)
    group = make_slot(max_e, day, capacity=3, minutes=90, topics=["CV review", "Interviews"])
    held = [make_booking(group, m, status="held", question="My secret") for m in (mia_e, ann)]
    make_booking(group, ben, status="no_show")
    solo = make_slot(olga, day + timedelta(days=1), minutes=30, topics=["Salary"])
    make_booking(solo, mia_e, status="held")
    make_booking(make_slot(olga, day + timedelta(days=2)), ann, status="cancelled")
    for booking, rating in ((held[0], 5), (held[1], 4)):
        SessionFeedback.objects.create(
            booking=booking,
            author=booking.mentee.user,
            rating=rating,
            useful=rating == 5,
            comment="Private words",
        )
    return day


def figures(content: str) -> list[str]:
    """The cells of the first table (the counts)."""
    table = content.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<td>([^<]*)</td>", table)


def test_the_coordinator_sees_counts_hours_topics_mentors_and_scores(client, history, coordinator):
    content = squash(page(client, coordinator, FIGURES))
    # booked, held, cancelled, no-shows, all, hours held (1.5 + 0.5)
    assert figures(content) == ["0", "3", "1", "1", "5", "2"]
    assert '<th scope="row">CV review</th><td>3</td>' in content
    assert '<th scope="row">Salary</th><td>1</td>' in content
    assert '<th scope="row">Max Mentor</th><td>3</td><td>2</td>' in content
    assert "4.5 out of 5" in content and "50 %" in content
    assert "My secret" not in content and "Private words" not in content


def test_the_figures_for_a_period(client, history, coordinator):
    since = (history + timedelta(days=1)).date().isoformat()
    content = page(client, coordinator, FIGURES, {"since": since})
    assert figures(content) == ["0", "1", "1", "0", "2", "0.5"]
    assert "Sessions in this period" in content
    content = page(client, coordinator, FIGURES, {"until": history.date().isoformat()})
    assert figures(content) == ["0", "2", "0", "1", "3", "1.5"]


def test_a_period_that_ends_before_it_starts_is_explained(client, history, coordinator):
    client.force_login(coordinator)
    response = client.get(FIGURES, {"since": "2027-03-01", "until": "2027-02-01"})
    assert response.status_code == 400
    assert "The end of the period comes before its start." in response.content.decode()
    assert figures(response.content.decode())[4] == "5"  # every session, meanwhile


def test_the_figures_take_as_many_queries_for_many_sessions_as_for_a_few(
    client, clock, program, max_e, coordinator
):
    def sessions(count: int, offset: int):
        for k in range(count):
            mentee = add_person(program, f"Mentee {offset + k}")
            slot = make_slot(max_e, NOW - timedelta(days=offset + k), topics=[f"T{k}"])
            booking = make_booking(slot, mentee, status="held")
            SessionFeedback.objects.create(
                booking=booking, author=mentee.user, rating=4, useful=True
            )

    client.force_login(coordinator)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(FIGURES).status_code == 200
        return len(captured)

    sessions(2, 1)
    few = count()
    sessions(25, 10)
    assert count() == few
