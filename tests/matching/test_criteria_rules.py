"""Each rule's score, worked out by hand, and what a criterion accepts."""

from datetime import date

import numpy as np
import pytest

from lodestar.matching.criteria import Criterion, Distance
from lodestar.matching.scoring import Scorer


def scores(rule: str, mentee_values: list, mentor_values: list, **parameters) -> np.ndarray:
    """The raw scores (mentees × mentors) of one criterion; NaN where a value is missing."""
    criterion = Criterion("c", rule, "f", **parameters)
    scorer = Scorer(
        {"f": mentee_values}, {"f": mentor_values}, [criterion], reference_date=date(2025, 1, 15)
    )
    m, n = scorer.shape
    i, j = np.divmod(np.arange(m * n), n)
    return scorer.criterion_scores("c", i, j).reshape(m, n)


def test_same_scores_one_for_equal_values_compared_without_case_or_spaces():
    got = scores("same", ["English", 3], [" english ", "French", 3.0])
    np.testing.assert_array_equal(got, [[1, 0, 0], [0, 0, 1]])


def test_different_scores_one_when_values_differ():
    got = scores("different", ["Sales", "Legal"], ["sales", "Finance"])
    np.testing.assert_array_equal(got, [[0, 1], [1, 1]])


def test_overlap_scores_the_share_of_the_mentees_wants_the_mentor_covers():
    got = scores(
        "overlap",
        [["python", "SQL", "go"], "python; rust"],
        [["Python", "go"], ["rust"], ["go", "python", "sql", "java"]],
    )
    np.testing.assert_allclose(got, [[2 / 3, 0, 1], [1 / 2, 1 / 2, 1 / 2]], rtol=1e-6)


def test_above_rises_to_one_at_the_ideal_gap_and_falls_back_to_zero_at_twice_it():
    # Defaults: ideal gap 1, tolerance = ideal gap.
    got = scores("above", [2], [1, 2, 2.5, 3, 3.5, 4])
    np.testing.assert_allclose(got, [[0, 0, 0.5, 1, 0.5, 0]])


def test_above_with_a_wide_tolerance_still_needs_the_mentor_strictly_above():
    got = scores("above", [2], [1, 2, 3, 4, 7], ideal_gap=2, tolerance=4)
    # gaps -1, 0, 1, 2, 5: not above, not above, 1 - 1/4, 1, 1 - 3/4
    np.testing.assert_allclose(got, [[0, 0, 0.75, 1, 0.25]])


def test_near_scores_one_minus_distance_over_tolerance():
    got = scores("near", [30], [30, 35, 40, 22], tolerance=10)
    np.testing.assert_allclose(got, [[1, 0.5, 0, 0.2]], rtol=1e-6)


def test_near_with_period_24_measures_time_zone_offsets_across_the_date_line():
    got = scores("near", [12, -10], [-11, 12, 0, 5.5], tolerance=3, period=24)
    # 12 and -11 are 1 h apart, -10 and 12 are 2 h apart (the other way round the clock),
    # and 5.5 is more than the tolerance from both.
    np.testing.assert_allclose(got, [[2 / 3, 1, 0, 0], [2 / 3, 1 / 3, 0, 0]], rtol=1e-6)


def test_near_with_period_24_reads_zone_names_as_their_offset_on_the_reference_date():
    mentees, mentors = {"tz": ["Pacific/Auckland"]}, {"tz": ["Pacific/Honolulu", "-10"]}
    criterion = Criterion("time zone", "near", "tz", tolerance=3, period=24)

    def on(day: date) -> np.ndarray:
        scorer = Scorer(mentees, mentors, [criterion], reference_date=day)
        return scorer.criterion_scores("time zone", [0, 0], [0, 1])

    # January: Auckland is UTC+13, one hour from Honolulu's UTC−10 across the date line.
    np.testing.assert_allclose(on(date(2025, 1, 15)), [2 / 3, 2 / 3], rtol=1e-6)
    # July: Auckland is UTC+12, two hours away.
    np.testing.assert_allclose(on(date(2025, 7, 15)), [1 / 3, 1 / 3], rtol=1e-6)


def test_near_outside_period_24_rejects_zone_names():
    with pytest.raises(ValueError, match="criterion “c”, mentor 0: expected a number"):
        scores("near", [1], ["Europe/Paris"], tolerance=3)


def test_a_table_of_distinct_values_and_direct_arithmetic_agree(monkeypatch):
    rng = np.random.default_rng(4)
    a, b = rng.integers(-12, 14, 40).astype(float), rng.normal(0, 6, 30)
    for parameters in (
        {"tolerance": 3.0, "period": 24.0},
        {"tolerance": 5.0},
        {"tolerance": 3.0, "ideal_gap": 1.0},
    ):
        table = Distance(a, b, **parameters).block(0, 40)
        with monkeypatch.context() as patch:
            patch.setattr(Distance, "TABLE_CELLS", 0)
            direct = Distance(a, b, **parameters).block(0, 40)
        assert table.dtype == direct.dtype == np.float32
        np.testing.assert_allclose(table, direct, atol=1e-5)


def test_missing_values_give_no_score():
    got = scores("same", ["en", None, "", float("nan")], ["en", None])
    assert got[0, 0] == 1
    assert np.isnan(got[0, 1]) and np.isnan(got[1:]).all()


def test_a_list_for_a_single_valued_rule_names_the_criterion_and_the_person():
    with pytest.raises(ValueError, match="criterion “c”, mentee 1: expected one value"):
        scores("same", ["en", ["en", "fr"]], ["en"])


def test_text_ranks_mentors_by_shared_words():
    got = scores(
        "text",
        ["I want to learn machine learning with Python"],
        [
            "Machine learning engineer; Python every day",
            "Python web developer",
            "Gardening and cooking",
        ],
    )[0]
    assert got[0] > got[1] > got[2] == 0


def test_text_of_stop_words_only_is_missing():
    got = scores("text", ["the and of"], ["python"])
    assert np.isnan(got).all()


@pytest.mark.parametrize(
    ("parameters", "message"),
    [
        ({"rule": "similar"}, "criterion “c”: unknown rule 'similar'"),
        ({"rule": "same", "weight": 11}, "criterion “c”: weight must be between 0 and 10"),
        ({"rule": "same", "weight": -1}, "criterion “c”: weight must be between 0 and 10"),
        ({"rule": "same", "weight": "heavy"}, "criterion “c”: weight must be a number"),
        ({"rule": "same", "weight": float("nan")}, "criterion “c”: weight must be a finite"),
        (
            {"rule": "same", "tolerance": 2},
            "criterion “c”: tolerance applies to the near and above",
        ),
        ({"rule": "near"}, "criterion “c”: the near rule needs a tolerance"),
        ({"rule": "near", "tolerance": 0}, "criterion “c”: tolerance must be greater than 0"),
        ({"rule": "near", "tolerance": 1, "period": -24}, "period must be greater than 0"),
        ({"rule": "above", "period": 24}, "criterion “c”: period applies to the near rule only"),
        ({"rule": "above", "ideal_gap": -1}, "criterion “c”: ideal_gap must be greater than 0"),
        ({"rule": "text", "wanted_hours": 2}, "wanted_hours applies to the availability rule"),
        ({"rule": "availability", "wanted_hours": 200}, "wanted_hours cannot exceed a week"),
        ({"rule": "same", "required": "yes"}, "criterion “c”: required must be True or False"),
        ({"rule": "same", "mentor_field": ""}, "criterion “c”: mentor_field must be a non-empty"),
    ],
)
def test_bad_parameters_are_refused_naming_the_criterion(parameters, message):
    with pytest.raises(ValueError, match=message):
        Criterion(**{"name": "c", "mentee_field": "f", **parameters})


def test_a_criterion_needs_a_name():
    with pytest.raises(ValueError, match="a criterion needs a name"):
        Criterion(" ", "same", "f")


def test_parameters_get_their_documented_defaults():
    assert Criterion("c", "same", "lang").mentor_field == "lang"
    above = Criterion("c", "above", "level")
    assert (above.ideal_gap, above.tolerance) == (1.0, 1.0)
    assert Criterion("c", "above", "level", ideal_gap=2).tolerance == 2.0
    assert Criterion("c", "availability", "slots").wanted_hours == 1.0
    assert Criterion("c", "near", "tz", tolerance="3", period="24").period == 24.0
