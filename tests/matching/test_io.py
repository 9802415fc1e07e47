"""Reading people (CSV) and criteria (TOML), writing pairs: every error names file, line, column."""

import math
import os
import stat
from pathlib import Path

import numpy as np
import pytest

from lodestar.matching.criteria import Criterion
from lodestar.matching.io import (
    InputError,
    PairRef,
    atomic_open,
    read_criteria,
    read_people,
    write_pairs,
)
from lodestar.matching.metrics import build_result
from lodestar.matching.problem import DenseScores, Problem

SKILLS = Criterion(name="skills", rule="overlap", mentee_field="wants", mentor_field="skills")
LEVEL = Criterion(name="level", rule="above", mentee_field="level", ideal_gap=2)
HOURS = Criterion(name="hours", rule="availability", mentee_field="free")
ZONE = Criterion(name="zone", rule="near", mentee_field="tz", period=24, tolerance=6)


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


def error_of(call, *args, **kwargs) -> InputError:
    with pytest.raises(InputError) as caught:
        call(*args, **kwargs)
    return caught.value


def assert_points_at(error: InputError, path: Path, line: int, column) -> None:
    """The error names the file, the line and the column, in its attributes and its text."""
    assert error.path == str(path)
    assert error.line == line
    text = str(error)
    assert text.startswith(f"{path}, line {line}, column ")
    if isinstance(column, int):
        assert error.column == column
        assert f"column {column}" in text
    else:
        assert error.heading == column
        assert column in text


# --- people: what is read -------------------------------------------------------------------


def test_mentors_file_gives_ids_fields_and_capacities(tmp_path):
    path = write(
        tmp_path,
        "mentors.csv",
        "id,name,skills,level,capacity\nm1,Ann,python; sql ;,7,2\nm2,Bob,,3,\nm3,Cy,go,,0\n",
    )
    ids, side, capacities = read_people(path, role="mentor", criteria=[SKILLS, LEVEL])
    assert ids == ["m1", "m2", "m3"]
    assert capacities == [2, 1, 0]
    assert side["name"] == ["Ann", "Bob", "Cy"]
    assert side["skills"] == [["python", "sql"], [], ["go"]]
    assert side["level"][:2] == [7.0, 3.0]
    assert math.isnan(side["level"][2])  # blank: unknown, set aside by the scorer
    assert "capacity" not in side


def test_capacity_defaults_to_the_programs_default_when_the_column_is_absent_or_blank(tmp_path):
    absent = write(tmp_path, "a.csv", "id\nm1\nm2\n")
    blank = write(tmp_path, "b.csv", "id,capacity\nm1,\nm2,4\n")
    assert read_people(absent, role="mentor", default_capacity=3)[2] == [3, 3]
    assert read_people(blank, role="mentor", default_capacity=3)[2] == [3, 4]


def test_mentees_have_no_capacities_and_a_capacity_column_is_just_a_field(tmp_path):
    path = write(tmp_path, "mentees.csv", "id,capacity\ne1,2\n")
    ids, side, capacities = read_people(path, role="mentee")
    assert (ids, capacities, side["capacity"]) == (["e1"], None, ["2"])


def test_email_column_serves_as_the_id_when_there_is_no_id_column(tmp_path):
    path = write(tmp_path, "mentees.csv", "Email,name\nana@example.org,Ana\n")
    assert read_people(path, role="mentee")[0] == ["ana@example.org"]


def test_availability_cells_become_weekly_windows_in_the_persons_own_time(tmp_path):
    path = write(
        tmp_path,
        "mentees.csv",
        "id,free,timezone\n"
        'e1,"Mon 18:00-20:00; saturday 9:00-12:30",Europe/Paris\n'
        "e2,Fri-Mon 07:30-08:00,America/Sao_Paulo\n"
        "e3,Thu 22:00-01:00; Sun 23:00-24:00,UTC\n"
        "e4,,\n",
    )
    _, side, _ = read_people(path, role="mentee", criteria=[HOURS])
    assert side["free"] == [
        [(0, "18:00", "20:00"), (5, "09:00", "12:30")],
        [(day, "07:30", "08:00") for day in (4, 5, 6, 0)],
        [(3, "22:00", "01:00"), (6, "23:00", "24:00")],  # past midnight, as the scorer reads it
        [],
    ]
    assert side["timezone"] == ["Europe/Paris", "America/Sao_Paulo", "UTC", ""]


def test_near_on_a_24_hour_period_takes_offsets_or_zone_names(tmp_path):
    path = write(tmp_path, "mentees.csv", "id,tz\ne1,5.5\ne2,Asia/Tokyo\n")
    assert read_people(path, role="mentee", criteria=[ZONE])[1]["tz"] == [5.5, "Asia/Tokyo"]


def test_bom_crlf_blank_lines_and_quoted_line_breaks_are_read_as_a_spreadsheet_writes_them(
    tmp_path,
):
    path = write(
        tmp_path,
        "mentees.csv",
        '\ufeffid,bio\r\ne1,"two\r\nlines"\r\n\r\n,\r\ne2,plain\r\n',
    )
    ids, side, _ = read_people(path, role="mentee")
    assert ids == ["e1", "e2"]
    assert side["bio"] == ["two\r\nlines", "plain"]


def test_trailing_empty_columns_from_spreadsheets_are_ignored(tmp_path):
    path = write(tmp_path, "mentees.csv", "id,name,,\ne1,Ann,,\ne2,Bo\n")
    assert read_people(path, role="mentee")[1]["name"] == ["Ann", "Bo"]


# --- people: errors -------------------------------------------------------------------------


def test_a_missing_file_is_named(tmp_path):
    error = error_of(read_people, tmp_path / "nope.csv", role="mentor")
    assert str(error) == f"{tmp_path / 'nope.csv'}: no such file"


def test_an_empty_file_is_an_error_at_line_1(tmp_path):
    path = write(tmp_path, "mentors.csv", "\n\n")
    assert_points_at(error_of(read_people, path, role="mentor"), path, 1, 1)


def test_text_that_is_not_utf8_points_at_the_first_bad_byte(tmp_path):
    path = write(tmp_path, "mentors.csv", "id,name\nm1,Zoë\n", encoding="latin-1")
    error = error_of(read_people, path, role="mentor")
    assert_points_at(error, path, 2, 6)
    assert "UTF-8" in error.message


def test_text_after_a_closing_quote_points_at_that_cell(tmp_path):
    path = write(tmp_path, "mentors.csv", 'id,name,bio\nm1,Ann,ok\nm2,"Bob" Smith,x\n')
    error = error_of(read_people, path, role="mentor")
    assert_points_at(error, path, 3, 2)
    assert "malformed CSV" in error.message


def test_a_quote_left_open_points_at_the_cell_where_it_opened(tmp_path):
    path = write(tmp_path, "mentors.csv", 'id,name,bio\nm1,Ann,ok\nm2,Bob,"never closed\nm3,Cy,x\n')
    assert_points_at(error_of(read_people, path, role="mentor"), path, 3, 3)


def test_a_file_without_an_id_or_email_column_is_refused(tmp_path):
    path = write(tmp_path, "mentors.csv", "name,skills\nAnn,go\n")
    error = error_of(read_people, path, role="mentor")
    assert_points_at(error, path, 1, "id")
    assert "name, skills" in error.message


def test_a_duplicate_id_names_both_lines(tmp_path):
    path = write(tmp_path, "mentors.csv", "name,id\nAnn,m1\nBob,m2\nCy,m1\n")
    error = error_of(read_people, path, role="mentor")
    assert_points_at(error, path, 4, 2)
    assert error.heading == "id"
    assert "'m1'" in error.message and "line 2" in error.message


def test_an_empty_id_is_refused(tmp_path):
    path = write(tmp_path, "mentees.csv", "id,name\ne1,Ann\n  ,Bob\n")
    assert_points_at(error_of(read_people, path, role="mentee"), path, 3, 1)


def test_a_heading_used_twice_is_refused(tmp_path):
    path = write(tmp_path, "mentees.csv", "id,Skills,skills\ne1,a,b\n")
    assert_points_at(error_of(read_people, path, role="mentee"), path, 1, 3)


def test_a_column_without_heading_is_refused(tmp_path):
    path = write(tmp_path, "mentees.csv", "id,,skills\ne1,a,b\n")
    assert_points_at(error_of(read_people, path, role="mentee"), path, 1, 2)


def test_a_row_with_a_value_beyond_the_header_points_at_it(tmp_path):
    path = write(tmp_path, "mentees.csv", "id,name\ne1,Ann\ne2,Bob,extra\n")
    assert_points_at(error_of(read_people, path, role="mentee"), path, 3, 3)


def test_a_row_with_too_few_cells_points_at_the_first_missing_column(tmp_path):
    path = write(tmp_path, "mentees.csv", "id,name,goal\ne1,Ann\n")
    error = error_of(read_people, path, role="mentee")
    assert_points_at(error, path, 2, 3)
    assert error.heading == "goal"


@pytest.mark.parametrize("cell", ["-1", "two", "2.5", "1e3"])
def test_a_capacity_must_be_a_whole_number_of_at_least_0(tmp_path, cell):
    path = write(tmp_path, "mentors.csv", f"id,name,capacity\nm1,Ann,2\nm2,Bob,{cell}\n")
    error = error_of(read_people, path, role="mentor")
    assert_points_at(error, path, 3, 3)
    assert error.heading == "capacity"
    assert repr(cell) in error.message


def test_a_column_a_criterion_needs_names_the_criterion_and_the_column(tmp_path):
    path = write(tmp_path, "mentors.csv", "id,skill\nm1,go\n")
    error = error_of(read_people, path, role="mentor", criteria=[SKILLS])
    assert_points_at(error, path, 1, "skills")
    assert "'skills'" in error.message and "criterion 'skills'" in error.message
    assert "did you mean 'skill'?" in error.message


def test_an_availability_criterion_needs_a_time_zone_column(tmp_path):
    path = write(tmp_path, "mentees.csv", "id,free\ne1,Mon 09:00-10:00\n")
    error = error_of(read_people, path, role="mentee", criteria=[HOURS])
    assert_points_at(error, path, 1, "timezone")
    assert "criterion 'hours'" in error.message


@pytest.mark.parametrize(
    "cell",
    [
        "Monday 9-10",  # no minutes
        "Mon 09:00-10:00 Tue 10:00-11:00",  # no separator
        "Fun 09:00-10:00",  # no such day
        "Mon 25:00-26:00",  # no such time
        "Mon 09:00-09:00",  # empty
    ],
)
def test_an_availability_cell_that_cannot_be_read_points_at_its_cell(tmp_path, cell):
    path = write(
        tmp_path, "mentees.csv", f'id,timezone,free\ne1,UTC,Mon 09:00-10:00\ne2,UTC,"{cell}"\n'
    )
    error = error_of(read_people, path, role="mentee", criteria=[HOURS])
    assert_points_at(error, path, 3, 3)
    assert error.heading == "free"


def test_an_unknown_time_zone_points_at_its_cell(tmp_path):
    path = write(tmp_path, "mentees.csv", "id,free,timezone\ne1,Mon 09:00-10:00,Mars/Olympus\n")
    error = error_of(read_people, path, role="mentee", criteria=[HOURS])
    assert_points_at(error, path, 2, 3)
    assert "Mars/Olympus" in error.message


def test_a_number_criterion_refuses_text(tmp_path):
    path = write(tmp_path, "mentees.csv", "id,level\ne1,senior\n")
    error = error_of(read_people, path, role="mentee", criteria=[LEVEL])
    assert_points_at(error, path, 2, 2)
    assert "expected a number" in error.message


# --- criteria -------------------------------------------------------------------------------

CRITERIA = """\
solver = "fair"
capacity = 2
reference_date = 2025-09-01
semantic = true
pin = [["e1", "m1"]]
exclude = [
    ["e2", "m1"],   # her manager
    ["e3", "m2"],
]

[[criterion]]
name = "skills"
rule = "overlap"
mentee = "wants"
mentor = "skills"
weight = 5

[[criterion]]
rule = "same"
mentee = "language"
required = true

[[criterion]]
name = "hours"
rule = "availability"
mentee = "free"
mentor = "free"
wanted_hours = 2
timezone = "zone"
"""


def test_criteria_file_gives_criteria_with_defaults_and_options(tmp_path):
    path = write(tmp_path, "criteria.toml", CRITERIA)
    criteria, options = read_criteria(path)
    assert criteria == [
        Criterion(
            name="skills", rule="overlap", mentee_field="wants", mentor_field="skills", weight=5
        ),
        Criterion(name="language", rule="same", mentee_field="language", required=True),
        Criterion(
            name="hours",
            rule="availability",
            mentee_field="free",
            wanted_hours=2,
            timezone_field="zone",
        ),
    ]
    assert criteria[1].mentor_field == "language"
    assert (options.solver, options.capacity, options.semantic) == ("fair", 2, True)
    assert options.reference_date.isoformat() == "2025-09-01"
    assert options.pins == (PairRef("e1", "m1", 5, 8),)
    assert options.exclusions == (PairRef("e2", "m1", 7, 5), PairRef("e3", "m2", 8, 5))


def test_options_default_to_nothing_special(tmp_path):
    path = write(tmp_path, "criteria.toml", '[[criterion]]\nrule = "text"\nmentee = "goal"\n')
    _, options = read_criteria(path)
    assert (options.solver, options.capacity, options.semantic, options.reference_date) == (
        None,
        1,
        False,
        None,
    )
    assert options.pins == options.exclusions == ()


def test_invalid_toml_reports_tomllibs_line_and_column(tmp_path):
    path = write(tmp_path, "criteria.toml", '[[criterion]]\nrule = "same"\nmentee "language"\n')
    error = error_of(read_criteria, path)
    assert_points_at(error, path, 3, 8)
    assert error.message.startswith("invalid TOML: ")
    assert "(at line" not in error.message


def test_toml_cut_short_points_at_its_last_line(tmp_path):
    path = write(tmp_path, "criteria.toml", 'solver = "fair"\npin = [["e1", "m1"]')
    error = error_of(read_criteria, path)
    assert_points_at(error, path, 2, 20)
    assert error.message == "invalid TOML: Unclosed array"


def criterion_error(tmp_path, body: str) -> InputError:
    path = write(
        tmp_path,
        "criteria.toml",
        f'[[criterion]]\nrule = "same"\nmentee = "language"\n\n[[criterion]]\n{body}',
    )
    return error_of(read_criteria, path)


def test_an_unknown_rule_points_at_its_value_and_suggests_the_near_one(tmp_path):
    error = criterion_error(tmp_path, 'name = "skills"\nrule = "overlaps"\nmentee = "wants"\n')
    assert_points_at(error, tmp_path / "criteria.toml", 7, 8)
    assert "unknown rule 'overlaps'" in error.message
    assert "did you mean 'overlap'?" in error.message


@pytest.mark.parametrize("weight", ["11", "-1", '"heavy"', "true"])
def test_a_weight_must_be_a_number_from_0_to_10(tmp_path, weight):
    error = criterion_error(tmp_path, f'rule = "text"\nmentee = "goal"\nweight = {weight}\n')
    assert_points_at(error, tmp_path / "criteria.toml", 8, 10)
    assert "weight" in error.message


def test_an_unknown_key_in_a_criterion_is_refused(tmp_path):
    error = criterion_error(tmp_path, 'rule = "text"\nmentee = "goal"\n  wieght = 3\n')
    assert_points_at(error, tmp_path / "criteria.toml", 8, 12)
    assert "unknown key 'wieght'" in error.message


def test_a_parameter_of_another_rule_is_refused(tmp_path):
    error = criterion_error(tmp_path, 'rule = "same"\nmentee = "x"\ntolerance = 3\n')
    assert_points_at(error, tmp_path / "criteria.toml", 8, 13)
    assert "tolerance" in error.message


def test_a_criterion_without_a_rule_points_at_its_table(tmp_path):
    error = criterion_error(tmp_path, 'mentee = "goal"\n')
    assert_points_at(error, tmp_path / "criteria.toml", 5, 1)


def test_what_the_criterion_itself_refuses_points_at_its_table(tmp_path):
    error = criterion_error(tmp_path, 'name = "tz"\nrule = "near"\nmentee = "offset"\n')
    assert_points_at(error, tmp_path / "criteria.toml", 5, 1)
    assert "tolerance" in error.message


def test_two_criteria_with_one_name_are_refused(tmp_path):
    error = criterion_error(tmp_path, 'rule = "different"\nmentee = "language"\n')
    assert_points_at(error, tmp_path / "criteria.toml", 5, 1)
    assert "'language'" in error.message


def test_a_criterion_may_not_take_the_name_of_an_output_column(tmp_path):
    error = criterion_error(tmp_path, 'name = "score"\nrule = "text"\nmentee = "goal"\n')
    assert_points_at(error, tmp_path / "criteria.toml", 6, 8)


def test_an_unknown_setting_is_refused(tmp_path):
    path = write(
        tmp_path, "criteria.toml", 'solvr = "fair"\n[[criterion]]\nrule = "same"\nmentee = "x"\n'
    )
    error = error_of(read_criteria, path)
    assert_points_at(error, path, 1, 9)
    assert "'solvr'" in error.message


def test_an_unknown_solver_is_refused(tmp_path):
    path = write(
        tmp_path, "criteria.toml", 'solver = "best"\n[[criterion]]\nrule = "same"\nmentee = "x"\n'
    )
    assert_points_at(error_of(read_criteria, path), path, 1, 10)


def test_a_file_without_criteria_is_refused(tmp_path):
    path = write(tmp_path, "criteria.toml", 'solver = "fair"\n')
    assert_points_at(error_of(read_criteria, path), path, 1, 1)


def test_a_single_bracket_criterion_table_is_explained(tmp_path):
    path = write(
        tmp_path, "criteria.toml", '# criteria\n[criterion]\nrule = "same"\nmentee = "x"\n'
    )
    error = error_of(read_criteria, path)
    assert_points_at(error, path, 2, 1)
    assert "[[criterion]]" in error.message


def test_a_pin_that_is_not_a_pair_of_ids_points_at_it(tmp_path):
    path = write(
        tmp_path,
        "criteria.toml",
        'pin = [\n  ["e1", "m1"],\n  ["e2"],\n]\n[[criterion]]\nrule = "same"\nmentee = "x"\n',
    )
    assert_points_at(error_of(read_criteria, path), path, 3, 3)


def test_a_setting_after_a_multi_line_array_is_still_found(tmp_path):
    path = write(
        tmp_path,
        "criteria.toml",
        'exclude = [\n  ["a", "X"],\n  ["b", "Y"]\n]\nsolver = "best"\n\n'
        '[[criterion]]\nrule = "same"\nmentee = "x"\n',
    )
    assert_points_at(error_of(read_criteria, path), path, 5, 10)


# --- pins and exclusions against the people -------------------------------------------------


def options_with(tmp_path, settings: str):
    path = write(
        tmp_path, "criteria.toml", f'{settings}\n[[criterion]]\nrule = "same"\nmentee = "x"\n'
    )
    return path, read_criteria(path)[1]


def test_pins_and_exclusions_become_index_pairs(tmp_path):
    _, options = options_with(tmp_path, 'pin = [["b", "Y"]]\nexclude = [["a", "Y"], ["b", "X"]]')
    assert options.resolve(["a", "b"], ["X", "Y"], [1, 1]) == (((1, 1),), ((0, 1), (1, 0)))


@pytest.mark.parametrize(
    ("settings", "line", "column", "words"),
    [
        ('pin = [["a", "X"], ["zz", "X"]]', 1, 20, "mentee 'zz'"),
        ('exclude = [\n  ["a", "X"],\n  ["a", "Q"],\n]', 3, 3, "mentor 'Q'"),
        ('pin = [["a", "X"], ["a", "Y"]]', 1, 20, "already pinned"),
        ('pin = [["a", "X"], ["b", "X"]]', 1, 20, "more pins than seats"),
        ('pin = [["a", "X"]]\nexclude = [["a", "X"]]', 1, 8, "pinned and excluded"),
    ],
)
def test_pins_and_exclusions_that_cannot_hold_point_at_the_pair(
    tmp_path, settings, line, column, words
):
    path, options = options_with(tmp_path, settings)
    error = error_of(options.resolve, ["a", "b"], ["X", "Y"], [1, 1])
    assert_points_at(error, path, line, column)
    assert words in error.message


# --- writing pairs --------------------------------------------------------------------------


class TwoCriteria(DenseScores):
    """Scores whose breakdown splits each score 3:1 between two criteria."""

    def breakdown(self, mentees, mentors):
        score = self.matrix[mentees, mentors]
        return {"skills": score * 0.75, "language": score * 0.25}


def small_result():
    scores = TwoCriteria(np.array([[80.0, 40.0], [60.0, 20.0], [-np.inf, -np.inf]]))
    problem = Problem(scores=scores, capacities=np.array([1, 1]))
    result = build_result(problem, "optimal", np.array([1, 0]), np.array([0, 1]))
    result.reasons[2] = "no mentor satisfies the required criterion “language”"
    return scores, result


def test_pairs_file_lists_pairs_with_contributions_then_the_unmatched_with_a_reason(tmp_path):
    scores, result = small_result()
    path = tmp_path / "pairs.csv"
    write_pairs(path, result, scores, mentee_ids=["e1", "e2", "e3"], mentor_ids=["m1", "m2"])
    assert path.read_text(encoding="utf-8").splitlines() == [
        "mentee,mentor,score,skills,language,reason",
        "e1,m2,40.00,30.00,10.00,",
        "e2,m1,60.00,45.00,15.00,",
        "e3,,,,,no mentor satisfies the required criterion “language”",
    ]


def test_pairs_file_replaces_an_old_one_with_ordinary_permissions(tmp_path):
    scores, result = small_result()
    path = tmp_path / "pairs.csv"
    path.write_text("old")
    os.chmod(path, 0o640)
    write_pairs(path, result, scores, mentee_ids=["e1", "e2", "e3"], mentor_ids=["m1", "m2"])
    assert path.read_text().startswith("mentee,")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert os.listdir(tmp_path) == ["pairs.csv"]


def test_a_new_pairs_file_is_not_private_to_its_owner(tmp_path):
    scores, result = small_result()
    path = tmp_path / "pairs.csv"
    write_pairs(path, result, scores, mentee_ids=["e1", "e2", "e3"], mentor_ids=["m1", "m2"])
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_a_failure_while_writing_leaves_the_old_file_and_no_temporary_file(tmp_path):
    scores, result = small_result()
    path = tmp_path / "pairs.csv"
    path.write_text("old")
    with pytest.raises(IndexError):  # a mentee without an id, halfway through the rows
        write_pairs(path, result, scores, mentee_ids=["e1"], mentor_ids=["m1", "m2"])
    assert path.read_text() == "old"
    assert os.listdir(tmp_path) == ["pairs.csv"]


def test_atomic_open_creates_nothing_when_the_block_fails(tmp_path):
    path = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), atomic_open(path) as out:
        out.write("half")
        raise RuntimeError("stop")
    assert os.listdir(tmp_path) == []
