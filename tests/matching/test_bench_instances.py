"""The benchmark's instances, baselines and runner (bench/matching), at small sizes only."""

import numpy as np
import pytest

from bench.matching.baselines import matching_package, plain_greedy, scipy_exact
from bench.matching.instances import (
    BLOCK_ROWS,
    MAX_RANKING_PAIRS,
    StructuredScores,
    UniformScores,
    full_rankings,
    parse_size,
    structured,
    uniform,
)
from bench.matching.report import add_comparisons
from bench.matching.run import Job, plan, run_job
from bench.matching.worker import Solution, check
from lodestar.matching.problem import DenseScores, Problem

INF = np.inf
KINDS = [uniform, structured]


def dense(rows, capacities):
    return Problem(scores=DenseScores(np.array(rows, dtype=np.float32)), capacities=capacities)


def pairs(mentees, mentors):
    return sorted(zip(mentees.tolist(), mentors.tolist(), strict=True))


def allowed(matrix):
    return matrix[np.isfinite(matrix)]


# Instances


@pytest.mark.parametrize("make", KINDS)
def test_the_same_seed_gives_the_same_instance_and_another_seed_another(make):
    first = make(120, 30, 4, seed=7).scores.matrix
    again = make(120, 30, 4, seed=7).scores.matrix
    other = make(120, 30, 4, seed=8).scores.matrix
    assert np.array_equal(first, again)
    assert not np.array_equal(first, other)


@pytest.mark.parametrize("make", KINDS)
def test_scores_are_float32_between_0_and_100(make):
    matrix = make(300, 80, 4, seed=1).scores.matrix
    assert matrix.dtype == np.float32
    assert matrix.shape == (300, 80)
    assert allowed(matrix).min() >= 0
    assert allowed(matrix).max() <= 100
    assert not np.isnan(matrix).any()


@pytest.mark.parametrize("make", KINDS)
def test_every_mentor_gets_the_requested_capacity(make):
    problem = make(50, 12, 5, seed=1)
    assert problem.capacities.dtype == np.int64
    assert problem.capacities.tolist() == [5] * 12


def test_uniform_scores_forbid_nothing_unless_asked():
    assert np.isfinite(uniform(200, 50, 4, seed=1).scores.matrix).all()
    share = np.isinf(uniform(400, 250, 4, seed=1, forbidden=0.02).scores.matrix).mean()
    assert 0.015 < share < 0.025


def test_structured_instances_forbid_about_one_and_a_half_percent_of_pairs():
    matrix = structured(400, 250, 4, seed=1).scores.matrix
    assert (matrix[np.isinf(matrix)] < 0).all()
    assert 0.012 < np.isinf(matrix).mean() < 0.018


def test_structured_instances_have_mentors_that_nearly_everyone_wants():
    def column_means(matrix):
        return np.nanmean(np.where(np.isfinite(matrix), matrix, np.nan), axis=0)

    shaped = structured(1000, 250, 4, seed=1).scores.matrix
    flat = uniform(1000, 250, 4, seed=1).scores.matrix
    assert column_means(shaped).std() > 5 * column_means(flat).std()
    best_ten = np.argsort(-np.where(np.isfinite(shaped), shaped, -1), axis=1)[:, :10]
    most_wanted = np.bincount(best_ten.ravel(), minlength=250).max()
    assert most_wanted > 0.5 * 1000  # one mentor in more than half of all top tens


@pytest.mark.parametrize("source", [UniformScores, StructuredScores])
@pytest.mark.parametrize(
    ("start", "stop"),
    [(0, 1), (5, 17), (BLOCK_ROWS - 3, BLOCK_ROWS + 4), (0, 2 * BLOCK_ROWS + 30), (2000, 2078)],
)
def test_any_block_of_rows_equals_those_rows_of_the_whole_matrix(source, start, stop):
    scores = source(2 * BLOCK_ROWS + 30, 40, seed=3, forbidden=0.01)
    whole = scores.dense().matrix
    assert np.array_equal(scores.rows(start, stop), whole[start:stop])


def test_breakdown_of_generated_scores_reads_the_same_pairs_as_the_matrix():
    scores = StructuredScores(BLOCK_ROWS + 50, 20, seed=2)
    whole = scores.dense().matrix
    mentees, mentors = np.array([3, BLOCK_ROWS + 10, 0]), np.array([19, 4, 0])
    assert np.array_equal(scores.breakdown(mentees, mentors)["score"], whole[mentees, mentors])


def test_sizes_are_named_or_written_as_mentees_by_mentors_by_capacity():
    assert (parse_size("medium").mentees, parse_size("medium").capacity) == (10_000, 4)
    large = parse_size("large")
    assert (large.mentees, large.mentors, large.capacity) == (50_000, 10_000, 5)
    assert (parse_size("60x15x4").mentors, parse_size("60x15x4").capacity) == (15, 4)
    with pytest.raises(ValueError, match="unknown size"):
        parse_size("huge")


def test_full_rankings_put_the_best_first_leave_out_forbidden_pairs_and_break_ties_by_index():
    problem = dense([[50, 80, -INF], [80, 80, 10]], capacities=[1, 1, 1])
    mentees, mentors = full_rankings(problem)
    assert mentees == {0: [1, 0], 1: [0, 1, 2]}
    assert mentors == {0: [1, 0], 1: [0, 1], 2: [1]}


def test_full_rankings_leave_out_a_pair_the_mentor_forbids_even_if_the_mentee_does_not():
    problem = dense([[50, 80], [70, 60]], capacities=[1, 1])
    problem.mentor_scores = DenseScores(np.array([[-INF, 10], [20, 30]], dtype=np.float32))
    mentees, mentors = full_rankings(problem)
    assert mentees == {0: [1], 1: [0, 1]}
    assert mentors == {0: [1], 1: [1, 0]}


def test_full_rankings_refuse_instances_too_large_for_python_lists():
    class Huge:
        shape = (MAX_RANKING_PAIRS + 1, 1)

    problem = Problem(scores=Huge(), capacities=[1])
    with pytest.raises(ValueError, match="would not fit"):
        full_rankings(problem)


# Baselines


def test_plain_greedy_serves_mentees_in_order_each_the_best_free_mentor():
    problem = dense([[10, 9], [10, 1], [5, 5]], capacities=[1, 1])
    mentees, mentors, _, _ = plain_greedy(problem)
    assert mentees.tolist() == [0, 1]
    assert mentors.tolist() == [0, 1]


def test_scipy_exact_finds_the_largest_total_and_leaves_forbidden_pairs_unmade():
    problem = dense([[10, 9], [10, 1], [-INF, 50]], capacities=[1, 1])
    mentees, mentors, _, _ = scipy_exact(problem)
    assert pairs(mentees, mentors) == [(0, 0), (2, 1)]


def test_scipy_exact_leaves_a_mentee_unmatched_rather_than_making_a_forbidden_pair():
    problem = dense([[-INF], [5]], capacities=[2])
    mentees, mentors, _, _ = scipy_exact(problem)
    assert pairs(mentees, mentors) == [(1, 0)]


def test_the_matching_package_gives_the_mentee_optimal_stable_matching():
    # Both mentees want mentor 0, who prefers mentee 1: mentee 0 falls back to mentor 1.
    problem = dense([[90, 40], [80, 70]], capacities=[1, 1])
    problem.mentor_scores = DenseScores(np.array([[10, 50], [90, 50]], dtype=np.float32))
    mentees, mentors, _, phases = matching_package(problem)
    assert pairs(mentees, mentors) == [(0, 1), (1, 0)]
    assert set(phases) == {"set_up_s", "solve_only_s"}


# Runner


def test_a_job_runs_in_its_own_process_and_reports_time_memory_and_the_checked_assignment():
    record = run_job(Job("plain-greedy", "60x15x4", "structured", seed=3), 120, 4096)
    assert record["status"] == "ok", record
    problem = structured(60, 15, 4, seed=3)
    mentees, mentors, _, _ = plain_greedy(problem)
    expected = problem.scores.matrix[mentees, mentors].astype(np.float64).sum()
    assert record["matched"] == len(mentees) == 60
    assert record["total"] == pytest.approx(expected)
    assert record["minimum"] == pytest.approx(problem.scores.matrix[mentees, mentors].min())
    assert 0 < record["solve_s"] < 60
    assert record["build_s"] > 0
    assert record["peak_mib"] > 10  # an interpreter with numpy: tens of MiB at least


def test_a_job_that_outlives_its_timeout_is_stopped_and_reported_as_a_timeout():
    # The matching package needs seconds at this size: far beyond a half-second budget.
    record = run_job(Job("matching-pkg", "small", "uniform", seed=3), 0.5, 4096)
    assert record["status"] == "timeout"
    assert record["wall_s"] < 30


def test_a_baseline_that_cannot_fit_is_reported_without_building_the_instance():
    record = run_job(Job("scipy-exact", "large", "structured", seed=1), 120, 4096)
    assert record["status"] == "does not fit"
    assert "GiB" in record["reason"]


def test_the_default_plan_runs_the_matching_package_at_small_only_and_large_for_the_headline():
    jobs = plan(None, None, None, seed=1, repeat=1)
    package_sizes = {job.size for job in jobs if job.solver == "matching-pkg"}
    large = {(job.solver, job.kind) for job in jobs if job.size == "large"}
    assert package_sizes == {"small"}
    assert large == {
        ("optimal", "structured"),
        ("participation", "structured"),
        ("fair", "structured"),
        ("stable", "structured"),
        ("greedy", "structured"),
        ("plain-greedy", "structured"),
    }
    assert jobs[0].solver == "optimal"
    assert jobs[-1].solver == "recommend"
    assert "peer" not in {job.solver for job in jobs}


def test_the_ratio_is_to_the_proven_optimum_or_else_to_the_best_total_seen():
    def record(solver, kind, total, proven=None):
        proof = None if proven is None else {"proven": proven}
        return {
            "solver": solver,
            "size": "small",
            "kind": kind,
            "status": "ok",
            "total": total,
            "minimum": 1.0,
            "proof": proof,
            "notes": [],
            "digest": solver,
        }

    proven = [record("optimal", "uniform", 200.0, True), record("greedy", "uniform", 150.0)]
    unproven = [
        record("optimal", "structured", 90.0, False),
        record("scipy-exact", "structured", 100.0),
    ]
    add_comparisons(proven + unproven)
    assert proven[1]["ratio"] == 0.75
    assert proven[1]["reference"] == "proven optimum"
    assert unproven[0]["ratio"] == 0.9
    assert unproven[0]["reference"] == "best seen (scipy-exact)"
    assert "optimality NOT proven" in unproven[0]["notes"]


def test_a_total_above_the_proven_optimum_is_flagged_unless_within_the_proofs_resolution():
    def record(solver, total):
        proof = {"proven": True, "resolution": 0.001} if solver == "optimal" else None
        return {
            "solver": solver,
            "size": "small",
            "kind": "uniform",
            "status": "ok",
            "total": total,
            "matched": 1000,
            "minimum": 1.0,
            "proof": proof,
            "notes": [],
            "digest": solver,
        }

    optimal, rounding, beyond = record("optimal", 5000.0), record("a", 5000.9), record("b", 5001.5)
    add_comparisons([optimal, rounding, beyond])
    assert rounding["notes"] == []
    assert beyond["notes"] == ["ABOVE the proven optimum by 1.500: the proof is wrong"]


def test_the_check_reports_every_rule_an_assignment_breaks_and_scores_it_from_the_instance():
    problem = dense([[10, -INF], [20, 30], [40, 50]], capacities=[1, 1])
    broken = Solution(np.array([0, 0, 1, 2]), np.array([1, 0, 0, 0]), [], reported_total=1.0)
    scores, errors = check(problem, broken)
    assert scores.tolist() == [-INF, 10, 20, 40]
    assert errors == [
        "a mentee is matched twice",
        "1 mentors above capacity",
        "1 forbidden pairs matched",
        "reported total 1.000 but the pairs sum to 70.000",
    ]
    fine = Solution(np.array([1, 2]), np.array([1, 0]), [], reported_total=70.0)
    assert check(problem, fine)[1] == []
