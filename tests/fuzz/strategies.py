"""Inputs for the fuzz tests: arbitrary bytes and text, and files that are nearly right.

Near-valid inputs reach deeper than random bytes: the right headings with a wrong cell, a
missing or extra column, a BOM, another encoding, quotes left open, formula cells, NULs,
numbers out of range, unicode digits and very long cells.
"""

import csv
import io

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Bounded and deterministic, so that CI runs the same examples every time, quickly.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)

# Cells that have broken parsers before, or could.
AWKWARD_CELLS = [
    "",
    " ",
    "\t",
    '"',
    '""',
    "'",
    ",",
    ";",
    "\n",
    "\r",
    "\r\n",
    "\x00",
    "\ufeff",
    "\u2028",
    "\x85",
    "=1+1",
    '=HYPERLINK("http://example.com")',
    "+1",
    "-1",
    "@SUM(A1)",
    "'=1",
    "0",
    "1",
    "-0",
    "1e308",
    "1e309",
    "-1e309",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1,5",
    "1_000",
    "٣",  # Arabic-Indic three: a unicode digit
    "²",
    "1" * 5000,  # more digits than int() takes
    "9" * 30,
    "x" * 300,
    "Ω" * 300,
    "😀",
    "a@b.c",
    "mentor@example.com",
    "MENTOR@EXAMPLE.COM",
    "not an email",
    "a@b",
    "@",
    "mentor",
    "mentee",
    "peer",
    "Mentor ",
    "true",
    "false",
    "yes",
    "Europe/Paris",
    "UTC",
    "../../etc/passwd",
    "a" * 300 + "/b",
    "Mon 18:00-20:00",
    "Mon-Fri 07:30-08:30; Sat 09:00-12:00",
    "Mon 25:00-26:00",
    "Tech",
    "Tech; Health",
    "Leadership|Career change",
    "es, French",
]

awkward_text = st.one_of(
    st.sampled_from(AWKWARD_CELLS),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=20),
    st.from_regex(r"[0-9+\-.,eE ]{1,12}", fullmatch=True),
)


def cells(extra: list[str] | None = None) -> st.SearchStrategy[str]:
    """A cell: mostly plausible values for these columns, sometimes anything."""
    return st.one_of(st.sampled_from((extra or []) + AWKWARD_CELLS), awkward_text)


@st.composite
def csv_tables(draw, headings: list[str], extra_cells: list[str] | None = None) -> str:
    """A CSV text whose header is drawn from `headings` (and junk), rows of awkward cells,
    sometimes ragged, sometimes with the other delimiter or broken quoting."""
    chosen = draw(st.lists(st.sampled_from(headings), max_size=len(headings) + 1))
    if draw(st.booleans()):
        chosen.insert(draw(st.integers(0, len(chosen))), draw(cells()))
    width = len(chosen)
    rows = draw(
        st.lists(
            st.lists(cells(extra_cells), min_size=max(width - 1, 0), max_size=width + 1),
            max_size=6,
        )
    )
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=delimiter, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    writer.writerow(chosen)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):
        # Damage it: cut it, or splice in something raw (an open quote, a NUL, a BOM).
        at = draw(st.integers(0, len(text)))
        text = (
            text[:at] + draw(st.sampled_from(['"', "\x00", "\ufeff", "\r", '"x"y', ""])) + text[at:]
        )
    return text


def encoded(text_strategy: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    """The text as a file: UTF-8 (with or without BOM) mostly, else another encoding, or bytes."""

    @st.composite
    def build(draw):
        text = draw(text_strategy)
        how = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1", "cp1252", "raw"]))
        if how == "raw":
            return draw(st.binary(max_size=200))
        return text.encode(how, errors="replace")

    return build()
