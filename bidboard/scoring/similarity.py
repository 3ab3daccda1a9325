"""How well a job fits each portfolio item: TF-IDF cosine by default, OpenAI embeddings when a
key is configured. Both answer ``best(text, n)`` with (item index, similarity in 0..1), purely.

Embeddings are fetched at the edge, once a batch, before it is scored: an adapter
(:class:`BatchSimilarity`, ``bidboard/ai/embeddings.py``) embeds the batch's texts and gives a
:class:`VectorIndex`, which only reads the vectors it was given."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from bidboard.scoring.words import tokens


class Similarity(Protocol):
    def best(self, text: str, n: int = 3) -> list[tuple[int, float]]: ...


class BatchSimilarity(Protocol):
    """A similarity that must see a batch's texts before it scores them (embeddings): ``prepare``
    fetches what it needs (a cache, OpenAI) and returns a pure :class:`Similarity` for them."""

    def prepare(self, texts: Sequence[str]) -> Similarity: ...


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


def unit(vector: Sequence[float]) -> list[float]:
    norm = math.sqrt(sum(x * x for x in vector)) or 1.0
    return [x / norm for x in vector]


class VectorIndex:
    """Cosine similarity of embeddings given (negative similarity counts as none): the items'
    unit vectors, and the vectors of the texts of one batch, by text. Pure: a text outside the
    batch is a mistake of the caller (``KeyError``), never a request."""

    def __init__(
        self, items: Sequence[Sequence[float]], texts: Mapping[str, Sequence[float]]
    ) -> None:
        self.vectors, self.texts = items, texts

    def best(self, text: str, n: int = 3) -> list[tuple[int, float]]:
        vector = self.texts.get(text)
        if vector is None:
            raise KeyError(f"no embedding for this text: prepare the batch first ({text[:40]!r})")
        query = unit(vector)
        scores = [
            (i, sum(a * b for a, b in zip(query, v, strict=False)))
            for i, v in enumerate(self.vectors)
        ]
        ranked = sorted(scores, key=lambda item: (-item[1], item[0]))[:n]
        return [(i, round(max(0.0, min(1.0, s)), 4)) for i, s in ranked if s > 0]
