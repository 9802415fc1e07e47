"""Matching runs: a coordinator starts one, the worker (the immediate backend in tests) executes
it, and the run records its inputs, figures, pairs with their points, and the unmatched."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from lodestar.matches.models import Exclusion, MatchRun, Pin, Proposal
from lodestar.matches.services.runs import run_execute, run_start
from lodestar.matches.states import RunStatus
from lodestar.programs.models import Enrolment
from lodestar.programs.states import ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db


def cohort(program, *, mentors, mentees, required=False, weight=5):
    """A program ready to match on one criterion, “Skills” (overlap): mentors are
    (name, skills, capacity), mentees (name, skills). Returns ({name: enrolment}, question)."""
    asked, offered = factories.make_criterion(
        program, label="Skills", weight=weight, match_required=required
    )
    people = {}
    for name, skills, capacity in mentors:
        user = factories.make_user(f"{name.lower()}@example.com", name=name)
        enrolment = factories.make_enrolment(program, user, role="mentor", capacity=capacity)
        factories.make_answer(enrolment, offered, list(skills))
        people[name] = enrolment
    for name, skills in mentees:
        user = factories.make_user(f"{name.lower()}@example.com", name=name)
        enrolment = factories.make_enrolment(program, user, role="mentee")
        factories.make_answer(enrolment, asked, list(skills))
        people[name] = enrolment
    return people, asked


def small_cohort(program):
    """Cleo and Dan fit Ada and Ben perfectly; Eve half fits Ada, whose one seat Cleo takes."""
    return cohort(
        program,
        mentors=[("Ada", ["Design"], 1), ("Ben", ["Sales"], 1)],
        mentees=[("Cleo", ["Design"]), ("Dan", ["Sales"]), ("Eve", ["Design", "Data"])],
    )


def peer_program(coordinator):
    """A peer program, “Peers”: Pia and Quin share a topic, Ray shares none."""
    program = factories.make_program(coordinator=coordinator, name="Peers", kind="peer")
    asked, offered = factories.make_criterion(
        program,
        label="Topics",
        choices=["Design", "Data"],
        mentor_role="peer",
        mentee_role="peer",
    )
    people = {}
    for name, topics in [("Pia", ["Design"]), ("Quin", ["Design"]), ("Ray", ["Data"])]:
        user = factories.make_user(f"{name.lower()}@example.com", name=name)
        enrolment = factories.make_enrolment(program, user, role="peer")
        factories.make_answer(enrolment, asked, topics)
        factories.make_answer(enrolment, offered, topics)
        people[name] = enrolment
    return program


def started(program, by, solver="optimal", capture=None):
    """Start a run and let the commit hooks (and so the immediate task) run."""
    with capture(execute=True):
        run = run_start(program=program, solver=solver, by=by)
    run.refresh_from_db()
    return run


def test_a_run_proposes_pairs_and_records_what_it_was_given(
    coordinator, program, django_capture_on_commit_callbacks
):
    people, _q = small_cohort(program)
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)

    assert run.number == 1
    assert run.status == RunStatus.DONE
    assert run.started_at is not None and run.finished_at is not None
    pairs = {
        (p.mentee.user.name, p.mentor.user.name): p
        for p in Proposal.objects.filter(run=run).select_related("mentee__user", "mentor__user")
    }
    assert set(pairs) == {("Cleo", "Ada"), ("Dan", "Ben")}
    assert pairs[("Dan", "Ben")].score == 100.0
    assert pairs[("Dan", "Ben")].breakdown == {"Skills": 100.0}
    assert pairs[("Dan", "Ben")].source == "solver"
    assert run.metrics["matched"] == 2
    assert run.metrics["unmatched"] == 1
    assert run.metrics["mean"] == 100.0
    for key in ("total", "median", "minimum", "p10", "blocking_pairs", "seconds"):
        assert key in run.metrics
    assert run.inputs["solver"] == "optimal"
    assert [c["name"] for c in run.inputs["criteria"]] == ["Skills"]
    assert sorted(run.inputs["mentees"]) == sorted(people[n].pk for n in ("Cleo", "Dan", "Eve"))
    assert run.unmatched == [
        {
            "enrolment": people["Eve"].pk,
            "reason": "Every compatible mentor is full.",
            "code": "all_mentors_full",
        }
    ]
    assert set(run.prices) == {str(people["Ada"].pk), str(people["Ben"].pk)}


@pytest.mark.parametrize("solver", ["optimal", "fair", "stable", "greedy"])
def test_every_method_matches_the_obvious_pairs(
    coordinator, program, solver, django_capture_on_commit_callbacks
):
    small_cohort(program)
    run = started(program, coordinator, solver, capture=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE
    assert run.solver == solver
    assert run.inputs["solver"] == solver
    assert run.proposals.count() == 2


def test_runs_are_numbered_one_after_another(
    coordinator, program, django_capture_on_commit_callbacks
):
    small_cohort(program)
    first = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    second = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert (first.number, second.number) == (1, 2)


def test_pins_are_kept_and_marked_and_exclusions_respected(
    coordinator, program, django_capture_on_commit_callbacks
):
    people, _q = small_cohort(program)
    Pin.objects.create(program=program, mentee=people["Eve"], mentor=people["Ada"])
    Exclusion.objects.create(program=program, mentee=people["Dan"], mentor=people["Ben"])
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    pairs = {p.mentee_id: p for p in run.proposals.all()}
    assert pairs[people["Eve"].pk].mentor_id == people["Ada"].pk
    assert pairs[people["Eve"].pk].source == "pinned"
    assert pairs.get(people["Dan"].pk) is None or pairs[people["Dan"].pk].mentor_id != (
        people["Ben"].pk
    )
    assert run.inputs["pins"] == [[people["Eve"].pk, people["Ada"].pk]]
    assert run.inputs["exclusions"] == [[people["Dan"].pk, people["Ben"].pk]]


def test_a_required_criterion_leaves_a_mentee_unmatched_with_the_reason(
    coordinator, program, django_capture_on_commit_callbacks
):
    cohort(
        program,
        mentors=[("Ada", ["Design"], 2)],
        mentees=[("Cleo", ["Design"]), ("Dan", ["Sales"])],
        required=True,
    )
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE
    dan = Enrolment.objects.get(user__name="Dan")
    (entry,) = run.unmatched
    assert entry["enrolment"] == dan.pk
    assert "Skills" in entry["reason"]


def test_people_already_paired_are_left_out_of_a_new_run(
    coordinator, program, django_capture_on_commit_callbacks
):
    people, _q = small_cohort(program)
    factories.make_mentorship(program, mentor=people["Ada"], mentees=[people["Cleo"]])
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert people["Cleo"].pk not in run.inputs["mentees"]
    # Ada's only seat is taken.
    assert run.inputs["capacities"][run.inputs["mentors"].index(people["Ada"].pk)] == 0


def test_peer_programs_pair_peers_whatever_method_is_chosen(
    coordinator, django_capture_on_commit_callbacks
):
    program = peer_program(coordinator)
    run = started(program, coordinator, "greedy", capture=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE
    assert run.inputs["solver"] == "peer"
    (pair,) = run.proposals.select_related("mentee__user", "mentor__user")
    assert {pair.mentee.user.name, pair.mentor.user.name} == {"Pia", "Quin"}
    assert pair.breakdown == {"Topics": 100.0}
    assert run.metrics["matched"] == 2
    assert [e["enrolment"] for e in run.unmatched] == [Enrolment.objects.get(user__name="Ray").pk]


# ---- failures ---------------------------------------------------------------------------------


def test_a_program_without_criteria_gives_a_failed_run_with_a_clear_message(
    coordinator, program, mentor, mentee, django_capture_on_commit_callbacks
):
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert "Use for matching" in run.error
    assert not run.proposals.exists()
    assert run.finished_at is not None


def test_an_unexpected_engine_error_fails_the_run_and_is_logged(
    coordinator, program, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    small_cohort(program)

    def broken(problem, solver):
        raise RuntimeError("boom")

    monkeypatch.setattr("lodestar.matches.services.runs.solve", broken)
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert "unexpected error" in run.error
    assert "boom" not in run.error
    assert not run.proposals.exists()
    assert "boom" in caplog.text


def test_pins_that_cannot_hold_fail_the_run_naming_the_mentor(
    coordinator, program, django_capture_on_commit_callbacks
):
    people, _q = small_cohort(program)
    Pin.objects.create(program=program, mentee=people["Cleo"], mentor=people["Ada"])
    Pin.objects.create(program=program, mentee=people["Eve"], mentor=people["Ada"])
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.FAILED
    assert "Ada" in run.error and "pinned" in run.error


def test_a_second_run_is_refused_while_one_is_in_progress(coordinator, program):
    small_cohort(program)
    MatchRun.objects.create(program=program, number=1, solver="optimal", status="running")
    with pytest.raises(ValidationError, match="already in progress"):
        run_start(program=program, solver="optimal", by=coordinator)
    assert MatchRun.objects.count() == 1


def test_a_run_lost_by_its_worker_no_longer_blocks_a_new_one(coordinator, program):
    small_cohort(program)
    lost = MatchRun.objects.create(program=program, number=1, solver="optimal", status="running")
    MatchRun.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - timezone.timedelta(hours=2)
    )
    run = run_start(program=program, solver="optimal", by=coordinator)
    lost.refresh_from_db()
    assert lost.status == RunStatus.FAILED
    assert run.number == 2


@pytest.mark.parametrize("status", [ProgramStatus.DRAFT, ProgramStatus.CLOSING, "archived"])
def test_matching_is_refused_outside_enrolment_matching_and_running(coordinator, program, status):
    small_cohort(program)
    program.status = status
    program.save()
    with pytest.raises(ValidationError, match="enrolling, matching or running"):
        run_start(program=program, solver="optimal", by=coordinator)
    assert not MatchRun.objects.exists()


@pytest.mark.parametrize("status", [ProgramStatus.MATCHING, ProgramStatus.RUNNING])
def test_matching_runs_while_matching_or_running(
    coordinator, program, status, django_capture_on_commit_callbacks
):
    small_cohort(program)
    program.status = status
    program.save()
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE


def test_programs_where_mentees_choose_are_not_matched_by_runs(coordinator, program):
    small_cohort(program)
    program.matching_mode = "mentee_choice"
    program.save()
    with pytest.raises(ValidationError, match="mentees choose"):
        run_start(program=program, solver="optimal", by=coordinator)


def test_an_unknown_method_is_refused(coordinator, program):
    with pytest.raises(ValidationError):
        run_start(program=program, solver="magic", by=coordinator)
    assert not MatchRun.objects.exists()


@pytest.mark.parametrize("persona", ["mentor", "mentee", "outsider", "other_coordinator"])
def test_only_the_programs_coordinators_start_runs(request, program, persona):
    with pytest.raises(PermissionDenied):
        run_start(program=program, solver="optimal", by=request.getfixturevalue(persona))
    assert not MatchRun.objects.exists()


def test_executing_a_run_twice_does_the_work_once(
    coordinator, program, django_capture_on_commit_callbacks
):
    small_cohort(program)
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert run_execute(run.pk) is None
    assert run.proposals.count() == 2
    failed = MatchRun.objects.create(program=program, number=9, solver="optimal", status="failed")
    assert run_execute(failed.pk) is None
    failed.refresh_from_db()
    assert failed.status == RunStatus.FAILED


def test_a_run_left_queued_is_executed_by_its_task(coordinator, program):
    from lodestar.matches.tasks import execute_match_run

    small_cohort(program)
    run = run_start(program=program, solver="optimal", by=coordinator)
    assert run.status == RunStatus.QUEUED
    execute_match_run.enqueue(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
