import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import checks
from django.db import connections
from django.db.backends.sqlite3.base import DatabaseWrapper

from lodestar.cli import main as lodestar_cli


@pytest.mark.django_db
def test_sqlite_database_runs_in_wal_mode_with_a_busy_timeout_and_immediate_transactions(tmp_path):
    wrapper = DatabaseWrapper(
        {
            **connections["default"].settings_dict,
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(tmp_path / "wal.sqlite3"),
            "OPTIONS": settings.SQLITE_OPTIONS,
        },
        alias="wal-check",
    )
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            cursor.execute("PRAGMA busy_timeout")
            assert cursor.fetchone()[0] == 20_000
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1
        assert wrapper.transaction_mode == "IMMEDIATE"
    finally:
        wrapper.close()


def test_development_secret_key_is_rejected_by_the_deployment_check():
    assert settings.SECRET_KEY.startswith("django-insecure-")
    found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
    assert "security.W009" in {message.id for message in found}


def test_database_url_selects_postgresql():
    import environ

    config = environ.Env.db_url_config("postgres://postgres@127.0.0.1:5432/lodestar")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "lodestar"


def database_options(url: str) -> str:
    """OPTIONS of the default database as the settings make them from this DATABASE_URL."""
    code = "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lodestar.settings", "DATABASE_URL": url}
    result = subprocess.run(  # noqa: S603 (this interpreter, our own code)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    return result.stdout.strip()


def test_postgresql_runs_without_jit_unless_database_url_sets_its_own_options():
    assert database_options("postgres://postgres@127.0.0.1:5432/x") == "{'options': '-c jit=off'}"
    own = "postgres://postgres@127.0.0.1:5432/x?options=-c%20statement_timeout%3D5000"
    assert database_options(own) == "{'options': '-c statement_timeout=5000'}"


@pytest.mark.django_db
def test_the_database_connection_has_the_settings_it_was_given():
    with connections["default"].cursor() as cursor:
        if connections["default"].vendor == "postgresql":
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"
        else:
            cursor.execute("PRAGMA foreign_keys")
            assert cursor.fetchone()[0] == 1


def test_lodestar_command_runs_django_management_commands(capsys):
    lodestar_cli(["check"])
    assert "no issues" in capsys.readouterr().out


def test_lodestar_console_script_is_installed():
    result = subprocess.run(
        [sys.executable, "-m", "lodestar.cli", "help"], capture_output=True, text=True, check=True
    )
    assert "[programs]" in result.stdout or "migrate" in result.stdout


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in policy
    assert "script-src 'self'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
