"""The JSON webhook receiver: other tools push alerts; bidboard keeps them until they have cards.

``POST /alerts`` with a JSON alert (or a list, or ``{"alerts": [...]}``, see
``job-alert.schema.json``), authenticated by ``Authorization: Bearer <secret>`` or by
``X-Bidboard-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>``.

Answers: 202 with what was accepted (each accepted alert is already committed to the spool, so
a 202 is never lost); 400 for a body that is not JSON; 401 without valid authentication; 413
past the size limit; 422 when no alert in the body is usable, with the reason for each. The same
alert posted twice is kept once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from typing import Any

from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .json_alerts import alerts_from_json
from .store import StateStore

logger = logging.getLogger(__name__)
DEFAULT_MAX_BYTES = 1024 * 1024


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


def create_webhook_app(
    store: StateStore, secret: SecretStr, max_bytes: int = DEFAULT_MAX_BYTES
) -> Starlette:
    key = secret.get_secret_value().encode()
    if len(key) < 16:
        raise ValueError("the webhook secret must be at least 16 characters")

    async def receive(request: Request) -> Response:
        body = await _read_limited(request, max_bytes)
        if body is None:
            return JSONResponse({"error": f"body larger than {max_bytes} bytes"}, 413)
        if not _authorised(request, body, key):
            return JSONResponse(
                {
                    "error": "missing or invalid authentication: send "
                    "'Authorization: Bearer <secret>' or "
                    "'X-Bidboard-Signature: sha256=<hmac>'"
                },
                401,
            )
        try:
            data = json.loads(body)
        except (ValueError, UnicodeDecodeError) as error:
            return JSONResponse({"error": f"invalid JSON: {error}"}, 400)
        except RecursionError:
            return JSONResponse({"error": "invalid JSON: nested too deeply"}, 400)
        items: list[Any] = (
            data["alerts"]
            if isinstance(data, dict) and isinstance(data.get("alerts"), list)
            else data
            if isinstance(data, list)
            else [data]
        )
        accepted, rejected, duplicates = [], [], 0
        for index, item in enumerate(items):
            canonical = json.dumps(item, sort_keys=True, separators=(",", ":")).encode()
            item_id = hashlib.sha256(canonical).hexdigest()[:32]
            outcome = alerts_from_json(item, f"webhook:{item_id}")
            if outcome.quarantined or not outcome.alerts:
                reason = outcome.quarantined[0].reason if outcome.quarantined else "no alert"
                rejected.append({"index": index, "reason": reason})
                store.quarantine(
                    "webhook",
                    f"webhook:{item_id}",
                    reason,
                    canonical[:300].decode(errors="replace"),
                )
                continue
            if not store.spool_put(item_id, canonical):
                duplicates += 1
            accepted.append(
                {
                    "index": index,
                    "job_key": outcome.alerts[0].job_key,
                    "source_ref": f"webhook:{item_id}",
                }
            )
        status = 202 if accepted or not rejected else 422
        logger.info(
            "webhook alerts accepted=%d rejected=%d duplicates=%d",
            len(accepted),
            len(rejected),
            duplicates,
        )
        return JSONResponse(
            {"accepted": accepted, "rejected": rejected, "duplicates": duplicates}, status
        )

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[
            Route("/alerts", receive, methods=["POST"]),
            Route("/health", health, methods=["GET"]),
        ]
    )
