"""Weekly availability across time zones, worked out by hand on real calendar weeks."""

from datetime import UTC, date, datetime

import numpy as np
import pytest

from lodestar.matching.availability import (
    WEEK_BINS,
    AvailabilityOverlap,
    parse_windows,
    utc_offset_hours,
    week_bins,
)
from lodestar.matching.criteria import Criterion
from lodestar.matching.scoring import Scorer

JANUARY = date(2025, 1, 15)  # London on GMT, New York on EST: 5 hours apart
MID_MARCH = date(2025, 3, 17)  # New York on summer time since 9 March, London not until 30 March
APRIL = date(2025, 4, 9)  # both on summer time: 5 hours apart again


def availability(mentee, mentors, *, on=JANUARY, wanted_hours=None) -> np.ndarray:
    """Scores of one mentee (windows, zone) against mentors [(windows, zone), ...]."""
    criterion = Criterion("time together", "availability", "slots", wanted_hours=wanted_hours)
    scorer = Scorer(
        {"slots": [mentee[0]], "timezone": [mentee[1]]},
        {"slots": [w for w, _ in mentors], "timezone": [z for _, z in mentors]},
        [criterion],
        reference_date=on,
    )
    return scorer.criterion_scores("time together", [0] * len(mentors), range(len(mentors)))


def test_overlap_is_scored_against_the_hours_the_mentee_wants():
    mentee = ([(0, "09:00", "12:00")], "UTC")
    got = availability(
        mentee,
        [
            ([(0, "11:00", "13:00")], "UTC"),  # 1 h together of the 2 wanted
            ([(0, "09:00", "11:00")], "UTC"),  # 2 h
            ([(1, "09:00", "12:00")], "UTC"),  # another day
            ([(0, "08:00", "18:00")], "UTC"),  # 3 h: more than wanted still scores 1
        ],
        wanted_hours=2,
    )
    np.testing.assert_array_equal(got, [0.5, 1, 0, 1])


def test_a_mentee_free_for_less_than_wanted_is_fully_served_by_all_of_that_time():
    got = availability(
        ([(2, "18:00", "18:30")], "UTC"), [([(2, "17:00", "20:00")], "UTC")], wanted_hours=2
    )
    np.testing.assert_array_equal(got, [1])


def test_the_same_local_hours_overlap_only_in_the_weeks_one_zone_is_on_summer_time():
    london_lunch = ([(0, "13:00", "14:00")], "Europe/London")
    new_york_morning = [([(0, "09:00", "10:00")], "America/New_York")]
    assert availability(london_lunch, new_york_morning, on=JANUARY)[0] == 0
    assert availability(london_lunch, new_york_morning, on=MID_MARCH)[0] == 1
    assert availability(london_lunch, new_york_morning, on=APRIL)[0] == 0


def test_a_monday_morning_in_tokyo_is_the_end_of_sunday_in_utc():
    got = availability(
        ([(0, "08:00", "09:00")], "Asia/Tokyo"),
        [([(6, "23:00", "24:00")], "UTC"), ([(0, "08:00", "09:00")], "UTC")],
    )
    np.testing.assert_array_equal(got, [1, 0])


def test_a_window_ending_before_it_starts_runs_past_midnight():
    got = availability(
        ([(4, "23:00", "01:00")], "UTC"), [([(5, "00:00", "01:00")], "UTC")], wanted_hours=2
    )
    np.testing.assert_array_equal(got, [0.5])


def test_quarter_hour_zones_are_placed_exactly_when_their_windows_fall_on_utc_half_hours():
    # Kathmandu is UTC+5:45: 09:45-10:45 there is 04:00-05:00 UTC.
    got = availability(
        ([(0, "09:45", "10:45")], "Asia/Kathmandu"), [([(0, "04:00", "05:00")], "UTC")]
    )
    np.testing.assert_array_equal(got, [1])


def test_windows_may_be_written_as_text():
    assert parse_windows("Mon 09:00-10:00; wed 18:00 - 20:30") == [
        ("Mon", "09:00", "10:00"),
        ("wed", "18:00", "20:30"),
    ]
    got = availability(("Mon 09:00-10:00", "UTC"), [("Monday 09:30-11:00", "UTC")])
    np.testing.assert_array_equal(got, [0.5])


def test_no_windows_or_no_time_zone_is_a_missing_value():
    got = availability(
        ([(0, "09:00", "10:00")], "UTC"),
        [
            ([], "UTC"),
            (None, "UTC"),
            ([(0, "09:00", "10:00")], ""),
            ([(0, "09:00", "10:00")], "UTC"),
        ],
    )
    assert np.isnan(got[:3]).all() and got[3] == 1


@pytest.mark.parametrize(
    ("windows", "zone", "message"),
    [
        ([(0, "25:00", "26:00")], "UTC", "'25:00' is not a time of day"),
        ([(7, "09:00", "10:00")], "UTC", "weekday must be 0-6"),
        ([("Funday", "09:00", "10:00")], "UTC", "unknown weekday 'Funday'"),
        ([(0, "09:00", "09:00")], "UTC", "is empty"),
        ([(0, "9h", "10:00")], "UTC", "'9h' is not HH:MM"),
        ("Mon 9 to 5", "UTC", "cannot read the window 'Mon 9 to 5'"),
        ([(0, "09:00", "10:00")], "Mars/Olympus", "unknown time zone 'Mars/Olympus'"),
    ],
)
def test_unreadable_windows_name_the_criterion_and_the_person(windows, zone, message):
    with pytest.raises(ValueError, match=f"criterion “time together”, mentor 1: .*{message}"):
        availability(
            ([(0, "09:00", "10:00")], "UTC"), [([(0, "09:00", "10:00")], "UTC"), (windows, zone)]
        )


def test_utc_offsets_follow_the_date_and_the_zone():
    assert utc_offset_hours("Asia/Kolkata", JANUARY) == 5.5
    assert utc_offset_hours("Asia/Kathmandu", JANUARY) == 5.75
    assert utc_offset_hours("America/New_York", JANUARY) == -5
    assert utc_offset_hours("America/New_York", MID_MARCH) == -4
    assert utc_offset_hours("Europe/London", datetime(2025, 3, 30, 0, 30, tzinfo=UTC)) == 0
    assert utc_offset_hours("Europe/London", datetime(2025, 3, 30, 1, 30, tzinfo=UTC)) == 1


def test_week_bins_are_half_hours_of_the_utc_week_starting_monday():
    bins = week_bins(
        [[(0, "00:00", "01:00")], [(6, "23:30", "00:30")], [(0, "00:00", "01:00")]],
        ["UTC", "UTC", None],
        JANUARY,
    )
    assert bins.shape == (3, WEEK_BINS)
    assert np.flatnonzero(bins[0]).tolist() == [0, 1]
    assert np.flatnonzero(bins[1]).tolist() == [0, WEEK_BINS - 1]  # wraps round the week
    assert not bins[2].any()


def test_both_ways_of_counting_overlap_agree_with_counting_bins():
    rng = np.random.default_rng(7)
    scattered = rng.random((30, WEEK_BINS)) < 0.3
    runs = np.zeros((30, WEEK_BINS), dtype=bool)
    for k, start in enumerate(rng.integers(0, WEEK_BINS - 20, 30)):
        runs[k, start : start + rng.integers(1, 20)] = True
    mentors = rng.random((20, WEEK_BINS)) < 0.2
    for mentees in (scattered, runs):
        overlap = AvailabilityOverlap(mentees, mentors, wanted_hours=3)
        counted = (mentees[:, None, :] & mentors[None, :, :]).sum(axis=2)
        needed = np.maximum(np.minimum(mentees.sum(axis=1), 6), 1)[:, None]
        expected = np.minimum(counted / needed, 1)
        np.testing.assert_allclose(overlap.block(0, 30), expected, rtol=1e-6)
        i, j = np.divmod(np.arange(600), 20)
        np.testing.assert_allclose(overlap.pairs(i, j), expected.ravel(), rtol=1e-6)
