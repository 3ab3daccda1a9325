"""OpenAI embeddings for portfolio fit (used when a key is configured).

Embeddings are an improvement, never a dependency: when OpenAI fails (down, slow past
``BIDBOARD_OPENAI_TIMEOUT``, a wrong key), the run logs a warning and scores by TF-IDF from
then on, so a run never fails and never mixes the two similarity scales for one portfolio.
Vectors are cached by content hash in SQLite (``embeddings.sqlite3`` in the data directory), so
a text is embedded once.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from openai import OpenAI, OpenAIError

from bidboard.ai.client import raise_openai_failure
from bidboard.errors import OpenAIFailed
from bidboard.scoring.similarity import EmbeddingIndex, Similarity, TfidfIndex

logger = logging.getLogger(__name__)
DEFAULT_MODEL = "text-embedding-3-small"


class EmbeddingCache:
    """Embeddings by content hash in SQLite, so a text is embedded once."""

    def __init__(self, path: Path | str) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector TEXT NOT NULL)"
        )
        self._lock = threading.Lock()

    def get_many(self, keys: Sequence[str]) -> dict[str, list[float]]:
        found: dict[str, list[float]] = {}
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = list(keys[start : start + 500])
                marks = ",".join("?" * len(chunk))
                for key, vector in self._db.execute(
                    f"SELECT key, vector FROM embeddings WHERE key IN ({marks})",  # noqa: S608
                    chunk,
                ):
                    found[key] = json.loads(vector)
        return found

    def put_many(self, items: dict[str, list[float]]) -> None:
        with self._lock:
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?)",
                [(k, json.dumps(v)) for k, v in items.items()],
            )

    def close(self) -> None:
        self._db.close()


class OpenAIEmbedder:
    def __init__(self, client: OpenAI, model: str = DEFAULT_MODEL) -> None:
        self.client, self.model = client, model
        self.requests = 0

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.requests += 1
        try:
            response = self.client.embeddings.create(model=self.model, input=texts)
        except OpenAIError as error:
            raise_openai_failure(error, "OpenAI embeddings")
        ordered = sorted(response.data, key=lambda item: item.index)
        if len(ordered) != len(texts):
            raise OpenAIFailed(f"OpenAI returned {len(ordered)} embeddings for {len(texts)} texts")
        return [list(item.embedding) for item in ordered]


class EmbeddingsOrTfidf:
    """Embedding similarity while OpenAI answers; TF-IDF for the rest of the run from the first
    failure, with a warning (``fallback`` holds its reason)."""

    def __init__(
        self, documents: list[str], embedder: OpenAIEmbedder, cache: EmbeddingCache
    ) -> None:
        self.cache = cache
        self.documents = documents
        self.fallback = ""
        self.index: Similarity
        try:
            self.index = EmbeddingIndex(documents, embedder, cache)
        except OpenAIFailed as error:
            self.index = self._fall_back(error)

    def _fall_back(self, error: OpenAIFailed) -> Similarity:
        self.fallback = str(error)
        logger.warning("portfolio fit falls back to TF-IDF reason=%s", self.fallback)
        self.index = TfidfIndex(self.documents)
        return self.index

    def best(self, text: str, n: int = 3) -> list[tuple[int, float]]:
        try:
            return self.index.best(text, n)
        except OpenAIFailed as error:
            return self._fall_back(error).best(text, n)


def embedding_index(
    documents: list[str], client: OpenAI, data_dir: Path, model: str = DEFAULT_MODEL
) -> EmbeddingsOrTfidf:
    cache = EmbeddingCache(data_dir / "embeddings.sqlite3")
    return EmbeddingsOrTfidf(documents, OpenAIEmbedder(client, model), cache)
