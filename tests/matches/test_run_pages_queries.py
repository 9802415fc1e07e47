"""The matching pages do a bounded number of queries whatever the program's size: 5 000
participants, a run of 2 000 pairs and 2 000 unmatched (written directly, not solved)."""

import pytest
from django.urls import reverse

from lodestar.accounts.models import User
from lodestar.matches.models import MatchRun, Proposal
from lodestar.programs.models import Answer, Enrolment
from tests import factories

pytestmark = pytest.mark.django_db

MENTEES, MENTORS, PAIRS = 4_000, 1_000, 2_000
MAX_QUERIES = 25
ZONES = ["Europe/Paris", "America/New_York", "Asia/Tokyo", "UTC"]


def big_program(program):
    """Fill `program` with 4 000 mentees and 1 000 mentors; two runs, the second proposing
    2 000 pairs with their points and leaving 2 000 mentees unmatched."""
    asked, _offered = factories.make_criterion(program, label="Skills")
    group = factories.make_question(
        program,
        label="Which group do you identify with?",
        kind="single_choice",
        choices=["A", "B", "C"],
        sensitive=True,
    )
    users = User.objects.bulk_create(
        User(email=f"p{i}@example.com", name=f"Person {i:04d}", timezone=ZONES[i % len(ZONES)])
        for i in range(MENTEES + MENTORS)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(
            program=program,
            user=user,
            role="mentee" if i < MENTEES else "mentor",
            capacity=None if i < MENTEES else 2,
            status="approved",
        )
        for i, user in enumerate(users)
    )
    mentees, mentors = enrolments[:MENTEES], enrolments[MENTEES:]
    Answer.objects.bulk_create(
        Answer(enrolment=e, question=group, value="ABC"[i % 3] if i % 50 else "C")
        for i, e in enumerate(mentees)
    )
    inputs = {
        "solver": "optimal",
        "criteria": [{"name": asked.label, "question": asked.pk, "weight": 5.0, "required": False}],
        "mentees": [e.pk for e in mentees],
        "mentors": [e.pk for e in mentors],
        "capacities": [2] * MENTORS,
        "pins": [],
        "exclusions": [],
    }
    metrics = {"matched": PAIRS, "unmatched": MENTEES - PAIRS, "mean": 50.0, "p10": 10.0}
    MatchRun.objects.create(
        program=program, number=1, solver="greedy", status="done", inputs=inputs
    )
    run = MatchRun.objects.create(
        program=program,
        number=2,
        solver="optimal",
        status="done",
        inputs=inputs,
        metrics=metrics,
        unmatched=[
            {
                "enrolment": e.pk,
                "reason": "Every compatible mentor is full.",
                "code": "all_mentors_full",
            }
            for e in mentees[PAIRS:]
        ],
    )
    Proposal.objects.bulk_create(
        Proposal(
            run=run,
            mentee=mentees[k],
            mentor=mentors[k % MENTORS],
            score=(k * 7) % 100,
            breakdown={asked.label: (k * 7) % 100},
            source="solver",
        )
        for k in range(PAIRS)
    )
    return run, mentees


@pytest.fixture
def big(program):
    return big_program(program)


def test_the_review_page_stays_within_a_fixed_number_of_queries(
    client, coordinator, program, big, django_assert_max_num_queries
):
    run, _mentees = big
    client.force_login(coordinator)
    url = reverse("match_run", args=[program.slug, run.number])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    page = response.content.decode()
    assert "2,000 pairs shown" in page or "2000 pairs shown" in page
    assert "Page 1 of 40" in page
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url, {"flagged": "1", "q": "person 00", "page": "2"})
    assert response.status_code == 200


def test_the_runs_list_stays_within_a_fixed_number_of_queries(
    client, coordinator, program, big, django_assert_max_num_queries
):
    client.force_login(coordinator)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("match_runs", args=[program.slug]))
    assert "Run 2" in response.content.decode()


def test_the_fairness_page_stays_within_a_fixed_number_of_queries(
    client, coordinator, program, big, django_assert_max_num_queries
):
    run, _mentees = big
    question = program.questions.get(sensitive=True)
    client.force_login(coordinator)
    url = reverse("match_run_fairness", args=[program.slug, run.number])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url, {"attribute": f"question:{question.pk}"})
    page = response.content.decode()
    assert "<td>4000</td>" in page or "<td>4,000</td>" in page
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url, {"attribute": "profile:department"})


def test_the_mentee_page_and_compare_stay_within_a_fixed_number_of_queries(
    client, coordinator, program, big, django_assert_max_num_queries
):
    run, mentees = big
    client.force_login(coordinator)
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(
            reverse("match_run_mentee", args=[program.slug, run.number, mentees[0].pk])
        )
    assert response.status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(reverse("match_run_compare", args=[program.slug]), {"a": 1, "b": 2})
    assert "only in run 2: 2000" in response.content.decode()
