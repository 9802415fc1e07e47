"""`lodestar match` end to end on the example program, and every input error it reports."""

import csv
import io
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lodestar.matching.cli import Progress, main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SOLVERS = ("optimal", "participation", "fair", "stable", "greedy")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def by_id(path: Path) -> dict[str, dict[str, str]]:
    return {row["id"]: row for row in read_csv(path)}


@pytest.fixture
def program(tmp_path) -> Path:
    """A copy of the example program that a test may spoil."""
    for name in ("mentors.csv", "mentees.csv", "criteria.toml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path


def run(folder: Path, *extra: str) -> int:
    return main(
        [
            str(folder / "mentors.csv"),
            str(folder / "mentees.csv"),
            "--criteria",
            str(folder / "criteria.toml"),
            *extra,
        ]
    )


# --- the example program --------------------------------------------------------------------


@pytest.mark.parametrize("solver", SOLVERS)
def test_every_solver_matches_the_example_program_within_its_rules(tmp_path, capsys, solver):
    output = tmp_path / "pairs.csv"
    assert run(EXAMPLES, "--solver", solver, "-o", str(output)) == 0

    mentors, mentees = by_id(EXAMPLES / "mentors.csv"), by_id(EXAMPLES / "mentees.csv")
    rows = read_csv(output)
    pairs = [row for row in rows if row["mentor"]]
    unmatched = [row for row in rows if not row["mentor"]]
    assert sorted(row["mentee"] for row in rows) == sorted(mentees)  # everyone, once

    load = dict.fromkeys(mentors, 0)
    for row in pairs:
        load[row["mentor"]] += 1
    assert all(load[m] <= int(mentors[m]["capacity"]) for m in mentors)

    criteria = list(rows[0])[3:-1]
    assert criteria == [
        "language",
        "skills",
        "seniority",
        "availability",
        "time zone",
        "other department",
        "goals",
    ]
    for row in pairs:
        # The required criterion, checked on the data itself: a language in common.
        theirs = set(mentors[row["mentor"]]["languages"].split(";"))
        assert set(mentees[row["mentee"]]["languages"].split(";")) & theirs
        assert float(row["language"]) > 0
        # Each contribution is rounded to 0.01, so their sum may drift by half that each.
        total = sum(float(row[name]) for name in criteria)
        assert total == pytest.approx(float(row["score"]), abs=0.005 * (len(criteria) + 1))
        assert row["reason"] == ""
    made = {(row["mentee"], row["mentor"]) for row in pairs}
    assert ("e01", "m01") in made  # the pin holds
    assert ("e05", "m05") not in made  # the exclusion too
    assert all(row["reason"] for row in unmatched)
    japanese = next(row for row in unmatched if row["mentee"] == "e18")
    assert japanese["reason"] == "no mentor satisfies the required criterion “language”"

    printed = capsys.readouterr()
    assert printed.err == ""
    assert f"solver      {solver}:" in printed.out
    assert f"matched     {len(pairs)} of 30 mentees" in printed.out
    assert "1  no mentor satisfies the required criterion “language”" in printed.out
    assert "min " in printed.out and "median " in printed.out and "total " in printed.out
    assert f"wrote       {output}" in printed.out
    if solver in ("optimal", "participation", "fair"):
        assert "proof       proven optimal: gap 0 after " in printed.out


def test_the_summary_of_the_example_gives_its_counts_and_distribution(capsys):
    assert run(EXAMPLES) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "solver      optimal: the largest total score, proven optimal"
    assert out[1] == (
        "input       30 mentees, 12 mentors with 28 seats, 7 criteria (1 required), "
        "1 pin, 1 exclusion"
    )
    assert out[2] == "matched     28 of 30 mentees (93 %)"
    assert out[3] == "unmatched   2"
    assert sorted(out[4:6]) == sorted(
        [
            "              1  all compatible mentors are full",
            "              1  no mentor satisfies the required criterion “language”",
        ]
    )
    # The optimal total is one number, whichever optimal matching the solver finds.
    assert re.fullmatch(
        r"scores      min [\d.]+ · p10 [\d.]+ · median [\d.]+ · mean [\d.]+ · max [\d.]+ "
        r"· total 1949\.40",
        out[6],
    )
    assert re.fullmatch(
        r"blocking    \d+ pairs? \(a mentee and a mentor who would both .*\)", out[7]
    )
    assert re.fullmatch(
        r"proof       proven optimal: gap 0 after \d+ rounds?, .* pairs checked, .*", out[8]
    )
    assert not any(line.startswith("wrote") for line in out)  # no -o, no file


def test_optimal_totals_at_least_what_greedy_does_on_the_example(tmp_path, capsys):
    totals = {}
    for solver in ("optimal", "greedy"):
        assert run(EXAMPLES, "-s", solver, "-o", str(tmp_path / f"{solver}.csv")) == 0
        rows = read_csv(tmp_path / f"{solver}.csv")
        totals[solver] = sum(float(row["score"]) for row in rows if row["mentor"])
    assert totals["optimal"] >= totals["greedy"] - 0.01


def test_the_criteria_files_solver_is_the_default_and_the_option_overrides_it(program, capsys):
    toml = program / "criteria.toml"
    toml.write_text(toml.read_text().replace('solver = "optimal"', 'solver = "greedy"'))
    assert run(program) == 0
    assert "solver      greedy:" in capsys.readouterr().out
    assert run(program, "--solver", "fair") == 0
    assert "solver      fair:" in capsys.readouterr().out


def test_quiet_prints_nothing_and_still_writes(tmp_path, capsys):
    output = tmp_path / "pairs.csv"
    assert run(EXAMPLES, "--quiet", "-o", str(output)) == 0
    assert capsys.readouterr() == ("", "")
    assert len(read_csv(output)) == 30


def test_same_input_same_output(tmp_path, capsys):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run(EXAMPLES, "-q", "-o", str(first)) == 0
    assert run(EXAMPLES, "-q", "-o", str(second)) == 0
    assert first.read_bytes() == second.read_bytes()


# --- input errors: exit 2, file/line/column on stderr, nothing written ----------------------


def spoil(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(folder: Path, name: str, fragment: str) -> int:
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, 1) if fragment in line)


ERRORS = [
    # (file spoilt, old text, new text, file named, a fragment of the line named, column, words)
    (
        "mentors.csv",
        "Cloud engineer.",
        '"Cloud" engineer.',
        "mentors.csv",
        "m11,",
        "9 (bio)",
        "malformed CSV",
    ),
    (
        "mentors.csv",
        "m05,",
        "m04,",
        "mentors.csv",
        "James Whitfield",
        "1 (id)",
        "duplicate id 'm04'",
    ),
    (
        "mentors.csv",
        ",8,Analytics",
        ",8,Analytics,",
        "mentors.csv",
        "m09,",
        "11",
        "beyond the last column",
    ),
    (
        "mentors.csv",
        'leadership.",3',
        'leadership.",three',
        "mentors.csv",
        "m01,",
        "10 (capacity)",
        "'three'",
    ),
    (
        "mentors.csv",
        'leadership.",3',
        'leadership.",-1',
        "mentors.csv",
        "m01,",
        "10 (capacity)",
        "'-1'",
    ),
    (
        "mentees.csv",
        "Mon 18:00-20:00,",
        "Mon 6pm-8pm,",
        "mentees.csv",
        "e09,",
        "8 (availability)",
        "'Mon 6pm-8pm'",
    ),
    ("mentees.csv", "Asia/Tokyo", "Asia/Edo", "mentees.csv", "e18,", "3 (timezone)", "'Asia/Edo'"),
    (
        "mentees.csv",
        ",5,Research",
        ",five,Research",
        "mentees.csv",
        "e13,",
        "6 (seniority)",
        "expected a number",
    ),
    (
        "mentees.csv",
        "languages,wants,",
        "languages,want,",
        "mentees.csv",
        "id,",
        "wants",
        "criterion 'skills'",
    ),
    (
        "criteria.toml",
        'rule = "overlap"            # share of what',
        'rule = "overlaps"  # share of what',
        "criteria.toml",
        '"overlaps"',
        "8",
        "unknown rule 'overlaps'",
    ),
    (
        "criteria.toml",
        "weight = 5",
        "weight = 50",
        "criteria.toml",
        "weight = 50",
        "10",
        "between 0 and 10",
    ),
    (
        "criteria.toml",
        "weight = 5",
        "weight == 5",
        "criteria.toml",
        "weight == 5",
        "9",
        "invalid TOML",
    ),
    (
        "criteria.toml",
        'mentor = "bio"',
        'mentor = "about"',
        "mentors.csv",
        "id,",
        "about",
        "criterion 'goals'",
    ),
    (
        "criteria.toml",
        '[["e05", "m05"]]',
        '[["e05", "m55"]]',
        "criteria.toml",
        "exclude = ",
        "12",
        "mentor 'm55'",
    ),
    (
        "criteria.toml",
        '[["e01", "m01"]]',
        '[["e99", "m01"]]',
        "criteria.toml",
        "pin = ",
        "8",
        "mentee 'e99'",
    ),
    (
        "criteria.toml",
        '[["e01", "m01"]]',
        '[["e18", "m01"]]',
        "criteria.toml",
        "pin = ",
        "8",
        "“language” rules out",
    ),
]


@pytest.mark.parametrize(
    ("spoilt", "old", "new", "named", "fragment", "column", "words"),
    ERRORS,
    ids=[words for *_, words in ERRORS],
)
def test_bad_input_exits_2_naming_file_line_and_column_and_writes_nothing(
    program, capsys, spoilt, old, new, named, fragment, column, words
):
    spoil(program, spoilt, old, new)
    output = program / "pairs.csv"
    assert run(program, "-o", str(output)) == 2

    printed = capsys.readouterr()
    assert printed.out == ""
    line = line_of(program, named, fragment)
    assert printed.err.startswith(
        f"lodestar match: {program / named}, line {line}, column {column}"
    )
    assert words in printed.err
    assert printed.err.count("\n") == 1
    assert not output.exists()
    assert sorted(p.name for p in program.iterdir()) == [
        "criteria.toml",
        "mentees.csv",
        "mentors.csv",
    ]


def test_bad_input_leaves_an_older_pairs_file_as_it_was(program, capsys):
    output = program / "pairs.csv"
    output.write_text("yesterday's pairs")
    spoil(program, "mentors.csv", "m05,", "m04,")
    assert run(program, "-o", str(output)) == 2
    assert output.read_text() == "yesterday's pairs"


def test_a_missing_input_file_is_named(program, capsys):
    (program / "mentees.csv").unlink()
    assert run(program) == 2
    assert capsys.readouterr().err == f"lodestar match: {program / 'mentees.csv'}: no such file\n"


def test_an_output_in_a_missing_folder_is_refused_before_any_work(program, capsys):
    assert run(program, "-o", str(program / "nowhere" / "pairs.csv")) == 2
    assert "there is no folder" in capsys.readouterr().err


def test_bad_arguments_exit_2_and_help_exits_0(capsys):
    assert main(["only-one.csv"]) == 2
    assert main(["a.csv", "b.csv", "--criteria", "c.toml", "--solver", "best"]) == 2
    assert "invalid choice" in capsys.readouterr().err
    assert main(["--help"]) == 0
    assert "solvers:" in capsys.readouterr().out


# --- the two ways in ------------------------------------------------------------------------


def test_lodestar_match_runs_without_django(tmp_path):
    """`lodestar match` dispatches before Django is set up: no settings, no database."""
    script = (
        "import sys\n"
        "from lodestar.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit as exit:\n"
        "    print('exit', exit.code, 'django' in sys.modules)\n"
    )
    # Our own interpreter on the example files: nothing untrusted.
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script, "match", *example_arguments(), "-q"],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "no.such.settings"},
    )
    assert done.stdout == "exit 0 False\n"


def test_python_m_lodestar_matching_takes_the_same_arguments(tmp_path):
    for words in ([], ["match"]):
        output = tmp_path / "pairs.csv"
        command = [sys.executable, "-m", "lodestar.matching", *words, *example_arguments()]
        done = subprocess.run(  # noqa: S603
            [*command, "-o", str(output)],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr
        assert "proof       proven optimal" in done.stdout
        assert len(read_csv(output)) == 30
        output.unlink()


def example_arguments() -> list[str]:
    return [
        str(EXAMPLES / "mentors.csv"),
        str(EXAMPLES / "mentees.csv"),
        "--criteria",
        str(EXAMPLES / "criteria.toml"),
    ]


# --- progress -------------------------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_shows_the_stage_on_a_terminal_and_erases_itself():
    terminal = Terminal()
    with Progress(terminal, delay=0, interval=0.01) as progress:
        progress.stage = "solving (optimal)"
        deadline = time.monotonic() + 5
        while "solving (optimal)" not in terminal.getvalue() and time.monotonic() < deadline:
            time.sleep(0.01)
    shown = terminal.getvalue()
    assert "| solving (optimal) 0 s" in shown or "/ solving (optimal) 0 s" in shown
    assert shown.endswith("\r" + " " * len("| solving (optimal) 0 s") + "\r")


@pytest.mark.parametrize(
    ("stream", "enabled", "delay"),
    [(Terminal(), True, 5.0), (io.StringIO(), True, 0.0), (Terminal(), False, 0.0)],
    ids=["short run", "not a terminal", "quiet"],
)
def test_progress_stays_silent_for_short_runs_pipes_and_quiet(stream, enabled, delay):
    with Progress(stream, enabled=enabled, delay=delay, interval=0.01):
        time.sleep(0.05)
    assert stream.getvalue() == ""
