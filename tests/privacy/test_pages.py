"""The privacy page: public, linked from every page's footer, and saying what coordinators
can and cannot see."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_the_privacy_page_is_public_and_in_the_footer(client):
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    page = response.content.decode()
    for words in [
        "What your program’s coordinators see",
        "The content of your messages",
        "must state why",
        "retention period",
        "Former participant",
    ]:
        assert words in page
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("privacy")}"' in home


@pytest.mark.parametrize(
    ("keep_days", "words"),
    [
        (730, "kept as a security record for 730 days, then deleted"),
        (0, "kept as a security record."),
    ],
)
def test_the_privacy_page_says_how_long_the_audit_trail_is_kept(client, settings, keep_days, words):
    settings.AUDIT_KEEP_DAYS = keep_days
    assert words in client.get(reverse("privacy")).content.decode()


def test_the_privacy_page_says_how_long_emails_and_sign_ins_are_kept(client, settings):
    settings.EMAIL_KEEP_DAYS = 14
    page = client.get(reverse("privacy")).content.decode()
    assert "Emails sent are kept for 14 days" in page
    assert "removed as soon as they are sent" in page
    assert "The address and browser of each sign-in are kept while that session lasts" in page
