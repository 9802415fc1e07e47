"""`lodestar directory_sync FILE|-`: the same sync from the console, printing its report."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from lodestar.accounts.models import User

pytestmark = pytest.mark.django_db

ORG = """email,name,department,title,manager_email,active
bea@example.com,Bea Boss,Engineering,CTO,,true
ann@example.com,Ann Analyst,Engineering,Data analyst,bea@example.com,true
"""


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("directory_sync", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_file_is_synced_and_the_report_printed(tmp_path):
    export = tmp_path / "directory.csv"
    export.write_text(ORG, encoding="utf-8")
    out, _err = run(str(export))
    assert "created     ann@example.com" in out
    assert "2 created, 0 updated" in out
    assert User.objects.get(email="ann@example.com").manager.email == "bea@example.com"
    again, _err = run(str(export))
    assert "unchanged   ann@example.com" in again
    assert "0 created, 0 updated, 0 deactivated, 0 reactivated, 0 skipped, 2 unchanged" in again


def test_standard_input_is_read_and_json_recognised(monkeypatch):
    data = [{"email": "ann@example.com", "name": "Ann"}]
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(data)))
    out, _err = run("-")
    assert "1 created" in out
    assert User.objects.get().name == "Ann"


def test_the_format_can_be_given(tmp_path):
    export = tmp_path / "export.txt"
    export.write_text(json.dumps([{"email": "ann@example.com"}]), encoding="utf-8")
    with pytest.raises(CommandError):
        run(str(export), "--format", "csv")  # JSON read as CSV has no email column
    out, _err = run(str(export), "--format", "json")
    assert "1 created" in out


def test_a_dry_run_prints_the_report_and_changes_nothing(tmp_path):
    export = tmp_path / "directory.csv"
    export.write_text(ORG, encoding="utf-8")
    out, _err = run(str(export), "--dry-run")
    assert "2 created" in out and "Dry run: nothing was changed." in out
    assert User.objects.count() == 0


def test_deactivate_missing_is_an_option(tmp_path):
    export = tmp_path / "directory.csv"
    export.write_text(ORG, encoding="utf-8")
    run(str(export))
    export.write_text(ORG.splitlines()[0] + "\n" + ORG.splitlines()[1] + "\n", encoding="utf-8")
    out, _err = run(str(export), "--deactivate-missing")
    assert "deactivated ann@example.com (active) — no longer in the directory" in out
    assert not User.objects.get(email="ann@example.com").is_active


def test_an_invalid_file_fails_with_each_error_and_changes_nothing(tmp_path):
    export = tmp_path / "directory.csv"
    export.write_text(ORG + "bob@example.com,Bob,,,nobody@example.com,maybe\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 errors; nothing was changed"):
        call_command("directory_sync", str(export), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().splitlines() == [
        "row 4, manager_email: Nobody with the address nobody@example.com is in the file or "
        "in Lodestar.",
        "row 4, active: “maybe” is not one of true, false, yes, no, 1 or 0.",
    ]
    assert User.objects.count() == 0


def test_an_invalid_file_exits_non_zero_from_the_console(tmp_path, monkeypatch):
    from lodestar.cli import main

    # A command run from argv closes every database connection when it ends: that would take
    # the test's own connection (and its transaction) with it on PostgreSQL.
    monkeypatch.setattr(connections, "close_all", lambda: None)
    export = tmp_path / "directory.csv"
    export.write_text("email\nnot-an-address\n", encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["directory_sync", str(export)])
    assert exited.value.code != 0


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        run(str(tmp_path / "nope.csv"))
