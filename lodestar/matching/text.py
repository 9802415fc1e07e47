"""Lexical text similarity: TF-IDF vectors and their cosine, built with numpy and scipy.sparse.

Words are runs of letters and digits, lowercased (casefolded), without a short list of English
stop words and one-letter words. A word's weight in a text is (1 + ln count) × idf, with the
smoothed idf = ln((1 + texts) / (1 + texts containing it)) + 1 counted over both sides' texts
together; each vector is scaled to length 1, so the cosine of two texts is their dot product.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np
import scipy.sparse as sp

STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if in
    into is it its itself just me more most my myself no nor not now of off on once only or
    other our ours ourselves out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    yourself yourselves also im ive id dont
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_WORD = re.compile(r"[^\W_]+")

# A dense copy of the most common words' mentor columns is kept within this many bytes.
DENSE_BYTES = 32 << 20


def tokenize(text: str) -> list[str]:
    """The words of text that count: casefolded, without stop words and one-letter words."""
    return [w for w in _WORD.findall(text.casefold()) if _counts(w)]


def _counts(word: str) -> bool:
    return len(word) > 1 and word not in STOP_WORDS


def as_text(value: Any) -> str:
    """A text field's value as one string (a list of strings is joined)."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, list | tuple):
        return " ".join(as_text(v) for v in value)
    return str(value)


def tfidf(documents: Sequence[str]) -> sp.csr_matrix:
    """(documents × vocabulary) float32 TF-IDF rows of length 1 (all zero for a text without
    words); columns are words in order of first appearance."""
    words = [_WORD.findall(doc.casefold()) for doc in documents]
    every_word = list(chain.from_iterable(words))
    vocabulary = {w: k for k, w in enumerate(dict.fromkeys(every_word))}
    total = len(every_word)
    ids = np.array(list(map(vocabulary.__getitem__, every_word)), dtype=np.int64)
    rows = np.repeat(np.arange(len(words)), [len(doc) for doc in words])
    # Stop words are dropped once per distinct word rather than once per occurrence.
    counted = np.array([_counts(w) for w in vocabulary], dtype=bool)
    kept = counted[ids] if total else np.zeros(0, dtype=bool)
    renumber = np.cumsum(counted) - 1
    shape = (len(words), int(counted.sum()))
    counts = sp.csr_matrix((np.ones(kept.sum()), (rows[kept], renumber[ids[kept]])), shape=shape)
    counts.sum_duplicates()
    document_frequency = np.bincount(counts.indices, minlength=shape[1])
    idf = np.log((1 + shape[0]) / (1 + document_frequency)) + 1
    counts.data = (1 + np.log(counts.data)) * idf[counts.indices]
    lengths = np.sqrt(np.asarray(counts.multiply(counts).sum(axis=1)).ravel())
    scale = np.divide(1, lengths, out=np.zeros_like(lengths), where=lengths > 0)
    return sp.csr_matrix(sp.diags(scale) @ counts, dtype=np.float32)


class SparseProduct:
    """Dense blocks of A·Bᵀ for two sparse matrices with the same columns (terms).

    A sparse-by-sparse product whose result is nearly dense is slow, and the result is nearly
    dense exactly because of the common terms. So the terms many mentors share are multiplied
    against a dense copy of the mentors' columns, and only the rare ones sparse-by-sparse.
    """

    def __init__(self, a: sp.csr_matrix, b: sp.csr_matrix, dense_bytes: int = DENSE_BYTES):
        n, terms = b.shape
        frequency = np.bincount(b.indices, minlength=terms)
        budget = max(0, dense_bytes // max(1, 4 * n))
        if terms <= budget:
            common = np.ones(terms, dtype=bool)
        else:
            order = np.argsort(-frequency, kind="stable")[:budget]
            common = np.zeros(terms, dtype=bool)
            # A term in fewer than 1 in 256 mentors' rows gives a sparse enough product.
            common[order[frequency[order] * 256 >= n]] = True
        self.n = n
        self._a_common = sp.csr_matrix(a[:, common], dtype=np.float32)
        self._b_common = np.ascontiguousarray(b[:, common].T.toarray(), dtype=np.float32)
        self._a_rare = sp.csr_matrix(a[:, ~common], dtype=np.float32)
        self._b_rare = sp.csr_matrix(b[:, ~common].T, dtype=np.float32)
        self._has_rare = self._a_rare.nnz > 0 and self._b_rare.nnz > 0

    def block(self, start: int, stop: int) -> np.ndarray:
        """float32 (stop - start, n): rows start..stop of A·Bᵀ."""
        out = np.asarray(self._a_common[start:stop] @ self._b_common, dtype=np.float32)
        if self._has_rare:
            rare = (self._a_rare[start:stop] @ self._b_rare).tocoo()
            out[rare.row, rare.col] += rare.data
        return out


class TextSimilarity:
    """Cosine similarity of the mentees' and the mentors' TF-IDF vectors, in [0, 1].

    A text with no word left after the stop words counts as missing.
    """

    def __init__(self, mentee_texts: Sequence[str], mentor_texts: Sequence[str]):
        vectors = tfidf([*mentee_texts, *mentor_texts])
        m = len(mentee_texts)
        self.mentees = vectors[:m]
        self.mentors = vectors[m:]
        self.mentee_present = np.diff(self.mentees.indptr) > 0
        self.mentor_present = np.diff(self.mentors.indptr) > 0
        self._product = SparseProduct(self.mentees, self.mentors)

    def block(self, start: int, stop: int) -> np.ndarray:
        block = self._product.block(start, stop)
        return np.minimum(block, 1, out=block)

    def pairs(self, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        dots = self.mentees[mentees].multiply(self.mentors[mentors]).sum(axis=1)
        return np.clip(np.asarray(dots, dtype=np.float64).ravel(), 0, 1)
