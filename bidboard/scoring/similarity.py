"""How well a job fits each portfolio item: TF-IDF cosine by default, OpenAI embeddings when a
key is configured. Both answer ``best(text, n)`` with (item index, similarity in 0..1)."""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence
from typing import Protocol

import numpy as np

from bidboard.scoring.words import tokens


class Similarity(Protocol):
    def best(self, text: str, n: int = 3) -> list[tuple[int, float]]: ...


def _weights(counts: Counter[str], idf: dict[str, float]) -> dict[str, float]:
    vector = {t: (1 + math.log(c)) * idf.get(t, 0.0) for t, c in counts.items()}
    norm = math.sqrt(sum(w * w for w in vector.values())) or 1.0
    return {t: w / norm for t, w in vector.items() if w > 0}


class TfidfIndex:
    """Cosine similarity of sublinear TF-IDF vectors.

    The portfolio is a term x item matrix; a job's similarity to every item is the weighted sum
    of the rows of the terms it shares with the portfolio (terms it does not share add
    nothing), computed exactly, in one vectorised step.
    """

    def __init__(self, documents: Sequence[str]) -> None:
        counted = [Counter(tokens(d)) for d in documents]
        size = len(documents)
        frequency: Counter[str] = Counter()
        for counts in counted:
            frequency.update(counts.keys())
        self.idf = {t: math.log((1 + size) / (1 + df)) + 1 for t, df in frequency.items()}
        self.vocabulary = {t: row for row, t in enumerate(frequency)}
        self.matrix = np.zeros((len(self.vocabulary), size), dtype=np.float64)
        for column, counts in enumerate(counted):
            for t, w in _weights(counts, self.idf).items():
                self.matrix[self.vocabulary[t], column] = w

    def best(self, text: str, n: int = 3) -> list[tuple[int, float]]:
        query = _weights(Counter(tokens(text)), self.idf)
        rows, weights = [], []
        for t, w in query.items():
            row = self.vocabulary.get(t)
            if row is not None:
                rows.append(row)
                weights.append(w)
        if not rows:
            return []
        scores = np.asarray(weights) @ self.matrix[rows]
        count = min(n, scores.shape[0])
        candidates = (
            np.argpartition(-scores, count - 1)[:count]
            if count < scores.shape[0]
            else np.arange(scores.shape[0])
        )
        ranked = sorted(
            ((int(i), float(scores[i])) for i in candidates), key=lambda item: (-item[1], item[0])
        )
        return [(index, min(1.0, round(score, 4))) for index, score in ranked if score > 0]


def embedding_key(model: str, text: str) -> str:
    """The cache key of ``text`` embedded by ``model``: its content hash."""
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


class VectorCache(Protocol):
    """Embeddings by :func:`embedding_key`, so a text is embedded once (the OpenAI adapter's
    SQLite cache, :class:`bidboard.ai.embeddings.EmbeddingCache`)."""

    def get_many(self, keys: Sequence[str]) -> dict[str, list[float]]: ...

    def put_many(self, items: dict[str, list[float]]) -> None: ...


class Embedder(Protocol):
    model: str

    def embed(self, texts: list[str]) -> list[list[float]]: ...


def _unit(vector: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


class EmbeddingIndex:
    """Cosine similarity of embeddings (negative similarity counts as none)."""

    def __init__(self, documents: Sequence[str], embedder: Embedder, cache: VectorCache) -> None:
        self.embedder, self.cache = embedder, cache
        self.vectors = [_unit(v) for v in self.embed_all(list(documents))]

    def embed_all(self, texts: list[str]) -> list[list[float]]:
        keys = [embedding_key(self.embedder.model, t) for t in texts]
        known = self.cache.get_many(keys)
        missing = list(dict.fromkeys(k for k in keys if k not in known))
        if missing:
            by_key = dict(zip(keys, texts, strict=True))
            fresh: dict[str, list[float]] = {}
            for start in range(0, len(missing), 256):
                batch = missing[start : start + 256]
                for key, vector in zip(
                    batch, self.embedder.embed([by_key[k] for k in batch]), strict=True
                ):
                    fresh[key] = vector
            self.cache.put_many(fresh)
            known.update(fresh)
        return [known[k] for k in keys]

    def best(self, text: str, n: int = 3) -> list[tuple[int, float]]:
        query = _unit(self.embed_all([text])[0])
        scores = [
            (i, sum(a * b for a, b in zip(query, v, strict=False)))
            for i, v in enumerate(self.vectors)
        ]
        ranked = sorted(scores, key=lambda item: (-item[1], item[0]))[:n]
        return [(i, round(max(0.0, min(1.0, s)), 4)) for i, s in ranked if s > 0]
