"""Building the Notion client: the real ``notion_client`` over an egress-guarded ``httpx``.

Retries: notion-client 3.1 retries 429 (honouring ``Retry-After``) for every method and
500/503 for GET/DELETE only. That is the one retry layer for Notion calls; nothing above it
retries the same request again. (The SDK does not know 529 ``service_overload``: it surfaces as
``UnknownHTTPResponseError`` and is not retried by the SDK.)
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from notion_client import Client
from notion_client.client import ClientOptions, RetryOptions

from .errors import ConfigError, NotionError
from .http import EgressPolicy, PacedTransport, Pacer, guarded_client
from .settings import Settings

logger = logging.getLogger(__name__)


def build_notion_client(
    settings: Settings,
    *,
    transport: httpx.BaseTransport | None = None,
    max_retries: int = 4,
) -> Client:
    """A ``notion_client.Client`` for ``settings``; inject ``transport`` to serve in process.

    Every request is checked against the egress policy, then paced to
    ``settings.notion_rate_limit`` requests a second.

    The injected ``httpx.Client`` is owned by the caller: close it with ``client.close()``
    (``with Client(...)`` would replace it, see notion-sdk-py).
    """
    if settings.notion_token is None:
        raise ConfigError("BIDBOARD_NOTION_TOKEN is not set")
    policy = EgressPolicy.for_urls([settings.notion_base_url], settings.allowed_hosts)
    # Refuse first (guard), then wait for a slot (pace), then send.
    paced = PacedTransport(Pacer(settings.notion_rate_limit), transport)
    http = guarded_client(policy, transport=paced, timeout=60.0)
    options = ClientOptions(
        auth=settings.notion_token.get_secret_value(),
        base_url=settings.notion_base_url,
        notion_version=settings.notion_version,
        logger=logging.getLogger("notion_client"),
        retry=RetryOptions(max_retries=max_retries) if max_retries else False,
    )
    logger.debug(
        "notion client built base_url=%s version=%s",
        settings.notion_base_url,
        settings.notion_version,
    )
    return Client(options=options, client=http)


def payload(result: Any) -> dict[str, Any]:
    """The JSON object a synchronous notion-client call returned (its ``SyncAsync[Any]``)."""
    if not isinstance(result, dict):
        raise NotionError(f"unexpected Notion response of type {type(result).__name__}")
    return result
