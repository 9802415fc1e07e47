"""Lexical similarity: words, TF-IDF weights worked out by hand, and the blockwise product."""

import math

import numpy as np
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from lodestar.matching.text import SparseProduct, TextSimilarity, tfidf, tokenize


def test_words_are_casefolded_without_stop_words_punctuation_or_single_letters():
    assert tokenize("I'd like to LEARN Python, C and Straße-planning!") == [
        "like",
        "learn",
        "python",
        "strasse",
        "planning",
    ]


def test_tfidf_uses_sublinear_counts_and_smoothed_idf_over_both_sides():
    vectors = tfidf(["python data data", "python", "the"]).toarray()
    # 3 texts; python is in 2, data in 1: idf = ln(4/3) + 1 and ln(4/2) + 1.
    idf_python, idf_data = math.log(4 / 3) + 1, math.log(2) + 1
    first = np.array([idf_python, (1 + math.log(2)) * idf_data])
    np.testing.assert_allclose(vectors[0], first / np.linalg.norm(first), rtol=1e-6)
    np.testing.assert_allclose(vectors[1], [1, 0])
    np.testing.assert_array_equal(vectors[2], [0, 0])  # stop words only: no vector


def test_text_similarity_is_the_cosine_of_the_vectors():
    similarity = TextSimilarity(["python data"], ["python", "gardening"])
    idf_python, idf_data = math.log(4 / 3) + 1, math.log(4 / 2) + 1
    expected = idf_python / math.hypot(idf_python, idf_data)
    np.testing.assert_allclose(similarity.block(0, 1), [[expected, 0]], rtol=1e-6)
    np.testing.assert_allclose(
        similarity.pairs(np.array([0]), np.array([0])), [expected], rtol=1e-6
    )


def test_identical_texts_score_one():
    similarity = TextSimilarity(["grow a product team"], ["Grow a product team!"])
    np.testing.assert_allclose(similarity.block(0, 1), [[1]], rtol=1e-6)


@settings(max_examples=40, deadline=None)
@given(
    st.integers(1, 12),
    st.integers(1, 12),
    st.integers(1, 30),
    st.integers(0, 2000),
    st.integers(0, 1 << 16),
)
def test_sparse_product_blocks_equal_the_dense_product(m, n, terms, dense_bytes, seed):
    rng = np.random.default_rng(seed)
    a = sp.random(m, terms, density=0.3, format="csr", random_state=rng, dtype=np.float32)
    b = sp.random(n, terms, density=0.5, format="csr", random_state=rng, dtype=np.float32)
    product = SparseProduct(a, b, dense_bytes=dense_bytes)
    expected = (a @ b.T).toarray()
    cut = int(rng.integers(0, m + 1))
    got = np.vstack([product.block(0, cut), product.block(cut, m)])
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)
