"""The JSON webhook receiver: other tools push alerts; bidboard keeps them until they have cards.

``POST /alerts`` with a JSON alert (or a list, or ``{"alerts": [...]}``, see
``job-alert.schema.json``), authenticated by ``Authorization: Bearer <secret>`` or by
``X-Bidboard-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>``.

A Vollna webhook body (``{"total", "filter", "filters", "results_url", "projects": [...]}``) is
taken as it comes: each project is one alert.

Answers: 202 with each accepted alert and its parsed fields (each is already committed to the
spool, so a 202 is never lost); for a Vollna body 202 or 200 whenever it was understood, with the
projects that could not be used listed as rejected (Vollna disables a webhook after 10 failed
deliveries); 200 for what is not an alert (a status message: skipped, with the reason); 400 for a
body that is not JSON or has one key twice; 401 without valid authentication; 403 for a payload
of a browser extension that scrapes Upwork (refused: it puts the user's account at risk); 408
when the body is too slow; 413 past the size limit; 422 when no alert in the body is usable
(or it holds none), with the reason for each. The same alert posted twice is kept once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
from datetime import UTC, datetime
from typing import Any

import uvicorn
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from uvicorn.protocols.http.h11_impl import H11Protocol

from bidboard.alerts.json_alerts import DuplicateKeys, loads, read_json, refusal
from bidboard.alerts.vollna import is_vollna_envelope
from bidboard.state import StateStore

logger = logging.getLogger(__name__)
DEFAULT_MAX_BYTES = 1024 * 1024
DEFAULT_HEADER_TIMEOUT = 10.0  # seconds for a request's headers to arrive
DEFAULT_BODY_TIMEOUT = 30.0  # seconds for its body


def _authorised(request: Request, body: bytes, secret: bytes) -> bool:
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        return hmac.compare_digest(auth[7:].strip().encode(), secret)
    signature = request.headers.get("x-bidboard-signature", "")
    if signature.startswith("sha256="):
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(signature[7:].strip().lower(), expected)
    return False


async def _read_limited(request: Request, limit: int) -> bytes | None:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class _BodyTooSlow(Exception):
    pass


async def _read_within(request: Request, limit: int, seconds: float) -> bytes | None:
    try:
        async with asyncio.timeout(seconds):
            return await _read_limited(request, limit)
    except TimeoutError:
        raise _BodyTooSlow from None


def _canonical(item: Any) -> bytes:
    return json.dumps(item, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def create_webhook_app(
    store: StateStore,
    secret: SecretStr,
    max_bytes: int = DEFAULT_MAX_BYTES,
    body_timeout: float = DEFAULT_BODY_TIMEOUT,
) -> Starlette:
    key = secret.get_secret_value().encode()
    if len(key) < 16:
        raise ValueError("the webhook secret must be at least 16 characters")

    def keep(item: Any, index: int, answer: dict[str, Any]) -> None:
        """Read one alert (a bidboard JSON alert, or a Vollna body of one project); spool
        what is usable, quarantine what is not, skip what is not an alert."""
        canonical = _canonical(item)
        item_id = hashlib.sha256(canonical).hexdigest()[:32]
        ref = f"webhook:{item_id}"
        outcome = read_json(item, ref, datetime.now(UTC))
        for skipped in outcome.skipped:
            answer["skipped"].append(
                {"index": index, "code": skipped.code, "reason": skipped.reason}
            )
        if outcome.quarantined or not outcome.alerts:
            for bad in outcome.quarantined:
                answer["rejected"].append({"index": index, "code": bad.code, "reason": bad.reason})
                store.quarantine(
                    "webhook", ref, bad.reason, canonical[:300].decode(errors="replace")
                )
            return
        if not store.spool_put(item_id, canonical):
            answer["duplicates"] += 1
        for alert in outcome.alerts:
            answer["accepted"].append(
                {
                    "index": index,
                    "job_key": alert.job_key,
                    "source_ref": ref,
                    "alert": alert.model_dump(mode="json", exclude={"received_at", "source_ref"}),
                }
            )

    async def receive(request: Request) -> Response:
        try:
            body = await _read_within(request, max_bytes, body_timeout)
        except _BodyTooSlow:
            return _error(408, "timeout", f"the body did not arrive within {body_timeout:g} s")
        if body is None:
            return _error(413, "too_large", f"body larger than {max_bytes} bytes")
        if not _authorised(request, body, key):
            return _error(
                401,
                "unauthorised",
                "missing or invalid authentication: send 'Authorization: Bearer <secret>' or "
                "'X-Bidboard-Signature: sha256=<hmac>'",
            )
        try:
            data = loads(body)
        except DuplicateKeys as error:
            return _error(400, "duplicate_keys", f"invalid JSON: {error}")
        except (ValueError, UnicodeDecodeError) as error:
            return _error(400, "unreadable", f"invalid JSON: {error}")
        except RecursionError:
            return _error(400, "unreadable", "invalid JSON: nested too deeply")
        reason = refusal(data)
        if reason:
            logger.warning("webhook refused a scraper payload")
            return _error(403, "refused_source", reason)
        answer: dict[str, Any] = {"accepted": [], "rejected": [], "skipped": [], "duplicates": 0}
        if is_vollna_envelope(data):
            # each project on its own: one that cannot be used does not hold back the others,
            # and Vollna (which disables a webhook after 10 failed deliveries) gets a 2xx
            envelope = {k: v for k, v in data.items() if k != "projects"}
            for index, project in enumerate(data["projects"]):
                keep({**envelope, "projects": [project]}, index, answer)
            if not data["projects"]:
                answer["skipped"].append(
                    {"index": None, "code": "not_an_alert", "reason": "no projects in the body"}
                )
            status = 202 if answer["accepted"] else 200
        else:
            items: list[Any] = (
                data["alerts"]
                if isinstance(data, dict) and isinstance(data.get("alerts"), list)
                else data
                if isinstance(data, list)
                else [data]
            )
            if not items:
                return _error(422, "empty", "no alerts in the body: nothing was accepted")
            for index, item in enumerate(items):
                keep(item, index, answer)
            status = (
                202
                if answer["accepted"]
                else 422
                if answer["rejected"]
                else 200  # only things that are not alerts (status messages): understood
            )
        logger.info(
            "webhook alerts accepted=%d rejected=%d skipped=%d duplicates=%d",
            len(answer["accepted"]),
            len(answer["rejected"]),
            len(answer["skipped"]),
            answer["duplicates"],
        )
        return JSONResponse(answer, status)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/alerts", receive, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )


def _error(status: int, code: str, reason: str) -> JSONResponse:
    return JSONResponse({"error": reason, "code": code}, status)


def header_timeout_protocol(seconds: float) -> type[H11Protocol]:
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request headers have not all
    arrived ``seconds`` after it opened or after its previous response (uvicorn itself waits
    for slow headers forever: one slow client per connection slot)."""

    class HeaderTimeoutProtocol(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def _arm(self) -> None:
            self._disarm()
            self._header_timer = self.loop.call_later(seconds, self._headers_too_slow)

        def _disarm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_too_slow(self) -> None:
            self._header_timer = None
            if not self.transport.is_closing():
                logger.warning("webhook closed a connection: headers too slow")
                self.transport.close()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def handle_events(self) -> None:
            super().handle_events()
            if self.cycle is not None and not self.cycle.response_complete:
                self._disarm()  # the headers are in: the body has its own timeout

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

    return HeaderTimeoutProtocol


def webhook_server_config(
    app: Starlette, host: str, port: int, header_timeout: float = DEFAULT_HEADER_TIMEOUT
) -> uvicorn.Config:
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="warning",
        lifespan="off",
        http=header_timeout_protocol(header_timeout),
        timeout_keep_alive=5,
    )
