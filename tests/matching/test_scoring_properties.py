"""Properties of scores over random people with every rule and missing values."""

from datetime import date
from itertools import pairwise

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from lodestar.matching.criteria import Criterion
from lodestar.matching.problem import FORBIDDEN
from lodestar.matching.scoring import Scorer

CRITERIA = [
    Criterion("language", "same", "language"),
    Criterion("department", "different", "department"),
    Criterion("skills", "overlap", "skills"),
    Criterion("seniority", "above", "level", tolerance=2),
    Criterion("time zone", "near", "timezone", tolerance=4, period=24),
    Criterion("age", "near", "age", tolerance=15),
    Criterion("time together", "availability", "slots", wanted_hours=1.5),
    Criterion("goals", "text", "goals"),
]

clock = st.sampled_from(["00:00", "07:30", "09:00", "13:00", "18:30", "22:00"])
person = st.fixed_dictionaries(
    {
        "language": st.sampled_from(["en", "EN", "fr", "de", None, ""]),
        "department": st.sampled_from(["sales", "legal", "hr", None]),
        "skills": st.lists(st.sampled_from(["python", "sql", "design", "sales"]), max_size=3),
        "level": st.one_of(st.none(), st.integers(0, 5)),
        "timezone": st.sampled_from(
            ["UTC", "Europe/London", "America/New_York", "Asia/Kathmandu", "Pacific/Auckland", ""]
        ),
        "age": st.one_of(st.none(), st.floats(18, 80)),
        "slots": st.lists(
            st.tuples(st.integers(0, 6), clock, clock).filter(lambda w: w[1] != w[2]), max_size=3
        ),
        "goals": st.sampled_from(
            ["learn python", "grow into management", "python data science", "", "the of"]
        ),
    }
)


def side(people: list[dict]) -> dict[str, list]:
    return {field: [p[field] for p in people] for field in people[0]}


@st.composite
def programs(draw):
    mentees = draw(st.lists(person, min_size=1, max_size=7))
    mentors = draw(st.lists(person, min_size=1, max_size=6))
    criteria = [
        Criterion(
            c.name,
            c.rule,
            c.mentee_field,
            weight=draw(st.sampled_from([0, 0.5, 1, 3, 10])),
            required=draw(st.booleans()),
            tolerance=c.tolerance,
            period=c.period,
            wanted_hours=c.wanted_hours,
        )
        for c in draw(st.lists(st.sampled_from(CRITERIA), min_size=1, unique_by=lambda c: c.name))
    ]
    reference = draw(st.sampled_from([date(2025, 1, 15), date(2025, 3, 17), date(2025, 7, 1)]))
    return Scorer(side(mentees), side(mentors), criteria, reference_date=reference)


@settings(max_examples=60, deadline=None)
@given(programs(), st.lists(st.integers(0, 7), max_size=4), st.integers(1, 40))
def test_blocks_of_rows_equal_the_full_matrix_whatever_their_size(scorer, cuts, chunk):
    m, _ = scorer.shape
    full = scorer.rows(0, m)
    scorer.chunk_elements = chunk  # also vary the scorer's own chunks inside a block
    edges = sorted({0, m, *(min(c, m) for c in cuts)})
    pieces = [scorer.rows(a, b) for a, b in pairwise(edges)]
    assert all(p.dtype == np.float32 for p in pieces)
    np.testing.assert_array_equal(np.vstack(pieces), full)


@settings(max_examples=60, deadline=None)
@given(programs())
def test_scores_agree_with_the_breakdown_and_the_required_criteria(scorer):
    m, n = scorer.shape
    rows = scorer.rows(0, m)
    assert not np.isnan(rows).any()
    i, j = np.divmod(np.arange(m * n), n)
    score = rows[i, j]
    allowed = np.isfinite(score)
    assert ((score[allowed] >= 0) & (score[allowed] <= 100 + 1e-3)).all()
    assert (score[~allowed] == FORBIDDEN).all()

    points = scorer.breakdown(i, j)
    total = sum(points.values())
    np.testing.assert_allclose(total[allowed], score[allowed], atol=1e-3)

    forbidden = np.zeros(m * n, dtype=bool)
    for criterion in scorer.criteria:
        raw = scorer.criterion_scores(criterion.name, i, j)
        assert ((raw[~np.isnan(raw)] >= 0) & (raw[~np.isnan(raw)] <= 1 + 1e-6)).all()
        if criterion.required:
            forbidden |= np.isnan(raw) | (raw == 0)
    np.testing.assert_array_equal(~allowed, forbidden)


@settings(max_examples=30, deadline=None)
@given(programs())
def test_every_mentee_without_an_allowed_mentor_gets_a_reason_naming_a_criterion(scorer):
    m, _ = scorer.shape
    rows = scorer.rows(0, m)
    reasons = scorer.forbidden_reasons()
    stuck = np.flatnonzero(~np.isfinite(rows).any(axis=1))
    assert sorted(reasons) == stuck.tolist()
    names = [c.name for c in scorer.criteria if c.required]
    for i in stuck:
        assert any(f"“{name}”" in reasons[i] for name in names)
