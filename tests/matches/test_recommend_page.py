"""The mentee's “Find a mentor” page: ranked by score minus a scarcity price, explained,
filtered, paged, and in a bounded number of queries however large the program."""

import re
import time
from datetime import timedelta

import pytest
from django.urls import reverse

from lodestar.accounts.models import AvailabilityWindow, Profile, User
from lodestar.core.models import Tag
from lodestar.matches.models import Choice, Exclusion, MatchRun
from lodestar.programs.models import Answer, Enrolment
from tests import factories

pytestmark = pytest.mark.django_db

TOPICS = [f"Topic {k}" for k in range(10)]


@pytest.fixture
def chooser(program):
    program.matching_mode = "mentee_choice"
    program.save()
    return program


@pytest.fixture
def topics(chooser):
    """A criterion: the topics a mentee wants against those a mentor teaches."""
    return factories.make_criterion(chooser, label="What do you want to learn?", choices=TOPICS)


@pytest.fixture
def mentee_e(chooser, mentee, topics):
    enrolment = Enrolment.objects.get(program=chooser, user=mentee)
    factories.make_answer(enrolment, topics[0], TOPICS)
    return enrolment


def add_mentor(program, name, *, teaches=(), capacity=1, questions=None, **profile) -> Enrolment:
    user = factories.make_user(f"{name.split()[0].lower()}@example.com", name=name)
    if profile:
        Profile.objects.filter(user=user).update(**profile)
    enrolment = factories.make_enrolment(program, user, role="mentor", capacity=capacity)
    if questions is not None:
        factories.make_answer(enrolment, questions[1], list(teaches))
    return enrolment


def add_mentee(program, name) -> Enrolment:
    user = factories.make_user(f"{name.lower()}@example.com", name=name)
    return factories.make_enrolment(program, user, role="mentee")


def listed(content: str) -> list[str]:
    """The mentors' names in the order the page lists them."""
    return re.findall(r'<h3 id="mentor-\d+-name"><a href="[^"]+">([^<]+)</a>', content)


def get(client, user, program, **params):
    client.force_login(user)
    return client.get(reverse("mentor_recommendations", args=[program.slug]), params)


# Ranking -------------------------------------------------------------------------------------


def test_mentors_are_ranked_by_score_with_the_reasons(client, chooser, mentee, mentee_e, topics):
    add_mentor(chooser, "Bea Both", teaches=TOPICS[:5], questions=topics)
    add_mentor(chooser, "Al All", teaches=TOPICS, questions=topics, headline="Data lead")
    add_mentor(chooser, "Cy None", teaches=["Other"], questions=topics)
    response = get(client, mentee, chooser)
    content = response.content.decode()
    assert response.status_code == 200
    assert listed(content) == ["Al All", "Bea Both", "Cy None"]
    assert "Match 100 / 100" in content and "Match 50 / 100" in content
    assert "Data lead" in content
    assert "You both chose Topic 0, Topic 1, Topic 2, Topic 3 and 1 more" in content
    assert "What do you want to learn?" in content


def test_a_mentor_many_are_asking_comes_lower(client, chooser, mentee, mentee_e, topics):
    popular = add_mentor(chooser, "Al Popular", teaches=TOPICS, questions=topics)
    add_mentor(chooser, "Bea Free", teaches=TOPICS[:9], questions=topics)
    for name in ("Ola", "Ivo"):
        factories.make_request(add_mentee(chooser, name), popular)
    content = get(client, mentee, chooser).content.decode()
    # 100 − min(20, 10 × 2 requests / 1 seat) = 80 < 90.
    assert listed(content) == ["Bea Free", "Al Popular"]
    assert "Match 100 / 100" in content
    assert "Mentors many mentees are asking come a little lower" in content


def test_the_latest_runs_prices_rank_the_list_when_there_is_one(
    client, chooser, mentee, mentee_e, topics
):
    priced = add_mentor(chooser, "Al Priced", teaches=TOPICS, questions=topics)
    add_mentor(chooser, "Bea Cheap", teaches=TOPICS[:9], questions=topics)
    MatchRun.objects.create(program=chooser, number=1, solver="optimal", status="done")
    MatchRun.objects.filter(number=1).update(prices={str(priced.pk): 15})
    MatchRun.objects.create(
        program=chooser, number=2, solver="optimal", status="failed", prices={str(priced.pk): 0}
    )
    assert listed(get(client, mentee, chooser).content.decode()) == ["Bea Cheap", "Al Priced"]


def test_full_mentors_are_hidden_unless_asked_for_then_shown_full(
    client, chooser, mentee, mentee_e, topics
):
    full = add_mentor(chooser, "Fay Full", teaches=TOPICS, questions=topics)
    factories.make_mentorship(chooser, mentor=full, mentees=[add_mentee(chooser, "Sat")])
    add_mentor(chooser, "Bea Free", teaches=TOPICS[:2], questions=topics)
    content = get(client, mentee, chooser).content.decode()
    assert listed(content) == ["Bea Free"]
    assert "full mentors are hidden" in content
    content = get(client, mentee, chooser, seats="all").content.decode()
    assert listed(content) == ["Bea Free", "Fay Full"]
    card = content.split("Fay Full")[1]
    assert "Full" in card and "None: this mentor is full" in card
    assert reverse("request_new", args=[chooser.slug, full.pk]) not in content


def test_excluded_mentors_are_not_listed(client, chooser, mentee, mentee_e, topics):
    excluded = add_mentor(chooser, "Xen Excluded", teaches=TOPICS, questions=topics)
    Exclusion.objects.create(program=chooser, mentee=mentee_e, mentor=excluded)
    add_mentor(chooser, "Bea Free", teaches=TOPICS[:2], questions=topics)
    assert listed(get(client, mentee, chooser, seats="all").content.decode()) == ["Bea Free"]


def test_filters_by_language_and_by_words(client, chooser, mentee, mentee_e, topics):
    add_mentor(chooser, "Ana Spanish", teaches=TOPICS, questions=topics, languages=["es", "en"])
    python = add_mentor(
        chooser,
        "Bo English",
        teaches=TOPICS[:3],
        questions=topics,
        languages=["en"],
        job_title="Staff engineer",
    )
    python.user.profile.skills.set(Tag.objects.named(["Python"]))
    content = get(client, mentee, chooser, language="es").content.decode()
    assert listed(content) == ["Ana Spanish"]
    assert '<option value="es" selected>Spanish</option>' in content
    assert listed(get(client, mentee, chooser, q="python").content.decode()) == ["Bo English"]
    assert listed(get(client, mentee, chooser, q="STAFF").content.decode()) == ["Bo English"]
    assert listed(get(client, mentee, chooser, q="ana").content.decode()) == ["Ana Spanish"]
    assert (
        "No mentor matches these filters."
        in get(client, mentee, chooser, q="astronaut").content.decode()
    )


def test_twenty_mentors_a_page(client, chooser, mentee, mentee_e, topics):
    for k in range(25):
        add_mentor(chooser, f"Mentor{k:02d} X", teaches=TOPICS[: 1 + k % 10], questions=topics)
    first = get(client, mentee, chooser).content.decode()
    second = get(client, mentee, chooser, page=2).content.decode()
    assert len(listed(first)) == 20 and len(listed(second)) == 5
    assert not set(listed(first)) & set(listed(second))
    assert "25 mentors" in first and "Page 1 of 2" in first


def test_shared_free_time_and_time_zone_are_shown(client, chooser, mentee, mentee_e, topics):
    bea = add_mentor(chooser, "Bea Free", teaches=TOPICS, questions=topics)
    User.objects.filter(pk__in=[mentee.pk, bea.user_id]).update(timezone="Europe/Paris")
    AvailabilityWindow.objects.create(user=mentee, weekday=0, start="09:00", end="12:00")
    AvailabilityWindow.objects.create(user=bea.user, weekday=0, start="08:00", end="11:00")
    content = get(client, mentee, chooser).content.decode()
    assert "2 h a week" in content and "Europe/Paris" in content


def test_without_criteria_mentors_are_listed_by_name_with_a_note(client, chooser, mentee):
    for name in ("Zoe Last", "Al First", "Mo Middle"):
        add_mentor(chooser, name)
    content = get(client, mentee, chooser).content.decode()
    assert listed(content) == ["Al First", "Mo Middle", "Zoe Last"]
    assert "listed by name, not ranked" in content
    assert "Match " not in content


# The mentee's own state ----------------------------------------------------------------------


def test_requested_mentors_say_so_and_requests_are_listed(
    client, chooser, mentee, mentee_e, topics
):
    asked = add_mentor(chooser, "Al Asked", teaches=TOPICS, questions=topics)
    declined = add_mentor(chooser, "Dee Declined", teaches=TOPICS[:5], questions=topics)
    other = add_mentor(chooser, "Bea Other", teaches=TOPICS[:2], questions=topics)
    sent = factories.make_request(mentee_e, asked)
    factories.make_request(mentee_e, declined, status="declined")
    content = get(client, mentee, chooser).content.decode()
    assert "Requested — waiting for an answer" in content
    assert reverse("request_detail", args=[sent.pk]) in content
    assert "Declined your request" in content
    assert reverse("request_new", args=[chooser.slug, other.pk]) in content
    assert reverse("request_new", args=[chooser.slug, asked.pk]) not in content
    assert reverse("request_new", args=[chooser.slug, declined.pk]) not in content
    assert "Your requests" in content and "You have 1 request waiting" in content


def test_a_mentee_with_a_mentorship_is_sent_to_it(client, chooser, mentee, mentee_e, mentor):
    mentorship = factories.make_mentorship(
        chooser, mentor=Enrolment.objects.get(user=mentor), mentees=[mentee_e]
    )
    content = get(client, mentee, chooser).content.decode()
    assert "You already have a mentorship in this program." in content
    assert reverse("mentorship_detail", args=[mentorship.pk]) in content
    assert listed(content) == []


def test_next_choices_are_added_moved_and_removed_from_the_page(
    client, chooser, mentee, mentee_e, topics
):
    a = add_mentor(chooser, "Al A", teaches=TOPICS, questions=topics)
    b = add_mentor(chooser, "Bo B", teaches=TOPICS[:3], questions=topics)
    client.force_login(mentee)
    url = reverse("mentor_choices", args=[chooser.slug])
    for mentor in (a, b):
        response = client.post(url, {"action": "add", "mentor": mentor.pk})
        assert response.status_code == 302
    client.post(url, {"action": "up", "choice": Choice.objects.get(mentor=b).pk})
    assert [c.mentor_id for c in Choice.objects.order_by("position")] == [b.pk, a.pk]
    content = get(client, mentee, chooser).content.decode()
    section = content.split('id="choices"')[1].split("</section>")[0]
    assert section.index("Bo B") < section.index("Al A")
    client.post(url, {"action": "remove", "choice": Choice.objects.get(mentor=b).pk})
    assert [c.mentor_id for c in Choice.objects.all()] == [a.pk]
    response = client.post(url, {"action": "add", "mentor": a.pk}, follow=True)
    assert "Al A is already on your list." in response.content.decode()


# Who may see it ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["mentor", "outsider", "coordinator", "other_coordinator"])
def test_only_approved_mentees_see_the_page(client, chooser, persona, request):
    response = get(client, request.getfixturevalue(persona), chooser)
    assert response.status_code == 404


def test_no_page_where_mentees_do_not_choose(client, program, mentee):
    assert get(client, mentee, program).status_code == 404


def test_program_page_links_mentees_and_mentors_to_their_pages(client, chooser, mentee, mentor):
    client.force_login(mentee)
    content = client.get(reverse("program_detail", args=[chooser.slug])).content.decode()
    assert reverse("mentor_recommendations", args=[chooser.slug]) in content
    assert "Find a mentor" in content and "My requests" in content
    client.force_login(mentor)
    content = client.get(reverse("program_detail", args=[chooser.slug])).content.decode()
    assert "Requests you received" in content and reverse("my_requests") in content
    assert "Find a mentor" not in content


# Scale ---------------------------------------------------------------------------------------


def bulk_program(program, *, mentors: int, mentees: int):
    """A program of mentors + mentees people, each with answers to three criteria, written
    with bulk_create."""
    topics, _ = factories.make_criterion(program, label="Topics", choices=TOPICS, weight=6)
    industry, _ = factories.make_criterion(
        program, label="Industry", rule="same", kind="single_choice", choices=["A", "B", "C"]
    )
    level, _ = factories.make_criterion(
        program, label="Level", rule="near", kind="number", choices=(), tolerance=3
    )
    questions = {"mentee": (topics, industry, level)}
    questions["mentor"] = tuple(q.paired_with for q in questions["mentee"])
    total = mentors + mentees
    users = User.objects.bulk_create(
        User(email=f"p{k}@example.com", name=f"Person {k:05d}", password="!") for k in range(total)
    )
    Profile.objects.bulk_create(Profile(user=u, languages=["en"]) for u in users)
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            program=program,
            user=u,
            role="mentor" if k < mentors else "mentee",
            status="approved",
            capacity=2 if k < mentors else None,
        )
        for k, u in enumerate(users)
    )
    answers = []
    for k, enrolment in enumerate(enrolments):
        asked = questions[enrolment.role]
        answers += [
            Answer(enrolment=enrolment, question=asked[0], value=TOPICS[k % 7 : k % 7 + 3]),
            Answer(enrolment=enrolment, question=asked[1], value="ABC"[k % 3]),
            Answer(enrolment=enrolment, question=asked[2], value=k % 10),
        ]
    Answer.objects.bulk_create(answers, batch_size=2000)
    return enrolments, questions


def test_the_page_stays_within_a_fixed_number_of_queries_with_5000_people(
    client, chooser, mentee, django_assert_max_num_queries
):
    started = time.perf_counter()
    people, questions = bulk_program(chooser, mentors=1000, mentees=4000)
    me = Enrolment.objects.get(user=mentee)
    for question, value in zip(questions["mentee"], (TOPICS[:4], "A", 4), strict=True):
        factories.make_answer(me, question, value)
    for k in range(3):
        factories.make_request(people[1000 + k], people[k])
    factories.make_request(me, people[5], expires_in=timedelta(days=1))
    client.force_login(mentee)
    url = reverse("mentor_recommendations", args=[chooser.slug])
    with django_assert_max_num_queries(35):  # 32 today: none grows with the mentors
        response = client.get(url, {"page": 3})
    content = response.content.decode()
    assert response.status_code == 200
    assert len(listed(content)) == 20
    assert "1000 mentors" in content
    assert time.perf_counter() - started < 30
