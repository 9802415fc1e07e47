import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from lodestar.core.states import IllegalTransition
from lodestar.programs.models import Program
from lodestar.programs.services.programs import (
    program_add_coordinator,
    program_create,
    program_remove_coordinator,
    program_transition,
    program_update,
)
from lodestar.programs.states import ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db


def program_data(**overrides):
    data = {
        "name": "Summer Cohort",
        "slug": "",
        "description": "Ten weeks of mentoring.",
        "kind": "one_to_one",
        "start_date": datetime.date(2030, 6, 1),
        "end_date": datetime.date(2030, 8, 31),
        "meeting_cadence": "weekly",
        "default_mentor_capacity": 2,
        "matching_mode": "coordinator",
        "enrolment_mode": "application",
    }
    return {**data, **overrides}


def test_creating_a_program_makes_a_draft_coordinated_by_its_creator(coordinator):
    program = program_create(creator=coordinator, data=program_data())
    assert program.status == ProgramStatus.DRAFT
    assert program.slug == "summer-cohort"
    assert list(program.coordinators.all()) == [coordinator]
    assert program.created_by == coordinator
    assert program.default_mentor_capacity == 2


def test_a_blank_short_name_is_suggested_and_made_unique(coordinator, program):
    created = program_create(creator=coordinator, data=program_data(name="Spring"))
    assert created.slug == "spring-2"


def test_a_taken_short_name_is_refused_with_a_clear_message(coordinator, program):
    with pytest.raises(ValidationError) as error:
        program_create(creator=coordinator, data=program_data(slug="spring"))
    assert "taken" in error.value.message_dict["slug"][0]
    assert Program.objects.count() == 1


def test_the_short_name_of_the_create_page_is_reserved(coordinator):
    with pytest.raises(ValidationError) as error:
        program_create(creator=coordinator, data=program_data(slug="new"))
    assert "reserved" in error.value.message_dict["slug"][0]
    assert not Program.objects.exists()


def test_a_program_cannot_end_before_it_starts(coordinator):
    data = program_data(start_date=datetime.date(2030, 6, 1), end_date=datetime.date(2030, 5, 1))
    with pytest.raises(ValidationError) as error:
        program_create(creator=coordinator, data=data)
    assert "on or after the start date" in error.value.message_dict["end_date"][0]
    assert not Program.objects.exists()


@pytest.mark.parametrize("capacity", [0, 21])
def test_default_mentor_capacity_goes_from_1_to_20(coordinator, capacity):
    with pytest.raises(ValidationError) as error:
        program_create(creator=coordinator, data=program_data(default_mentor_capacity=capacity))
    assert "default_mentor_capacity" in error.value.message_dict
    assert not Program.objects.exists()


def test_only_people_allowed_to_create_programs_can_create_one(outsider):
    with pytest.raises(PermissionDenied):
        program_create(creator=outsider, data=program_data())
    assert not Program.objects.exists()


def test_updating_a_program_changes_its_settings(coordinator, program):
    updated = program_update(
        program=program,
        data=program_data(name="Spring Cohort 2030", slug="spring-2030"),
        by=coordinator,
    )
    program.refresh_from_db()
    assert updated.slug == program.slug == "spring-2030"
    assert program.name == "Spring Cohort 2030"
    assert program.status == ProgramStatus.ENROLLING  # untouched by an edit


def test_updating_to_a_taken_short_name_changes_nothing(coordinator, program, other_program):
    with pytest.raises(ValidationError) as error:
        program_update(
            program=program, data=program_data(name="Renamed", slug="autumn"), by=coordinator
        )
    assert "taken" in error.value.message_dict["slug"][0]
    program.refresh_from_db()
    assert (program.name, program.slug) == ("Spring Cohort", "spring")


def test_someone_else_cannot_update_a_program(other_coordinator, program):
    with pytest.raises(PermissionDenied):
        program_update(program=program, data={"name": "Mine now"}, by=other_coordinator)
    program.refresh_from_db()
    assert program.name == "Spring Cohort"


def test_a_program_moves_along_its_lifecycle(coordinator, program):
    program_transition(program=program, to_status=ProgramStatus.MATCHING, by=coordinator)
    program.refresh_from_db()
    assert program.status == ProgramStatus.MATCHING


def test_an_illegal_transition_is_refused_and_changes_nothing(coordinator, program):
    with pytest.raises(IllegalTransition, match="cannot go from"):
        program_transition(program=program, to_status=ProgramStatus.ARCHIVED, by=coordinator)
    program.refresh_from_db()
    assert program.status == ProgramStatus.ENROLLING


def test_an_unknown_status_is_refused(coordinator, program):
    with pytest.raises(IllegalTransition):
        program_transition(program=program, to_status="exploded", by=coordinator)
    program.refresh_from_db()
    assert program.status == ProgramStatus.ENROLLING


def test_a_coordinator_can_add_another_by_email(coordinator, program, outsider):
    added = program_add_coordinator(program=program, email=" Outsider@Example.com ", by=coordinator)
    assert added == outsider
    assert set(program.coordinators.all()) == {coordinator, outsider}


def test_adding_an_unknown_email_says_the_person_needs_an_account(coordinator, program):
    with pytest.raises(ValidationError) as error:
        program_add_coordinator(program=program, email="nobody@example.com", by=coordinator)
    assert "No one has an account" in error.value.message_dict["email"][0]
    assert list(program.coordinators.all()) == [coordinator]


def test_adding_someone_who_already_coordinates_is_refused(coordinator, program):
    with pytest.raises(ValidationError) as error:
        program_add_coordinator(program=program, email=coordinator.email, by=coordinator)
    assert "already coordinates" in error.value.message_dict["email"][0]


def test_a_coordinator_can_be_removed_while_another_remains(coordinator, program, outsider):
    program.coordinators.add(outsider)
    program_remove_coordinator(program=program, user=outsider, by=coordinator)
    assert list(program.coordinators.all()) == [coordinator]


def test_the_last_coordinator_cannot_be_removed(coordinator, program):
    with pytest.raises(ValidationError, match="at least one coordinator"):
        program_remove_coordinator(program=program, user=coordinator, by=coordinator)
    assert list(program.coordinators.all()) == [coordinator]


def test_removing_someone_who_does_not_coordinate_is_refused(coordinator, program, outsider):
    with pytest.raises(ValidationError, match="does not coordinate"):
        program_remove_coordinator(program=program, user=outsider, by=coordinator)


def test_a_site_admin_can_act_on_any_program(program):
    admin = factories.make_user("admin@example.com", is_superuser=True, is_staff=True)
    program_transition(program=program, to_status=ProgramStatus.MATCHING, by=admin)
    program.refresh_from_db()
    assert program.status == ProgramStatus.MATCHING


def test_a_program_with_participants_cannot_switch_to_peer(coordinator, program, mentee):
    with pytest.raises(ValidationError) as error:
        program_update(program=program, data={"kind": "peer"}, by=coordinator)
    assert "cannot switch between peer and mentor–mentee" in error.value.message_dict["kind"][0]
    program.refresh_from_db()
    assert program.kind == "one_to_one"


def test_an_empty_program_can_become_a_peer_program(coordinator, program):
    program_update(program=program, data={"kind": "peer"}, by=coordinator)
    program.refresh_from_db()
    assert program.kind == "peer"


def test_an_unknown_reminder_is_refused_by_the_service_too(coordinator, program):
    with pytest.raises(ValidationError) as error:
        program_update(
            program=program, data=program_data(nudge_rules=["spam_daily"]), by=coordinator
        )
    assert "nudge_rules" in error.value.message_dict
    program.refresh_from_db()
    assert "spam_daily" not in program.nudge_rules
