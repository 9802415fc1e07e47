"""Lists of mentorships: a person's own (what needs their answer first), a program's for its
coordinators (filters, answers, pages, bounded queries), and the dashboard's summary."""

import pytest
from django.urls import reverse

from lodestar.mentorships.services import mentorship_accept, mentorship_decline
from tests import factories

pytestmark = pytest.mark.django_db


def enrol(program, email, name, role="mentee", **fields):
    return factories.make_enrolment(
        program, factories.make_user(email, name=name), role=role, **fields
    )


# --- a person's mentorships -----------------------------------------------------------------


def test_my_mentorships_puts_what_needs_my_answer_first(
    client, program, other_program, mentor, mentor_enrolment
):
    past_mentee = enrol(program, "past@example.com", "Paula Past")
    factories.make_mentorship(
        program, mentor=mentor_enrolment, mentees=[past_mentee], status="ended_early"
    )
    current_mentee = enrol(program, "now@example.com", "Nora Now")
    factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[current_mentee])
    factories.make_enrolment(other_program, mentor, role="mentee")
    other_mentor = enrol(other_program, "pat@example.com", "Pat Proposed", role="mentor")
    factories.make_mentorship(
        other_program,
        mentor=other_mentor,
        mentees=[mentor.enrolments.get(program=other_program)],
        status="proposed",
    )

    client.force_login(mentor)
    content = client.get(reverse("my_mentorships")).content.decode()

    order = [
        content.index(text)
        for text in ("Waiting for your answer", "Pat Proposed", "Under way", "Nora Now", "Past")
    ]
    assert order == sorted(order)
    assert content.index("Paula Past") > content.index('<h2 id="past">')
    assert "Autumn Cohort" in content and "Spring Cohort" in content


def test_my_mentorships_shows_proposals_i_answered_as_waiting(client, proposed, mentee, mentor):
    mentorship_accept(mentorship=proposed, user=mentee)
    client.force_login(mentee)
    content = client.get(reverse("my_mentorships")).content.decode()
    assert "Waiting for the others to answer" in content
    assert "Waiting for your answer" not in content
    client.force_login(mentor)
    assert "Waiting for your answer" in client.get(reverse("my_mentorships")).content.decode()


def test_my_mentorships_is_empty_for_newcomers(client, outsider, active):
    client.force_login(outsider)
    content = client.get(reverse("my_mentorships")).content.decode()
    assert "You have no mentorships yet." in content
    assert "Max Mentor" not in content


# --- a program's mentorships ----------------------------------------------------------------


@pytest.fixture
def several(program, mentor_enrolment, mentee_enrolment, coordinator):
    declined_mentee = enrol(program, "dora@example.com", "Dora Declines")
    proposed = factories.make_mentorship(
        program,
        mentor=mentor_enrolment,
        mentees=[declined_mentee],
        status="proposed",
        origin="algorithm",
        score=64,
    )
    mentorship_decline(
        mentorship=proposed, user=declined_mentee.user, reason="I asked for a designer"
    )
    return [
        proposed,
        factories.make_mentorship(program, mentor=mentor_enrolment, mentees=[mentee_enrolment]),
    ]


def test_the_program_list_shows_people_status_origin_score_and_answers(
    client, coordinator, program, several
):
    client.force_login(coordinator)
    content = client.get(reverse("program_mentorships", args=[program.slug])).content.decode()
    assert "2 mentorships" in content
    for text in ("Dora Declines", "Mia Mentee", "Max Mentor", "Declined", "Active"):
        assert text in content
    assert "Matching run" in content and "Coordinator" in content
    assert ">64<" in content
    assert "Dora Declines: Declined" in content
    assert "I asked for a designer" in content
    assert "Max Mentor: Waiting for an answer" in content
    assert reverse("manual_match", args=[program.slug]) in content
    assert reverse("mentorship_detail", args=[several[0].pk]) in content


def test_the_program_list_filters(client, coordinator, program, several):
    client.force_login(coordinator)
    url = reverse("program_mentorships", args=[program.slug])
    content = client.get(url, {"status": "declined"}).content.decode()
    assert "Dora Declines" in content and "Mia Mentee" not in content
    content = client.get(url, {"origin": "manual"}).content.decode()
    assert "Mia Mentee" in content and "Dora Declines" not in content
    content = client.get(url, {"q": "dora@"}).content.decode()
    assert "1 mentorship" in content and "Mia Mentee" not in content
    content = client.get(url, {"q": "max"}).content.decode()
    assert "2 mentorships" in content
    content = client.get(url, {"status": "bogus", "page": "x"}).content.decode()
    assert "2 mentorships" in content


def test_only_the_programs_coordinators_see_its_list(
    client, program, several, other_coordinator, mentor
):
    url = reverse("program_mentorships", args=[program.slug])
    assert client.get(url).status_code == 302
    for person in (other_coordinator, mentor):
        client.force_login(person)
        assert client.get(url).status_code == 404


def test_the_program_list_pages_and_stays_cheap(
    client, coordinator, program, django_assert_max_num_queries
):
    mentors = [
        enrol(program, f"mentor{i}@example.com", f"Mentor {i}", role="mentor", capacity=5)
        for i in range(60)
    ]
    for i in range(240):
        mentee = enrol(program, f"mentee{i}@example.com", f"Mentee {i}")
        factories.make_mentorship(
            program,
            mentor=mentors[i % 60],
            mentees=[mentee],
            status="proposed" if i % 3 else "active",
            score=i % 100,
        )
    client.force_login(coordinator)
    url = reverse("program_mentorships", args=[program.slug])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    content = response.content.decode()
    assert "240 mentorships" in content
    assert "Page 1 of 5" in content
    assert content.count(reverse("mentorship_detail", args=[1])[:-2]) >= 50
    with django_assert_max_num_queries(12):
        response = client.get(url, {"page": 5, "q": "mentee", "status": "proposed"})
    assert "160 mentorships" in response.content.decode()


# --- the dashboard --------------------------------------------------------------------------


def test_the_dashboard_puts_proposals_to_answer_first(client, proposed, mentee, program):
    active_elsewhere = factories.make_program(name="Summer Cohort")
    mentor_there = enrol(active_elsewhere, "sam@example.com", "Sam Summer", role="mentor")
    factories.make_mentorship(
        active_elsewhere,
        mentor=mentor_there,
        mentees=[factories.make_enrolment(active_elsewhere, mentee)],
    )
    client.force_login(mentee)
    content = client.get(reverse("dashboard")).content.decode()
    section = content[content.index("Your mentorships") :]
    assert section.index("Waiting for your answer") < section.index("Under way")
    assert section.index("Max Mentor") < section.index("Sam Summer")
    assert reverse("mentorship_detail", args=[proposed.pk]) in section


def test_the_dashboard_counts_mentorships_per_coordinated_program(
    client, coordinator, program, several
):
    client.force_login(coordinator)
    content = client.get(reverse("dashboard")).content.decode()
    table = content[content.index("Mentorships in the programs you coordinate") :]
    assert reverse("program_mentorships", args=[program.slug]) in table
    # Spring: 0 waiting, 1 under way, 0 paused, 1 finished (the declined one).
    assert "<td>0</td><td>1</td><td>0</td><td>1</td>" in table


def test_the_dashboard_stays_cheap_with_mentorships(
    client, coordinator, mentor, program, mentor_enrolment, django_assert_max_num_queries
):
    for n in range(8):
        other = factories.make_program(coordinator=coordinator, name=f"Cohort {n}")
        lead = factories.make_enrolment(other, mentor, role="mentor")
        for i in range(3):
            mentee = enrol(other, f"c{n}m{i}@example.com", f"C{n} M{i}")
            factories.make_mentorship(other, mentor=lead, mentees=[mentee])
    client.force_login(mentor)
    # (One of them lists the surveys waiting for an answer.)
    with django_assert_max_num_queries(13):
        assert client.get(reverse("dashboard")).status_code == 200
    client.force_login(coordinator)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("dashboard")).status_code == 200
