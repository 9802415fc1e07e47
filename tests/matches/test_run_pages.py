"""The matching pages, as a coordinator uses them, and as nobody else can."""

import json

import pytest
from django.core import mail
from django.urls import reverse

from lodestar.matches.models import Exclusion, MatchRun, Pin, Proposal
from lodestar.matches.states import RunStatus
from lodestar.mentorships.models import Mentorship
from lodestar.programs.models import Enrolment
from tests import factories
from tests.matches.test_runs import cohort, started

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def reviewed(coordinator, program, django_capture_on_commit_callbacks):
    """Run 1: Cleo–Ada and Dan–Ben score 100, Eve–Fay 50; Ben has a seat left."""
    people, _q = cohort(
        program,
        mentors=[("Ada", ["Design"], 1), ("Ben", ["Sales"], 2), ("Fay", ["Data"], 1)],
        mentees=[("Cleo", ["Design"]), ("Dan", ["Sales"]), ("Eve", ["Design", "Data"])],
    )
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    return run, people


def urls(program, run, people):
    """(URL, method) of every matching page of the program."""
    eve = people["Eve"].pk
    exclusion = Exclusion.objects.create(
        program=program, mentee=people["Cleo"], mentor=people["Fay"]
    )
    base = [program.slug]
    one = [program.slug, run.number]
    mentee = [program.slug, run.number, eve]
    return [
        (reverse("match_runs", args=base), "get"),
        (reverse("match_runs", args=base), "post"),
        (reverse("match_run_compare", args=base), "get"),
        (reverse("match_exclusion_remove", args=[program.slug, exclusion.pk]), "post"),
        (reverse("match_run", args=one), "get"),
        (reverse("match_run_progress", args=one), "get"),
        (reverse("match_run_publish", args=one), "post"),
        (reverse("match_run_fairness", args=one), "get"),
        (reverse("match_run_mentee", args=mentee), "get"),
        (reverse("match_run_preview", args=mentee) + f"?mentor={people['Ben'].pk}", "get"),
        (reverse("match_run_pin", args=mentee), "post"),
        (reverse("match_run_unpin", args=mentee), "post"),
        (reverse("match_run_exclude", args=mentee), "post"),
        (reverse("match_run_reassign", args=mentee), "post"),
        (reverse("match_run_swap", args=mentee), "post"),
    ]


def unchanged(run, program):
    assert MatchRun.objects.filter(program=program).count() == 1
    assert Proposal.objects.filter(run=run).count() == 3
    assert not Pin.objects.exists()
    assert Exclusion.objects.count() == 1
    assert not Mentorship.objects.exists()
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


@pytest.mark.parametrize("persona", ["other_coordinator", "mentor", "mentee", "outsider"])
def test_nobody_but_the_coordinators_sees_or_changes_anything(
    request, client, reviewed, program, persona
):
    run, people = reviewed
    client.force_login(request.getfixturevalue(persona))
    for url, method in urls(program, run, people):
        data = {"solver": "optimal", "mentor": people["Ben"].pk}
        response = getattr(client, method)(url, data if method == "post" else None)
        assert response.status_code == 404, url
    unchanged(run, program)


def test_anonymous_visitors_are_sent_to_log_in(client, reviewed, program):
    run, people = reviewed
    for url, method in urls(program, run, people):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login"))
    unchanged(run, program)


def test_a_coordinator_of_another_program_cannot_reach_this_run_through_theirs(
    client, reviewed, other_coordinator, other_program
):
    run, people = reviewed
    client.force_login(other_coordinator)
    response = client.get(reverse("match_run", args=[other_program.slug, run.number]))
    assert response.status_code == 404
    response = client.post(
        reverse("match_run_pin", args=[other_program.slug, run.number, people["Eve"].pk])
    )
    assert response.status_code == 404
    assert not Pin.objects.exists()


# ---- the runs page ----------------------------------------------------------------------------


def test_the_coordinator_runs_matching_from_the_runs_page(
    client, coordinator, program, django_capture_on_commit_callbacks
):
    cohort(
        program,
        mentors=[("Ada", ["Design"], 1)],
        mentees=[("Cleo", ["Design"]), ("Dan", ["Sales"])],
    )
    client.force_login(coordinator)
    page = client.get(reverse("match_runs", args=[program.slug])).content.decode()
    assert "Run matching" in page
    assert "Fair — the best lowest score" in page
    assert "nobody is left with a poor fit" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("match_runs", args=[program.slug]), {"solver": "fair"})
    run = MatchRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("match_run", args=[program.slug, 1])
    assert run.solver == "fair"
    page = client.get(response["Location"]).content.decode()
    assert "Ready for review" in page
    assert "Cleo" in page and "Ada" in page
    assert "Every compatible mentor is full." in page
    assert "Publish 1 pair" in page


def test_starting_a_run_when_not_allowed_shows_why(client, coordinator, program):
    program.status = "draft"
    program.save()
    client.force_login(coordinator)
    response = client.post(reverse("match_runs", args=[program.slug]), {"solver": "optimal"})
    assert response.status_code == 200
    assert "enrolling, matching or running" in response.content.decode()
    assert not MatchRun.objects.exists()


def test_a_run_in_progress_replaces_the_form_with_a_link(client, coordinator, program):
    MatchRun.objects.create(program=program, number=1, solver="optimal", status="running")
    client.force_login(coordinator)
    page = client.get(reverse("match_runs", args=[program.slug])).content.decode()
    assert "Run 1 is in progress" in page
    assert 'name="solver"' not in page


def test_a_peer_program_says_the_methods_do_not_apply(client, coordinator):
    program = factories.make_program(coordinator=coordinator, name="Peers", kind="peer")
    client.force_login(coordinator)
    page = client.get(reverse("match_runs", args=[program.slug])).content.decode()
    assert "peers are paired with each other" in page
    assert 'type="radio"' not in page


def test_exclusions_are_listed_and_can_be_allowed_again(client, coordinator, reviewed, program):
    _run, people = reviewed
    exclusion = Exclusion.objects.create(
        program=program, mentee=people["Cleo"], mentor=people["Fay"]
    )
    client.force_login(coordinator)
    page = client.get(reverse("match_runs", args=[program.slug])).content.decode()
    assert "Allow again" in page
    response = client.post(
        reverse("match_exclusion_remove", args=[program.slug, exclusion.pk]), follow=True
    )
    assert "may be matched again" in response.content.decode()
    assert not Exclusion.objects.exists()


# ---- following a run --------------------------------------------------------------------------


def test_a_queued_run_polls_and_shows_the_result_when_done(client, coordinator, reviewed, program):
    _run, _people = reviewed
    waiting = MatchRun.objects.create(program=program, number=2, solver="optimal")
    client.force_login(coordinator)
    page = client.get(reverse("match_run", args=[program.slug, 2])).content.decode()
    progress = reverse("match_run_progress", args=[program.slug, 2])
    assert f'hx-get="{progress}"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "queued" in page

    partial = client.get(progress, **HTMX)
    assert partial.status_code == 200
    assert b"<html" not in partial.content
    assert b'id="run-progress"' in partial.content

    MatchRun.objects.filter(pk=waiting.pk).update(status=RunStatus.DONE)
    done = client.get(progress, **HTMX)
    assert done.status_code == 204
    assert done["HX-Refresh"] == "true"
    assert client.get(progress)["Location"] == reverse("match_run", args=[program.slug, 2])


def test_a_failed_run_shows_its_error(client, coordinator, program):
    MatchRun.objects.create(
        program=program, number=1, solver="optimal", status="failed", error="No criteria here."
    )
    client.force_login(coordinator)
    page = client.get(reverse("match_run", args=[program.slug, 1])).content.decode()
    assert "This run failed." in page and "No criteria here." in page


# ---- the review -------------------------------------------------------------------------------


def test_the_review_shows_figures_pairs_points_and_the_chart_data(
    client, coordinator, reviewed, program
):
    _run, people = reviewed
    people["Eve"].user.timezone = "Asia/Tokyo"
    people["Eve"].user.save()
    client.force_login(coordinator)
    response = client.get(reverse("match_run", args=[program.slug, 1]))
    page = response.content.decode()
    assert '<th scope="col">Skills</th>' in page
    assert "far apart (9 h)" in page
    assert "low score" in page
    chart = json.loads(
        page.split('id="score-histogram-data" type="application/json">')[1].split("</script>")[0]
    )
    assert chart["counts"][5] == 1 and chart["counts"][9] == 2
    assert "run-histogram.js" in page
    assert "Number of pairs in each band of 10 points" in page


def test_the_pairs_can_be_searched_and_filtered_to_the_flagged(
    client, coordinator, reviewed, program
):
    client.force_login(coordinator)
    url = reverse("match_run", args=[program.slug, 1])
    page = client.get(url, {"q": "dan"}).content.decode()
    assert "1 pair shown" in page
    assert ">Dan</th>" in page and ">Cleo</th>" not in page
    page = client.get(url, {"flagged": "1"}).content.decode()
    assert "1 pair shown" in page
    assert ">Eve</th>" in page and ">Dan</th>" not in page


def test_the_review_never_shows_answers(client, coordinator, reviewed, program):
    _run, people = reviewed
    question = factories.make_question(
        program, label="Which group do you identify with?", kind="single_choice", sensitive=True
    )
    factories.make_answer(people["Cleo"], question, "Group B")
    client.force_login(coordinator)
    for url in (
        reverse("match_run", args=[program.slug, 1]),
        reverse("match_run_mentee", args=[program.slug, 1, people["Cleo"].pk]),
    ):
        page = client.get(url).content.decode()
        assert "Group B" not in page
        assert "Design" not in page


# ---- changing pairs ---------------------------------------------------------------------------


def test_the_preview_shows_the_new_score_before_saving(client, coordinator, reviewed, program):
    run, people = reviewed
    client.force_login(coordinator)
    url = reverse("match_run_preview", args=[program.slug, 1, people["Eve"].pk])
    partial = client.get(url, {"mentor": people["Ben"].pk}, **HTMX)
    content = partial.content.decode()
    assert partial.status_code == 200
    assert "<html" not in content
    assert "New score: <strong>0.0</strong>" in content
    assert "The mentor would then have 0 seats left." in content
    full = client.get(url, {"mentor": people["Ada"].pk}, **HTMX).content.decode()
    assert "full within this run" in full
    assert "Cannot be made" in full
    swap = client.get(url, {"swap": run.proposals.get(mentee=people["Cleo"]).pk}, **HTMX)
    assert swap.content.decode().count("New score") == 2
    page = client.get(url, {"mentor": people["Ben"].pk})
    assert b"<html" in page.content and b"New score" in page.content
    assert Proposal.objects.get(mentee=people["Eve"]).mentor == people["Fay"]


def test_the_preview_of_a_mentor_from_elsewhere_says_so(
    client, coordinator, reviewed, program, other_program
):
    _run, people = reviewed
    stranger = factories.make_enrolment(
        other_program, factories.make_user("zed@example.com"), role="mentor"
    )
    client.force_login(coordinator)
    url = reverse("match_run_preview", args=[program.slug, 1, people["Eve"].pk])
    content = client.get(url, {"mentor": stranger.pk}, **HTMX).content.decode()
    assert "Choose a mentor of this program." in content


def test_the_coordinator_changes_pairs_from_the_mentee_page(client, coordinator, reviewed, program):
    _run, people = reviewed
    client.force_login(coordinator)
    eve = [program.slug, 1, people["Eve"].pk]
    page = client.get(reverse("match_run_mentee", args=eve)).content.decode()
    assert "Proposed mentor: Fay, score 50.0." in page
    assert "Ben — 1 seat left" in page

    response = client.post(
        reverse("match_run_reassign", args=eve), {"mentor": people["Ben"].pk}, follow=True
    )
    assert "Eve is now proposed with Ben" in response.content.decode()
    assert Proposal.objects.get(mentee=people["Eve"]).mentor == people["Ben"]

    response = client.post(reverse("match_run_pin", args=eve), follow=True)
    assert "Pinned" in response.content.decode()
    assert Pin.objects.filter(mentee=people["Eve"], mentor=people["Ben"]).exists()

    response = client.post(reverse("match_run_exclude", args=eve), follow=True)
    content = response.content.decode()
    assert "will never be matched" in content
    assert "Excluded by a coordinator." in content
    assert not Pin.objects.exists()


def test_a_refused_change_shows_the_reason_and_changes_nothing(
    client, coordinator, reviewed, program
):
    run, people = reviewed
    client.force_login(coordinator)
    eve = [program.slug, 1, people["Eve"].pk]
    response = client.post(
        reverse("match_run_reassign", args=eve), {"mentor": people["Ada"].pk}, follow=True
    )
    assert "full within this run" in response.content.decode()
    cleo = run.proposals.get(mentee=people["Cleo"])
    Exclusion.objects.create(program=program, mentee=people["Eve"], mentor=people["Ada"])
    response = client.post(reverse("match_run_swap", args=eve), {"swap": cleo.pk}, follow=True)
    assert "excluded" in response.content.decode()
    assert Proposal.objects.get(mentee=people["Eve"]).mentor == people["Fay"]


def test_a_mentee_not_in_the_run_has_no_page(client, coordinator, reviewed, program, mentee):
    client.force_login(coordinator)
    enrolment = Enrolment.objects.get(user=mentee)
    response = client.get(reverse("match_run_mentee", args=[program.slug, 1, enrolment.pk]))
    assert response.status_code == 404


# ---- publishing, comparing, fairness ----------------------------------------------------------


def test_publishing_from_the_review(
    client, coordinator, reviewed, program, django_capture_on_commit_callbacks
):
    client.force_login(coordinator)
    url = reverse("match_run_publish", args=[program.slug, 1])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, follow=True)
    assert "Published: 3 proposed mentorships" in response.content.decode()
    assert Mentorship.objects.count() == 3
    assert len(mail.outbox) == 6
    response = client.post(url, follow=True)
    assert "already published" in response.content.decode()
    assert Mentorship.objects.count() == 3
    page = client.get(
        reverse("match_run_mentee", args=[program.slug, 1, Proposal.objects.first().mentee_id])
    )
    assert "This run is published" in page.content.decode()


def test_two_runs_are_compared_side_by_side(
    client, coordinator, reviewed, program, django_capture_on_commit_callbacks
):
    _run, people = reviewed
    Pin.objects.create(program=program, mentee=people["Eve"], mentor=people["Ben"])
    started(program, coordinator, "greedy", capture=django_capture_on_commit_callbacks)
    client.force_login(coordinator)
    page = client.get(
        reverse("match_run_compare", args=[program.slug]), {"a": 1, "b": 2}
    ).content.decode()
    assert "1 mentee has a different mentor in the two runs." in page
    assert "Greedy" in page and "Optimal" in page
    assert "Skills" in page
    page = client.get(
        reverse("match_run_compare", args=[program.slug]), {"a": 1, "b": 1}
    ).content.decode()
    assert "Choose two different runs." in page


def test_the_fairness_page_groups_mentees(client, coordinator, reviewed, program):
    _run, people = reviewed
    question = factories.make_question(
        program, label="Which group do you identify with?", kind="single_choice", sensitive=True
    )
    for name in ("Cleo", "Dan", "Eve"):
        factories.make_answer(people[name], question, "Group B")
    client.force_login(coordinator)
    url = reverse("match_run_fairness", args=[program.slug, 1])
    page = client.get(url, {"attribute": f"question:{question.pk}"}).content.decode()
    assert "sensitive: aggregate only" in page
    assert "Fewer than 5 people (merged)" in page
    assert "Group B" not in page
    assert "may be disadvantaged" in page
    bad = client.get(url, {"attribute": "question:999999"}).content.decode()
    assert "Choose one of the questions" in bad
