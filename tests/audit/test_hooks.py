"""Each sensitive action, done as a person does it (through the pages), writes exactly one audit
event with the right actor, verb, object, program and address."""

from datetime import date, timedelta

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse

from lodestar.audit.context import AuditContextMiddleware
from lodestar.audit.models import AuditEvent
from lodestar.engagement.checkins import checkin_submit
from lodestar.evaluations.surveys import survey_create
from lodestar.matches.models import Exclusion, Proposal
from lodestar.messaging.services import concern_report
from lodestar.programs.models import Enrolment
from lodestar.programs.services.enrolment import enrolment_apply, enrolment_withdraw
from tests import factories
from tests.audit.conftest import CLIENT_IP, events_of, the_event
from tests.matches.test_runs import cohort, started

pytestmark = pytest.mark.django_db


def assert_event(event, *, actor, verb, target, program, ip=CLIENT_IP):
    assert event.verb == verb
    assert event.actor_id == (actor.pk if actor else None)
    assert (event.target_type.model_class(), event.target_id) == (type(target), str(target.pk))
    assert event.program_id == (program.pk if program else None)
    assert event.ip == ip


@pytest.fixture
def as_coordinator(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def pair(program, mentor, mentee):
    return factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(user=mentor),
        mentees=[Enrolment.objects.get(user=mentee)],
    )


# ---- matching: overrides and publication -------------------------------------------------------


@pytest.fixture
def reviewed(coordinator, program, django_capture_on_commit_callbacks):
    people, _q = cohort(
        program,
        mentors=[("Ada", ["Design"], 1), ("Ben", ["Sales"], 2), ("Fay", ["Data"], 1)],
        mentees=[("Cleo", ["Design"]), ("Dan", ["Sales"]), ("Eve", ["Design", "Data"])],
    )
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    return run, people


def change(client, run, enrolment, action, **data):
    url = reverse(f"match_run_{action}", args=[run.program.slug, run.number, enrolment.pk])
    response = client.post(url, data, REMOTE_ADDR=CLIENT_IP)
    assert response.status_code == 302
    return response


@pytest.mark.parametrize("action", ["pin", "exclude"])
def test_pinning_or_excluding_a_pair_is_recorded(
    as_coordinator, coordinator, program, reviewed, action
):
    run, people = reviewed
    proposal = Proposal.objects.get(run=run, mentee=people["Cleo"])
    change(as_coordinator, run, people["Cleo"], action)
    event = the_event("match_overridden")
    target = proposal if action == "pin" else Exclusion.objects.get()
    assert_event(event, actor=coordinator, verb="match_overridden", target=target, program=program)
    assert event.details == {"action": action, "run": run.pk}
    assert "Cleo" in event.target_label and "Ada" in event.target_label


def test_unpinning_and_allowing_a_pair_again_are_recorded(as_coordinator, program, reviewed):
    run, people = reviewed
    change(as_coordinator, run, people["Cleo"], "pin")
    change(as_coordinator, run, people["Cleo"], "unpin")
    change(as_coordinator, run, people["Dan"], "exclude")
    exclusion = Exclusion.objects.get()
    url = reverse("match_exclusion_remove", args=[program.slug, exclusion.pk])
    as_coordinator.post(url, REMOTE_ADDR=CLIENT_IP)
    actions = [e.details["action"] for e in events_of("match_overridden")]
    assert actions == ["pin", "unpin", "exclude", "allow_again"]
    allowed = events_of("match_overridden")[-1]
    assert allowed.program_id == program.pk and "Dan" in allowed.target_label


def test_reassigning_and_swapping_are_recorded(as_coordinator, coordinator, program, reviewed):
    run, people = reviewed
    change(as_coordinator, run, people["Eve"], "reassign", mentor=people["Ben"].pk)
    eve = Proposal.objects.get(run=run, mentee=people["Eve"])
    assert eve.mentor == people["Ben"]
    dan = Proposal.objects.get(run=run, mentee=people["Dan"])
    change(as_coordinator, run, people["Cleo"], "swap", swap=dan.pk)
    reassigned, swapped = events_of("match_overridden")
    assert_event(
        reassigned, actor=coordinator, verb="match_overridden", target=eve, program=program
    )
    assert reassigned.details["action"] == "reassign"
    assert swapped.details["action"] == "swap" and "Dan" in swapped.details["with"]


def test_a_refused_change_records_nothing(as_coordinator, reviewed):
    run, people = reviewed
    change(as_coordinator, run, people["Cleo"], "pin")
    change(as_coordinator, run, people["Cleo"], "pin")  # already pinned: refused
    assert len(events_of("match_overridden")) == 1


def test_publishing_a_run_is_recorded(
    as_coordinator, coordinator, program, reviewed, django_capture_on_commit_callbacks
):
    run, _people = reviewed
    with django_capture_on_commit_callbacks(execute=True):
        as_coordinator.post(
            reverse("match_run_publish", args=[program.slug, run.number]), REMOTE_ADDR=CLIENT_IP
        )
    event = the_event("match_published")
    assert_event(event, actor=coordinator, verb="match_published", target=run, program=program)
    assert event.details == {"mentorships": 3}


def test_a_pair_made_by_hand_is_recorded(as_coordinator, coordinator, program, mentor, mentee):
    factories.make_criterion(program, label="Topics")
    response = as_coordinator.post(
        reverse("manual_match", args=[program.slug]),
        {
            "mentee": Enrolment.objects.get(user=mentee).pk,
            "mentor": Enrolment.objects.get(user=mentor).pk,
        },
        REMOTE_ADDR=CLIENT_IP,
    )
    assert response.status_code == 302
    event = the_event("match_overridden")
    from lodestar.mentorships.models import Mentorship

    assert_event(
        event,
        actor=coordinator,
        verb="match_overridden",
        target=Mentorship.objects.get(),
        program=program,
    )
    assert event.details == {"action": "manual_pair"}


# ---- exports ------------------------------------------------------------------------------------


def test_the_participants_export_is_recorded(as_coordinator, coordinator, program, mentee):
    response = as_coordinator.get(
        reverse("participants_export", args=[program.slug]), REMOTE_ADDR=CLIENT_IP
    )
    assert response.status_code == 200
    event = the_event("exported")
    assert_event(event, actor=coordinator, verb="exported", target=program, program=program)
    assert event.details == {"report": "participants"}


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_the_dashboard_export_is_recorded(as_coordinator, coordinator, program, kind):
    url = reverse(f"dashboard_export_{kind}", args=[program.slug])
    assert as_coordinator.get(url, REMOTE_ADDR=CLIENT_IP).status_code == 200
    event = the_event("exported")
    assert_event(event, actor=coordinator, verb="exported", target=program, program=program)
    assert event.details == {"report": f"dashboard.{kind}"}


def test_the_survey_results_export_is_recorded(as_coordinator, coordinator, program):
    survey = survey_create(program=program, by=coordinator, title="Pulse")
    url = reverse("survey_results_csv", args=[program.slug, survey.pk])
    assert as_coordinator.get(url, REMOTE_ADDR=CLIENT_IP).status_code == 200
    event = the_event("exported")
    assert_event(event, actor=coordinator, verb="exported", target=survey, program=program)


def test_an_export_refused_to_an_outsider_records_nothing(client, outsider, program):
    client.force_login(outsider)
    assert client.get(reverse("participants_export", args=[program.slug])).status_code == 404
    assert not events_of("exported")


# ---- concerns -----------------------------------------------------------------------------------


def test_reading_a_concern_is_recorded_each_time(
    as_coordinator, coordinator, program, pair, mentee
):
    concern = concern_report(mentorship=pair, by=mentee, text="He keeps asking for favours.")
    url = reverse("concern_detail", args=[concern.pk])
    assert as_coordinator.get(url, REMOTE_ADDR=CLIENT_IP).status_code == 200
    event = the_event("concern_viewed")
    assert_event(event, actor=coordinator, verb="concern_viewed", target=concern, program=program)
    assert "favours" not in event.target_label + str(event.details)
    as_coordinator.get(url, REMOTE_ADDR=CLIENT_IP)
    assert len(events_of("concern_viewed")) == 2


def test_reading_the_requests_for_help_records_each_one_shown(
    as_coordinator, coordinator, program, pair, mentor, mentee
):
    program.meeting_cadence = "weekly"
    program.save(update_fields=["meeting_cadence"])
    pair.start_date = date(2027, 1, 11)
    pair.save(update_fields=["start_date"])
    today = pair.start_date + timedelta(days=7)
    quiet = checkin_submit(mentorship=pair, by=mentor, mood=4, today=today)
    loud = checkin_submit(
        mentorship=pair,
        by=mentee,
        mood=1,
        blockers="SECRET-BLOCKER",
        wants_contact=True,
        today=today,
    )
    page = as_coordinator.get(
        reverse("program_checkins", args=[program.slug]), REMOTE_ADDR=CLIENT_IP
    )
    assert "SECRET-BLOCKER" in page.content.decode()
    event = the_event("concern_viewed")
    assert_event(event, actor=coordinator, verb="concern_viewed", target=loud, program=program)
    assert str(quiet.pk) != event.target_id
    assert "SECRET" not in event.target_label


def test_the_check_ins_page_without_requests_for_help_records_nothing(as_coordinator, program):
    as_coordinator.get(reverse("program_checkins", args=[program.slug]))
    assert not events_of("concern_viewed")


# ---- tokens and logins --------------------------------------------------------------------------


def test_creating_an_api_token_is_recorded_without_its_secret(client, mentor):
    client.force_login(mentor)
    expires = date.today() + timedelta(days=30)
    response = client.post(
        reverse("api_tokens"),
        {"name": "Weekly report", "scope": "read", "expires_on": expires.isoformat()},
        REMOTE_ADDR=CLIENT_IP,
    )
    assert response.status_code == 200
    from lodestar.accounts.models import ApiToken

    token = ApiToken.objects.get()
    event = the_event("token_created")
    assert_event(event, actor=mentor, verb="token_created", target=token, program=None)
    assert event.details == {"scope": "read", "prefix": token.prefix}
    assert token.hash not in str(event.details)


def test_a_failed_login_through_the_login_form_is_recorded(client, mentee):
    response = client.post(
        "/accounts/login/",
        {"login": "Mentee@Example.com", "password": "wrong-password-123"},
        REMOTE_ADDR=CLIENT_IP,
    )
    assert response.status_code == 200  # the form again, with its error
    event = the_event("login_failed")
    assert event.actor is None
    assert event.actor_label.lower() == "mentee@example.com"
    assert event.ip == CLIENT_IP
    assert "wrong-password" not in str(event.details) + event.actor_label + event.target_label


def test_a_successful_login_records_no_failure(client, mentee):
    client.post("/accounts/login/", {"login": "mentee@example.com", "password": factories.PASSWORD})
    assert not events_of("login_failed")


def test_a_wrong_two_factor_code_after_the_right_password_is_recorded(client, mentee):
    TOTP.activate(mentee, "JBSWY3DPEHPK3PXP")
    client.post(
        "/accounts/login/",
        {"login": mentee.email, "password": factories.PASSWORD},
        REMOTE_ADDR=CLIENT_IP,
    )
    response = client.post("/accounts/2fa/authenticate/", {"code": "000000"}, REMOTE_ADDR=CLIENT_IP)

    assert "Incorrect code" in response.content.decode()
    event = the_event("second_factor_failed")
    assert_event(event, actor=mentee, verb="second_factor_failed", target=mentee, program=None)
    assert event.details == {"authenticator": "totp", "reauthentication": False}
    assert "000000" not in str(event.details)
    assert not events_of("login_failed")  # the password was right


# ---- roles ---------------------------------------------------------------------------------------


def test_adding_and_removing_a_coordinator_is_recorded(
    as_coordinator, coordinator, program, mentor
):
    url = reverse("program_coordinators", args=[program.slug])
    before = len(events_of("role_changed"))
    as_coordinator.post(url, {"email": "mentor@example.com"}, REMOTE_ADDR=CLIENT_IP)
    as_coordinator.post(url, {"action": "remove", "user": mentor.pk}, REMOTE_ADDR=CLIENT_IP)
    added, removed = events_of("role_changed")[before:]
    for event in (added, removed):
        assert_event(event, actor=coordinator, verb="role_changed", target=mentor, program=program)
    assert added.details == {"role": "coordinator", "change": "added"}
    assert removed.details == {"role": "coordinator", "change": "removed"}


def test_a_staff_or_superuser_flag_changed_in_a_request_names_who_changed_it(site_admin, outsider):
    request = RequestFactory().post("/admin/", REMOTE_ADDR=CLIENT_IP)
    request.user = site_admin

    def make_staff(request):
        outsider.is_staff = True
        outsider.save()
        outsider.user_permissions.add(Permission.objects.get(codename="view_auditevent"))

    before = len(events_of("role_changed"))
    AuditContextMiddleware(make_staff)(request)
    flagged, permitted = events_of("role_changed")[before:]
    assert_event(flagged, actor=site_admin, verb="role_changed", target=outsider, program=None)
    assert flagged.details == {"flags": {"is_staff": [False, True]}}
    assert permitted.details == {"permissions_added": ["audit.view_auditevent"]}
    assert permitted.actor == site_admin


def test_a_save_that_changes_no_flag_records_nothing(outsider):
    before = AuditEvent.objects.count()
    outsider.name = "Otto Renamed"
    outsider.save()
    outsider.last_login = None
    outsider.save(update_fields=["last_login"])
    assert AuditEvent.objects.count() == before


def test_a_participant_changing_role_is_recorded(program, mentee):
    enrolment = Enrolment.objects.get(user=mentee)
    enrolment_withdraw(enrolment=enrolment, by=mentee)
    enrolment_apply(program=program, user=mentee, role="mentor", capacity=1)
    event = [e for e in events_of("role_changed") if e.target_type.model == "enrolment"]
    assert len(event) == 1
    assert event[0].program_id == program.pk
    assert event[0].details == {"from": "mentee", "to": "mentor"}
