"""Fuzzing the HR directory sync's file reader: CSV or JSON, any content, is read into rows or
refused with errors naming row and column; a file with any error changes nobody."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import example, given
from hypothesis import strategies as st

from lodestar.accounts.directory import directory_sync
from lodestar.accounts.directory_file import COLUMNS, InvalidDirectory, check_rows, read_rows
from lodestar.accounts.models import Profile, User

from .strategies import FUZZ, awkward_text, csv_tables, encoded

HEADINGS = ["email", "E-mail", "name", "Full Name", "department", "title", "manager_email"]
HEADINGS += ["Reports to", "active", "Enabled", "salary"]
VALUES = ["ann@example.com", "bob@example.com", "true", "no", "Sales", "ann@example.com"]

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    awkward_text,
    st.sampled_from(VALUES),
)
json_people = st.lists(
    st.one_of(
        st.dictionaries(st.sampled_from(HEADINGS), json_scalars, max_size=6),
        st.dictionaries(awkward_text, json_scalars, max_size=2),
        json_scalars,
        st.lists(json_scalars, max_size=2),
    ),
    max_size=5,
)
DEEP_JSON = "[" * 100_000 + "]" * 100_000


def files() -> st.SearchStrategy:
    """(data, format): CSV text or bytes, JSON text or an already-parsed list, or junk."""
    return st.one_of(
        st.tuples(csv_tables(HEADINGS, VALUES), st.just("csv")),
        st.tuples(encoded(csv_tables(HEADINGS, VALUES)), st.just("csv")),
        st.tuples(json_people.map(json.dumps), st.just("json")),
        st.tuples(json_people, st.just("json")),
        st.tuples(
            st.one_of(awkward_text, st.binary(max_size=50)), st.sampled_from(["csv", "json"])
        ),
    )


@FUZZ
@given(file=files())
@example(file=(DEEP_JSON, "json"))
@example(file=(DEEP_JSON.encode(), "json"))
@example(file=('[{"email": "a@example.com", "active": [1]}]', "json"))
def test_any_file_is_read_into_rows_or_errors_naming_row_and_column(file):
    data, format = file
    rows, errors = read_rows(data, format)
    if not any(error.row is None for error in errors):
        errors += check_rows(rows)
    for error in errors:
        assert error.message.strip()
        assert error.column is None or error.column in COLUMNS
        if error.row is not None:
            assert error.row >= 1
            assert error.line().startswith(f"row {error.row}")
    # What the API answers with and what the command prints.
    if errors:
        invalid = InvalidDirectory(errors)
        assert invalid.lines() and invalid.message_dict


@pytest.mark.django_db
@FUZZ
@given(file=files())
@example(file=(DEEP_JSON, "json"))
def test_a_sync_of_a_file_with_any_error_changes_nobody(file):
    data, format = file
    with transaction.atomic():
        before = (User.objects.count(), Profile.objects.count())
        try:
            report = directory_sync(data=data, format=format)
        except ValidationError as error:
            assert error.messages and all(message.strip() for message in error.messages)
            assert (User.objects.count(), Profile.objects.count()) == before
        else:
            assert report.summary()
        transaction.set_rollback(True)
