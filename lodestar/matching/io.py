"""A matching program in files: people as CSV, criteria as TOML, and the pairs written back as CSV.

Every problem in the input raises InputError naming the file, the line and the column, so that a
coordinator can fix a spreadsheet without guessing. Readers only read; the pairs are written to
a temporary file renamed into place, so a failure never leaves half a file behind.
"""

from __future__ import annotations

import csv
import difflib
import io
import math
import os
import re
import tempfile
import tomllib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from .availability import zone
from .criteria import MAX_WEIGHT, PARAMETERS, RULES, Criterion
from .problem import Result, ScoreSource
from .solve import SOLVERS

Side = dict[str, list]

# Columns of the pairs file; a criterion may not take one of these names.
PAIR_COLUMNS = ("mentee", "mentor", "score", "reason")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


class InputError(ValueError):
    """A problem in an input file, where it is: line and column are 1-based; a CSV column also
    carries its heading."""

    def __init__(
        self,
        path: str | os.PathLike,
        message: str,
        *,
        line: int | None = None,
        column: int | None = None,
        heading: str | None = None,
    ) -> None:
        self.path = str(path)
        self.message = message
        self.line = line
        self.column = column
        self.heading = heading
        super().__init__(str(self))

    def __str__(self) -> str:
        where = [self.path]
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.column is not None and self.heading is not None:
            where.append(f"column {self.column} ({self.heading})")
        elif self.column is not None:
            where.append(f"column {self.column}")
        elif self.heading is not None:
            where.append(f"column {self.heading}")
        return f"{', '.join(where)}: {self.message}"


# --- people (CSV) ---------------------------------------------------------------------------


def read_people(
    path: str | os.PathLike,
    *,
    role: str,
    criteria: Sequence[Criterion] = (),
    default_capacity: int = 1,
) -> tuple[list[str], Side, list[int] | None]:
    """(ids, fields by column, capacities) from a CSV of mentors or mentees.

    The `id` column (or `email`) names each person; a mentors' `capacity` column gives their
    seats (blank: default_capacity). Every other column is a field; the criteria say which
    fields are lists (`overlap`, split on `;`), weekly availability, or numbers.
    """
    if role not in ("mentor", "mentee"):
        raise ValueError(f"role must be 'mentor' or 'mentee', not {role!r}")
    rows = _csv_rows(path, _read_text(path))
    header_line, header = next(rows, (1, None))
    if header is None:
        raise InputError(path, "the file is empty: expected a header row", line=1, column=1)
    headings = _headings(path, header_line, header)
    id_column = _id_column(path, header_line, headings)
    capacity_column = _find(headings, "capacity") if role == "mentor" else None
    parsers = _field_parsers(path, header_line, headings, role, criteria)

    ids: list[str] = []
    first_seen: dict[str, int] = {}
    side: Side = {heading: [] for k, heading in enumerate(headings) if k != capacity_column}
    capacities: list[int] = []
    for line, cells in _named_columns(rows, headings):
        _check_width(path, line, cells, headings)
        person = _person_id(path, line, cells, id_column, headings, first_seen)
        first_seen[person] = line
        ids.append(person)
        for k, heading in enumerate(headings):
            cell = cells[k].strip()
            if k == capacity_column:
                capacities.append(_capacity(path, line, k, heading, cell, default_capacity))
                continue
            parse = parsers.get(heading, _text)
            try:
                side[heading].append(parse(cell))
            except ValueError as error:
                raise InputError(
                    path, str(error), line=line, column=k + 1, heading=heading
                ) from None
    if role == "mentee":
        return ids, side, None
    if capacity_column is None:
        capacities = [default_capacity] * len(ids)
    return ids, side, capacities


def _person_id(
    path: str | os.PathLike,
    line: int,
    cells: list[str],
    column: int,
    headings: list[str],
    first_seen: dict[str, int],
) -> str:
    person = cells[column].strip()
    problem = ""
    if not person:
        problem = "the id is empty"
    elif person in first_seen:
        problem = f"duplicate id {person!r} (first on line {first_seen[person]})"
    if problem:
        raise InputError(path, problem, line=line, column=column + 1, heading=headings[column])
    return person


def _read_text(path: str | os.PathLike) -> str:
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except OSError as error:
        raise InputError(path, error.strerror or str(error)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise InputError(
            path, "this is not UTF-8 text (save the file as CSV UTF-8)", line=line, column=column
        ) from None


def _csv_rows(path: str | os.PathLike, text: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the row starts, cells) for each row that is not blank."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    last = 0
    try:
        for cells in reader:
            line, last = last + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield line, cells
    except csv.Error as error:
        raw = "".join(io.StringIO(text, newline="").readlines()[last : reader.line_num])
        offset, column = _broken_cell(raw)
        raise InputError(
            path, f"malformed CSV ({error})", line=last + 1 + offset, column=column
        ) from None


def _named_columns(
    rows: Iterator[tuple[int, list[str]]], headings: list[str]
) -> Iterator[tuple[int, list[str]]]:
    """The rows, with the heading added to a malformed-CSV error's column."""
    try:
        yield from rows
    except InputError as error:
        if error.heading is None and error.column is not None and error.column <= len(headings):
            error.heading = headings[error.column - 1]
        raise


def _broken_cell(raw: str) -> tuple[int, int]:
    """(lines into the row, 1-based cell) where a row's quoting breaks: a quoted cell left open,
    or text after a closing quote. Python's csv module says what broke but not where."""
    cell, cell_line, line = 1, 0, 0
    quoted = closed = False
    at_start = True
    k = 0
    while k < len(raw):
        char = raw[k]
        if char == "\n":
            line += 1
        if quoted:
            if char == '"' and raw[k + 1 : k + 2] == '"':
                k += 2
                continue
            if char == '"':
                quoted, closed = False, True
        elif closed and char not in ",\r\n":
            return cell_line, cell
        elif char == ",":
            cell, cell_line, closed, at_start = cell + 1, line, False, True
            k += 1
            continue
        elif char == '"' and at_start:
            quoted = True
        at_start = False
        k += 1
    return cell_line, cell


def _headings(path: str | os.PathLike, line: int, header: list[str]) -> list[str]:
    headings = [cell.strip() for cell in header]
    while headings and not headings[-1]:
        headings.pop()  # spreadsheets add empty columns at the end
    seen: dict[str, int] = {}
    for k, heading in enumerate(headings):
        if not heading:
            raise InputError(path, "this column has no heading", line=line, column=k + 1)
        if heading.lower() in seen:
            raise InputError(
                path,
                f"the heading {heading!r} is used twice (also column {seen[heading.lower()]})",
                line=line,
                column=k + 1,
                heading=heading,
            )
        seen[heading.lower()] = k + 1
    return headings


def _find(headings: list[str], name: str) -> int | None:
    lowered = [heading.lower() for heading in headings]
    return lowered.index(name) if name in lowered else None


def _id_column(path: str | os.PathLike, line: int, headings: list[str]) -> int:
    for name in ("id", "email"):
        found = _find(headings, name)
        if found is not None:
            return found
    raise InputError(
        path,
        f"no id column: add a column headed id (or email) (columns: {', '.join(headings)})",
        line=line,
        heading="id",
    )


def _check_width(path: str | os.PathLike, line: int, cells: list[str], headings: list[str]) -> None:
    width = len(headings)
    if len(cells) > width and any(cell.strip() for cell in cells[width:]):
        extra = width + next(k for k, cell in enumerate(cells[width:]) if cell.strip())
        raise InputError(
            path,
            f"this row has a value beyond the last column ({width} columns in the header)",
            line=line,
            column=extra + 1,
        )
    if len(cells) < width:
        raise InputError(
            path,
            f"this row has {len(cells)} cells but the header has {width} columns "
            "(a missing comma?)",
            line=line,
            column=len(cells) + 1,
            heading=headings[len(cells)],
        )


def _capacity(
    path: str | os.PathLike, line: int, k: int, heading: str, cell: str, default: int
) -> int:
    if not cell:
        return default
    # int() refuses over 4 300 digits: a capacity that long is no capacity anyway.
    if re.fullmatch(r"\+?\d{1,9}", cell):
        return int(cell)
    raise InputError(
        path,
        f"a capacity is a whole number of mentees, 0 or more, not {cell!r}",
        line=line,
        column=k + 1,
        heading=heading,
    )


def _field_parsers(
    path: str | os.PathLike,
    line: int,
    headings: list[str],
    role: str,
    criteria: Sequence[Criterion],
) -> dict[str, Callable[[str], Any]]:
    """How to read each column the criteria use; a column a criterion needs must exist."""
    parsers: dict[str, Callable[[str], Any]] = {}
    ranks: dict[str, int] = {}
    for criterion in criteria:
        for name, (rank, parser) in zip(criterion.fields(role), _readers(criterion), strict=True):
            if name not in headings:
                close = difflib.get_close_matches(name, headings, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                raise InputError(
                    path,
                    f"no column {name!r}, which the criterion {criterion.name!r} needs{hint} "
                    f"(columns: {', '.join(headings)})",
                    line=line,
                    heading=name,
                )
            # A column read two ways keeps the stricter reading: windows or lists over text.
            if rank >= ranks.get(name, -1):
                parsers[name], ranks[name] = parser, rank
    return parsers


def _readers(criterion: Criterion) -> list[tuple[int, Callable[[str], Any]]]:
    """(rank, parser) for each field of criterion.fields(): how a cell becomes a value."""
    if criterion.rule == "availability":
        return [(3, _windows), (3, _timezone)]
    if criterion.rule == "overlap":
        return [(2, _list)]
    if criterion.rule in ("near", "above"):
        # With a 24-hour period, `near` compares time-zone offsets and takes zone names too.
        zones = criterion.rule == "near" and criterion.period == 24
        return [(1, _offset_or_zone if zones else _number)]
    return [(0, _text)]


def _text(cell: str) -> str:
    return cell


def _list(cell: str) -> list[str]:
    return [item.strip() for item in cell.split(";") if item.strip()]


def _number(cell: str) -> float:
    if not cell:
        return math.nan  # unknown: the scorer sets such pairs aside
    try:
        return float(cell)
    except ValueError:
        raise ValueError(f"expected a number, not {cell!r}") from None


def _offset_or_zone(cell: str) -> float | str:
    try:
        return _number(cell)
    except ValueError:
        return _timezone(cell)


def _timezone(cell: str) -> str:
    if cell:
        try:
            zone(cell)
        except ValueError:
            raise ValueError(
                f"unknown time zone {cell!r} (use an IANA name such as Europe/Paris, or UTC)"
            ) from None
    return cell


_WINDOW = re.compile(
    r"(?P<first>[A-Za-z]+)(?:\s*-\s*(?P<last>[A-Za-z]+))?\s+"
    r"(?P<start>\d{1,2}:\d{2})\s*-\s*(?P<end>\d{1,2}:\d{2})"
)


def _windows(cell: str) -> list[tuple[int, str, str]]:
    """`Mon 18:00-20:00; Mon-Fri 07:30-08:30` as (weekday 0-6, "HH:MM", "HH:MM") windows in
    the person's own time; an end before the start runs past midnight."""
    return list(_parse_windows(cell))


# Intake forms offer a few time slots, so many people share one cell: parse each once.
@lru_cache(maxsize=1 << 14)
def _parse_windows(cell: str) -> tuple[tuple[int, str, str], ...]:
    windows: list[tuple[int, str, str]] = []
    for part in (item.strip() for item in re.split(r"[;,]", cell)):
        if not part:
            continue
        match = _WINDOW.fullmatch(part)
        if not match:
            raise ValueError(
                f"cannot read the availability {part!r}: write e.g. 'Mon 18:00-20:00; "
                "Sat 09:00-12:00' or 'Mon-Fri 07:30-08:30'"
            )
        first = _weekday(match["first"], part)
        last = _weekday(match["last"], part) if match["last"] else first
        start, end = _clock(match["start"], part), _clock(match["end"], part)
        if start == end or start == "24:00":
            raise ValueError(f"the window {part!r} is empty")
        windows.extend(((first + k) % 7, start, end) for k in range((last - first) % 7 + 1))
    return tuple(windows)


def _weekday(name: str, part: str) -> int:
    key = name.lower()
    for day, full in enumerate(WEEKDAYS):
        if len(key) >= 3 and full.startswith(key):
            return day
    raise ValueError(f"unknown day {name!r} in {part!r}: use Mon, Tue, Wed, Thu, Fri, Sat, Sun")


def _clock(text: str, part: str) -> str:
    hours, minutes = (int(x) for x in text.split(":"))
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ValueError(f"{text!r} in {part!r} is not a time of day")
    return f"{hours:02d}:{minutes:02d}"


# --- criteria (TOML) ------------------------------------------------------------------------


@dataclass(frozen=True)
class PairRef:
    """A pin or exclusion as written: two ids, and where they are in the criteria file."""

    mentee: str
    mentor: str
    line: int
    column: int


@dataclass(frozen=True)
class Options:
    """What criteria.toml says besides the criteria."""

    path: str
    solver: str | None = None
    semantic: bool = False
    reference_date: date | None = None
    capacity: int = 1
    pins: tuple[PairRef, ...] = ()
    exclusions: tuple[PairRef, ...] = ()

    def error(self, ref: PairRef, message: str) -> InputError:
        return InputError(self.path, message, line=ref.line, column=ref.column)

    def resolve(
        self, mentee_ids: Sequence[str], mentor_ids: Sequence[str], capacities: Sequence[int]
    ) -> tuple[tuple[tuple[int, int], ...], tuple[tuple[int, int], ...]]:
        """(pins, exclusions) as (mentee index, mentor index); every id must exist, a mentee is
        pinned once, a mentor's pins fit its capacity, and no pair is both pinned and excluded."""
        mentee_at = {person: i for i, person in enumerate(mentee_ids)}
        mentor_at = {person: j for j, person in enumerate(mentor_ids)}

        def indices(ref: PairRef, kind: str) -> tuple[int, int]:
            if ref.mentee not in mentee_at:
                raise self.error(
                    ref,
                    f"this {kind} names the mentee {ref.mentee!r}, who is not in the mentees file",
                )
            if ref.mentor not in mentor_at:
                raise self.error(
                    ref,
                    f"this {kind} names the mentor {ref.mentor!r}, who is not in the mentors file",
                )
            return mentee_at[ref.mentee], mentor_at[ref.mentor]

        exclusions = tuple(indices(ref, "exclusion") for ref in self.exclusions)
        excluded = set(exclusions)
        pins: list[tuple[int, int]] = []
        pinned: dict[int, PairRef] = {}
        seats = list(capacities)
        for ref in self.pins:
            i, j = indices(ref, "pin")
            if i in pinned:
                first = pinned[i]
                raise self.error(
                    ref,
                    f"the mentee {ref.mentee!r} is already pinned to {first.mentor!r} "
                    f"(line {first.line})",
                )
            if (i, j) in excluded:
                raise self.error(
                    ref, f"the pair {ref.mentee!r}–{ref.mentor!r} is pinned and excluded"
                )
            seats[j] -= 1
            if seats[j] < 0:
                raise self.error(
                    ref,
                    f"the mentor {ref.mentor!r} has more pins than seats (capacity {capacities[j]})",
                )
            pinned[i] = ref
            pins.append((i, j))
        return tuple(pins), exclusions


CRITERION_KEYS = {
    "name": "name",
    "rule": "rule",
    "mentee": "mentee_field",
    "mentor": "mentor_field",
    "weight": "weight",
    "required": "required",
    "tolerance": "tolerance",
    "ideal_gap": "ideal_gap",
    "period": "period",
    "wanted_hours": "wanted_hours",
    "timezone": "timezone_field",
}
TOP_LEVEL_KEYS = ("criterion", "solver", "semantic", "reference_date", "capacity", "pin", "exclude")
NUMBER_KEYS = ("weight", "tolerance", "ideal_gap", "period", "wanted_hours")


def read_criteria(path: str | os.PathLike) -> tuple[list[Criterion], Options]:
    """The criteria (`[[criterion]]` tables) and the options (solver, pins, exclusions...)."""
    text = _read_text(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _toml_error(path, text, error) from None
    where = _TomlPositions(text)

    for key in data:
        if key not in TOP_LEVEL_KEYS:
            line, column = where.key(None, key)
            raise InputError(
                path,
                f"unknown setting {key!r} (known: {', '.join(TOP_LEVEL_KEYS)})",
                line=line,
                column=column,
            )
    tables = data.get("criterion", [])
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        line = next((n + 1 for n, source in enumerate(where.lines) if "criterion" in source), 1)
        raise InputError(
            path,
            "write each criterion as a [[criterion]] table (double brackets)",
            line=line,
            column=1,
        )
    if not tables:
        raise InputError(
            path, "no criteria: add at least one [[criterion]] table", line=1, column=1
        )
    criteria = []
    names: dict[str, int] = {}
    for k, table in enumerate(tables):
        values = _criterion_values(path, where, k, table)
        name = values["name"]
        if name in names:
            line, column = where.key(k, "name")
            raise InputError(
                path,
                f"two criteria are named {name!r}: names must be unique (they head the output columns)",
                line=line,
                column=column,
            )
        names[name] = k
        try:
            criteria.append(Criterion(**values))
        except (TypeError, ValueError) as error:
            line, column = where.table(k)
            raise InputError(
                path, f"criterion {name!r}: {error}", line=line, column=column
            ) from None
    return criteria, _options(path, where, data)


def _toml_error(path: str | os.PathLike, text: str, error: tomllib.TOMLDecodeError) -> InputError:
    message = str(error)
    # Python 3.11's TOMLDecodeError has no lineno attribute; the position ends its message.
    found = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if found:
        return InputError(
            path,
            f"invalid TOML: {message[: found.start()]}",
            line=int(found[1]),
            column=int(found[2]),
        )
    found = re.search(r"\s*\(at end of document\)$", message)
    return InputError(
        path,
        f"invalid TOML: {message[: found.start()] if found else message}",
        line=text.count("\n") + 1,
        column=len(text) - text.rfind("\n"),  # just past the end, where TOML found it missing
    )


def _criterion_values(
    path: str | os.PathLike, where: _TomlPositions, k: int, table: dict[str, Any]
) -> dict[str, Any]:
    def fail(key: str | None, message: str) -> InputError:
        line, column = where.key(k, key) if key else where.table(k)
        return InputError(path, message, line=line, column=column)

    label = f"criterion {table.get('name', k + 1)!r}"
    for key in table:
        if key not in CRITERION_KEYS:
            raise fail(key, f"{label}: unknown key {key!r} (known: {', '.join(CRITERION_KEYS)})")
    rule = table.get("rule")
    if rule is None:
        raise fail(None, f"{label}: no rule (one of {', '.join(RULES)})")
    if rule not in RULES:
        close = difflib.get_close_matches(str(rule), RULES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise fail("rule", f"{label}: unknown rule {rule!r}{hint} (rules: {', '.join(RULES)})")
    if "mentee" not in table:
        raise fail(None, f'{label}: no mentee field (mentee = "column in the mentees file")')
    for key in ("name", "mentee", "mentor", "timezone"):
        if key in table and (not isinstance(table[key], str) or not table[key].strip()):
            raise fail(key, f"{label}: {key} must be a non-empty string")
    for key in NUMBER_KEYS:
        if key in table and (
            isinstance(table[key], bool) or not isinstance(table[key], int | float)
        ):
            raise fail(key, f"{label}: {key} must be a number, not {table[key]!r}")
    for key, rules in PARAMETERS.items():
        if key in table and rule not in rules:
            raise fail(key, f"{label}: {key} applies to the rules {', '.join(rules)}, not {rule}")
        if key in table and table[key] <= 0:
            raise fail(key, f"{label}: {key} must be greater than 0, not {table[key]}")
    weight = table.get("weight", 1)
    if not 0 <= weight <= MAX_WEIGHT:
        raise fail(
            "weight", f"{label}: the weight must be between 0 and {MAX_WEIGHT}, not {weight}"
        )
    if "required" in table and not isinstance(table["required"], bool):
        raise fail("required", f"{label}: required must be true or false")
    values = {CRITERION_KEYS[key]: value for key, value in table.items()}
    values.setdefault("name", table["mentee"])
    values.setdefault("mentor_field", table["mentee"])
    if values["name"] in PAIR_COLUMNS:
        raise fail("name", f"{label}: {values['name']!r} is reserved for the pairs file; rename it")
    return values


def _options(path: str | os.PathLike, where: _TomlPositions, data: dict[str, Any]) -> Options:
    def fail(key: str, message: str) -> InputError:
        line, column = where.key(None, key)
        return InputError(path, message, line=line, column=column)

    solver = data.get("solver")
    if solver is not None and (not isinstance(solver, str) or solver not in SOLVERS):
        raise fail("solver", f"unknown solver {solver!r} (solvers: {', '.join(SOLVERS)})")
    semantic = data.get("semantic", False)
    if not isinstance(semantic, bool):
        raise fail("semantic", "semantic must be true or false")
    reference = data.get("reference_date")
    if reference is not None and not isinstance(reference, date):
        raise fail("reference_date", "reference_date must be a date, e.g. 2025-09-01 (no quotes)")
    capacity = data.get("capacity", 1)
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 0:
        raise fail("capacity", f"the default capacity must be a whole number ≥ 0, not {capacity!r}")
    return Options(
        path=str(path),
        solver=solver,
        semantic=semantic,
        reference_date=reference,
        capacity=capacity,
        pins=_pair_refs(path, where, data, "pin"),
        exclusions=_pair_refs(path, where, data, "exclude"),
    )


def _pair_refs(
    path: str | os.PathLike, where: _TomlPositions, data: dict[str, Any], key: str
) -> tuple[PairRef, ...]:
    pairs = data.get(key, [])
    line, column = where.key(None, key) if key in data else (1, 1)
    if not isinstance(pairs, list):
        raise InputError(
            path,
            f'{key} is a list of pairs: {key} = [["mentee-id", "mentor-id"]]',
            line=line,
            column=column,
        )
    starts = where.array_items(line, column)
    refs = []
    for k, pair in enumerate(pairs):
        at_line, at_column = starts[k] if k < len(starts) else (line, column)
        if not (
            isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)
        ):
            raise InputError(
                path,
                f'each {key} is a pair of ids ["mentee-id", "mentor-id"], not {pair!r}',
                line=at_line,
                column=at_column,
            )
        refs.append(PairRef(pair[0], pair[1], at_line, at_column))
    return tuple(refs)


class _TomlPositions:
    """Where keys and array items sit in a TOML text; tomllib gives values but no positions.

    Only for error messages: when a position cannot be found, the nearest known one is given.
    """

    # A table header alone on its line; an array's items (`["e1", "m1"],`) never match.
    HEADER = re.compile(r"\s*\[\[?\s*[\w.\-\"' ]+\]\]?\s*(#.*)?$")

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()
        headers = [n for n, line in enumerate(self.lines) if self.HEADER.match(line)]
        self.tables = [n for n in headers if re.match(r"\s*\[\[\s*criterion\s*\]\]", self.lines[n])]
        self.top = (0, headers[0] if headers else len(self.lines))
        self._headers = headers

    def table(self, k: int) -> tuple[int, int]:
        if k < len(self.tables):
            line = self.tables[k]
            return line + 1, len(self.lines[line]) - len(self.lines[line].lstrip()) + 1
        return 1, 1

    def key(self, k: int | None, key: str | None) -> tuple[int, int]:
        """(line, column of the value) of `key = ...` in table k (None: the top level)."""
        if k is None:
            start, stop = self.top
        elif k < len(self.tables):
            start = self.tables[k]
            stop = next((n for n in self._headers if n > start), len(self.lines))
        else:
            return 1, 1
        pattern = re.compile(rf"\s*[\"']?{re.escape(key or '')}[\"']?\s*=\s*")
        for n in range(start, stop):
            found = pattern.match(self.lines[n])
            if found:
                return n + 1, found.end() + 1
        return self.table(k) if k is not None else (1, 1)

    def array_items(self, line: int, column: int) -> list[tuple[int, int]]:
        """(line, column) of each item of the array of arrays that starts at line, column."""
        text = "\n".join(self.lines[line - 1 :])
        offset = column - 1
        starts: list[int] = []
        depth = 0
        quote = ""
        k = offset
        while k < len(text):
            char = text[k]
            if quote:
                if char == "\\" and quote == '"':
                    k += 1
                elif char == quote:
                    quote = ""
            elif char in "\"'":
                quote = char
            elif char == "#":
                k = text.find("\n", k)
                if k < 0:
                    break
                continue
            elif char == "[":
                depth += 1
                if depth == 2:
                    starts.append(k)
            elif char == "]":
                depth -= 1
                if depth == 0:
                    break
            k += 1
        positions = []
        for start in starts:
            before = text[:start]
            positions.append((line + before.count("\n"), start - (before.rfind("\n") + 1) + 1))
        return positions


# --- pairs (CSV) ----------------------------------------------------------------------------


def write_pairs(
    path: str | os.PathLike,
    result: Result,
    scores: ScoreSource,
    *,
    mentee_ids: Sequence[str],
    mentor_ids: Sequence[str],
) -> None:
    """The pairs with their score and each criterion's contribution, then the unmatched mentees
    with the reason (and no mentor), written atomically."""
    contributions = scores.breakdown(result.mentee, result.mentor)
    names = list(contributions)
    with atomic_open(path) as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([*PAIR_COLUMNS[:3], *names, PAIR_COLUMNS[3]])
        columns = [np.asarray(contributions[name], dtype=np.float64) for name in names]
        for k, (i, j) in enumerate(
            zip(result.mentee.tolist(), result.mentor.tolist(), strict=True)
        ):
            writer.writerow(
                [
                    mentee_ids[i],
                    mentor_ids[j],
                    _points(result.score[k]),
                    *(_points(column[k]) for column in columns),
                    "",
                ]
            )
        blanks = [""] * (1 + len(names))
        for i in result.unmatched.tolist():
            writer.writerow([mentee_ids[i], "", *blanks, result.reasons.get(i, "")])


def _points(value: float) -> str:
    return f"{float(value):.2f}"


@contextmanager
def atomic_open(path: str | os.PathLike) -> Iterator[TextIO]:
    """A text file that replaces `path` only when the block ends without error."""
    target = Path(path)
    handle, temporary = tempfile.mkstemp(
        dir=target.parent if str(target.parent) else ".", prefix=f".{target.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, _file_mode(target))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _file_mode(target: Path) -> int:
    # mkstemp makes 0600 files; the output should look like any file the user creates.
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
