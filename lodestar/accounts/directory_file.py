"""An HR directory export read and checked row by row, before anything is written.

CSV (a header row; headings in common spellings, any case, comma or semicolon) or JSON (a list
of objects with the same keys). Every error names its row and column; `directory.py` applies
a file only when there is none.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from .models import Profile, User

CSV, JSON = "csv", "json"
FORMATS = (CSV, JSON)
MAX_ROWS = 50_000

EMAIL, NAME, DEPARTMENT, TITLE, MANAGER, ACTIVE = (
    "email",
    "name",
    "department",
    "title",
    "manager_email",
    "active",
)
COLUMNS = (EMAIL, NAME, DEPARTMENT, TITLE, MANAGER, ACTIVE)
# Headings as HR systems and spreadsheets spell them, after _heading_key has tidied them.
ALIASES = {
    EMAIL: {"email", "e mail", "email address", "e mail address", "mail", "work email"},
    NAME: {"name", "full name", "display name", "fullname", "employee name"},
    DEPARTMENT: {"department", "dept", "department name"},
    TITLE: {"title", "job title", "jobtitle", "position", "job"},
    MANAGER: {
        "manager email",
        "manager",
        "manager e mail",
        "manager email address",
        "managers email",
        "manageremail",
        "line manager",
        "line manager email",
        "reports to",
        "supervisor email",
    },
    ACTIVE: {"active", "is active", "isactive", "enabled", "is enabled"},
}
HEADINGS = {alias: column for column, aliases in ALIASES.items() for alias in aliases}
TRUE = {"true", "yes", "1", "y"}
FALSE = {"false", "no", "0", "n"}

NAME_MAX = User._meta.get_field("name").max_length
DEPARTMENT_MAX = Profile._meta.get_field("department").max_length
TITLE_MAX = Profile._meta.get_field("job_title").max_length


# Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole
    column: str | None  # None: the row as a whole
    message: str

    @property
    def field(self) -> str:
        """Where the error is, as the API names it: rows[3].email, rows[3] or data."""
        if self.row is None:
            return "data"
        return f"rows[{self.row}]" + (f".{self.column}" if self.column else "")

    def line(self) -> str:
        if self.row is None:
            return self.message
        if self.column is None:
            return _("row %(row)d: %(message)s") % {"row": self.row, "message": self.message}
        return _("row %(row)d, %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }


class InvalidDirectory(ValidationError):
    """The file has errors; nothing was changed. `errors` holds each one, row by row."""

    def __init__(self, errors: list[RowError]):
        # In the file's order: row by row, and along each row as its columns go.
        self.errors = sorted(
            errors,
            key=lambda e: (e.row or 0, COLUMNS.index(e.column) if e.column in COLUMNS else -1),
        )
        by_field: dict[str, list[str]] = {}
        for error in self.errors:
            by_field.setdefault(error.field, []).append(error.message)
        super().__init__(by_field, code="invalid_directory")

    def lines(self) -> list[str]:
        return [error.line() for error in self.errors]


# Reading ------------------------------------------------------------------------------------


@dataclass
class DirectoryRow:
    number: int  # CSV: as a spreadsheet shows it (the header is row 1); JSON: from 1
    values: dict[str, Any]  # by column, only the columns the row has
    email: str = ""
    manager_email: str | None = None  # None: not given; "": no manager
    active: bool | None = None  # None: not given
    unreadable: set[str] = field(default_factory=set)  # columns already reported as wrong


def _heading_key(heading: str) -> str:
    text = str(heading).replace("'", "").replace("’", "").casefold()
    return " ".join(re.sub(r"[_\-.]+", " ", text).split())


def _column_of(heading: str) -> str | None:
    return HEADINGS.get(_heading_key(heading))


def read_rows(data: str | list | bytes, format: str) -> tuple[list[DirectoryRow], list[RowError]]:
    """The file's rows, or the errors that stop it being read at all."""
    if format not in FORMATS:
        return [], [RowError(None, None, _("Choose the format: csv or json."))]
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [RowError(None, None, _("This file is not UTF-8 text."))]
    if format == CSV:
        if not isinstance(data, str):
            return [], [RowError(None, None, _("CSV data must be text, with a header row."))]
        rows, errors = _read_csv(data)
    else:
        rows, errors = _read_json(data)
    if not errors and not rows:
        errors.append(RowError(None, None, _("The file lists nobody.")))
    if len(rows) > MAX_ROWS:
        errors.append(
            RowError(
                None,
                None,
                _("The file has %(count)d rows; sync at most %(max)d at a time.")
                % {"count": len(rows), "max": MAX_ROWS},
            )
        )
    return rows, errors


def _read_csv(text: str) -> tuple[list[DirectoryRow], list[RowError]]:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return [], [RowError(None, None, _("The file is empty."))]
    first_line = next(line for line in text.splitlines() if line.strip())
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        numbered = list(enumerate(reader, 1))
    except csv.Error as exc:
        problem = _("This file could not be read as CSV (%(problem)s).") % {"problem": exc}
        return [], [RowError(None, None, problem)]
    numbered = [(n, cells) for n, cells in numbered if any(c.strip() for c in cells)]
    if not numbered:
        return [], [RowError(None, None, _("The file is empty."))]
    (_number, header), records = numbered[0], numbered[1:]
    columns, errors = _map_header(header)
    if errors:
        return [], errors
    rows = []
    for number, cells in records:
        row = DirectoryRow(number=number, values={})
        for index, column in enumerate(columns):
            if column is not None:
                row.values[column] = cells[index].strip() if index < len(cells) else ""
        if any(cell.strip() for cell in cells[len(columns) :]):
            errors.append(
                RowError(number, None, _("This row has more cells than the header has columns."))
            )
        rows.append(row)
    return rows, errors


def _map_header(header: list[str]) -> tuple[list[str | None], list[RowError]]:
    columns: list[str | None] = []
    unknown, errors, seen = [], [], set()
    for heading in header:
        column = _column_of(heading)
        if not heading.strip():
            columns.append(None)
        elif column is None:
            unknown.append(heading.strip())
            columns.append(None)
        elif column in seen:
            errors.append(
                RowError(
                    None,
                    None,
                    _("Two columns mean “%(column)s”: keep one.") % {"column": column},
                )
            )
            columns.append(None)
        else:
            seen.add(column)
            columns.append(column)
    if unknown:
        errors.append(
            RowError(
                None,
                None,
                _("Unknown columns: %(columns)s. Use %(known)s.")
                % {
                    "columns": ", ".join(f"“{heading}”" for heading in unknown),
                    "known": ", ".join(COLUMNS),
                },
            )
        )
    if EMAIL not in seen:
        errors.append(RowError(None, None, _("The file needs a column headed “email”.")))
    return columns, errors


def _read_json(data: str | list) -> tuple[list[DirectoryRow], list[RowError]]:
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
            problem = _("This is not valid JSON (%(problem)s).") % {"problem": exc}
            return [], [RowError(None, None, problem)]
    if not isinstance(data, list):
        return [], [RowError(None, None, _("The JSON must be a list of objects, one a person."))]
    rows, errors = [], []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict):
            errors.append(RowError(number, None, _("Each item must be an object.")))
            continue
        row = DirectoryRow(number=number, values={})
        for key, value in item.items():
            column = _column_of(key)
            if column is None or column in row.values:
                message = (
                    _("“%(key)s” is not a directory field. Use %(known)s.")
                    if column is None
                    else _("Two keys mean “%(key)s”: keep one.")
                )
                known = ", ".join(COLUMNS)
                errors.append(RowError(number, None, message % {"key": key, "known": known}))
                continue
            if column != ACTIVE and value is not None and not isinstance(value, str):
                errors.append(RowError(number, column, _("Give this as text.")))
                row.unreadable.add(column)
                continue
            row.values[column] = value.strip() if isinstance(value, str) else value
        rows.append(row)
    return rows, errors


# Checking -----------------------------------------------------------------------------------


def check_rows(rows: list[DirectoryRow]) -> list[RowError]:
    errors: list[RowError] = []
    first_row_of: dict[str, int] = {}
    for row in rows:
        errors.extend(_check_row(row))
        if row.email:
            if row.email in first_row_of:
                errors.append(
                    RowError(
                        row.number,
                        EMAIL,
                        _("%(email)s is also on row %(row)d.")
                        % {"email": row.email, "row": first_row_of[row.email]},
                    )
                )
            else:
                first_row_of[row.email] = row.number
    return errors


def _clean_email(value: Any) -> str | None:
    email = (value or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        return None
    return email


def _check_row(row: DirectoryRow) -> list[RowError]:
    errors = []

    def error(column: str, message: str) -> None:
        if column not in row.unreadable:
            errors.append(RowError(row.number, column, message))

    raw_email = row.values.get(EMAIL) or ""
    if not raw_email:
        error(EMAIL, _("Enter an email address."))
    elif (email := _clean_email(raw_email)) is None:
        error(EMAIL, _("“%(value)s” is not a valid email address.") % {"value": raw_email})
    else:
        row.email = email
    for column, limit in ((NAME, NAME_MAX), (DEPARTMENT, DEPARTMENT_MAX), (TITLE, TITLE_MAX)):
        if len(row.values.get(column) or "") > limit:
            error(column, _("Keep this to %(max)d characters.") % {"max": limit})
    if MANAGER in row.values:
        raw_manager = row.values[MANAGER] or ""
        if not raw_manager:
            row.manager_email = ""
        elif (manager := _clean_email(raw_manager)) is None:
            error(MANAGER, _("“%(value)s” is not a valid email address.") % {"value": raw_manager})
        elif manager == row.email:
            error(MANAGER, _("A person cannot be their own manager."))
        else:
            row.manager_email = manager
    if ACTIVE in row.values:
        row.active = _active(row.values[ACTIVE])
        if row.values[ACTIVE] in ("", None):
            error(ACTIVE, _("Say whether this person is active: true or false."))
        elif row.active is None:
            error(
                ACTIVE,
                _("“%(value)s” is not one of true, false, yes, no, 1 or 0.")
                % {"value": row.values[ACTIVE]},
            )
    return errors


def _active(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    text = str(value).strip().casefold() if isinstance(value, str) else None
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return None
