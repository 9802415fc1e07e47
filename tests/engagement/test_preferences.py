"""Notification preferences: per category, in the app and by email, each respected by notify()."""

import pytest
from django.core import mail
from django.urls import reverse

from lodestar.engagement.models import Notification, NotificationPreference
from lodestar.engagement.notices import CATEGORY_OF, NOTICES
from lodestar.engagement.services import notify

pytestmark = pytest.mark.django_db


def tell(user, kind="mentorship_started", **params):
    params = {"other": "Max Mentor", "program": "Spring Cohort", "person": "Mia", **params}
    return notify(user=user, kind=kind, url="/mentorships/1/", **params)


def test_every_kind_of_notice_has_a_category():
    assert set(CATEGORY_OF) == set(NOTICES)


def test_by_default_a_notice_arrives_in_the_app_and_by_email(
    mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        tell(mentee)
    assert Notification.objects.filter(user=mentee).count() == 1
    assert [m.to for m in mail.outbox] == [[mentee.email]]


def test_email_off_keeps_the_in_app_notice_only(mentee, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=mentee, category="matching", email=False)
    with django_capture_on_commit_callbacks(execute=True):
        tell(mentee)
    assert Notification.objects.filter(user=mentee, kind="mentorship_started").count() == 1
    assert mail.outbox == []


def test_in_app_off_still_emails(mentee, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(user=mentee, category="matching", in_app=False)
    with django_capture_on_commit_callbacks(execute=True):
        result = tell(mentee)
    assert result is None
    assert not Notification.objects.filter(user=mentee).exists()
    assert len(mail.outbox) == 1


def test_a_preference_only_affects_its_own_category(mentee, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(
        user=mentee, category="matching", in_app=False, email=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        tell(mentee, kind="kudos_received", title="Thanks!")
    assert Notification.objects.filter(user=mentee, kind="kudos_received").count() == 1
    assert len(mail.outbox) == 1


def test_someone_elses_preference_does_not_affect_me(
    mentee, mentor, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=mentor, category="matching", in_app=False, email=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        tell(mentee)
    assert Notification.objects.filter(user=mentee).count() == 1
    assert len(mail.outbox) == 1


def test_coordinator_alerts_ignore_preferences(coordinator, django_capture_on_commit_callbacks):
    NotificationPreference.objects.create(
        user=coordinator, category="coordinator_alerts", in_app=False, email=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        tell(coordinator, kind="concern_reported")
    assert Notification.objects.filter(user=coordinator, kind="concern_reported").count() == 1
    assert len(mail.outbox) == 1
    assert "List-Unsubscribe" not in mail.outbox[0].extra_headers


def test_the_page_needs_a_sign_in(client):
    response = client.get(reverse("notification_preferences"))
    assert response.status_code == 302


def test_the_page_shows_labelled_checkboxes_per_category(client, mentee):
    NotificationPreference.objects.create(user=mentee, category="requests", email=False)
    client.force_login(mentee)
    content = client.get(reverse("notification_preferences")).content.decode()
    assert content.count("<fieldset") == 9
    assert "<legend><strong>Mentorship requests</strong></legend>" in content
    assert '<label for="pref-requests-email">' in content
    assert 'name="requests-email">' in content  # not checked
    assert 'name="requests-in_app" checked>' in content
    assert 'name="matching-email" checked>' in content
    # Coordinator alerts are for coordinators, and cannot be turned off.
    assert "Coordinator alerts" not in content


def test_a_coordinator_reads_that_alerts_always_arrive(client, coordinator, program):
    client.force_login(coordinator)
    content = client.get(reverse("notification_preferences")).content.decode()
    assert "Coordinator alerts" in content
    assert "coordinator_alerts-email" not in content


def test_saving_turns_off_what_was_unticked_and_keeps_the_rest(client, mentee):
    client.force_login(mentee)
    ticked = {
        "matching-in_app": "on",
        "requests-in_app": "on",
        "requests-email": "on",
        "workspace-in_app": "on",
        "workspace-email": "on",
        "growth-in_app": "on",
        "growth-email": "on",
        "checkins-in_app": "on",
        "checkins-email": "on",
        "celebrations-email": "on",
        "coordinator_alerts-in_app": "",  # ignored: not a choice
    }
    response = client.post(reverse("notification_preferences"), ticked, follow=True)
    assert "Your notification preferences are saved." in response.content.decode()
    prefs = {p.category: (p.in_app, p.email) for p in mentee.notification_preferences.all()}
    assert prefs["matching"] == (True, False)
    assert prefs["celebrations"] == (False, True)
    assert prefs["requests"] == (True, True)
    assert "coordinator_alerts" not in prefs
