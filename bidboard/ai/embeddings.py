"""OpenAI embeddings for portfolio fit (used when a key is configured).

Embeddings are an improvement, never a dependency: when OpenAI fails (down, slow past
``BIDBOARD_OPENAI_TIMEOUT``, a wrong key), the run logs a warning and scores by TF-IDF from
then on, so a run never fails and never mixes the two similarity scales for one portfolio.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bidboard.ai.client import raise_openai_failure
from bidboard.ai.embedding_cache import EmbeddingCache, embed_cached
from bidboard.errors import OpenAIFailed
from bidboard.scoring.similarity import Similarity, TfidfIndex, VectorIndex, unit

if TYPE_CHECKING:  # the SDK is imported with the client that uses it (openai_client)
    from openai import OpenAI

logger = logging.getLogger(__name__)
DEFAULT_MODEL = "text-embedding-3-small"


class OpenAIEmbedder:
    def __init__(self, client: OpenAI, model: str = DEFAULT_MODEL) -> None:
        self.client, self.model = client, model
        self.requests = 0

    def embed(self, texts: list[str]) -> list[list[float]]:
        from openai import OpenAIError

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
    failure, with a warning (``fallback`` holds its reason). The portfolio is embedded when this
    is built, and each batch's texts at once by :meth:`prepare`, before the batch is scored
    (:meth:`bidboard.scoring.score.Portfolio.prepare`): scoring itself reads no cache and makes
    no request."""

    def __init__(
        self, documents: list[str], embedder: OpenAIEmbedder, cache: EmbeddingCache
    ) -> None:
        self.embedder, self.cache = embedder, cache
        self.documents = documents
        self.fallback = ""
        self.tfidf: TfidfIndex | None = None
        self.items: list[list[float]] = []
        try:
            self.items = [unit(v) for v in embed_cached(embedder, cache, documents)]
        except OpenAIFailed as error:
            self._fall_back(error)

    def _fall_back(self, error: OpenAIFailed) -> Similarity:
        self.fallback = str(error)
        logger.warning("portfolio fit falls back to TF-IDF reason=%s", self.fallback)
        self.tfidf = TfidfIndex(self.documents)
        return self.tfidf

    def prepare(self, texts: Sequence[str]) -> Similarity:
        """A pure similarity for ``texts``: their embeddings (the cache first, then one request
        per 256 texts), or TF-IDF once OpenAI has failed."""
        if self.tfidf is not None:
            return self.tfidf
        wanted = list(dict.fromkeys(texts))
        try:
            vectors = embed_cached(self.embedder, self.cache, wanted)
        except OpenAIFailed as error:
            return self._fall_back(error)
        return VectorIndex(self.items, dict(zip(wanted, vectors, strict=True)))


def embedding_index(
    documents: list[str], client: OpenAI, data_dir: Path, model: str = DEFAULT_MODEL
) -> EmbeddingsOrTfidf:
    cache = EmbeddingCache(data_dir / "embeddings.sqlite3")
    return EmbeddingsOrTfidf(documents, OpenAIEmbedder(client, model), cache)
