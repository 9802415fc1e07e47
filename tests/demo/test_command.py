"""`lodestar demo`: load, reload, or leave alone; then tell people how to log in."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings

from lodestar.accounts.models import User
from lodestar.demo import data
from lodestar.programs.models import Enrolment, Program

pytestmark = pytest.mark.django_db

SIZES = ["--mentors", "3", "--mentees", "5"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("demo", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def approved(role: str) -> int:
    return Enrolment.objects.filter(
        program__slug=data.PROGRAM_SLUG, role=role, status="approved"
    ).count()


def test_the_command_loads_the_demo_and_prints_the_logins_and_address(monkeypatch):
    monkeypatch.delenv("PORT", raising=False)

    out = run(*SIZES)

    assert "Loaded “Northstar Mentoring 2027” (northstar-2027): 3 mentors and 5 mentees" in out
    for email, role in [
        ("coordinator@demo.lodestar.test", "coordinator"),
        ("mentor@demo.lodestar.test", "mentor"),
        ("mentee@demo.lodestar.test", "mentee"),
        ("admin@demo.lodestar.test", "site admin"),
    ]:
        line = next(line for line in out.splitlines() if email in line)
        assert "lodestar-demo" in line and role in line
    assert out.rstrip().endswith("http://127.0.0.1:8000")
    assert (approved("mentor"), approved("mentee")) == (3, 5)


def test_the_address_follows_the_port(monkeypatch):
    monkeypatch.setenv("PORT", "8123")

    assert "http://127.0.0.1:8123" in run(*SIZES)


def test_the_seed_decides_who_is_generated():
    run(*SIZES, "--seed", "1")
    first = list(User.objects.order_by("pk").values_list("email", flat=True))
    run(*SIZES, "--seed", "1", "--reset")
    again = list(User.objects.order_by("pk").values_list("email", flat=True))
    run(*SIZES, "--seed", "2", "--reset")
    other = list(User.objects.order_by("pk").values_list("email", flat=True))

    assert first == again
    assert first != other


def test_if_empty_does_nothing_when_the_database_has_users(outsider):
    out = run("--if-empty", *SIZES)

    assert "already has users, so no demo data was loaded" in out
    assert list(User.objects.all()) == [outsider]
    assert not Program.objects.exists()
    # The logins are still listed, with a warning that they are not in this database.
    assert "mentor@demo.lodestar.test" in out
    assert "not in this database" in out


def test_if_empty_loads_into_an_empty_database():
    out = run("--if-empty", *SIZES)

    assert "Loaded" in out
    assert Program.objects.filter(slug=data.PROGRAM_SLUG).exists()


def test_reset_reloads_the_demo_and_keeps_everyone_else(outsider):
    run(*SIZES)
    Program.objects.filter(slug=data.PROGRAM_SLUG).update(name="Renamed by a visitor")

    out = run("--reset", "--mentors", "4", "--mentees", "7")

    # 3 mentors, 5 mentees, 5 applicants, 3 waitlisted, the coordinator and the site admin.
    assert "Deleted the demo programs and 18 demo people." in out
    assert Program.objects.get(slug=data.PROGRAM_SLUG).name == "Northstar Mentoring 2027"
    assert (approved("mentor"), approved("mentee")) == (4, 7)
    assert User.objects.filter(pk=outsider.pk).exists()


def test_loading_twice_without_reset_fails_clearly_and_changes_nothing():
    run(*SIZES)
    before = User.objects.count()

    with pytest.raises(CommandError, match="--reset"):
        run(*SIZES)

    assert User.objects.count() == before


def test_negative_sizes_are_refused():
    with pytest.raises(CommandError, match="0 or more"):
        run("--mentors", "-2")
    assert not User.objects.exists()


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
@pytest.mark.parametrize("login", data.LOGINS, ids=lambda login: login.role)
def test_every_demo_login_can_log_in_with_the_published_password(client, login):
    run(*SIZES)

    response = client.post("/accounts/login/", {"login": login.email, "password": "lodestar-demo"})

    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_the_site_admin_can_open_the_django_admin(client):
    run(*SIZES)
    client.post("/accounts/login/", {"login": data.ADMIN.email, "password": "lodestar-demo"})

    assert client.get("/admin/").status_code == 200
