"""Who gets in to the flash pages: a program's pages are for its approved mentors (office hours)
or mentees (booking); a booking is for its mentee and its mentor only — not another mentee, not
the coordinators, who see the figures instead — and the figures are for the program's own
coordinators. Everyone else gets a 404 and changes nothing; anonymous visitors log in first."""

from datetime import timedelta

import pytest
from django.urls import reverse

from lodestar.accounts.models import User
from lodestar.flash.models import Booking, OfficeHours, SessionFeedback, Slot
from lodestar.matches.models import MentorshipRequest
from tests import factories

from .conftest import NOW, add_person, book, make_booking, make_slot, publish

pytestmark = pytest.mark.django_db


def url(name, *args) -> str:
    return reverse(name, args=args)


@pytest.fixture
def world(clock, program, max_e, mia_e, other_program):
    """Max's weekly office hours in the flash program, Mia's booking of the first session, a
    session of last week Mia had with Max, and people of another program."""
    program.flash_mentorship_requests = True
    program.save()
    hours = publish(max_e)
    slot = hours.slots.order_by("start").first()
    booking = book(slot, mia_e)
    held = make_booking(make_slot(max_e, NOW - timedelta(days=7)), mia_e, status="held")
    stranger = factories.make_user("stranger@example.com", name="Sam Stranger")
    factories.make_enrolment(other_program, stranger, role="mentee")
    return {"hours": hours, "slot": slot, "booking": booking, "held": held}


@pytest.fixture
def other_mentee(program):
    return add_person(program, "Ola Other").user


@pytest.fixture
def other_mentor(program):
    return add_person(program, "Omar Other", role="mentor").user


@pytest.fixture
def stranger(world):
    return User.objects.get(email="stranger@example.com")


def snapshot() -> dict:
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (OfficeHours, Slot, Booking, SessionFeedback, MentorshipRequest)
    }


def booking_urls(world) -> list[tuple[str, str]]:
    b, h = world["booking"].pk, world["held"].pk
    return [
        ("get", url("flash_booking", b)),
        ("post", url("flash_booking_cancel", b)),
        ("post", url("flash_booking_outcome", h)),
        ("post", url("flash_booking_feedback", h)),
        ("post", url("flash_booking_mentorship", h)),
    ]


def mentor_urls(world, slug="flash-week") -> list[tuple[str, str]]:
    return [
        ("get", url("flash_office_hours", slug)),
        ("post", url("flash_office_hours", slug)),
        ("post", url("flash_office_hours_withdraw", world["hours"].pk)),
        ("post", url("flash_slot_cancel", world["slot"].pk)),
    ]


def mentee_urls(world, slug="flash-week") -> list[tuple[str, str]]:
    later = world["hours"].slots.order_by("start")[1]
    return [
        ("get", url("flash_browse", slug)),
        ("get", url("flash_book", slug, later.pk)),
        ("post", url("flash_book", slug, later.pk)),
    ]


POST_DATA = {
    "reason": "x",
    "status": "held",
    "rating": 5,
    "useful": "yes",
    "message": "Hello",
    "question": "Could we talk?",
    "repeat": "once",
    "on_date": "2027-03-10",
    "start_time": "10:00",
    "time_zone": "Europe/Paris",
    "duration": 30,
    "capacity": 1,
    "mode": "video",
}


def assert_all_404(client, user, addresses) -> None:
    before = snapshot()
    client.force_login(user)
    for method, address in addresses:
        response = getattr(client, method)(address, POST_DATA)
        assert response.status_code == 404, (method, address, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize(
    "persona", ["other_mentee", "other_mentor", "coordinator", "outsider", "other_coordinator"]
)
def test_only_its_mentee_and_mentor_reach_a_booking(client, world, persona, request):
    assert_all_404(client, request.getfixturevalue(persona), booking_urls(world))


def test_a_person_of_another_program_reaches_no_booking(client, world, stranger):
    assert_all_404(client, stranger, booking_urls(world))


@pytest.mark.parametrize(
    "persona", ["mentee", "other_mentor", "coordinator", "outsider", "other_coordinator"]
)
def test_a_mentors_office_hours_are_theirs_alone(client, world, persona, request):
    """Mia is a mentee (no office-hours page); Omar is a mentor but the hours and the session
    are Max's: Omar has his own page, and 404 on Max's hours."""
    user = request.getfixturevalue(persona)
    addresses = mentor_urls(world)
    if persona == "other_mentor":
        addresses = addresses[2:]
    assert_all_404(client, user, addresses)


@pytest.mark.parametrize("persona", ["mentor", "coordinator", "outsider", "other_coordinator"])
def test_only_the_programs_mentees_book(client, world, persona, request):
    assert_all_404(client, request.getfixturevalue(persona), mentee_urls(world))


def test_people_of_another_program_reach_none_of_its_pages(client, world, stranger):
    assert_all_404(client, stranger, [*mentor_urls(world), *mentee_urls(world)])


def test_a_slot_of_another_program_cannot_be_booked_through_this_one(
    client, clock, world, mentee, other_program, coordinator
):
    flash_two = factories.make_program(
        coordinator=coordinator, name="Flash Two", kind="flash", status="running"
    )
    olga = add_person(flash_two, "Olga Two", role="mentor")
    elsewhere = publish(olga).slots.first()
    assert_all_404(
        client,
        mentee,
        [
            ("get", url("flash_book", "flash-week", elsewhere.pk)),
            ("post", url("flash_book", "flash-week", elsewhere.pk)),
        ],
    )


def test_flash_pages_of_a_program_that_is_not_a_flash_program_are_404(
    client, program, mentee, coordinator
):
    program.kind = "one_to_one"
    program.save()
    client.force_login(mentee)
    assert client.get(url("flash_browse", program.slug)).status_code == 404
    client.force_login(coordinator)
    assert client.get(url("flash_program_sessions", program.slug)).status_code == 404


@pytest.mark.parametrize(
    "persona", ["mentor", "mentee", "outsider", "other_coordinator", "other_mentor"]
)
def test_only_the_programs_coordinators_see_its_figures(client, world, persona, request):
    assert_all_404(
        client,
        request.getfixturevalue(persona),
        [("get", url("flash_program_sessions", "flash-week"))],
    )


def test_a_follow_up_of_somebody_elses_session_is_404(client, world, program, max_e):
    ola = add_person(program, "Ola Other")
    theirs = make_booking(make_slot(max_e, NOW - timedelta(days=3)), ola, status="held")
    later = world["hours"].slots.order_by("start")[2]
    client.force_login(world["booking"].mentee.user)
    assert (
        client.get(url("flash_browse", "flash-week"), {"follow_up": theirs.pk}).status_code == 404
    )
    before = snapshot()
    response = client.post(
        url("flash_book", "flash-week", later.pk), {"question": "More?", "follow_up_of": theirs.pk}
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    addresses = [
        *booking_urls(world),
        *mentor_urls(world),
        *mentee_urls(world),
        ("get", url("flash_my_sessions")),
        ("get", url("flash_program_sessions", "flash-week")),
    ]
    before = snapshot()
    for method, address in addresses:
        response = getattr(client, method)(address, POST_DATA)
        assert response.status_code == 302, address
        assert response["Location"].startswith(reverse("account_login"))
    assert snapshot() == before


def test_each_side_opens_the_booking(client, world, mentor, mentee):
    for user in (mentor, mentee):
        client.force_login(user)
        assert client.get(url("flash_booking", world["booking"].pk)).status_code == 200
