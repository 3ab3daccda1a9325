"""In-process transports: the real ``notion_client`` talks to the emulator without a socket.

httpx ships only an async ASGI transport; :class:`SyncASGITransport` runs it on an event loop
in a background thread so the synchronous ``notion_client.Client`` can use it too. Both
transports turn a response the emulator cut short (the ``drop``, ``lost`` and ``timeout``
faults) into ``httpx.RemoteProtocolError``, as a real connection would.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import MutableMapping
from typing import Any

import httpx


class _Dropped(Exception):
    """The app returned without finishing its response."""


def _watching(app: Any) -> Any:
    async def watched(scope: Any, receive: Any, send: Any) -> None:
        complete = False

        async def watch(message: MutableMapping[str, Any]) -> None:
            nonlocal complete
            if message["type"] == "http.response.body" and not message.get("more_body"):
                complete = True
            await send(message)

        await app(scope, receive, watch)
        if scope["type"] == "http" and not complete:
            raise _Dropped

    return watched


class AsyncASGITransport(httpx.AsyncBaseTransport):
    def __init__(self, app: Any) -> None:
        self._inner = httpx.ASGITransport(app=_watching(app))

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await self._inner.handle_async_request(request)
        except _Dropped:
            raise httpx.RemoteProtocolError(
                "peer closed connection without sending complete message body", request=request
            ) from None


class SyncASGITransport(httpx.BaseTransport):
    def __init__(self, app: Any) -> None:
        self._inner = AsyncASGITransport(app)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, daemon=True, name="asgi-transport"
        )
        self._thread.start()

    async def _send(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        content = await response.aread()
        await response.aclose()
        return httpx.Response(
            response.status_code, headers=response.headers, content=content, request=request
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        forwarded = httpx.Request(
            request.method,
            request.url,
            headers=request.headers,
            content=body,
            extensions=request.extensions,
        )
        future = asyncio.run_coroutine_threadsafe(self._send(forwarded), self._loop)
        try:
            response = future.result()
        except httpx.RemoteProtocolError as error:
            raise httpx.RemoteProtocolError(str(error), request=request) from None
        response.request = request
        return response

    def close(self) -> None:
        if self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
        self._loop.close()


def sync_http_client(app: Any) -> httpx.Client:
    """An ``httpx.Client`` whose requests are served by ``app`` in process."""
    return httpx.Client(transport=SyncASGITransport(app))


def async_http_client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=AsyncASGITransport(app))
