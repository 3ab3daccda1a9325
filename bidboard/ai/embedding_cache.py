"""Embeddings by content hash in SQLite, so a text is embedded once (``embeddings.sqlite3`` in
the data dir)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol


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

    @staticmethod
    def key(model: str, text: str) -> str:
        return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()

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


class Embedder(Protocol):
    model: str

    def embed(self, texts: list[str]) -> list[list[float]]: ...


BATCH = 256  # texts per embeddings request


def embed_cached(embedder: Embedder, cache: EmbeddingCache, texts: list[str]) -> list[list[float]]:
    """The embedding of each text: from the cache, and the rest from ``embedder`` (one request
    per 256 texts), cached as they come."""
    keys = [EmbeddingCache.key(embedder.model, t) for t in texts]
    known = cache.get_many(keys)
    missing = list(dict.fromkeys(k for k in keys if k not in known))
    if missing:
        by_key = dict(zip(keys, texts, strict=True))
        fresh: dict[str, list[float]] = {}
        for start in range(0, len(missing), BATCH):
            batch = missing[start : start + BATCH]
            for key, vector in zip(batch, embedder.embed([by_key[k] for k in batch]), strict=True):
                fresh[key] = vector
        cache.put_many(fresh)
        known.update(fresh)
    return [known[k] for k in keys]
