"""Builds the real adapters from settings: the one place that knows how they are wired."""

from __future__ import annotations

import httpx

from notion_schema.workspace import Workspace, load_workspace

from .gateway import BoardGateway
from .notion import Notion, build_notion_client
from .settings import Settings


def notion_from_settings(
    settings: Settings, *, transport: httpx.BaseTransport | None = None
) -> Notion:
    return Notion(build_notion_client(settings, transport=transport))


def workspace_from_settings(settings: Settings) -> Workspace:
    return load_workspace(settings.data_dir, settings.notion_base_url)


def gateway_from_settings(
    settings: Settings, *, transport: httpx.BaseTransport | None = None
) -> BoardGateway:
    return BoardGateway(
        notion_from_settings(settings, transport=transport), workspace_from_settings(settings)
    )
