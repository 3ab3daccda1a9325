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
  board gateway looks the job key up before it creates again (:mod:`bidboard.notion.gateway`).
* Prefect task retries are not used for Notion calls.
* A workspace-level 429 (``additional_data.rate_limit_reason`` is
  ``public_api_space_request_rate_limit``, or Retry-After over a minute) spends no attempt: the
  call waits for it while the run's wait budget (``wait_budget``, 120 s) lasts, and past that
  raises :class:`NotionPaused` with the time Notion allows requests again, so the run ends
  cleanly and leaves the rest for the next one.
* The Free workspace block limit (a 403 that names it) raises :class:`BlockLimitReached`:
  creating stops, reads and edits go on.

Every request also passes the egress guard and the pacer (:mod:`bidboard.egress`).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from notion_client import Client
from notion_client.client import ClientOptions
from notion_client.errors import APIResponseError, RequestTimeoutError, UnknownHTTPResponseError

from bidboard.egress import (
    EgressPolicy,
    GlobalRateLimit,
    PacedTransport,
    Pacer,
    Paces,
    guarded_client,
)
from bidboard.errors import ConfigError, NotionError, NotionPaused
from bidboard.settings import Settings

logger = logging.getLogger(__name__)

RETRY_ALWAYS = frozenset({429})
RETRY_WHEN_SAFE = frozenset({409, 500, 502, 503, 504, 529})
MAX_RETRY_AFTER = 60.0  # a connection's limit resets within a minute; a workspace's may not
SPACE_RATE_LIMIT = "public_api_space_request_rate_limit"
WAIT_BUDGET = 120.0  # seconds a run may spend waiting out workspace-level 429s


class RateLimitedUntil(NotionPaused):
    """A workspace-level 429 asks for a longer wait than the run's budget allows."""


class BlockLimitReached(NotionPaused):
    """The workspace's block limit is reached and its grace period is over: nothing that
    creates blocks (a card, a page's content) can be written until the plan changes."""


BLOCK_LIMIT_ADVICE = (
    "Notion refused to create more blocks: this workspace has reached the Free plan's block "
    "limit (1,000 lifetime blocks in a workspace with more than one member; every card costs "
    "up to 3, deleting gives none back) and its grace period is over. Jobs not yet on the "
    "board wait in bidboard's local state and go on the board on a later run. To go on: "
    "upgrade the workspace to a paid plan, use a single-member workspace, or connect bidboard "
    "with a personal access token (exempt from the limit). Reading, board sync and metrics go "
    "on meanwhile."
)


def _is_block_limit(status: int, message: str, additional_data: Any) -> bool:
    """Notion's block-limit refusal (403; its exact body is not in the stored docs, so it is
    recognised by what it names)."""
    named = "block limit" in message.lower() or "block_limit" in str(additional_data or "")
    return status == 403 and named


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
        extra = getattr(error, "additional_data", None)
        fields: dict[str, Any] = {
            "status": error.status,
            "code": code,
            "request_id": getattr(error, "request_id", None),
        }
        if _is_block_limit(error.status, str(error), extra):
            return BlockLimitReached(f"{what}: {BLOCK_LIMIT_ADVICE}", **fields)
        translated = NotionError(
            f"{what}: Notion answered {error.status} {code}: {error}", **fields
        )
        translated.retry_after = _seconds(error.headers.get("retry-after"))
        translated.rate_limit_reason = (
            str(extra.get("rate_limit_reason")) if isinstance(extra, dict) else None
        )
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
        try:
            url = error.request.url
            where = f" at {url.scheme}://{url.netloc.decode()}"
        except RuntimeError:  # no request attached
            where = ""
        return NotionError(
            f"{what}: connection to Notion{where} failed ({type(error).__name__})", code="network"
        )
    raise TypeError(f"not a Notion error: {error!r}")


def _seconds(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


def is_workspace_limited(error: NotionError) -> bool:
    """A 429 of the limit shared by the workspace's connections (it can last minutes)."""
    reason = error.rate_limit_reason
    return error.status == 429 and (
        reason == SPACE_RATE_LIMIT or (error.retry_after or 0) > MAX_RETRY_AFTER
    )


def is_transient(error: NotionError, *, safe: bool) -> bool:
    if isinstance(error, NotionPaused):  # not for this run: its rest waits for the next
        return False
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
    """Every Notion call goes through :meth:`call`: errors translated, retries applied.

    ``wait_budget`` is what one run (one ``Notion``) may spend in all waiting out
    workspace-level 429s; such waits spend no attempt.
    """

    def __init__(
        self,
        client: Client,
        *,
        attempts: int = 6,
        base_delay: float = 0.5,
        max_delay: float = 20.0,
        sleep: Callable[[float], None] | None = None,
        wait_budget: float = WAIT_BUDGET,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self.client = client
        self.attempts = attempts
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._sleep = sleep or time.sleep
        self.wait_left = wait_budget
        self._clock = clock or (lambda: datetime.now(UTC))
        self.stats = CallStats()

    def _delay(self, attempt: int, error: NotionError) -> float:
        if error.retry_after is not None:
            return min(float(error.retry_after), MAX_RETRY_AFTER)
        backoff = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        return float(backoff / 2 + random.uniform(0, backoff / 2))

    def _once(self, what: str, operation: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
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

    def call(
        self, what: str, operation: Callable[..., Any], *args: Any, safe: bool, **kwargs: Any
    ) -> dict[str, Any]:
        """Run ``operation(*args, **kwargs)``; ``safe`` says whether resending it is harmless."""
        attempt = 0
        while True:
            try:
                result: dict[str, Any] = self._once(what, operation, *args, **kwargs)
                return result
            except NotionError as error:
                if is_workspace_limited(error):
                    self._wait_for_workspace(what, error)  # spends no attempt
                    continue
                attempt += 1
                if not is_transient(error, safe=safe) or attempt >= self.attempts:
                    raise
                self.stats.retries += 1
                logger.warning(
                    "notion call retried what=%s attempt=%d error=%s",
                    what,
                    attempt,
                    error.code,
                )
                self._sleep(self._delay(attempt, error))

    def _wait_for_workspace(self, what: str, error: NotionError) -> None:
        wait = float(error.retry_after or MAX_RETRY_AFTER)
        if wait > self.wait_left:
            until = self._clock() + timedelta(seconds=wait)
            raise RateLimitedUntil(
                f"{what}: Notion limits this workspace's requests until {until:%Y-%m-%d %H:%M:%S}"
                f" UTC (Retry-After {wait:g} s, more than this run may wait): the rest is left "
                "for the next run",
                until=until,
                status=429,
                code="rate_limited",
                request_id=error.request_id,
            ) from error
        self.wait_left -= wait
        self.stats.retries += 1
        logger.warning("notion workspace rate limit what=%s wait=%gs", what, wait)
        self._sleep(wait)

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

    def close(self) -> None:
        self.client.close()
