"""A coordinator's changes to a finished run: pin, unpin, exclude, reassign, swap. Each either
makes the whole change, or refuses with a clear error and changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lodestar.matches.models import Exclusion, MatchRun, Pin, Proposal
from lodestar.matches.services.review import (
    exclusion_remove,
    pair_exclude,
    pair_preview,
    proposal_pin,
    proposal_reassign,
    proposal_swap,
    proposal_unpin,
    swap_preview,
)
from lodestar.matches.states import RunStatus
from tests import factories
from tests.matches.test_runs import cohort, started

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(coordinator, program, django_capture_on_commit_callbacks):
    """A finished run: Cleo–Ada and Dan–Ben score 100, Eve–Fay 50; Ben has a seat left."""
    people, _q = cohort(
        program,
        mentors=[("Ada", ["Design"], 1), ("Ben", ["Sales"], 2), ("Fay", ["Data"], 1)],
        mentees=[("Cleo", ["Design"]), ("Dan", ["Sales"]), ("Eve", ["Design", "Data"])],
    )
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert run.status == RunStatus.DONE
    return run, people


def pairs_of(run):
    return {
        p.mentee.user.name: (p.mentor.user.name, p.score, p.source)
        for p in Proposal.objects.filter(run=run).select_related("mentee__user", "mentor__user")
    }


def proposal_of(run, enrolment):
    return Proposal.objects.get(run=run, mentee=enrolment)


def test_the_run_proposes_the_expected_pairs(reviewed):
    run, _people = reviewed
    assert pairs_of(run) == {
        "Cleo": ("Ada", 100.0, "solver"),
        "Dan": ("Ben", 100.0, "solver"),
        "Eve": ("Fay", 50.0, "solver"),
    }


# ---- pin --------------------------------------------------------------------------------------


def test_pinning_keeps_the_pair_in_later_runs(
    reviewed, coordinator, program, django_capture_on_commit_callbacks
):
    run, people = reviewed
    proposal_pin(run=run, proposal=proposal_of(run, people["Eve"]), by=coordinator)
    assert pairs_of(run)["Eve"] == ("Fay", 50.0, "pinned")
    assert Pin.objects.filter(program=program, mentee=people["Eve"], mentor=people["Fay"]).exists()
    again = started(program, coordinator, "greedy", capture=django_capture_on_commit_callbacks)
    assert pairs_of(again)["Eve"] == ("Fay", 50.0, "pinned")


def test_unpinning_removes_the_pin(reviewed, coordinator, program):
    run, people = reviewed
    proposal = proposal_of(run, people["Eve"])
    proposal_pin(run=run, proposal=proposal, by=coordinator)
    proposal_unpin(run=run, proposal=proposal, by=coordinator)
    assert not Pin.objects.filter(program=program).exists()
    assert pairs_of(run)["Eve"] == ("Fay", 50.0, "solver")


def test_pinning_twice_or_unpinning_an_unpinned_pair_is_refused(reviewed, coordinator):
    run, people = reviewed
    proposal = proposal_of(run, people["Eve"])
    with pytest.raises(ValidationError, match="not pinned"):
        proposal_unpin(run=run, proposal=proposal, by=coordinator)
    proposal_pin(run=run, proposal=proposal, by=coordinator)
    with pytest.raises(ValidationError, match="already pinned"):
        proposal_pin(run=run, proposal=proposal, by=coordinator)
    assert Pin.objects.count() == 1


# ---- exclude ----------------------------------------------------------------------------------


def test_excluding_a_pair_leaves_the_mentee_unmatched_and_later_runs_avoid_it(
    reviewed, coordinator, program, django_capture_on_commit_callbacks
):
    run, people = reviewed
    exclusion = pair_exclude(run=run, proposal=proposal_of(run, people["Eve"]), by=coordinator)
    assert (exclusion.mentee, exclusion.mentor, exclusion.source) == (
        people["Eve"],
        people["Fay"],
        "coordinator",
    )
    run.refresh_from_db()
    assert "Eve" not in pairs_of(run)
    assert {
        "enrolment": people["Eve"].pk,
        "reason": "Excluded by a coordinator.",
        "code": "excluded",
    } in run.unmatched
    assert run.metrics["matched"] == 2
    assert run.metrics["unmatched"] == 1
    assert run.metrics["mean"] == 100.0
    again = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert pairs_of(again).get("Eve", ("",))[0] != "Fay"


def test_excluding_a_pinned_pair_also_removes_the_pin(reviewed, coordinator, program):
    run, people = reviewed
    proposal = proposal_of(run, people["Eve"])
    proposal_pin(run=run, proposal=proposal, by=coordinator)
    pair_exclude(run=run, proposal=proposal, by=coordinator)
    assert not Pin.objects.filter(program=program).exists()


def test_an_exclusion_can_be_removed(reviewed, coordinator, program):
    run, people = reviewed
    exclusion = pair_exclude(run=run, proposal=proposal_of(run, people["Eve"]), by=coordinator)
    exclusion_remove(exclusion=exclusion, by=coordinator)
    assert not Exclusion.objects.filter(program=program).exists()


def test_only_coordinators_remove_exclusions(reviewed, coordinator, other_coordinator):
    run, people = reviewed
    exclusion = pair_exclude(run=run, proposal=proposal_of(run, people["Eve"]), by=coordinator)
    with pytest.raises(PermissionDenied):
        exclusion_remove(exclusion=exclusion, by=other_coordinator)
    assert Exclusion.objects.filter(pk=exclusion.pk).exists()


# ---- reassign ---------------------------------------------------------------------------------


def test_reassigning_gives_the_new_pair_its_score_and_points(reviewed, coordinator):
    run, people = reviewed
    preview = pair_preview(run=run, mentee=people["Eve"], mentor=people["Ben"])
    assert preview.allowed
    assert preview.score == 0.0
    assert preview.breakdown == {"Skills": 0.0}
    assert preview.seats_left == 0
    made = proposal_reassign(run=run, mentee=people["Eve"], mentor=people["Ben"], by=coordinator)
    assert (made.mentor, made.score, made.source, made.breakdown) == (
        people["Ben"],
        0.0,
        "edited",
        {"Skills": 0.0},
    )
    run.refresh_from_db()
    assert run.metrics["mean"] == pytest.approx(200 / 3, abs=0.01)
    assert run.metrics["blocking_pairs"] is None


def test_a_full_mentor_is_warned_in_the_preview_and_refused(reviewed, coordinator):
    run, people = reviewed
    preview = pair_preview(run=run, mentee=people["Eve"], mentor=people["Ada"])
    assert preview.score == 50.0
    assert preview.seats_left == -1
    assert any("full within this run" in text for text in preview.warnings)
    assert not preview.allowed
    with pytest.raises(ValidationError, match="full within this run"):
        proposal_reassign(run=run, mentee=people["Eve"], mentor=people["Ada"], by=coordinator)
    assert pairs_of(run)["Eve"] == ("Fay", 50.0, "solver")


def test_an_excluded_pair_is_refused(reviewed, coordinator, program):
    run, people = reviewed
    Exclusion.objects.create(program=program, mentee=people["Eve"], mentor=people["Ben"])
    preview = pair_preview(run=run, mentee=people["Eve"], mentor=people["Ben"])
    assert preview.score is None
    assert any("excluded" in text for text in preview.refusals)
    with pytest.raises(ValidationError, match="excluded"):
        proposal_reassign(run=run, mentee=people["Eve"], mentor=people["Ben"], by=coordinator)
    assert pairs_of(run)["Eve"] == ("Fay", 50.0, "solver")


def test_a_pair_failing_a_required_criterion_is_refused(
    coordinator, program, django_capture_on_commit_callbacks
):
    people, _q = cohort(
        program,
        mentors=[("Ada", ["Design"], 1), ("Ben", ["Sales"], 2)],
        mentees=[("Cleo", ["Design"]), ("Dan", ["Sales"])],
        required=True,
    )
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="required criterion “Skills”"):
        proposal_reassign(run=run, mentee=people["Cleo"], mentor=people["Ben"], by=coordinator)
    assert pairs_of(run)["Cleo"] == ("Ada", 100.0, "solver")


def test_an_unmatched_mentee_can_be_given_a_first_mentor(reviewed, coordinator):
    run, people = reviewed
    pair_exclude(run=run, proposal=proposal_of(run, people["Eve"]), by=coordinator)
    proposal_reassign(run=run, mentee=people["Eve"], mentor=people["Ben"], by=coordinator)
    run.refresh_from_db()
    assert pairs_of(run)["Eve"] == ("Ben", 0.0, "edited")
    assert run.unmatched == []
    assert run.metrics["unmatched"] == 0


def test_a_pinned_pair_is_not_reassigned(reviewed, coordinator):
    run, people = reviewed
    proposal_pin(run=run, proposal=proposal_of(run, people["Eve"]), by=coordinator)
    with pytest.raises(ValidationError, match="unpin it first"):
        proposal_reassign(run=run, mentee=people["Eve"], mentor=people["Ben"], by=coordinator)
    assert pairs_of(run)["Eve"] == ("Fay", 50.0, "pinned")


def test_a_mentor_of_another_program_is_refused(reviewed, coordinator, other_program):
    run, people = reviewed
    stranger = factories.make_enrolment(
        other_program, factories.make_user("zed@example.com", name="Zed"), role="mentor"
    )
    with pytest.raises(ValidationError, match="mentor of this program"):
        proposal_reassign(run=run, mentee=people["Eve"], mentor=stranger, by=coordinator)
    with pytest.raises(ValidationError, match="mentor of this program"):
        proposal_reassign(run=run, mentee=people["Eve"], mentor=people["Cleo"], by=coordinator)
    assert pairs_of(run)["Eve"] == ("Fay", 50.0, "solver")


def test_a_mentee_who_is_not_in_the_run_is_refused(reviewed, coordinator, program):
    run, people = reviewed
    late = factories.make_enrolment(
        program, factories.make_user("late@example.com", name="Late"), role="mentee"
    )
    with pytest.raises(ValidationError, match="not part of this run"):
        proposal_reassign(run=run, mentee=late, mentor=people["Ben"], by=coordinator)
    assert not Proposal.objects.filter(mentee=late).exists()


# ---- swap -------------------------------------------------------------------------------------


def test_swapping_exchanges_mentors_with_both_new_scores(reviewed, coordinator):
    run, people = reviewed
    cleo, dan = proposal_of(run, people["Cleo"]), proposal_of(run, people["Dan"])
    first, second = swap_preview(run=run, first=cleo, second=dan)
    assert (first.mentee, first.mentor, first.score) == (people["Cleo"], people["Ben"], 0.0)
    assert (second.mentee, second.mentor, second.score) == (people["Dan"], people["Ada"], 0.0)
    proposal_swap(run=run, first=cleo, second=dan, by=coordinator)
    assert pairs_of(run) == {
        "Cleo": ("Ben", 0.0, "edited"),
        "Dan": ("Ada", 0.0, "edited"),
        "Eve": ("Fay", 50.0, "solver"),
    }


def test_a_swap_making_an_excluded_pair_is_refused(reviewed, coordinator, program):
    run, people = reviewed
    Exclusion.objects.create(program=program, mentee=people["Dan"], mentor=people["Ada"])
    with pytest.raises(ValidationError, match="excluded"):
        proposal_swap(
            run=run,
            first=proposal_of(run, people["Cleo"]),
            second=proposal_of(run, people["Dan"]),
            by=coordinator,
        )
    assert pairs_of(run)["Cleo"] == ("Ada", 100.0, "solver")


def test_a_swap_with_a_pinned_pair_is_refused(reviewed, coordinator):
    run, people = reviewed
    proposal_pin(run=run, proposal=proposal_of(run, people["Dan"]), by=coordinator)
    with pytest.raises(ValidationError, match="pinned"):
        proposal_swap(
            run=run,
            first=proposal_of(run, people["Cleo"]),
            second=proposal_of(run, people["Dan"]),
            by=coordinator,
        )
    assert pairs_of(run)["Cleo"] == ("Ada", 100.0, "solver")


def test_a_swap_with_a_pair_of_another_programs_run_is_refused(
    reviewed, coordinator, other_program, other_coordinator
):
    run, people = reviewed
    theirs = MatchRun.objects.create(
        program=other_program, number=1, solver="optimal", status="done"
    )
    stranger = factories.make_user("zed@example.com", name="Zed")
    foreign = Proposal.objects.create(
        run=theirs,
        mentee=factories.make_enrolment(other_program, stranger),
        mentor=factories.make_enrolment(
            other_program, factories.make_user("yan@example.com"), role="mentor"
        ),
        score=90,
    )
    with pytest.raises(ValidationError, match="not part of this run"):
        proposal_swap(
            run=run, first=proposal_of(run, people["Cleo"]), second=foreign, by=coordinator
        )
    with pytest.raises(ValidationError, match="not part of this run"):
        proposal_pin(run=run, proposal=foreign, by=coordinator)
    with pytest.raises(ValidationError, match="not part of this run"):
        pair_exclude(run=run, proposal=foreign, by=coordinator)
    assert pairs_of(run)["Cleo"] == ("Ada", 100.0, "solver")
    assert Proposal.objects.filter(pk=foreign.pk).exists()
    assert not Pin.objects.exists() and not Exclusion.objects.exists()


# ---- when and who -----------------------------------------------------------------------------


def test_a_published_run_can_no_longer_be_changed(reviewed, coordinator, program):
    run, people = reviewed
    MatchRun.objects.filter(pk=run.pk).update(status="published")
    eve = proposal_of(run, people["Eve"])
    changes = [
        lambda: proposal_pin(run=run, proposal=eve, by=coordinator),
        lambda: pair_exclude(run=run, proposal=eve, by=coordinator),
        lambda: proposal_reassign(
            run=run, mentee=people["Eve"], mentor=people["Ben"], by=coordinator
        ),
        lambda: proposal_swap(
            run=run, first=eve, second=proposal_of(run, people["Dan"]), by=coordinator
        ),
    ]
    for change in changes:
        with pytest.raises(ValidationError, match="published"):
            change()
    assert pairs_of(run)["Eve"] == ("Fay", 50.0, "solver")
    assert not Pin.objects.exists() and not Exclusion.objects.exists()


def test_an_unfinished_run_cannot_be_changed(reviewed, coordinator):
    run, people = reviewed
    MatchRun.objects.filter(pk=run.pk).update(status="running")
    with pytest.raises(ValidationError, match="Only a finished run"):
        proposal_pin(run=run, proposal=proposal_of(run, people["Eve"]), by=coordinator)


@pytest.mark.parametrize("persona", ["mentor", "mentee", "outsider", "other_coordinator"])
def test_only_coordinators_change_a_run(request, reviewed, persona):
    run, people = reviewed
    who = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        proposal_pin(run=run, proposal=proposal_of(run, people["Eve"]), by=who)
    with pytest.raises(PermissionDenied):
        proposal_reassign(run=run, mentee=people["Eve"], mentor=people["Ben"], by=who)
    assert pairs_of(run)["Eve"] == ("Fay", 50.0, "solver")
