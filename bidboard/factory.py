"""Builds the real adapters from settings: the one place that knows how they are wired."""

from __future__ import annotations

from contextlib import ExitStack

import httpx

from bidboard.ai.client import build_openai_client
from bidboard.ai.embeddings import embedding_index
from bidboard.notion.client import Notion, build_notion_client
from bidboard.notion.workspace import Workspace, load_workspace
from bidboard.scoring.portfolio import PortfolioItem
from bidboard.scoring.score import Portfolio
from bidboard.settings import Settings


def notion_from_settings(
    settings: Settings, *, transport: httpx.BaseTransport | None = None
) -> Notion:
    return Notion(build_notion_client(settings, transport=transport))


def portfolio_matcher(
    settings: Settings, items: list[PortfolioItem], resources: ExitStack
) -> Portfolio:
    """Portfolio fit by OpenAI embeddings when a key is configured, else TF-IDF. The OpenAI
    client and the embedding cache are closed with ``resources``."""
    if settings.openai_api_key is None:
        return Portfolio.build(items)
    active = [i for i in items if i.active]
    client = build_openai_client(settings)
    resources.callback(client.close)
    index = embedding_index(
        [i.text() for i in active], client, settings.data_dir, settings.openai_embedding_model
    )
    resources.callback(index.cache.close)
    return Portfolio.build(active, index)


def workspace_from_settings(settings: Settings) -> Workspace:
    return load_workspace(settings.data_dir, settings.notion_base_url)
