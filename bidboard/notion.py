"""The Notion adapter's transport: the real ``notion_client`` behind one call wrapper.

Retry rules — one layer, here, and nowhere else:

* notion-client's own retry is turned off (``retry=False``). It retries 429 for every method
  but 500/503 only for GET/DELETE, knows nothing of 529 ``service_overload``, timeouts or
  dropped connections; stacking another layer on top of it would multiply attempts.
* :meth:`Notion.call` retries, with tenacity:
  - ``429 rate_limited``: always (the request was not processed), after ``Retry-After``;
  - ``409``, ``500``, ``502``, ``503``, ``504``, ``529``, timeouts and network errors: only when
    the call is marked ``safe`` — reads (GET, ``query``, ``search``) and writes that set the
    same values again (PATCH of properties). Waits grow exponentially with jitter.
* Creates (``pages.create``, ``databases.create``, ``views.create``) are *not* safe: a
  create whose answer was lost may have landed. Callers make them idempotent themselves — the
  board gateway looks the job key up before it creates again (:mod:`bidboard.gateway`).
* Prefect task retries are not used for Notion calls.

Every request also passes the egress guard and the pacer (:mod:`bidboard.http`).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
from notion_client import Client
from notion_client.client import ClientOptions
from notion_client.errors import APIResponseError, RequestTimeoutError, UnknownHTTPResponseError
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt

from .errors import ConfigError, NotionError
from .http import EgressPolicy, GlobalRateLimit, PacedTransport, Pacer, Paces, guarded_client
from .settings import Settings

logger = logging.getLogger(__name__)

RETRY_ALWAYS = frozenset({429})
RETRY_WHEN_SAFE = frozenset({409, 500, 502, 503, 504, 529})
MAX_RETRY_AFTER = 60.0


def build_notion_client(
    settings: Settings,
    *,
    transport: httpx.BaseTransport | None = None,
    pacer: Paces | None = None,
) -> Client:
    """A ``notion_client.Client`` for ``settings``; inject ``transport`` to serve in process.

    Every request is checked against the egress policy, then paced to
    ``settings.notion_rate_limit`` requests a second in this process, or through the Prefect
    global concurrency limit ``settings.notion_global_limit`` across every worker. The injected
    ``httpx.Client`` is owned by the caller: close it with ``client.close()`` (``with
    Client(...)`` would replace it).
    """
    if settings.notion_token is None:
        raise ConfigError("BIDBOARD_NOTION_TOKEN is not set")
    policy = EgressPolicy.for_urls([settings.notion_base_url], settings.allowed_hosts)
    # Refuse first (guard), then wait for a slot (pace), then send.
    if pacer is None:
        pacer = (
            GlobalRateLimit(settings.notion_global_limit)
            if settings.notion_global_limit
            else Pacer(settings.notion_rate_limit)
        )
    paced = PacedTransport(pacer, transport)
    http = guarded_client(policy, transport=paced, timeout=60.0)
    options = ClientOptions(
        auth=settings.notion_token.get_secret_value(),
        base_url=settings.notion_base_url,
        notion_version=settings.notion_version,
        logger=logging.getLogger("notion_client"),
        retry=False,
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


def translate(error: Exception, what: str) -> NotionError:
    """A notion-client or httpx error as a :class:`NotionError` that says what was tried."""
    if isinstance(error, APIResponseError):
        code = str(getattr(error.code, "value", error.code))
        translated = NotionError(
            f"{what}: Notion answered {error.status} {code}: {error}",
            status=error.status,
            code=code,
            request_id=getattr(error, "request_id", None),
        )
        translated.retry_after = _seconds(error.headers.get("retry-after"))
        return translated
    if isinstance(error, UnknownHTTPResponseError):
        translated = NotionError(
            f"{what}: Notion answered {error.status}",
            status=error.status,
            code=f"http_{error.status}",
        )
        translated.retry_after = _seconds(
            error.headers.get("retry-after") if error.headers else None
        )
        return translated
    if isinstance(error, RequestTimeoutError | httpx.TimeoutException):
        return NotionError(f"{what}: Notion did not answer in time", code="timeout")
    if isinstance(error, httpx.TransportError):
        return NotionError(
            f"{what}: connection to Notion failed ({type(error).__name__})", code="network"
        )
    raise TypeError(f"not a Notion error: {error!r}")


def _seconds(value: str | None) -> float | None:
    try:
        return min(float(value), MAX_RETRY_AFTER) if value else None
    except ValueError:
        return None


def is_transient(error: NotionError, *, safe: bool) -> bool:
    if error.status in RETRY_ALWAYS:
        return True
    if not safe:
        return False
    return (error.status in RETRY_WHEN_SAFE) or error.code in ("timeout", "network")


@dataclass
class CallStats:
    """What the adapter sent, for logs and benchmarks."""

    calls: int = 0
    retries: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


class Notion:
    """Every Notion call goes through :meth:`call`: errors translated, retries applied."""

    def __init__(
        self,
        client: Client,
        *,
        attempts: int = 6,
        base_delay: float = 0.5,
        max_delay: float = 20.0,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self.client = client
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._sleep = sleep
        self.stats = CallStats()

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return float(retry_after)
        backoff = min(self.max_delay, self.base_delay * 2 ** (state.attempt_number - 1))
        return float(backoff / 2 + random.uniform(0, backoff / 2))

    def call(
        self, what: str, operation: Callable[..., Any], *args: Any, safe: bool, **kwargs: Any
    ) -> dict[str, Any]:
        """Run ``operation(*args, **kwargs)``; ``safe`` says whether resending it is harmless."""

        def once() -> dict[str, Any]:
            self.stats.calls += 1
            try:
                return payload(operation(*args, **kwargs))
            except (
                APIResponseError,
                UnknownHTTPResponseError,
                RequestTimeoutError,
                httpx.TransportError,
            ) as error:
                translated = translate(error, what)
                key = str(translated.status or translated.code)
                self.stats.by_status[key] = self.stats.by_status.get(key, 0) + 1
                raise translated from error

        retrying = Retrying(
            retry=retry_if_exception(
                lambda e: isinstance(e, NotionError) and is_transient(e, safe=safe)
            ),
            stop=stop_after_attempt(self.attempts),
            wait=self._wait,
            reraise=True,
            before_sleep=self._log_retry(what),
            sleep=self._sleep or time.sleep,
        )
        return retrying(once)

    def paginate(
        self, what: str, operation: Callable[..., Any], *args: Any, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        """Every result of a paginated read, 100 at a time, following ``next_cursor``."""
        cursor: str | None = None
        while True:
            page_kwargs = dict(kwargs, page_size=100)
            if cursor:
                page_kwargs["start_cursor"] = cursor
            batch = self.call(what, operation, *args, safe=True, **page_kwargs)
            yield from batch["results"]
            if not batch.get("has_more"):
                return
            cursor = batch["next_cursor"]

    def _log_retry(self, what: str) -> Callable[[RetryCallState], None]:
        def log(state: RetryCallState) -> None:
            self.stats.retries += 1
            error = state.outcome.exception() if state.outcome else None
            logger.warning(
                "notion call retried what=%s attempt=%d error=%s",
                what,
                state.attempt_number,
                getattr(error, "code", error),
            )

        return log

    def close(self) -> None:
        self.client.close()
