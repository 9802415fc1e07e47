"""Every write of several rows is one transaction: when something fails half-way — the process
dies, a later step raises — nothing of it stays. Each test makes a later step of a real service
fail and checks that the rows written before it are gone too."""

from datetime import timedelta

import pytest
from django.db.models import Model
from django.utils import timezone

from lodestar.accounts.models import User
from lodestar.core.models import OutgoingEmail
from lodestar.engagement import checkins
from lodestar.engagement import services as engagement_services
from lodestar.engagement.models import CheckIn, Notification
from lodestar.matches.models import MatchRun
from lodestar.matches.services import publish
from lodestar.matches.services.publish import run_publish
from lodestar.matches.states import RunStatus
from lodestar.mentorships.models import Membership, Mentorship
from lodestar.programs.models import Answer, Enrolment, Invitation
from lodestar.programs.services import imports, invitations
from lodestar.programs.services.imports import import_commit
from lodestar.webhooks.models import Delivery
from tests import factories
from tests.matches.test_runs import small_cohort, started
from tests.programs.test_import_commit import GOOD_FILE, questions  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


class Died(Exception):
    """What a process dying half-way looks like from inside the transaction."""


def die(*args, **kwargs):
    raise Died


def counts(*models: type[Model]) -> tuple[int, ...]:
    return tuple(model.objects.count() for model in models)


def test_a_match_run_failing_at_its_last_step_publishes_no_mentorship(
    coordinator, program, monkeypatch, django_capture_on_commit_callbacks
):
    small_cohort(program)
    run = started(program, coordinator, capture=django_capture_on_commit_callbacks)
    before = counts(Mentorship, Membership, Notification, Delivery)
    # Mentorships and memberships are written; then the webhook step fails.
    monkeypatch.setattr(publish.webhook_events, "match_run_published", die)
    with pytest.raises(Died):
        run_publish(run=run, by=coordinator)
    assert counts(Mentorship, Membership, Notification, Delivery) == before
    assert MatchRun.objects.get(pk=run.pk).status == RunStatus.DONE


def test_an_import_failing_on_its_second_person_enrols_nobody(
    program,
    questions,  # noqa: F811 (the imported fixture)
    coordinator,
    monkeypatch,
):
    applied = []
    real = imports._apply_profile_answers

    def second_fails(row):
        applied.append(row)
        if len(applied) == 2:
            raise Died
        return real(row)

    monkeypatch.setattr(imports, "_apply_profile_answers", second_fails)
    before = counts(User, Enrolment, Answer, Invitation)
    with pytest.raises(Died):
        import_commit(program=program, text=GOOD_FILE, by=coordinator)
    assert counts(User, Enrolment, Answer, Invitation) == before
    assert not User.objects.filter(email="ana@example.com").exists()


@pytest.fixture
def pair(program, mentor, mentee):
    mentorship = factories.make_mentorship(
        program,
        mentor=Enrolment.objects.get(program=program, user=mentor),
        mentees=[Enrolment.objects.get(program=program, user=mentee)],
    )
    Mentorship.objects.filter(pk=mentorship.pk).update(
        start_date=timezone.localdate() - timedelta(days=31)
    )
    mentorship.refresh_from_db()
    return mentorship


def test_a_call_for_help_whose_alert_fails_leaves_no_check_in(pair, mentee, monkeypatch):
    monkeypatch.setattr(checkins, "alert_coordinators", die)
    with pytest.raises(Died):
        checkins.checkin_submit(mentorship=pair, by=mentee, mood=1, wants_contact=True)
    assert counts(CheckIn, Delivery, Notification) == (0, 0, 0)


def test_a_notice_whose_email_fails_is_not_half_recorded(mentee, monkeypatch):
    monkeypatch.setattr(engagement_services, "send_templated_email", die)
    with pytest.raises(Died):
        engagement_services.notify(
            user=mentee, kind="request_received", person="Max", program="Spring"
        )
    assert counts(Notification, OutgoingEmail) == (0, 0)


def test_an_invitation_whose_email_fails_is_not_created(program, coordinator, monkeypatch):
    monkeypatch.setattr(invitations, "send_templated_email", die)
    with pytest.raises(Died):
        invitations.invitation_create(
            program=program, email="new@example.com", role="mentee", invited_by=coordinator
        )
    assert not Invitation.objects.exists()
