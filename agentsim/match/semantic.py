"""Offline semantic similarity with wordllama: its 16 MB model ships inside the wheel, numpy only.

Loaded once per process on first use (about 0.2 s); nothing is ever downloaded.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np


@cache
def _model() -> Any:
    import wordllama
    from wordllama import WordLlama

    # the default lookup misses the tokenizer bundled in the wheel: point it at the package folder
    return WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)


def embed(texts: list[str]) -> np.ndarray:
    """Unit-length embeddings, one row per text."""
    if not texts:
        return np.zeros((0, 1), dtype=np.float32)
    vectors = np.asarray(_model().embed(texts), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    unit: np.ndarray = vectors / norms
    return unit


def similarities(query: str, matrix: np.ndarray) -> np.ndarray:
    if matrix.shape[0] == 0:
        return np.zeros(0, dtype=np.float32)
    scores: np.ndarray = matrix @ embed([query])[0]
    return scores
