"""Fuzzing the matching engine's file readers (`lodestar match`): a criteria.toml and the people
CSVs either read cleanly or raise InputError naming the file, line and column; the Criterion
itself takes any keyword values and answers ValueError or a valid criterion."""

import math
import tempfile
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from lodestar.matching.criteria import RULES, Criterion
from lodestar.matching.io import InputError, read_criteria, read_people

from .strategies import FUZZ, awkward_text, csv_tables, encoded


@pytest.fixture(scope="module")
def folder():
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def written(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


toml_values = st.one_of(
    st.sampled_from(
        ['"same"', '"overlap"', '"near"', '"above"', '"availability"', '"text"', '"sam"']
    ),
    st.sampled_from(["1", "0", "-1", "10", "11", "24", "1e400", "nan", "inf", "-inf", "0.5"]),
    st.sampled_from(["true", "false", "[]", "[1]", '["a"]', "{a = 1}", "2025-09-01", '""']),
    awkward_text.map(toml_string),
)
criterion_keys = st.sampled_from(
    [
        "name",
        "rule",
        "mentee",
        "mentor",
        "weight",
        "required",
        "tolerance",
        "ideal_gap",
        "period",
        "wanted_hours",
        "timezone",
        "colour",
    ]
)
top_keys = st.sampled_from(
    ["solver", "semantic", "reference_date", "capacity", "pin", "exclude", "criterion", "x"]
)


@st.composite
def criteria_files(draw) -> str:
    """A criteria.toml: settings, [[criterion]] tables of drawn keys, sometimes damaged."""
    lines = [f"{draw(top_keys)} = {draw(toml_values)}" for _ in range(draw(st.integers(0, 2)))]
    if draw(st.booleans()):
        lines.append('pin = [["e1", "m1"], ["e2", 3]]')
    for _ in range(draw(st.integers(0, 3))):
        lines.append(draw(st.sampled_from(["[[criterion]]", "[criterion]", "[[ criterion ]]"])))
        lines.append(f"rule = {draw(toml_values)}")
        lines.append('mentee = "skills"')
        keys = draw(st.lists(criterion_keys, max_size=4, unique=True))
        lines += [f"{key} = {draw(toml_values)}" for key in keys if key not in ("rule", "mentee")]
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(st.sampled_from(["[", '"', "=", "\x00", "\n[[", "#"])) + text[at:]
    return text


def assert_located(error: InputError, path: Path) -> None:
    assert error.path == str(path)
    assert error.message.strip()
    assert error.line is None or error.line >= 1
    assert error.column is None or error.column >= 1
    assert str(error).startswith(str(path))


@FUZZ
@given(data=st.one_of(encoded(criteria_files()), st.binary(max_size=100)))
@example(data=b'solver = [1]\n[[criterion]]\nrule = "same"\nmentee = "x"\n')
@example(data=b'solver = {a = 1}\n[[criterion]]\nrule = "same"\nmentee = "x"\n')
@example(data=b'[[criterion]]\nrule = "near"\nmentee = "x"\ntolerance = nan\n')
def test_criteria_file_reads_or_says_where_it_is_wrong(folder, data):
    path = written(folder, "criteria.toml", data)
    try:
        criteria, options = read_criteria(path)
    except InputError as error:
        assert_located(error, path)
        return
    assert criteria and all(isinstance(c, Criterion) for c in criteria)
    assert len({c.name for c in criteria}) == len(criteria)
    assert options.capacity >= 0


PEOPLE_HEADINGS = ["id", "email", "capacity", "skills", "level", "offset", "hours", "timezone"]
PEOPLE_CRITERIA = [
    Criterion(name="skills", rule="overlap", mentee_field="skills"),
    Criterion(name="level", rule="above", mentee_field="level"),
    Criterion(name="offset", rule="near", mentee_field="offset", tolerance=3, period=24),
    Criterion(name="hours", rule="availability", mentee_field="hours"),
]


@FUZZ
@given(
    data=encoded(csv_tables(PEOPLE_HEADINGS, ["m1", "3", "Europe/Paris", "Mon 18:00-20:00"])),
    role=st.sampled_from(["mentor", "mentee"]),
    use_criteria=st.booleans(),
)
@example(data=b"id,capacity\nm1," + b"1" * 5000 + b"\n", role="mentor", use_criteria=False)
@example(
    data=b"id,hours,timezone\nm1,Mon 10:00-12:00," + b"a" * 300 + b"\n",
    role="mentee",
    use_criteria=True,
)
@example(data=b'id,skills\nm1,"open\n', role="mentee", use_criteria=False)
def test_people_file_reads_or_says_where_it_is_wrong(folder, data, role, use_criteria):
    path = written(folder, f"{role}s.csv", data)
    try:
        ids, side, capacities = read_people(
            path, role=role, criteria=PEOPLE_CRITERIA if use_criteria else ()
        )
    except InputError as error:
        assert_located(error, path)
        return
    assert len(set(ids)) == len(ids) and all(ids)
    assert all(len(values) == len(ids) for values in side.values())
    if role == "mentor":
        assert len(capacities) == len(ids) and all(c >= 0 for c in capacities)


numbers = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 200),
    st.integers(min_value=10**300, max_value=10**400),
    st.floats(allow_nan=True, allow_infinity=True),
    awkward_text,
    st.lists(st.integers(), max_size=2),
)


@FUZZ
@given(
    name=st.one_of(awkward_text, st.none(), st.integers()),
    rule=st.one_of(st.sampled_from(RULES), awkward_text),
    mentee_field=st.one_of(st.sampled_from(["skills", " "]), awkward_text, st.none()),
    mentor_field=st.one_of(st.none(), awkward_text, st.integers()),
    weight=numbers,
    required=st.one_of(st.booleans(), st.none(), st.integers(0, 1)),
    tolerance=numbers,
    ideal_gap=numbers,
    period=numbers,
    wanted_hours=numbers,
)
@example(
    name="n", rule="near", mentee_field="x", mentor_field=None, weight=10**400,
    required=False, tolerance=1, ideal_gap=None, period=None, wanted_hours=None,
)  # fmt: skip
def test_a_criterion_is_valid_or_refused_with_a_value_error(**values):
    try:
        criterion = Criterion(**values)
    except ValueError as error:
        assert str(error).strip()
        return
    assert criterion.rule in RULES
    assert 0 <= criterion.weight <= 10
    for key in ("tolerance", "ideal_gap", "period", "wanted_hours"):
        value = getattr(criterion, key)
        assert value is None or (math.isfinite(value) and value > 0)
