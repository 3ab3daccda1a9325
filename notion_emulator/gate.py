"""What stands in front of every ``/v1`` request: counting, auth, version, rate limit, faults.

It is plain ASGI so that fault injection can do what a real network does: answer 500/503/529,
hang past the client's timeout, or drop the connection in the middle of a response.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import re
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from .render import SUPPORTED_VERSIONS

FAULT_KINDS = (
    "403",
    "409",
    "413",
    "429",
    "429space",
    "500",
    "502",
    "503",
    "504",
    "529",
    "timeout",
    "drop",
    "lost",
)
# developers.notion.com/reference/request-limits: a 429 says which limit in
# additional_data.rate_limit_reason; the connection's Retry-After is at most 60 s (its window),
# the workspace's (shared by all its connections) can be longer than a minute.
CONNECTION_LIMIT = "public_api_request_rate_limit"
SPACE_LIMIT = "public_api_space_request_rate_limit"
RATE_LIMITED = "You have been rate limited. Please try again in a few minutes."
_FAULT_CODES = {
    "403": ("restricted_resource", "Insufficient permissions for this endpoint."),
    "409": ("conflict_error", "Conflict occurred while saving. Please try again."),
    "429": ("rate_limited", RATE_LIMITED),
    "429space": ("rate_limited", RATE_LIMITED),
    "500": ("internal_server_error", "Unexpected error occurred."),
    "502": ("internal_server_error", "Bad gateway."),
    "503": ("service_unavailable", "Notion is unavailable, please try again later."),
    "504": ("gateway_timeout", "Notion timed out processing the request."),
    "529": ("service_overload", "Notion is overloaded, please try again later."),
}
_ID_SEGMENT = re.compile(
    r"/[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}"
)


def parse_faults(spec: str | dict[str, float] | None) -> dict[str, float]:
    """Parse ``"429:0.1,500:0.02,timeout:0.01"`` into ``{"429": 0.1, ...}``."""
    if not spec:
        return {}
    if isinstance(spec, dict):
        items: list[tuple[str, float]] = [(str(k), float(v)) for k, v in spec.items()]
    else:
        items = []
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            name, sep, chance = part.partition(":")
            if not sep:
                raise ValueError(f"fault {part!r}: expected KIND:PROBABILITY, e.g. 500:0.02")
            try:
                items.append((name.strip(), float(chance)))
            except ValueError:
                raise ValueError(f"fault {part!r}: probability must be a number") from None
    faults: dict[str, float] = {}
    for kind, probability in items:
        if kind not in FAULT_KINDS:
            raise ValueError(f"fault kind {kind!r} unknown; known: {', '.join(FAULT_KINDS)}")
        if not 0 <= probability <= 1:
            raise ValueError(f"fault {kind}: probability {probability} is not within 0..1")
        faults[kind] = probability
    if sum(faults.values()) > 1:
        raise ValueError("fault probabilities add up to more than 1")
    return faults


@dataclass
class GateConfig:
    rate_limit: float = 3.0
    burst: int = 3
    faults: dict[str, float] = field(default_factory=dict)
    token: str | None = None
    hang_seconds: float = 70.0
    max_body_bytes: int = 500 * 1024
    #: Bodies past this never reach the API: the edge answers 413 (an HTML page, not JSON).
    edge_body_bytes: int = 1024 * 1024
    #: Retry-After of a workspace-level 429 (the ``429space`` fault), in seconds.
    space_retry_after: int = 120
    seed: int | None = None
    monotonic: Callable[[], float] = time.monotonic
    fault_next: list[str] = field(default_factory=list)  # scripted faults, "" for none


class TokenBucket:
    """Average ``rate`` requests a second with bursts of ``burst``, per integration token."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate
        self.burst = max(1, burst)
        self.clock = clock
        self._tokens: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one token; return 0 when allowed, else the seconds until one is free."""
        if self.rate <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, last = self._tokens.get(key, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - last) * self.rate)
            if tokens >= 1:
                self._tokens[key] = (tokens - 1, now)
                return 0.0
            self._tokens[key] = (tokens, now)
            return (1 - tokens) / self.rate


@dataclass
class Stats:
    """What the emulator saw, for tests and benchmarks that count requests."""

    requests: Counter[str] = field(default_factory=Counter)
    statuses: Counter[int] = field(default_factory=Counter)
    faults: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": sum(self.requests.values()),
            "requests": dict(self.requests),
            "statuses": {str(k): v for k, v in self.statuses.items()},
            "faults": dict(self.faults),
        }

    def reset(self) -> None:
        self.requests.clear()
        self.statuses.clear()
        self.faults.clear()


def error_body(
    status: int, code: str, message: str, additional_data: dict[str, str] | None = None
) -> bytes:
    body: dict[str, Any] = {"object": "error", "status": status, "code": code, "message": message}
    if additional_data is not None:
        body["additional_data"] = additional_data
    body["request_id"] = str(uuid.uuid4())
    return json.dumps(body).encode()


EDGE_413 = (
    b"<html><head><title>413 Request Entity Too Large</title></head><body><center><h1>413 "
    b"Request Entity Too Large</h1></center></body></html>"
)


async def send_json(
    send: Send, status: int, body: bytes, headers: dict[str, str] | None = None
) -> None:
    raw_headers = [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


async def send_edge_413(send: Send) -> None:
    start = {
        "type": "http.response.start",
        "status": 413,
        "headers": [
            (b"content-type", b"text/html"),
            (b"content-length", str(len(EDGE_413)).encode()),
        ],
    }
    await send(start)
    await send({"type": "http.response.body", "body": EDGE_413})


async def _swallow(message: MutableMapping[str, Any]) -> None:
    return None


class Gate:
    def __init__(self, app: ASGIApp, config: GateConfig) -> None:
        self.app = app
        self.config = config
        self.stats = Stats()
        self.bucket = TokenBucket(config.rate_limit, config.burst, config.monotonic)
        self.random = random.Random(config.seed)

    def reconfigure(self, **changes: Any) -> None:
        for key, value in changes.items():
            if key == "faults":
                value = parse_faults(value)
            if key == "fault_next":
                unknown = [k for k in value if k and k not in FAULT_KINDS]
                if unknown:
                    raise ValueError(f"fault kinds {unknown} unknown; known: {FAULT_KINDS}")
                value = list(value)
            setattr(self.config, key, value)
        self.bucket = TokenBucket(self.config.rate_limit, self.config.burst, self.config.monotonic)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1/"):
            await self.app(scope, receive, send)
            return
        route = f"{scope['method']} {_ID_SEGMENT.sub('/{id}', scope['path'])}"
        self.stats.requests[route] += 1
        status_holder: dict[str, int] = {}

        async def counting_send(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                self.stats.statuses[message["status"]] += 1
            await send(message)

        refusal = self._refuse(scope)
        if refusal is not None:
            status, code, message, headers = refusal
            if status == 413:
                await send_edge_413(counting_send)
                return
            extra = {"rate_limit_reason": CONNECTION_LIMIT} if status == 429 else None
            body = error_body(status, code, message, extra)
            await send_json(counting_send, status, body, headers)
            return
        fault = self._draw_fault()
        if fault is not None:
            self.stats.faults[fault] += 1
            if fault == "lost":  # processed and committed, but the answer never arrives
                await self.app(scope, receive, _swallow)
                fault = "drop"
            await self._inject(fault, counting_send)
            return
        await self.app(scope, receive, counting_send)

    def _refuse(self, scope: Scope) -> tuple[int, str, str, dict[str, str]] | None:
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in scope["headers"]}
        auth = headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        if not token or (self.config.token is not None and token != self.config.token):
            return 401, "unauthorized", "API token is invalid.", {}
        version = headers.get("notion-version")
        if not version:
            return (
                400,
                "missing_version",
                "Notion-Version header failed validation: Notion-Version header should be "
                "defined, instead was `undefined`.",
                {},
            )
        if version not in SUPPORTED_VERSIONS:
            return (
                400,
                "validation_error",
                f"Notion-Version header failed validation: `{version}` is not supported by "
                f"this emulator; use one of {', '.join(SUPPORTED_VERSIONS)}.",
                {},
            )
        length = headers.get("content-length")
        if length and length.isdigit() and int(length) > self.config.edge_body_bytes:
            return 413, "", "", {}
        # The request-limits table: 500 KB a request, answered as a validation_error.
        if length and length.isdigit() and int(length) > self.config.max_body_bytes:
            return (
                400,
                "validation_error",
                f"Request body too large: {length} bytes; the limit is "
                f"{self.config.max_body_bytes} bytes.",
                {},
            )
        wait = self.bucket.take(token)
        if wait > 0:
            return (
                429,
                "rate_limited",
                "You have been rate limited. Please try again in a few minutes.",
                {"Retry-After": str(max(1, math.ceil(wait)))},
            )
        return None

    def _draw_fault(self) -> str | None:
        if self.config.fault_next:
            return self.config.fault_next.pop(0) or None
        if not self.config.faults:
            return None
        draw = self.random.random()
        for kind, probability in self.config.faults.items():
            if draw < probability:
                return kind
            draw -= probability
        return None

    async def _inject(self, fault: str, send: Send) -> None:
        if fault in ("timeout", "drop"):
            if fault == "timeout":
                await asyncio.sleep(self.config.hang_seconds)
            # Promise a body, send none, return: the server closes the connection mid-response.
            await send(
                {
                    "type": "http.response.start",
                    "status": 200,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", b"1024"),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": b'{"object":', "more_body": True})
            return
        if fault == "413":
            await send_edge_413(send)
            return
        code, message = _FAULT_CODES[fault]
        status = int(fault[:3])
        headers = {"Retry-After": "1"} if status in (429, 529) else {}
        extra = None
        if fault == "429":
            extra = {"rate_limit_reason": CONNECTION_LIMIT}
        elif fault == "429space":
            extra = {"rate_limit_reason": SPACE_LIMIT}
            headers = {"Retry-After": str(self.config.space_retry_after)}
        await send_json(send, status, error_body(status, code, message, extra), headers)
