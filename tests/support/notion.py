"""The Notion side of the tests: the real notion-client on the emulator, every exchange recorded
and checked against the OpenAPI description, and bidboard's databases made on it (a board)."""

from __future__ import annotations

import json
from typing import Any

import httpx
from notion_client import Client

from notion_emulator import Emulator
from notion_emulator.transport import SyncASGITransport
from tests.support.contract import SPEC_PATH, Contract, Exchange

TOKEN = "secret_test_token"
VERSION = "2026-03-11"
#: every exchange checked against the description when ``../shared`` has it
CONTRACT = Contract() if SPEC_PATH.exists() else None


def _exchange(request: httpx.Request, response: httpx.Response) -> Exchange | None:
    if not request.url.path.startswith("/v1/"):
        return None
    body = json.loads(request.content) if request.content else None
    try:
        answer = response.json()
    except ValueError:
        answer = None
    return Exchange(request.method, request.url.path, body, response.status_code, answer)


class Recorder:
    """Keeps every exchange so that a test can look at it, and checks it against the contract."""

    def __init__(self) -> None:
        self.exchanges: list[Exchange] = []

    def record(self, request: httpx.Request, response: httpx.Response) -> None:
        exchange = _exchange(request, response)
        if exchange is None:
            return
        self.exchanges.append(exchange)
        # The description is of 2026-03-11; 2025-09-03 traffic is compared with the cassettes.
        pinned = request.headers.get("notion-version") == VERSION
        if CONTRACT is not None and pinned and exchange.response_body is not None:
            CONTRACT.check(exchange)


class RecordingTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport, recorder: Recorder) -> None:
        self.inner, self.recorder = inner, recorder

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        response.read()
        self.recorder.record(request, response)
        return response

    def close(self) -> None:
        self.inner.close()


class AsyncRecordingTransport(httpx.AsyncBaseTransport):
    def __init__(self, inner: httpx.AsyncBaseTransport, recorder: Recorder) -> None:
        self.inner, self.recorder = inner, recorder

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.recorder.record(request, response)
        return response


def make_client(
    app: Any,
    recorder: Recorder,
    *,
    version: str = VERSION,
    retry: bool = False,
    auth: str | None = TOKEN,
) -> Client:
    transport = RecordingTransport(SyncASGITransport(app), recorder)
    return Client(
        auth=auth,
        base_url="http://notion.test",
        notion_version=version,
        client=httpx.Client(transport=transport),
        retry=None if retry else False,
    )  # type: ignore[arg-type]


class Board:
    """bidboard's databases on an emulator, reached through the real adapter stack."""

    def __init__(self, app: Emulator, notion: Any, workspace: Any, settings: Any) -> None:
        self.app, self.notion, self.workspace, self.settings = app, notion, workspace, settings

    def requests(self) -> dict[str, int]:
        return dict(self.app.stats["requests"])

    def total(self) -> int:
        return int(self.app.stats["total"])

    def reset(self) -> None:
        self.app.gate.stats.reset()

    def person_edits(self, page_id: str, properties: dict[str, Any]) -> None:
        """What a person does on the board (moves a card, types a value in): a PATCH of the
        page through the same public API."""
        self.notion.call(
            "a person edits the card",
            self.notion.client.pages.update,
            page_id,
            safe=True,
            properties=properties,
        )


def make_board(
    app: Emulator,
    tmp_path: Any,
    *,
    rate: float = 10_000,
    pacer: Any = None,
    attempts: int = 6,
    check_contract: bool = True,
    recorder: Recorder | None = None,
) -> Board:
    """``check_contract`` validates every exchange against the description (~15 ms each)."""
    from pydantic import SecretStr

    from bidboard.notion import bootstrap
    from bidboard.notion.client import Notion, build_notion_client
    from bidboard.settings import Settings

    settings = Settings(
        notion_token=SecretStr(TOKEN),
        notion_base_url="http://notion.test",
        notion_rate_limit=rate,
        data_dir=tmp_path / "data",
    )
    transport: httpx.BaseTransport = SyncASGITransport(app)
    if check_contract:
        transport = RecordingTransport(transport, recorder or Recorder())
    client = build_notion_client(settings, transport=transport, pacer=pacer)
    notion = Notion(client, attempts=attempts, base_delay=0.01, max_delay=0.05)
    root: Any = notion.call("root", client.search, safe=True, query="bidboard")
    report = bootstrap.init(notion, root["results"][0]["id"], settings.notion_base_url)
    return Board(app, notion, report.workspace, settings)
