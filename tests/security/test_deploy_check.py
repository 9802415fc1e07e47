"""`check --deploy` passes with a production environment, and the settings it cannot see are
what the brief asks: one year of HSTS, __Host- cookies whenever cookies are Secure."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

from django.conf import settings

PROJECT = Path(__file__).resolve().parents[2]


def run_deploy_check(tmp_path, **extra: str) -> subprocess.CompletedProcess:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "lodestar.example.org",
        "LODESTAR_VAR_DIR": str(tmp_path / "var"),
        **extra,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production(**extra: str) -> dict[str, str]:
    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ENCRYPTION_KEYS": secrets.token_urlsafe(50),
        "BEHIND_PROXY": "1",
        **extra,
    }


def test_production_settings_pass_the_deployment_check_without_a_warning(tmp_path):
    result = run_deploy_check(tmp_path, **production())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_serving_https_directly_passes_with_the_redirect_on(tmp_path):
    result = run_deploy_check(tmp_path, **production(BEHIND_PROXY="0", SECURE_SSL_REDIRECT="1"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_stored_secrets_need_keys_of_their_own(tmp_path):
    # Keyed on SECRET_KEY alone, a routine change of SECRET_KEY would lose every stored secret.
    environment = production()
    del environment["ENCRYPTION_KEYS"]
    result = run_deploy_check(tmp_path, **environment)
    assert result.returncode != 0
    assert "lodestar.W001" in result.stdout + result.stderr


def test_a_short_encryption_key_is_flagged(tmp_path):
    keys = f"{secrets.token_urlsafe(50)},short-key"
    result = run_deploy_check(tmp_path, **production(ENCRYPTION_KEYS=keys))
    assert result.returncode != 0
    assert "lodestar.W002" in result.stdout + result.stderr
    assert "key 2 " in result.stdout + result.stderr


def test_the_development_key_and_plain_http_are_flagged(tmp_path):
    result = run_deploy_check(tmp_path)  # no SECRET_KEY (the development one), no HTTPS
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr  # the development key
    assert "security.W008" in result.stdout + result.stderr  # neither proxy nor redirect


def test_hsts_lasts_a_year_for_subdomains_too():
    assert settings.SECURE_HSTS_SECONDS == 31_536_000
    assert settings.SECURE_HSTS_INCLUDE_SUBDOMAINS


def test_secure_cookies_carry_the_host_prefix(client, db):
    response = client.get("/accounts/login/")
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"


def test_development_over_http_keeps_plain_cookie_names(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'lodestar.settings'; "
        "django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=PROJECT,
        env={
            "PATH": os.environ.get("PATH", ""),
            "DEBUG": "1",
            "LODESTAR_VAR_DIR": str(tmp_path / "var"),
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["sessionid", "csrftoken", "False"]
