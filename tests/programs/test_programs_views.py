import pytest
from django.urls import reverse

from lodestar.programs.models import NudgeRule, Program
from lodestar.programs.states import EnrolmentStatus, ProgramStatus
from tests import factories

pytestmark = pytest.mark.django_db


def create_form(**overrides):
    data = {
        "name": "Summer Cohort",
        "slug": "",
        "description": "",
        "kind": "one_to_one",
        "start_date": "2030-06-01",
        "end_date": "2030-08-31",
        "meeting_cadence": "weekly",
        "default_mentor_capacity": "2",
        "matching_mode": "coordinator",
        "enrolment_mode": "application",
    }
    return {**data, **overrides}


# --- the list of programs ------------------------------------------------------------------


def test_coordinator_sees_their_programs_with_counts(client, coordinator, program, mentor, mentee):
    applicant = factories.make_user("applicant@example.com")
    factories.make_enrolment(program, applicant, status=EnrolmentStatus.APPLIED)
    client.force_login(coordinator)
    response = client.get(reverse("coordinator_programs"))
    assert response.status_code == 200
    row = next(p for p in response.context["programs"] if p.pk == program.pk)
    assert (row.applied_count, row.mentor_count, row.mentee_count) == (1, 1, 1)
    assert b"Spring Cohort" in response.content
    assert b"Create a program" in response.content


def test_coordinator_does_not_see_programs_run_by_others(
    client, coordinator, program, other_program
):
    client.force_login(coordinator)
    response = client.get(reverse("coordinator_programs"))
    assert b"Autumn Cohort" not in response.content


def test_site_admin_sees_every_program(client, program, other_program):
    admin = factories.make_user("admin@example.com", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.get(reverse("coordinator_programs"))
    assert b"Spring Cohort" in response.content
    assert b"Autumn Cohort" in response.content


def test_people_who_may_not_create_programs_see_no_create_button(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("coordinator_programs"))
    assert response.status_code == 200
    assert b"Create a program" not in response.content


def test_program_list_does_a_bounded_number_of_queries(
    client, coordinator, django_assert_max_num_queries
):
    for n in range(6):
        program = factories.make_program(coordinator=coordinator, name=f"Cohort {n}")
        for i in range(3):
            person = factories.make_user(f"p{n}-{i}@example.com")
            factories.make_enrolment(program, person, role="mentor" if i else "mentee")
    client.force_login(coordinator)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("coordinator_programs"))
    assert len(response.context["programs"]) == 6


# --- creating a program --------------------------------------------------------------------


def test_creating_a_program_leads_to_its_overview(client, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("program_create"), create_form(), follow=True)
    program = Program.objects.get(slug="summer-cohort")
    assert response.redirect_chain[-1][0] == reverse("program_manage", args=[program.slug])
    assert program.status == ProgramStatus.DRAFT
    assert coordinator in program.coordinators.all()
    assert "is created as a draft" in response.content.decode()


def test_create_form_shows_a_taken_short_name_next_to_the_field(client, coordinator, program):
    client.force_login(coordinator)
    response = client.post(reverse("program_create"), create_form(slug="spring"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "The short name “spring” is taken" in content
    assert 'aria-invalid="true"' in content
    assert 'id="id_slug_error"' in content
    assert Program.objects.count() == 1


def test_create_form_refuses_an_end_before_the_start(client, coordinator):
    client.force_login(coordinator)
    response = client.post(
        reverse("program_create"), create_form(start_date="2030-06-01", end_date="2030-05-01")
    )
    assert "The end date must be on or after the start date." in response.content.decode()
    assert not Program.objects.exists()


def test_people_who_may_not_create_programs_cannot_open_the_create_page(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("program_create")).status_code == 403
    assert client.post(reverse("program_create"), create_form()).status_code == 403
    assert not Program.objects.exists()


# --- the overview, the lifecycle and the settings ------------------------------------------


def test_overview_offers_only_the_allowed_next_statuses(client, coordinator, program, mentee):
    client.force_login(coordinator)
    response = client.get(reverse("program_manage", args=[program.slug]))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'value="matching"' in content and 'value="draft"' in content
    assert 'value="archived"' not in content
    for name in ("question_list", "participant_list", "invitation_list", "participants_import"):
        assert reverse(name, args=[program.slug]) in content
    assert response.context["enrolment_table"][1]["total"] == 1  # the mentee


def test_moving_a_program_to_the_next_status(client, coordinator, program):
    client.force_login(coordinator)
    response = client.post(
        reverse("program_transition", args=[program.slug]), {"to_status": "matching"}, follow=True
    )
    program.refresh_from_db()
    assert program.status == ProgramStatus.MATCHING
    assert "is now matching" in response.content.decode()


def test_an_illegal_transition_shows_the_error_and_changes_nothing(client, coordinator, program):
    client.force_login(coordinator)
    response = client.post(
        reverse("program_transition", args=[program.slug]), {"to_status": "archived"}, follow=True
    )
    program.refresh_from_db()
    assert program.status == ProgramStatus.ENROLLING
    assert "cannot go from “Enrolling” to “Archived”" in response.content.decode()


def test_editing_the_settings(client, coordinator, program):
    client.force_login(coordinator)
    url = reverse("program_edit", args=[program.slug])
    assert 'value="Spring Cohort"' in client.get(url).content.decode()
    response = client.post(url, create_form(name="Spring 2030", slug="spring"))
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.name == "Spring 2030"
    assert program.meeting_cadence == "weekly"


def test_editing_with_an_end_before_the_start_changes_nothing(client, coordinator, program):
    client.force_login(coordinator)
    response = client.post(
        reverse("program_edit", args=[program.slug]),
        create_form(name="Renamed", slug="spring", start_date="2030-06-01", end_date="2030-01-01"),
    )
    assert "The end date must be on or after the start date." in response.content.decode()
    program.refresh_from_db()
    assert program.name == "Spring Cohort"


def test_the_reminders_are_program_settings(client, coordinator, program):
    client.force_login(coordinator)
    url = reverse("program_edit", args=[program.slug])
    page = client.get(url).content.decode()
    assert "Reminders to send when a mentorship stalls" in page
    assert 'name="nudge_no_meeting_days" value="21"' in page
    form = create_form(
        name="Spring Cohort",
        slug="spring",
        nudge_rules=["no_meeting", "goal_overdue"],
        nudge_no_meeting_days="14",
        nudge_flag_days="3",
    )
    assert client.post(url, form).status_code == 302
    program.refresh_from_db()
    assert program.nudge_rules == ["no_meeting", "goal_overdue"]
    assert program.nudge_no_meeting_days == 14
    assert program.nudge_flag_days == 3
    assert program.nudge_request_days == 3  # left blank: kept


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("nudge_no_meeting_days", "3", "greater than or equal to 7"),
        ("nudge_escalate_days", "400", "less than or equal to 60"),
        ("nudge_rules", "every_hour", "Select a valid choice"),
    ],
)
def test_bad_reminder_settings_are_explained_and_change_nothing(
    client, coordinator, program, field, value, message
):
    client.force_login(coordinator)
    response = client.post(
        reverse("program_edit", args=[program.slug]),
        create_form(name="Renamed", slug="spring", **{field: value}),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    program.refresh_from_db()
    assert program.name == "Spring Cohort"
    assert program.nudge_rules == [rule for rule, _label in NudgeRule.choices]


# --- coordinators ----------------------------------------------------------------------------


def test_adding_a_coordinator_by_email(client, coordinator, program, outsider):
    client.force_login(coordinator)
    response = client.post(
        reverse("program_coordinators", args=[program.slug]),
        {"action": "add", "email": "outsider@example.com"},
        follow=True,
    )
    assert outsider in program.coordinators.all()
    assert "Otto Outsider now coordinates this program." in response.content.decode()


def test_adding_an_unknown_email_shows_an_error_next_to_the_field(client, coordinator, program):
    client.force_login(coordinator)
    response = client.post(
        reverse("program_coordinators", args=[program.slug]),
        {"action": "add", "email": "nobody@example.com"},
    )
    content = response.content.decode()
    assert "No one has an account with “nobody@example.com”" in content
    assert 'id="id_email_error"' in content
    assert list(program.coordinators.all()) == [coordinator]


def test_removing_a_coordinator(client, coordinator, program, outsider):
    program.coordinators.add(outsider)
    client.force_login(coordinator)
    client.post(
        reverse("program_coordinators", args=[program.slug]),
        {"action": "remove", "user": outsider.pk},
    )
    assert list(program.coordinators.all()) == [coordinator]


def test_the_last_coordinator_cannot_be_removed(client, coordinator, program):
    client.force_login(coordinator)
    response = client.post(
        reverse("program_coordinators", args=[program.slug]),
        {"action": "remove", "user": coordinator.pk},
    )
    assert "A program needs at least one coordinator" in response.content.decode()
    assert list(program.coordinators.all()) == [coordinator]


def test_removing_someone_who_is_not_a_coordinator_is_not_found(
    client, coordinator, program, outsider
):
    client.force_login(coordinator)
    response = client.post(
        reverse("program_coordinators", args=[program.slug]),
        {"action": "remove", "user": outsider.pk},
    )
    assert response.status_code == 404


def test_a_zero_hour_notice_is_kept_when_the_field_is_left_blank(client, coordinator, program):
    program.flash_min_notice_hours = 0
    program.save(update_fields=["flash_min_notice_hours"])
    client.force_login(coordinator)
    response = client.post(
        reverse("program_edit", args=[program.slug]),
        create_form(name="Spring Cohort", slug="spring", flash_cancel_hours="24"),
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.flash_min_notice_hours == 0
    assert program.flash_cancel_hours == 24
