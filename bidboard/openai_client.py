"""The OpenAI adapter's client: the real ``openai`` SDK over an egress-guarded ``httpx`` client.

The SDK (3.x) is built on ``httpx2``; its client gets the same egress guard as bidboard's own
``httpx`` clients. Retries: the SDK retries connection errors, 408, 409, 429 and 5xx itself
(``max_retries``, twice by default); nothing above it retries the same call again.
"""

from __future__ import annotations

import httpx2
from openai import OpenAI

from .errors import ConfigError
from .http import EgressPolicy, guarded_client2
from .settings import Settings

DEFAULT_BASE_URL = "https://api.openai.com/v1"


def build_openai_client(
    settings: Settings,
    *,
    transport: httpx2.BaseTransport | None = None,
    max_retries: int = 2,
    timeout: float = 60.0,
) -> OpenAI:
    if settings.openai_api_key is None:
        raise ConfigError("no OpenAI key: set BIDBOARD_OPENAI_API_KEY or OPENAI_API_KEY")
    base_url = settings.openai_base_url or DEFAULT_BASE_URL
    policy = EgressPolicy.for_urls([base_url], settings.allowed_hosts)
    return OpenAI(
        api_key=settings.openai_api_key.get_secret_value(),
        base_url=base_url,
        max_retries=max_retries,
        timeout=timeout,
        http_client=guarded_client2(policy, transport=transport, timeout=timeout),
    )
