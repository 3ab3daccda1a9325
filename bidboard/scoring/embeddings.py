"""OpenAI embeddings for portfolio fit (used when a key is configured)."""

from __future__ import annotations

from pathlib import Path

from openai import OpenAI, OpenAIError

from ..errors import BidboardError
from .similarity import EmbeddingCache, EmbeddingIndex

DEFAULT_MODEL = "text-embedding-3-small"


class OpenAIEmbedder:
    def __init__(self, client: OpenAI, model: str = DEFAULT_MODEL) -> None:
        self.client, self.model = client, model
        self.requests = 0

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.requests += 1
        try:
            response = self.client.embeddings.create(model=self.model, input=texts)
        except OpenAIError as error:
            raise BidboardError(f"OpenAI embeddings failed: {error}") from error
        ordered = sorted(response.data, key=lambda item: item.index)
        if len(ordered) != len(texts):
            raise BidboardError(f"OpenAI returned {len(ordered)} embeddings for {len(texts)} texts")
        return [list(item.embedding) for item in ordered]


def embedding_index(
    documents: list[str], client: OpenAI, data_dir: Path, model: str = DEFAULT_MODEL
) -> EmbeddingIndex:
    cache = EmbeddingCache(data_dir / "embeddings.sqlite3")
    return EmbeddingIndex(documents, OpenAIEmbedder(client, model), cache)
