"""Nobody is matched with their own manager: the HR directory's reporting lines are a hard
exclusion for runs (peer programs both ways), recommendations, requests, choices, the review's
reassignments and manual pairing, named in words wherever a reason is shown."""

import pytest
from django.core.exceptions import ValidationError

from lodestar.accounts.directory import directory_sync
from lodestar.accounts.models import User
from lodestar.matches.inputs import build_problem
from lodestar.matches.models import Proposal
from lodestar.matches.recommendations import recommend_mentors
from lodestar.matches.services.choices import choice_add
from lodestar.matches.services.manual import manual_pair_check, manual_pair_create
from lodestar.matches.services.requests import request_create
from lodestar.matches.services.review import pair_preview, proposal_reassign
from lodestar.mentorships.models import Mentorship
from lodestar.programs.models import Enrolment
from tests import factories
from tests.matches.test_runs import cohort, started

pytestmark = pytest.mark.django_db


def manages(manager: Enrolment, report: Enrolment) -> None:
    User.objects.filter(pk=report.user_id).update(manager=manager.user_id)


def pairs_of(run) -> dict[str, str]:
    return {
        p.mentee.user.name: p.mentor.user.name
        for p in Proposal.objects.filter(run=run).select_related("mentee__user", "mentor__user")
    }


@pytest.fixture
def teams(program):
    """Cleo's best fit is Ada, her manager (100 points); Ben fits her half as well."""
    people, _q = cohort(
        program,
        mentors=[("Ada", ["Design", "Data"], 1), ("Ben", ["Design"], 1)],
        mentees=[("Cleo", ["Design", "Data"])],
    )
    manages(people["Ada"], people["Cleo"])
    return people


def test_a_run_never_pairs_a_mentee_with_their_manager_even_as_the_best_score(
    coordinator, program, teams, django_capture_on_commit_callbacks
):
    for solver in ("optimal", "fair", "stable", "greedy"):
        run = started(program, coordinator, solver, capture=django_capture_on_commit_callbacks)
        assert pairs_of(run) == {"Cleo": "Ben"}, solver


def test_the_manager_line_comes_from_the_directory_sync(
    coordinator, program, django_capture_on_commit_callbacks
):
    cohort(
        program,
        mentors=[("Ada", ["Design"], 1), ("Ben", ["Sales", "Design"], 1)],
        mentees=[("Cleo", ["Design"])],
    )
    directory_sync(data="email,manager_email\ncleo@example.com,ada@example.com\n", format="csv")
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert pairs_of(run) == {"Cleo": "Ben"}


def test_a_mentee_whose_only_mentor_is_their_manager_is_unmatched_and_told_why(
    coordinator, program, django_capture_on_commit_callbacks
):
    people, _q = cohort(program, mentors=[("Ada", ["Design"], 1)], mentees=[("Cleo", ["Design"])])
    manages(people["Ada"], people["Cleo"])
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    assert pairs_of(run) == {}
    (entry,) = run.unmatched
    assert entry["enrolment"] == people["Cleo"].pk
    assert "never their own manager or report (Ada)" in entry["reason"]


def test_the_line_holds_the_other_way_too(program, teams):
    """In a reverse program the mentor may be the junior one: Ben reports to his mentee Cleo."""
    User.objects.filter(pk=teams["Cleo"].user_id).update(manager=None)
    manages(teams["Cleo"], teams["Ben"])
    built = build_problem(program)
    assert built.pair_score(teams["Cleo"], teams["Ben"]) is None
    assert built.pair_score(teams["Cleo"], teams["Ada"]) == pytest.approx(100)


def test_peers_are_never_paired_with_their_manager_in_either_direction(
    coordinator, django_capture_on_commit_callbacks
):
    program = factories.make_program(coordinator=coordinator, name="Peers", kind="peer")
    asked, offered = factories.make_criterion(
        program, label="Topics", mentor_role="peer", mentee_role="peer"
    )
    peers = {}
    # Pia and Quin share everything and would pair first; Pia manages Quin.
    for name, topics in [("Pia", ["Design"]), ("Quin", ["Design"]), ("Ray", ["Design"])]:
        user = factories.make_user(f"{name.lower()}@example.com", name=name)
        peers[name] = factories.make_enrolment(program, user, role="peer")
        factories.make_answer(peers[name], asked, topics)
        factories.make_answer(peers[name], offered, topics)
    manages(peers["Pia"], peers["Quin"])
    built = build_problem(program)
    assert built.pair_score(peers["Pia"], peers["Quin"]) is None
    assert built.pair_score(peers["Quin"], peers["Pia"]) is None
    assert built.pair_score(peers["Pia"], peers["Ray"]) == pytest.approx(100)
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    together = {frozenset((p.mentee.user.name, p.mentor.user.name)) for p in run.proposals.all()}
    assert frozenset(("Pia", "Quin")) not in together
    assert together  # someone was paired: the line rules out one pair, not the program


def test_deactivated_people_are_left_out_of_matching(program, teams):
    User.objects.filter(pk=teams["Ben"].user_id).update(is_active=False)
    built = build_problem(program)
    assert [e.user.name for e in built.mentors] == ["Ada"]


# Mentees choosing --------------------------------------------------------------------------


@pytest.fixture
def chooser(program):
    program.matching_mode = "mentee_choice"
    program.save()
    return program


def test_recommendations_leave_out_the_mentees_manager(chooser, teams):
    options = recommend_mentors(mentee=teams["Cleo"]).options
    assert [o.user.name for o in options] == ["Ben"]


def test_without_criteria_recommendations_still_leave_out_the_manager(chooser):
    ada = factories.make_enrolment(
        chooser, factories.make_user("ada@example.com", name="Ada"), role="mentor"
    )
    ben = factories.make_enrolment(
        chooser, factories.make_user("ben@example.com", name="Ben"), role="mentor"
    )
    cleo = factories.make_enrolment(chooser, factories.make_user("cleo@example.com", name="Cleo"))
    manages(ada, cleo)
    recommendations = recommend_mentors(mentee=cleo)
    assert recommendations.no_criteria
    assert [o.enrolment for o in recommendations.options] == [ben]


def test_a_mentee_cannot_ask_or_list_their_manager(chooser, teams):
    cleo, ada = teams["Cleo"], teams["Ada"]
    cleo.refresh_from_db()
    with pytest.raises(ValidationError, match="nobody is matched with their own manager"):
        request_create(mentee=cleo, mentor=ada, message="Hello, can we talk?", by=cleo.user)
    with pytest.raises(ValidationError, match="nobody is matched with their own manager"):
        choice_add(mentee=cleo, mentor=ada, by=cleo.user)


# Coordinators -------------------------------------------------------------------------------


def test_manual_pairing_refuses_a_manager_even_with_a_reason(coordinator, program, teams):
    cleo, ada = teams["Cleo"], teams["Ada"]
    check = manual_pair_check(program=program, mentee=cleo, mentor=ada)
    assert check.refusals == ["Ada is Cleo’s manager. Nobody is matched with their own manager."]
    with pytest.raises(ValidationError, match="Ada is Cleo’s manager"):
        manual_pair_create(
            program=program, mentee=cleo, mentor=ada, by=coordinator, override_reason="Trust me"
        )
    assert not Mentorship.objects.exists()


def test_a_review_cannot_reassign_a_mentee_to_their_manager(
    coordinator, program, teams, django_capture_on_commit_callbacks
):
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    preview = pair_preview(run=run, mentee=teams["Cleo"], mentor=teams["Ada"])
    assert "Ada is Cleo’s manager. Nobody is matched with their own manager." in preview.refusals
    with pytest.raises(ValidationError, match="own manager"):
        proposal_reassign(run=run, mentee=teams["Cleo"], mentor=teams["Ada"], by=coordinator)
    assert pairs_of(run) == {"Cleo": "Ben"}
