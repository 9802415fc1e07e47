"""Where you are signed in: every live session with its address and browser; signing out of
one, or of all but this one, after entering the password again; nobody else's sessions."""

import time
from datetime import timedelta

import pytest
from allauth.usersessions.models import UserSession
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lodestar.accounts.sessions import sessions_purge
from lodestar.privacy.erasure import account_erase
from lodestar.privacy.export import export_collect
from tests import factories
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
PAGE = "/accounts/sessions/"


def sign_in(email: str, ip: str, browser: str) -> Client:
    client = Client(REMOTE_ADDR=ip, HTTP_USER_AGENT=browser)
    response = client.post("/accounts/login/", {"login": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def signed_in(client: Client) -> bool:
    return client.get("/dashboard/").status_code == 200


@pytest.fixture
def person():
    return factories.make_user("traveller@example.com")


@pytest.fixture
def laptop(person):
    return sign_in(person.email, "198.51.100.7", "Firefox on the laptop")


@pytest.fixture
def phone(person):
    return sign_in(person.email, "203.0.113.20", "Safari on the phone")


def confirm_password(client: Client) -> None:
    """Ending sessions asks for the password again first."""
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})


def session_of(client: Client) -> UserSession:
    return UserSession.objects.get(session_key=client.session.session_key)


def test_the_page_lists_every_place_with_its_address_and_browser(laptop, phone):
    page = laptop.get(PAGE).content.decode()

    assert "Firefox on the laptop" in page and "198.51.100.7" in page
    assert "Safari on the phone" in page and "203.0.113.20" in page
    assert page.count("This browser") == 1
    assert reverse("session_end", args=[session_of(phone).pk]) in page
    assert reverse("session_end", args=[session_of(laptop).pk]) not in page


def test_a_session_used_from_another_address_shows_it_beside_the_sign_ins(laptop, phone):
    laptop.defaults["REMOTE_ADDR"] = "192.0.2.44"  # the laptop, taken to another network
    assert signed_in(laptop)

    page = phone.get(PAGE).content.decode()
    assert "192.0.2.44" in page and "signed in from 198.51.100.7" in page
    assert "signed in from 203.0.113.20" not in page  # the phone has not moved
    assert "Sign out the session from 192.0.2.44" in page


def test_the_data_export_holds_where_each_session_was_last_used(person, laptop, phone):
    laptop.defaults["REMOTE_ADDR"] = "192.0.2.44"
    assert signed_in(laptop)
    # A session that is over (gone from the store) while its sign-in row is still kept.
    library = sign_in(person.email, "198.51.100.99", "Chrome at the library")
    Session.objects.filter(session_key=library.session.session_key).delete()

    account = export_collect(person)["sections"]["account"]
    in_use = {s["browser"]: s for s in account["sessions_in_use"]}
    assert set(in_use) == {"Firefox on the laptop", "Safari on the phone"}
    laptop_row = in_use["Firefox on the laptop"]
    assert (laptop_row["signed_in_from"], laptop_row["last_used_from"]) == (
        "198.51.100.7",
        "192.0.2.44",
    )
    assert laptop_row["last_used_at"] is not None
    phone_row = in_use["Safari on the phone"]
    assert phone_row["signed_in_from"] == phone_row["last_used_from"] == "203.0.113.20"
    # Reading changes nothing: the ended session's sign-in is exported and still kept.
    assert "Chrome at the library" in {row["user_agent"] for row in account["sign_ins"]}
    assert UserSession.objects.filter(user=person).count() == 3


def session_writes(client: Client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert signed_in(client)
    return sum(1 for q in queries if q["sql"].startswith("UPDATE") and "django_session" in q["sql"])


def test_the_address_is_written_when_it_changes_not_at_every_request(laptop):
    assert session_writes(laptop) == 0  # signed in a moment ago, from this address
    laptop.defaults["REMOTE_ADDR"] = "192.0.2.44"
    assert session_writes(laptop) == 1
    assert session_writes(laptop) == 0


def test_the_profile_links_to_it(laptop):
    assert PAGE in laptop.get("/profile/").content.decode()


def test_signing_out_the_phone_from_the_laptop_ends_the_phones_session(laptop, phone):
    confirm_password(laptop)
    response = laptop.post(reverse("session_end", args=[session_of(phone).pk]))

    assert response.status_code == 302 and response["Location"] == PAGE
    assert not signed_in(phone)
    assert signed_in(laptop)
    assert "Safari on the phone" not in laptop.get(PAGE).content.decode()


def test_signing_out_everywhere_else_keeps_only_this_browser(person, laptop, phone):
    confirm_password(laptop)
    tablet = sign_in(person.email, "192.0.2.3", "Chrome on the tablet")

    response = laptop.post(reverse("sessions_end_others"), follow=True)

    assert "Signed out of 2 other sessions." in response.content.decode()
    assert not signed_in(phone) and not signed_in(tablet)
    assert signed_in(laptop)


def test_ending_a_session_asks_for_the_password_first(laptop, phone):
    target = reverse("session_end", args=[session_of(phone).pk])

    response = laptop.post(target)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert signed_in(phone)  # nothing ended yet

    laptop.post(response["Location"], {"password": PASSWORD}, follow=True)  # the page's form
    assert not signed_in(phone)  # the held request went through once the password was given


def test_this_browsers_own_session_is_not_ended_from_here(laptop):
    confirm_password(laptop)
    response = laptop.post(reverse("session_end", args=[session_of(laptop).pk]), follow=True)

    assert "This is the session you are using now" in response.content.decode()
    assert signed_in(laptop)


def test_another_persons_session_is_a_404_and_stays(laptop):
    confirm_password(laptop)
    stranger = sign_in(factories.make_user("stranger@example.com").email, "192.0.2.9", "Edge")

    response = laptop.post(reverse("session_end", args=[session_of(stranger).pk]))

    assert response.status_code == 404
    assert signed_in(stranger)
    assert "192.0.2.9" not in laptop.get(PAGE).content.decode()


def test_sessions_a_password_change_ended_are_not_listed(person, laptop, phone):
    phone.post(
        "/accounts/password/change/",
        {
            "oldpassword": PASSWORD,
            "password1": "a new pass-phrase",
            "password2": "a new pass-phrase",
        },
    )

    assert not signed_in(laptop)
    page = phone.get(PAGE).content.decode()
    assert "Firefox on the laptop" not in page
    assert not UserSession.objects.filter(user_agent="Firefox on the laptop").exists()


def test_a_session_idle_too_long_is_not_listed(settings, laptop, phone):
    settings.SESSION_IDLE_SECONDS = 60
    store = phone.session
    store["lodestar.security.seen"] = time.time() - 120
    store.save()

    assert "Safari on the phone" not in laptop.get(PAGE).content.decode()


def test_a_session_past_the_absolute_limit_is_not_listed(settings, laptop, phone):
    settings.SESSION_ABSOLUTE_SECONDS = 3600
    store = phone.session
    store["lodestar.security.started"] = time.time() - 2 * 3600
    store.save()

    assert "Safari on the phone" not in laptop.get(PAGE).content.decode()


def test_a_browser_signed_in_before_sessions_were_recorded_is_shown(person, laptop):
    UserSession.objects.all().delete()

    page = laptop.get(PAGE).content.decode()

    assert "Firefox on the laptop" in page
    assert page.count("This browser") == 1


def test_the_page_reads_in_the_same_number_of_queries_however_many_sessions(person, laptop):
    laptop.get(PAGE)
    with CaptureQueriesContext(connection) as one:
        laptop.get(PAGE)
    for n in range(6):
        sign_in(person.email, f"192.0.2.{n + 10}", f"Browser {n}")
    with CaptureQueriesContext(connection) as seven:
        page = laptop.get(PAGE).content.decode()

    assert "Browser 5" in page
    assert len(seven.captured_queries) == len(one.captured_queries)


def test_signed_out_people_are_sent_to_sign_in():
    response = Client().get(PAGE)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_where_a_person_signed_in_is_in_their_export_and_gone_after_erasure(person, laptop):
    exported = laptop.get(reverse("data_export_json")).content.decode()
    assert "198.51.100.7" in exported and "Firefox on the laptop" in exported

    account_erase(user=person, by=person)

    assert not UserSession.objects.filter(user=person).exists()


def test_a_site_admin_signing_a_session_out_in_the_admin_ends_it(person, phone):
    admin = factories.make_user("root@example.com", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    changelist = reverse("admin:usersessions_usersession_changelist")
    assert "Safari on the phone" in client.get(changelist, {"q": person.email}).content.decode()

    response = client.post(
        changelist, {"action": "sign_out", "_selected_action": [session_of(phone).pk]}
    )

    assert response.status_code == 302
    assert not signed_in(phone)
    assert not UserSession.objects.filter(user=person).exists()


def test_the_daily_purge_deletes_expired_sessions_and_their_records(person, laptop, phone):
    Session.objects.filter(session_key=phone.session.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )

    assert sessions_purge() == 1

    assert not Session.objects.filter(session_key=phone.session.session_key).exists()
    assert list(UserSession.objects.values_list("user_agent", flat=True)) == [
        "Firefox on the laptop"
    ]
    assert signed_in(laptop)
