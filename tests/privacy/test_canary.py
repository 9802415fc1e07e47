"""The canary test: a unique string planted in every text field a person can fill (and every
field written about them), found in their export — JSON and the offline page — and found
nowhere in the database after their account is erased.

A text field of a Lodestar model that is neither planted (tests/privacy/conftest.py) nor
listed in lodestar/privacy/inventory.py with a reason fails the first test: someone added a
field without deciding what export and erasure do with it."""

import json
import os
import zipfile

import pytest
from django.apps import apps
from django.db import connection, models

from lodestar.privacy.erasure import account_erase
from lodestar.privacy.export import export_collect, export_json, export_zip
from lodestar.privacy.inventory import KEPT_TABLES, NOT_PERSONAL
from tests.privacy.conftest import build_person

pytestmark = pytest.mark.django_db

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField, models.FileField)


def lodestar_text_fields() -> set[str]:
    found = set()
    for model in apps.get_models():
        if not model.__module__.startswith("lodestar.") or model._meta.proxy:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, TEXT_FIELDS) and not field.choices:
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_text_field_is_planted_or_exempt_with_a_reason(coordinator):
    planted = set(build_person(coordinator).canaries)
    fields = lodestar_text_fields()
    undecided = fields - planted - set(NOT_PERSONAL)
    assert not undecided, f"Decide export and erasure for: {sorted(undecided)}"
    assert not planted & set(NOT_PERSONAL), "a field cannot be both planted and exempt"
    assert all(reason.strip() for reason in NOT_PERSONAL.values())
    stale = set(NOT_PERSONAL) - fields
    assert not stale, f"Exemptions for fields that no longer exist: {sorted(stale)}"


def test_the_export_holds_every_canary_in_json_and_in_the_offline_page(person):
    data = export_collect(person.user)
    text = export_json(data).decode()
    assert json.loads(text)["format_version"] == 1
    with export_zip(person.user, data) as spool, zipfile.ZipFile(spool) as bundle:
        page = bundle.read("lodestar-data/index.html").decode()
        assert bundle.read("lodestar-data/data.json").decode() == text
    missing_json = [key for key, canary in person.canaries.items() if canary not in text]
    missing_html = [key for key, canary in person.canaries.items() if canary not in page]
    assert not missing_json, missing_json
    assert not missing_html, missing_html
    assert "Hello from Pat" not in text  # the partner's words are the partner's


def _text_columns():
    """(table, [(column, is_binary)]) for every table in the database but the kept ones."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in KEPT_TABLES:
                continue
            columns = []
            for col in connection.introspection.get_table_description(cursor, table):
                kind = connection.introspection.get_field_type(col.type_code, col) or ""
                if any(word in kind for word in ("Char", "Text", "JSON", "File", "Binary")):
                    columns.append((col.name, "Binary" in kind))
            if columns:
                yield table, columns


def database_hits(canaries: dict[str, str]) -> list[tuple[str, str, str]]:
    """Every (canary key, table, column) where a canary is still found, by raw SQL."""
    quote = connection.ops.quote_name
    hits = []
    with connection.cursor() as cursor:
        for table, columns in _text_columns():
            for column, binary in columns:
                expression = f"CAST({quote(column)} AS TEXT)"
                if binary and connection.vendor == "postgresql":
                    expression = f"encode({quote(column)}, 'escape')"
                for key, canary in canaries.items():
                    cursor.execute(
                        f"SELECT 1 FROM {quote(table)} WHERE {expression} LIKE %s LIMIT 1",  # noqa: S608 (names from introspection)
                        [f"%{canary}%"],
                    )
                    if cursor.fetchone():
                        hits.append((key, table, column))
    return hits


def test_after_erasure_no_canary_is_left_in_any_table(person):
    canaries = {**person.canaries, **person.extra}
    # The scan finds what it looks for: before erasure, every canary is somewhere.
    before = {key for key, _table, _column in database_hits(canaries)}
    assert before == set(canaries)

    account_erase(user=person.user, by=person.user)

    assert database_hits(canaries) == []
    for path in person.files:
        assert not os.path.exists(path), path
