"""Text criteria by meaning, with the real all-MiniLM-L6-v2 model loaded offline.

These run only where the `semantic` extra is installed (`make test-semantic`); elsewhere the
lexical fallback is what test_scoring.py checks.
"""

from datetime import date

import numpy as np
import pytest

from lodestar.matching.criteria import Criterion
from lodestar.matching.problem import Problem
from lodestar.matching.scoring import Scorer
from lodestar.matching.semantic import sentence_encoder
from lodestar.matching.solve import solve

encode, why_not = sentence_encoder()
pytestmark = pytest.mark.skipif(encode is None, reason=why_not)

GOALS = Criterion("goals", "text", "goals")
MENTEE = "I want to get better at building neural networks"
MENTORS = [
    "Deep learning research and training large models",  # same meaning, no shared word
    "Sourdough baking, pastry and running a small bakery",
]


def scorer(mentees, mentors, *, semantic: bool) -> Scorer:
    return Scorer(
        {"goals": mentees},
        {"goals": mentors},
        [GOALS],
        reference_date=date(2026, 1, 1),
        semantic=semantic,
    )


def test_the_model_loads_from_the_installed_package_without_the_network(monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "0")  # the loader must switch it off itself
    loaded, note = sentence_encoder()
    assert loaded is not None, note
    assert "all-MiniLM-L6-v2" in note
    vectors = loaded([MENTEE, MENTEE, MENTORS[1]])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1, atol=1e-5)
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)


def test_a_mentor_who_means_the_same_in_other_words_scores_higher():
    lexical = scorer([MENTEE], MENTORS, semantic=False).rows(0, 1)[0]
    meaning = scorer([MENTEE], MENTORS, semantic=True)
    scores = meaning.rows(0, 1)[0]
    # No word in common with either mentor: by words they are equal, by meaning they are not.
    assert lexical[0] == lexical[1]
    assert scores[0] > scores[1] + 20
    assert any("sentence embeddings" in note for note in meaning.notes)


def test_semantic_scores_drive_the_matching_and_explain_each_pair():
    mentees = [MENTEE, "Help me open my own bakery one day"]
    mentors = list(MENTORS)
    scores = scorer(mentees, mentors, semantic=True)
    result = solve(Problem(scores, np.array([1, 1])), "optimal")
    assert result.pairs() == [(0, 0), (1, 1)]
    assert result.proof.proven
    explained = scores.breakdown(result.mentee, result.mentor)
    np.testing.assert_allclose(explained["goals"], result.score, rtol=1e-4)
