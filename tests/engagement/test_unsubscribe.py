"""One-click unsubscribe from a real notification email (RFC 8058), without signing in."""

import re

import pytest
from django.core import mail
from django.test import Client

from lodestar.engagement.models import Notification, NotificationPreference
from lodestar.engagement.services import notify

pytestmark = pytest.mark.django_db


def email_to(user, django_capture_on_commit_callbacks, kind="request_received"):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            user=user, kind=kind, url="/requests/1/", person="Mia Mentee", program="Spring Cohort"
        )
    return mail.outbox[-1]


def link_of(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    match = re.fullmatch(r"<(http://testserver(/notifications/unsubscribe/[^/]+/))>", header)
    assert match, header
    return match.group(2)


def test_the_email_carries_the_one_click_headers_and_the_link(
    mentor, django_capture_on_commit_callbacks
):
    message = email_to(mentor, django_capture_on_commit_callbacks)
    assert message.to == [mentor.email]
    assert message.subject == "[Lodestar] Mia Mentee asks you to be their mentor in Spring Cohort."
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link_of(message)
    assert f"http://testserver{path}" in message.body
    html, _ = message.alternatives[0]
    assert f'href="http://testserver{path}"' in html
    assert "Stop emails about “Mentorship requests”" in html
    assert "http://testserver/notifications/preferences/" in message.body


def test_following_the_link_asks_first_and_changes_nothing(
    mentor, django_capture_on_commit_callbacks
):
    path = link_of(email_to(mentor, django_capture_on_commit_callbacks))
    response = Client().get(path)
    content = response.content.decode()
    assert response.status_code == 200
    assert "Stop emails about “Mentorship requests”" in content
    assert '<form method="post"' in content
    assert not NotificationPreference.objects.exists()


def test_one_click_post_without_csrf_or_sign_in_stops_only_that_category(
    mentor, django_capture_on_commit_callbacks
):
    path = link_of(email_to(mentor, django_capture_on_commit_callbacks))
    client = Client(enforce_csrf_checks=True)
    response = client.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You will no longer get emails about “Mentorship requests”" in response.content.decode()
    pref = NotificationPreference.objects.get(user=mentor)
    assert (pref.category, pref.email, pref.in_app) == ("requests", False, True)

    mail.outbox.clear()
    # The same kind now arrives in the app only; another category still emails.
    with django_capture_on_commit_callbacks(execute=True):
        notify(user=mentor, kind="request_question", person="Mia", program="Spring Cohort")
        notify(user=mentor, kind="kudos_received", person="Mia", title="Thanks")
    assert [m.subject for m in mail.outbox] == ["[Lodestar] Mia sent you kudos: “Thanks”."]
    assert Notification.objects.filter(user=mentor, kind="request_question").exists()


def test_a_token_only_affects_its_own_person(mentor, mentee, django_capture_on_commit_callbacks):
    path = link_of(email_to(mentor, django_capture_on_commit_callbacks))
    client = Client()
    client.force_login(mentee)  # whoever is signed in, the token decides
    client.post(path)
    assert not NotificationPreference.objects.filter(user=mentee).exists()
    assert NotificationPreference.objects.filter(user=mentor, category="requests").exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_token_is_refused_with_a_clear_page(
    method, mentor, django_capture_on_commit_callbacks
):
    path = link_of(email_to(mentor, django_capture_on_commit_callbacks))
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = path.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    response = getattr(Client(), method)(tampered)
    assert response.status_code == 400
    assert "This unsubscribe link does not work" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_a_token_for_an_essential_category_is_refused(coordinator):
    from django.core import signing

    from lodestar.engagement.preferences import UNSUBSCRIBE_SALT

    token = signing.dumps({"u": coordinator.pk, "c": "coordinator_alerts"}, salt=UNSUBSCRIBE_SALT)
    response = Client().post(f"/notifications/unsubscribe/{token}/")
    assert response.status_code == 400
    assert not NotificationPreference.objects.exists()


def test_a_token_of_a_deleted_account_is_not_found(mentor, django_capture_on_commit_callbacks):
    path = link_of(email_to(mentor, django_capture_on_commit_callbacks))
    mentor.delete()
    response = Client().post(path)
    assert response.status_code == 404
    assert not NotificationPreference.objects.exists()
