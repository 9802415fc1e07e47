"""Criteria, and how each rule scores a pair of people in [0, 1].

| rule | mentee's value, mentor's value | score |
| --- | --- | --- |
| same | one value each (text or number) | 1 if equal (text compared casefolded) |
| different | one value each | 1 if not equal |
| overlap | lists of items (a string is split on `;` and `,`) | share of the mentee's items the mentor has |
| above | numbers a, b | g = b − a: 0 if g ≤ 0, else max(0, 1 − abs(g − ideal_gap) / tolerance) |
| near | numbers a, b | max(0, 1 − d / tolerance), d = abs(a − b), or the short way round a period |
| availability | weekly windows + a time-zone field | see availability.py |
| text | free text | cosine of TF-IDF vectors (text.py), or of sentence embeddings |

`above` defaults to ideal_gap 1 and tolerance = ideal_gap, so its score rises from 0 at no gap
to 1 at the ideal gap and falls back to 0 at twice the gap. `near` with period 24 compares
time-zone offsets in hours (UTC+12 and UTC−11 are 1 h apart), and then also accepts IANA zone
names, read as their offset on the reference date.

A value is missing when it is None, NaN, blank text or an empty list (and a text with no word
left once stop words are dropped, availability without windows or time zone). Every rule below
gives scores for blocks of mentee rows against all mentors, plus which people have a value;
what a missing value does to a pair is decided by the Scorer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import numpy as np
import scipy.sparse as sp

from .availability import AvailabilityOverlap, utc_offset_hours, week_bins
from .semantic import EmbeddingSimilarity, Encoder
from .text import SparseProduct, TextSimilarity, as_text

RULES = ("same", "overlap", "different", "above", "near", "availability", "text")
MAX_WEIGHT = 10.0

# Which rule takes which parameter.
PARAMETERS = {
    "tolerance": ("near", "above"),
    "ideal_gap": ("above",),
    "period": ("near",),
    "wanted_hours": ("availability",),
}

Side = Mapping[str, Sequence[Any]]


@dataclass(frozen=True)
class Criterion:
    """One thing the program matches on: a rule comparing a mentee field with a mentor field.

    mentor_field defaults to mentee_field. Parameters a rule does not take must stay None;
    the ones it takes are filled with their defaults (ideal_gap 1, tolerance = ideal_gap for
    above, wanted_hours 1).
    """

    name: str
    rule: str
    mentee_field: str
    mentor_field: str | None = None
    weight: float = 1.0
    required: bool = False
    tolerance: float | None = None
    ideal_gap: float | None = None
    period: float | None = None
    wanted_hours: float | None = None
    timezone_field: str = "timezone"

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"a criterion needs a name, not {self.name!r}")
        label = f"criterion “{self.name}”"
        if self.rule not in RULES:
            raise ValueError(f"{label}: unknown rule {self.rule!r} (rules: {', '.join(RULES)})")
        for key in ("mentee_field", "timezone_field"):
            if not isinstance(getattr(self, key), str) or not getattr(self, key).strip():
                raise ValueError(f"{label}: {key} must be a non-empty string")
        if self.mentor_field is None:
            object.__setattr__(self, "mentor_field", self.mentee_field)
        elif not isinstance(self.mentor_field, str) or not self.mentor_field.strip():
            raise ValueError(f"{label}: mentor_field must be a non-empty string")
        weight = _number(self.weight, label, "weight")
        if not 0 <= weight <= MAX_WEIGHT:
            raise ValueError(
                f"{label}: weight must be between 0 and {MAX_WEIGHT:g}, not {weight:g}"
            )
        object.__setattr__(self, "weight", weight)
        if not isinstance(self.required, bool | np.bool_):
            raise ValueError(f"{label}: required must be True or False, not {self.required!r}")
        object.__setattr__(self, "required", bool(self.required))
        for key, rules in PARAMETERS.items():
            value = getattr(self, key)
            if value is None:
                continue
            if self.rule not in rules:
                raise ValueError(
                    f"{label}: {key} applies to the {' and '.join(rules)} rule"
                    f"{'s' if len(rules) > 1 else ''} only, not to {self.rule}"
                )
            value = _number(value, label, key)
            if value <= 0:
                raise ValueError(f"{label}: {key} must be greater than 0, not {value:g}")
            object.__setattr__(self, key, value)
        if self.rule == "near" and self.tolerance is None:
            raise ValueError(
                f"{label}: the near rule needs a tolerance (the distance that scores 0)"
            )
        if self.rule == "above":
            object.__setattr__(self, "ideal_gap", self.ideal_gap or 1.0)
            object.__setattr__(self, "tolerance", self.tolerance or self.ideal_gap)
        if self.rule == "availability":
            object.__setattr__(self, "wanted_hours", self.wanted_hours or 1.0)
            if self.wanted_hours > 7 * 24:
                raise ValueError(f"{label}: wanted_hours cannot exceed a week (168)")

    def fields(self, side: str) -> tuple[str, ...]:
        """The fields this criterion reads on one side ("mentee" or "mentor")."""
        field = self.mentee_field if side == "mentee" else self.mentor_field
        if self.rule == "availability":
            return (field, self.timezone_field)
        return (field,)


def _number(value: Any, label: str, key: str) -> float:
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"{label}: {key} must be a number, not {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an int beyond any float
        raise ValueError(f"{label}: {key} must be a number, not {value!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{label}: {key} must be a finite number, not {value!r}")
    return number


class RuleScores(Protocol):
    """A rule's scores, encoded once: which people have a value, and blocks of scores in [0, 1].

    Scores of pairs where someone's value is missing may be anything finite: the Scorer sets
    them aside.
    """

    mentee_present: np.ndarray
    mentor_present: np.ndarray

    def block(self, start: int, stop: int) -> np.ndarray:
        """float32 (stop - start, mentors), a new array the caller may overwrite."""
        ...

    def pairs(self, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        """float64 scores of the pairs (mentees[k], mentors[k])."""
        ...


def missing(value: Any) -> bool:
    """None, NaN, blank text and empty collections are missing values."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return bool(np.isnan(value))
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return len(value) == 0
    return False


class Categories:
    """same / different: each distinct value gets a code, and pairs compare codes."""

    def __init__(self, mentee_keys: Sequence[Any], mentor_keys: Sequence[Any], *, same: bool):
        """Keys as made by category(), None for a missing value."""
        codes: dict[Any, int] = {None: -1}
        self._mentees = self._codes(mentee_keys, codes)
        self._mentors = self._codes(mentor_keys, codes)
        self.mentee_present = self._mentees >= 0
        self.mentor_present = self._mentors >= 0
        self.same = same

    @staticmethod
    def _codes(keys: Sequence[Any], codes: dict[Any, int]) -> np.ndarray:
        return np.fromiter(
            (codes.setdefault(key, len(codes) - 1) for key in keys), dtype=np.int32, count=len(keys)
        )

    def block(self, start: int, stop: int) -> np.ndarray:
        equal = self._mentees[start:stop, None] == self._mentors[None, :]
        return (equal if self.same else ~equal).astype(np.float32)

    def pairs(self, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        equal = self._mentees[mentees] == self._mentors[mentors]
        return (equal if self.same else ~equal).astype(np.float64)


def category(value: Any) -> Any:
    """The key two values must share to be "the same": casefolded text, or a number."""
    if isinstance(value, str):
        return value.strip().casefold()
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    raise ValueError(f"expected one value (text or a number), not {value!r}")


class Distance:
    """near / above: scores from the distance between two numbers.

    near:  max(0, 1 − d / tolerance) with d = |a − b|, or min(d, period − d) with a period.
    above: the same with d = |b − (a + ideal_gap)|, and 0 unless b > a.

    People usually share a few values (ages, levels, offsets): then every pair of distinct
    values is scored once, in float64, and a block is a lookup in that table.
    """

    TABLE_CELLS = 1 << 20

    def __init__(
        self,
        mentee_values: np.ndarray,
        mentor_values: np.ndarray,
        *,
        tolerance: float,
        period: float | None = None,
        ideal_gap: float | None = None,
    ):
        self.mentee_present = ~np.isnan(mentee_values)
        self.mentor_present = ~np.isnan(mentor_values)
        self.tolerance = tolerance
        self.period = period
        self.ideal_gap = ideal_gap
        self._a = np.nan_to_num(mentee_values)
        self._b = np.nan_to_num(mentor_values)
        values_a, self._code_a = np.unique(self._a, return_inverse=True)
        values_b, self._code_b = np.unique(self._b, return_inverse=True)
        self._table = None
        if len(values_a) * len(values_b) <= self.TABLE_CELLS:
            table = self.score(values_a[:, None], values_b[None, :])
            self._table = table.astype(np.float32)
        else:
            self._a32 = self._a.astype(np.float32)
            self._b32 = self._b.astype(np.float32)

    def score(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """The rule itself, on broadcastable arrays (in their own precision)."""
        if self.ideal_gap is not None:
            gap = b - a
            distance = np.abs(gap - self.ideal_gap)
        else:
            distance = np.abs(a - b)
            if self.period is not None:
                distance = np.mod(distance, self.period)
                distance = np.minimum(distance, self.period - distance)
        result = np.maximum(1 - distance / self.tolerance, 0)
        if self.ideal_gap is not None:
            result = np.where(gap > 0, result, 0)
        return result

    def block(self, start: int, stop: int) -> np.ndarray:
        if self._table is None:
            return self.score(self._a32[start:stop, None], self._b32[None, :])
        return np.take(self._table[self._code_a[start:stop]], self._code_b, axis=1)

    def pairs(self, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        return self.score(self._a[mentees], self._b[mentors])


class Overlap:
    """overlap: |mentee's items ∩ mentor's items| / |mentee's items|, from sparse 0/1 rows."""

    def __init__(self, mentee_sets: Sequence[frozenset], mentor_sets: Sequence[frozenset]):
        items = {item: k for k, item in enumerate(sorted(set().union(*mentee_sets, *mentor_sets)))}
        self.mentees = _incidence(mentee_sets, items)
        self.mentors = _incidence(mentor_sets, items)
        self.sizes = np.diff(self.mentees.indptr).astype(np.float32)
        self.mentee_present = self.sizes > 0
        self.mentor_present = np.diff(self.mentors.indptr) > 0
        self._divisor = np.maximum(self.sizes, 1)
        self._product = SparseProduct(self.mentees, self.mentors)

    def block(self, start: int, stop: int) -> np.ndarray:
        shared = self._product.block(start, stop)
        return np.divide(shared, self._divisor[start:stop, None], out=shared)

    def pairs(self, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        shared = self.mentees[mentees].multiply(self.mentors[mentors]).sum(axis=1)
        return np.asarray(shared, dtype=np.float64).ravel() / self._divisor[mentees]


def _incidence(sets: Sequence[frozenset], items: dict[str, int]) -> sp.csr_matrix:
    columns = np.fromiter((items[x] for s in sets for x in sorted(s)), dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum([len(s) for s in sets])])
    data = np.ones(len(columns), dtype=np.float32)
    return sp.csr_matrix((data, columns, indptr), shape=(len(sets), len(items)))


def item_set(value: Any) -> frozenset:
    """An overlap value as a set of casefolded items; a string is split on `;` and `,`."""
    if missing(value):
        return frozenset()
    if isinstance(value, str):
        value = re.split(r"[;,]", value)
    if not isinstance(value, Sequence | set | frozenset | np.ndarray):
        raise ValueError(f"expected a list of items, not {value!r}")
    return frozenset(category(x) for x in value if not missing(x))


def to_number(value: Any, *, zones_on: date | None = None) -> float:
    """A near/above value as a float (NaN when missing); with zones_on, an IANA zone name is
    read as its UTC offset in hours on that date."""
    if missing(value):
        return math.nan
    if isinstance(value, bool | np.bool_):
        raise ValueError(f"expected a number, not {value!r}")
    if isinstance(value, int | float | np.integer | np.floating):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            if zones_on is not None:
                return utc_offset_hours(value, zones_on)
            raise ValueError(f"expected a number, not {value!r}") from None
    raise ValueError(f"expected a number, not {value!r}")


def encode(
    criterion: Criterion,
    mentees: Side,
    mentors: Side,
    *,
    reference: date,
    encoder: Encoder | None = None,
) -> RuleScores:
    """The criterion's rule applied to both sides' values, ready to score blocks of pairs."""
    a = mentees[criterion.mentee_field]
    b = mentors[criterion.mentor_field]
    rule = criterion.rule

    def each(convert, values: Sequence[Any], who: str) -> list:
        out = []
        done: dict[Any, Any] = {}  # people share values: convert each distinct one once
        for k, value in enumerate(values):
            try:
                key = (type(value), value)
                out.append(done[key] if key in done else done.setdefault(key, convert(value)))
            except TypeError:  # unhashable, such as a list
                try:
                    out.append(convert(value))
                except ValueError as error:
                    raise ValueError(f"criterion “{criterion.name}”, {who} {k}: {error}") from None
            except ValueError as error:
                raise ValueError(f"criterion “{criterion.name}”, {who} {k}: {error}") from None
        return out

    def numbers(values: Sequence[Any], who: str) -> np.ndarray:
        zones_on = reference if rule == "near" and criterion.period == 24 else None
        return np.array(
            each(lambda v: to_number(v, zones_on=zones_on), values, who), dtype=np.float64
        )

    if rule in ("same", "different"):
        keys_a = each(lambda v: None if missing(v) else category(v), a, "mentee")
        keys_b = each(lambda v: None if missing(v) else category(v), b, "mentor")
        return Categories(keys_a, keys_b, same=rule == "same")
    if rule == "overlap":
        return Overlap(each(item_set, a, "mentee"), each(item_set, b, "mentor"))
    if rule == "near":
        return Distance(
            numbers(a, "mentee"),
            numbers(b, "mentor"),
            tolerance=criterion.tolerance,
            period=criterion.period,
        )
    if rule == "above":
        return Distance(
            numbers(a, "mentee"),
            numbers(b, "mentor"),
            tolerance=criterion.tolerance,
            ideal_gap=criterion.ideal_gap,
        )
    if rule == "text":
        texts_a, texts_b = [as_text(v) for v in a], [as_text(v) for v in b]
        if encoder is not None:
            return EmbeddingSimilarity(encoder, texts_a, texts_b)
        return TextSimilarity(texts_a, texts_b)
    zone_field = criterion.timezone_field
    try:
        mentee_bins = week_bins(a, mentees[zone_field], reference, who="mentee")
        mentor_bins = week_bins(b, mentors[zone_field], reference, who="mentor")
    except ValueError as error:
        raise ValueError(f"criterion “{criterion.name}”, {error}") from None
    return AvailabilityOverlap(mentee_bins, mentor_bins, criterion.wanted_hours)
