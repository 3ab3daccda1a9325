"""The OpenAI adapter's client: the real ``openai`` SDK over an egress-guarded ``httpx`` client.

The SDK (3.x) is built on ``httpx2``; its client gets the same egress guard as bidboard's own
``httpx`` clients. Retries: the SDK retries connection errors, 408, 409, 429 and 5xx itself
(``max_retries``, twice by default); nothing above it retries the same call again.

Errors: :func:`raise_openai_failure` translates what the SDK raises at this boundary, into
:class:`OpenAIFailed`, or into the egress guard's refusal when that is what stopped the call (the
SDK reports any transport exception as a connection error).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NoReturn

import httpx2

from bidboard.egress import EgressPolicy, guarded_openai_http_client
from bidboard.errors import ConfigError, OpenAIFailed, PolicyError
from bidboard.redact import redact, remember
from bidboard.settings import Settings

if TYPE_CHECKING:  # the SDK takes ~0.5 s to import: only a run that calls OpenAI pays for it
    from openai import OpenAI, OpenAIError

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
        http_client=guarded_openai_http_client(
            policy, transport=transport, timeout=timeout, secrets=remember(key)
        ),
    )


def raise_openai_failure(error: OpenAIError, what: str, limit: int = 300) -> NoReturn:
    """Raise the bidboard error for an SDK error: the :class:`PolicyError` (an egress refusal)
    that caused it, if one did, as it is; else :class:`OpenAIFailed` from ``error``, naming
    ``what`` failed and why (redacted, cut to ``limit`` characters)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, PolicyError):
            raise cause from None  # the refusal itself, not an outage to fall back from
        cause = cause.__cause__ or cause.__context__
    raise OpenAIFailed(
        f"{what} failed: {type(error).__name__}: {redact(str(error))[:limit]}"
    ) from error
