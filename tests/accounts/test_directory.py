"""Directory sync: an HR export (CSV or JSON) creates, updates, deactivates and reactivates
people; every row is checked first, a bad file changes nothing, a second run changes nothing,
a dry run writes nothing, and a superuser is never switched off by a file."""

import json
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from lodestar.accounts.directory import InvalidDirectory, directory_sync
from lodestar.accounts.models import User
from lodestar.accounts.tokens import token_authenticate, token_create
from tests import factories

pytestmark = pytest.mark.django_db

ORG = """email,name,department,title,manager_email,active
bea@example.com,Bea Boss,Engineering,CTO,,true
ann@example.com,Ann Analyst,Engineering,Data analyst,bea@example.com,true
bob@example.com,Bob Builder,Sales,Account executive,ann@example.com,true
"""


def sync(text=ORG, format="csv", **options):
    return directory_sync(data=text, format=format, **options)


def person(email):
    return User.objects.select_related("profile", "manager").get(email=email)


def errors_of(text, format="csv", **options) -> dict[str, list[str]]:
    with pytest.raises(InvalidDirectory) as caught:
        sync(text, format, **options)
    return caught.value.message_dict


def lines(report) -> dict[str, tuple[str, list[str]]]:
    return {p.email: (p.action, p.fields) for p in report.people}


# Reading both formats ------------------------------------------------------------------------


def test_a_csv_export_creates_everyone_with_their_department_title_and_manager():
    report = sync()
    assert report.counts["created"] == 3
    ann = person("ann@example.com")
    assert ann.name == "Ann Analyst"
    assert (ann.profile.department, ann.profile.job_title) == ("Engineering", "Data analyst")
    assert ann.manager.email == "bea@example.com"
    assert person("bob@example.com").manager == ann
    assert person("bea@example.com").manager is None
    assert ann.is_active and ann.directory_synced_at is not None


def test_headings_in_common_spellings_any_case_and_semicolons_are_understood():
    text = (
        "E-mail;Full Name;Dept;Job Title;Manager's Email;Is Active\n"
        "Bea@Example.com;Bea Boss;Engineering;CTO;;YES\n"
        "ann@example.com;Ann Analyst;Engineering;Analyst;BEA@example.com;1\n"
    )
    sync(text)
    ann = person("ann@example.com")
    assert ann.manager.email == "bea@example.com"
    assert ann.profile.job_title == "Analyst"


def test_a_json_list_of_objects_is_read_like_the_csv():
    data = [
        {"email": "bea@example.com", "name": "Bea Boss", "active": True},
        {"email": "ann@example.com", "title": "Analyst", "manager_email": "bea@example.com"},
    ]
    report = sync(data, "json")
    assert report.counts["created"] == 2
    assert person("ann@example.com").manager.email == "bea@example.com"
    # JSON text is read as well as an already parsed list.
    assert sync(json.dumps(data), "json").counts["unchanged"] == 2


@pytest.mark.parametrize(
    ("value", "active"),
    [("true", True), ("FALSE", False), ("yes", True), ("No", False), ("1", True), ("0", False)],
)
def test_active_reads_true_false_yes_no_one_zero(value, active):
    sync(f"email,active\nann@example.com,{value}\n")
    assert person("ann@example.com").is_active is active


# Every row checked first ---------------------------------------------------------------------


def test_an_invalid_file_changes_nothing_even_where_other_rows_are_fine():
    factories.make_user("bob@example.com", name="Bob Old")
    text = ORG.replace("Bob Builder", "Bob New") + "not-an-email,Someone,,,,true\n"
    assert errors_of(text) == {"rows[5].email": ["“not-an-email” is not a valid email address."]}
    assert not User.objects.filter(email="ann@example.com").exists()
    assert person("bob@example.com").name == "Bob Old"


def test_every_bad_row_is_reported_at_once_with_its_row_and_field():
    text = (
        "email,manager_email,active\n"
        "ann@example.com,ann@example.com,true\n"
        ",,true\n"
        "bob@example.com,nobody@example.com,maybe\n"
        "ANN@example.com,,true\n"
    )
    assert errors_of(text) == {
        "rows[2].manager_email": ["A person cannot be their own manager."],
        "rows[3].email": ["Enter an email address."],
        "rows[4].manager_email": [
            "Nobody with the address nobody@example.com is in the file or in Lodestar."
        ],
        "rows[4].active": ["“maybe” is not one of true, false, yes, no, 1 or 0."],
        "rows[5].email": ["ann@example.com is also on row 2."],
    }
    assert User.objects.count() == 0


def test_a_blank_active_cell_is_an_error_not_a_guess():
    assert errors_of("email,active\nann@example.com,\n") == {
        "rows[2].active": ["Say whether this person is active: true or false."]
    }


def test_a_manager_already_in_lodestar_need_not_be_in_the_file():
    boss = factories.make_user("boss@example.com", name="Boss")
    sync("email,manager_email\nann@example.com,boss@example.com\n")
    assert person("ann@example.com").manager == boss


def test_a_circle_of_managers_is_refused_naming_the_chain():
    sync()
    # Bea reports to Bob, who reports to Ann, who reports to Bea: nobody is at the top.
    errors = errors_of("email,manager_email\nbea@example.com,bob@example.com\n")
    assert errors == {
        "rows[2].manager_email": [
            "These managers go round in a circle: bea@example.com → bob@example.com → "
            "ann@example.com → bea@example.com."
        ]
    }
    assert person("bea@example.com").manager is None


def test_a_circle_within_the_file_marks_each_of_its_rows():
    text = "email,manager_email\na@example.com,b@example.com\nb@example.com,a@example.com\n"
    assert set(errors_of(text)) == {"rows[2].manager_email", "rows[3].manager_email"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "The file is empty."),
        ("name,title\nAnn,Analyst\n", "The file needs a column headed “email”."),
        ("email\n", "The file lists nobody."),
        (
            "email,salary\nann@example.com,10\n",
            "Unknown columns: “salary”. Use email, name, department, title, manager_email, active.",
        ),
        ("email,mail\nann@example.com,a@example.com\n", "Two columns mean “email”: keep one."),
    ],
)
def test_a_file_that_cannot_be_read_says_why(text, message):
    assert errors_of(text) == {"data": [message]}


def test_json_must_be_a_list_of_objects_with_known_keys():
    assert errors_of({"email": "a@example.com"}, "json") == {
        "data": ["The JSON must be a list of objects, one a person."]
    }
    assert errors_of("[{", "json")["data"][0].startswith("This is not valid JSON")
    data = [{"email": "a@example.com", "salary": 1}, "b@example.com", {"email": 5}]
    assert errors_of(data, "json") == {
        "rows[1]": [
            "“salary” is not a directory field. Use email, name, department, title, "
            "manager_email, active."
        ],
        "rows[2]": ["Each item must be an object."],
        "rows[3].email": ["Give this as text."],
    }


def test_a_value_too_long_for_its_field_is_refused():
    errors = errors_of(f"email,department\nann@example.com,{'x' * 121}\n")
    assert errors == {"rows[2].department": ["Keep this to 120 characters."]}


# Applying -----------------------------------------------------------------------------------


def test_new_people_get_no_password_and_no_email():
    sync()
    ann = person("ann@example.com")
    assert not ann.has_usable_password()
    assert mail.outbox == []
    # Their address is on file for a password reset or single sign-on, not yet confirmed.
    address = EmailAddress.objects.get(user=ann)
    assert (address.email, address.primary, address.verified) == ("ann@example.com", True, False)


def test_changed_fields_are_updated_and_named_in_the_report():
    sync()
    text = ORG.replace("Data analyst", "Senior analyst").replace(
        "Sales,Account executive,ann@example.com", "Marketing,Account executive,bea@example.com"
    )
    report = sync(text)
    assert lines(report) == {
        "bea@example.com": ("unchanged", []),
        "ann@example.com": ("updated", ["title"]),
        "bob@example.com": ("updated", ["department", "manager"]),
    }
    bob = person("bob@example.com")
    assert (bob.profile.department, bob.manager.email) == ("Marketing", "bea@example.com")


def test_a_blank_cell_clears_and_a_missing_column_is_left_alone():
    sync()
    report = sync("email,title,manager_email\nann@example.com,,\n")
    assert lines(report) == {"ann@example.com": ("updated", ["title", "manager"])}
    ann = person("ann@example.com")
    assert ann.profile.job_title == "" and ann.manager is None
    assert ann.profile.department == "Engineering" and ann.name == "Ann Analyst"


def test_an_existing_account_is_matched_by_address_whatever_its_case():
    old = User.objects.create_user("ann@example.com", password="x", name="Ann")
    User.objects.filter(pk=old.pk).update(email="Ann@Example.com")
    report = sync("email,name\nann@example.com,Ann Analyst\n")
    assert lines(report) == {"ann@example.com": ("updated", ["name"])}
    assert User.objects.get().name == "Ann Analyst"


def test_someone_marked_inactive_is_deactivated_and_their_tokens_stop_working():
    sync()
    ann = person("ann@example.com")
    _token, secret = token_create(
        user=ann, name="script", scope="read", expires_on=timezone.localdate() + timedelta(days=9)
    )
    assert token_authenticate(secret) is not None
    report = sync(ORG.replace("bea@example.com,true\nbob", "bea@example.com,false\nbob"))
    assert lines(report)["ann@example.com"] == ("deactivated", ["active"])
    assert not person("ann@example.com").is_active
    assert token_authenticate(secret) is None


def test_someone_marked_active_again_is_reactivated():
    sync()
    sync("email,active\nann@example.com,no\n")
    report = sync("email,active\nann@example.com,yes\n")
    assert lines(report) == {"ann@example.com": ("reactivated", ["active"])}
    assert person("ann@example.com").is_active


def test_without_an_active_column_nobody_is_switched_on_or_off():
    sync()
    sync("email,active\nann@example.com,no\n")
    report = sync("email,name\nann@example.com,Ann Analyst\n")
    assert lines(report) == {"ann@example.com": ("unchanged", [])}
    assert not person("ann@example.com").is_active


def test_a_second_run_with_the_same_file_changes_nothing():
    first = sync()
    second = sync()
    assert first.changed == 3
    assert second.changed == 0
    assert second.counts == {
        "created": 0,
        "updated": 0,
        "deactivated": 0,
        "reactivated": 0,
        "skipped": 0,
        "unchanged": 3,
    }


def test_a_dry_run_reports_the_same_and_writes_nothing():
    factories.make_user("ann@example.com", name="Ann Old")
    dry = sync(dry_run=True)
    assert dry.dry_run
    assert lines(dry) == {
        "bea@example.com": ("created", []),
        "ann@example.com": ("updated", ["name", "department", "title", "manager"]),
        "bob@example.com": ("created", []),
    }
    assert User.objects.count() == 1
    assert person("ann@example.com").name == "Ann Old"
    real = sync()
    assert lines(real) == lines(dry)


def test_a_superuser_is_never_deactivated_by_a_sync():
    admin = factories.make_user("bea@example.com", name="Bea Boss", is_superuser=True)
    report = sync("email,title,active\nbea@example.com,CTO,false\n")
    (line,) = report.people
    assert (line.action, line.fields) == ("skipped", ["title"])
    assert "never deactivated by a sync" in line.note
    admin.refresh_from_db()
    assert admin.is_active
    assert admin.profile.job_title == "CTO"


def test_deactivate_missing_switches_off_directory_people_the_file_no_longer_lists():
    sync()
    manual = factories.make_user("guest@example.com", name="Guest mentor")
    factories.make_user("root@example.com", is_superuser=True)
    User.objects.filter(email="root@example.com").update(directory_synced_at=timezone.now())
    without_bob = "\n".join(ORG.splitlines()[:-1]) + "\n"
    kept = sync(without_bob)
    assert kept.counts["deactivated"] == 0  # only when asked
    report = sync(without_bob, deactivate_missing=True)
    assert lines(report)["bob@example.com"] == ("deactivated", ["active"])
    assert lines(report)["root@example.com"][0] == "skipped"
    assert "guest@example.com" not in lines(report)
    assert not person("bob@example.com").is_active
    manual.refresh_from_db()
    assert manual.is_active  # never listed by the directory: not the directory's to remove
    assert person("root@example.com").is_active
    assert sync(without_bob, deactivate_missing=True).changed == 0


def test_only_a_site_admin_may_sync(coordinator, site_admin_user):
    with pytest.raises(PermissionDenied):
        sync(by=coordinator)
    assert User.objects.filter(email="ann@example.com").count() == 0
    assert sync(by=site_admin_user).counts["created"] == 3


@pytest.fixture
def site_admin_user(db):
    return factories.make_user("admin@example.com", is_superuser=True)


# Where people see it ---------------------------------------------------------------------------


def test_the_profile_page_shows_department_and_manager_from_the_directory(client, mentee, mentor):
    sync(
        "email,department,title,manager_email\n"
        "boss@example.com,Engineering,CTO,\n"
        "mentor@example.com,Engineering,Staff engineer,boss@example.com\n"
    )
    User.objects.filter(email="boss@example.com").update(name="Bea Boss")
    client.force_login(mentee)
    content = client.get(f"/people/{mentor.pk}/").content.decode()
    assert "<dt>Department</dt><dd>Engineering</dd>" in content
    assert "<dt>Manager</dt><dd>Bea Boss</dd>" in content
    client.force_login(mentor)
    own = client.get("/profile/").content.decode()
    assert "come from your organisation’s HR directory" in own
    assert "Your manager: Bea Boss." in own
