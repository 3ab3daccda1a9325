"""OpenAI embeddings for portfolio fit (used when a key is configured).

Embeddings are an improvement, never a dependency: when OpenAI fails (down, slow past
``BIDBOARD_OPENAI_TIMEOUT``, a wrong key), the run logs a warning and scores by TF-IDF from
then on, so a run never fails and never mixes the two similarity scales for one portfolio.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BidboardError
from ..redact import redact
from .similarity import EmbeddingCache, EmbeddingIndex, Similarity, TfidfIndex

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
            raise BidboardError(
                f"OpenAI embeddings failed: {type(error).__name__}: {redact(str(error))[:300]}"
            ) from error
        ordered = sorted(response.data, key=lambda item: item.index)
        if len(ordered) != len(texts):
            raise BidboardError(f"OpenAI returned {len(ordered)} embeddings for {len(texts)} texts")
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
        except BidboardError as error:
            self.index = self._fall_back(error)

    def _fall_back(self, error: BidboardError) -> Similarity:
        self.fallback = str(error)
        logger.warning("portfolio fit falls back to TF-IDF reason=%s", self.fallback)
        self.index = TfidfIndex(self.documents)
        return self.index

    def best(self, text: str, n: int = 3) -> list[tuple[int, float]]:
        try:
            return self.index.best(text, n)
        except BidboardError as error:
            return self._fall_back(error).best(text, n)


def embedding_index(
    documents: list[str], client: OpenAI, data_dir: Path, model: str = DEFAULT_MODEL
) -> EmbeddingsOrTfidf:
    cache = EmbeddingCache(data_dir / "embeddings.sqlite3")
    return EmbeddingsOrTfidf(documents, OpenAIEmbedder(client, model), cache)
