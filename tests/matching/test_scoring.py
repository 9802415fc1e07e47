"""How criteria combine into a pair's score: weights, missing values, required criteria,
the breakdown, and why a mentee has no mentor."""

from datetime import date

import numpy as np
import pytest

from lodestar.matching import semantic as semantic_module
from lodestar.matching.criteria import Criterion
from lodestar.matching.problem import FORBIDDEN, Problem
from lodestar.matching.scoring import Scorer

LANGUAGE = Criterion("language", "same", "language", weight=3)
AGE = Criterion("age", "near", "age", weight=1, tolerance=10)


def scorer(mentees: dict, mentors: dict, criteria: list[Criterion], **options) -> Scorer:
    return Scorer(mentees, mentors, criteria, reference_date=date(2025, 1, 15), **options)


def test_a_pair_scores_the_weighted_mean_of_its_criteria_out_of_100():
    got = scorer(
        {"language": ["en"], "age": [30]},
        {"language": ["en", "fr"], "age": [35, 30]},
        [LANGUAGE, AGE],
    ).rows(0, 1)
    # (3 × 1 + 1 × 0.5) / 4 and (3 × 0 + 1 × 1) / 4
    np.testing.assert_allclose(got, [[87.5, 25]], rtol=1e-6)


def test_a_criterion_with_a_missing_value_is_set_aside_and_the_others_reweighted():
    got = scorer(
        {"language": ["en", None], "age": [None, 40]},
        {"language": ["en", "en"], "age": [30, None]},
        [LANGUAGE, AGE],
    ).rows(0, 2)
    # mentee 0 has no age: language alone. Mentee 1 has no language: age alone, and with
    # mentor 1 (no age either) nothing is left to score.
    np.testing.assert_allclose(got, [[100, 100], [0, 0]], atol=1e-5)


def test_a_required_criterion_scoring_zero_forbids_the_pair():
    criteria = [
        Criterion("language", "same", "language", weight=3, required=True),
        Criterion("department", "different", "department", weight=0, required=True),
        AGE,
    ]
    got = scorer(
        {"language": ["en"], "department": ["sales"], "age": [30]},
        {
            "language": ["fr", "en", "en", None],
            "department": ["legal", "sales", "legal", "legal"],
            "age": [30, 30, 35, 30],
        },
        criteria,
    ).rows(0, 1)
    # Mentor 2 passes both required criteria; department weighs nothing but still forbids.
    assert got[0, 0] == got[0, 1] == got[0, 3] == FORBIDDEN
    np.testing.assert_allclose(got[0, 2], (3 + 0.5) / 4 * 100, rtol=1e-6)


def test_scores_are_float32_in_0_to_100_or_forbidden():
    rows = scorer(
        {"language": ["en", "fr", "de"], "age": [20, 40, 60]},
        {"language": ["en", "fr"], "age": [25, 45]},
        [Criterion("language", "same", "language", required=True), AGE],
    ).rows(0, 3)
    assert rows.dtype == np.float32 and rows.shape == (3, 2)
    finite = rows[np.isfinite(rows)]
    assert ((finite >= 0) & (finite <= 100)).all()
    assert (rows[~np.isfinite(rows)] == FORBIDDEN).all()


def test_the_breakdown_gives_each_criterion_its_points_and_they_add_up_to_the_score():
    s = scorer(
        {"language": ["en", "en"], "age": [30, None]},
        {"language": ["en", "fr"], "age": [35, 30]},
        [LANGUAGE, AGE],
    )
    mentees, mentors = np.array([0, 0, 1, 1]), np.array([0, 1, 0, 1])
    points = s.breakdown(mentees, mentors)
    np.testing.assert_allclose(points["language"], [75, 0, 100, 0], atol=1e-4)
    np.testing.assert_allclose(points["age"], [12.5, 25, 0, 0], atol=1e-4)
    full = s.rows(0, 2)
    np.testing.assert_allclose(
        points["language"] + points["age"], full[mentees, mentors], atol=1e-4
    )


def test_criterion_scores_are_raw_and_nan_where_a_value_is_missing():
    s = scorer(
        {"language": ["en"], "age": [None]}, {"language": ["EN"], "age": [30]}, [LANGUAGE, AGE]
    )
    assert s.criterion_scores("language", [0], [0]).tolist() == [1.0]
    assert np.isnan(s.criterion_scores("age", [0], [0])).all()
    with pytest.raises(KeyError, match="no criterion named “skills”"):
        s.criterion_scores("skills", [0], [0])


def test_why_no_mentor_names_the_required_criterion_that_rules_everyone_out():
    s = scorer(
        {"language": ["en", "fr", None], "department": ["sales", "sales", "sales"]},
        {"language": ["fr", "fr"], "department": ["legal", "sales"]},
        [
            Criterion("language", "same", "language", required=True),
            Criterion("department", "different", "department", required=True),
        ],
    )
    assert s.why_no_mentor(0) == "no mentor satisfies the required criterion “language”"
    assert s.why_no_mentor(1) is None
    assert s.why_no_mentor(2) == "the mentee has no value for the required criterion “language”"
    assert s.forbidden_reasons() == {0: s.why_no_mentor(0), 2: s.why_no_mentor(2)}


def test_why_no_mentor_names_the_criterion_ruling_out_most_when_only_together_they_exclude_all():
    s = scorer(
        {"language": ["en"], "department": ["sales"]},
        {"language": ["en", "fr", "fr"], "department": ["sales", "legal", "hr"]},
        [
            Criterion("language", "same", "language", required=True),
            Criterion("department", "different", "department", required=True),
        ],
    )
    assert s.why_no_mentor(0) == (
        "no mentor satisfies all the required criteria together; “language” rules out the most "
        "(2 of 3 mentors)"
    )


def test_without_required_criteria_every_mentee_has_a_mentor():
    s = scorer({"language": ["en"]}, {"language": ["fr"]}, [LANGUAGE])
    assert s.why_no_mentor(0) is None
    assert s.forbidden_reasons() == {}


def test_a_scorer_is_a_score_source_for_a_problem():
    s = scorer(
        {"language": ["en", "fr"], "age": [30, 40]},
        {"language": ["en", "fr", "en"], "age": [30, 41, 50]},
        [Criterion("language", "same", "language", required=True), AGE],
    )
    problem = Problem(s, capacities=[1, 1, 1], exclusions=((0, 0),))
    assert problem.shape == (2, 3)
    rows = problem.rows(0, 2)
    assert rows[0, 0] == FORBIDDEN and rows[0, 1] == FORBIDDEN and rows[0, 2] == 50
    np.testing.assert_allclose(rows[1, 1], 95, rtol=1e-6)


def test_semantic_similarity_falls_back_to_lexical_and_says_why(monkeypatch):
    # As on a machine without the model, whether or not this one has the `semantic` extra.
    monkeypatch.setattr(semantic_module, "MODEL_PACKAGE", "no_such_model_package")
    criteria = [Criterion("goals", "text", "goals")]
    sides = ({"goals": ["learn python"]}, {"goals": ["python mentor"]})
    semantic = scorer(*sides, criteria, semantic=True)
    lexical = scorer(*sides, criteria)
    assert any("not installed" in note and "TF-IDF" in note for note in semantic.notes)
    assert lexical.notes == []
    np.testing.assert_array_equal(semantic.rows(0, 1), lexical.rows(0, 1))


@pytest.mark.parametrize(
    ("mentees", "mentors", "criteria", "message"),
    [
        ({"language": ["en"]}, {"language": ["en"]}, [], "at least one criterion"),
        (
            {"language": ["en"]},
            {"language": ["en"]},
            [LANGUAGE, LANGUAGE],
            "two criteria are named",
        ),
        (
            {"lang": ["en"]},
            {"language": ["en"]},
            [LANGUAGE],
            "the mentees have no field “language”",
        ),
        (
            {"language": ["en"], "age": [1, 2]},
            {"language": ["en"], "age": [1]},
            [LANGUAGE, AGE],
            "the mentees' fields have different lengths",
        ),
        (
            {"slots": [[(0, "09:00", "10:00")]]},
            {"slots": [[(0, "09:00", "10:00")]], "timezone": ["UTC"]},
            [Criterion("time", "availability", "slots")],
            "criterion “time”: the mentees have no field “timezone”",
        ),
    ],
)
def test_inputs_that_do_not_fit_the_criteria_are_refused(mentees, mentors, criteria, message):
    with pytest.raises(ValueError, match=message):
        scorer(mentees, mentors, criteria)
