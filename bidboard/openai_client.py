"""The OpenAI adapter's client: the real ``openai`` SDK over an egress-guarded ``httpx`` client.

The SDK (3.x) is built on ``httpx2``; its client gets the same egress guard as bidboard's own
``httpx`` clients. Retries: the SDK retries connection errors, 408, 409, 429 and 5xx itself
(``max_retries``, twice by default); nothing above it retries the same call again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx2

from .errors import ConfigError
from .http import EgressPolicy, guarded_client2
from .redact import remember
from .settings import Settings

if TYPE_CHECKING:  # the SDK takes ~0.5 s to import: only a run that calls OpenAI pays for it
    from openai import OpenAI

DEFAULT_BASE_URL = "https://api.openai.com/v1"


def build_openai_client(
    settings: Settings,
    *,
    transport: httpx2.BaseTransport | None = None,
    max_retries: int | None = None,
    timeout: float | None = None,
) -> OpenAI:
    """The client for drafting and embeddings alike; ``max_retries`` and ``timeout`` default to
    ``BIDBOARD_OPENAI_MAX_RETRIES`` and ``BIDBOARD_OPENAI_TIMEOUT``."""
    if settings.openai_api_key is None:
        raise ConfigError("no OpenAI key: set BIDBOARD_OPENAI_API_KEY or OPENAI_API_KEY")
    from openai import OpenAI

    base_url = settings.openai_base_url or DEFAULT_BASE_URL
    policy = EgressPolicy.for_urls([base_url], settings.allowed_hosts)
    key = settings.openai_api_key.get_secret_value()
    max_retries = settings.openai_max_retries if max_retries is None else max_retries
    timeout = settings.openai_timeout if timeout is None else timeout
    return OpenAI(
        api_key=key,
        base_url=base_url,
        max_retries=max_retries,
        timeout=timeout,
        # an endpoint that echoes the key in its errors: blanked before the SDK reads them
        http_client=guarded_client2(
            policy, transport=transport, timeout=timeout, secrets=remember(key)
        ),
    )
