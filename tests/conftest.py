"""Shared fixtures: a clean environment, the Notion emulator in process and on loopback, and
the real notion-client talking to it, with every exchange checked against the OpenAPI
description when ``shared/notion/openapi.json`` is present."""

from __future__ import annotations

import json
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from notion_client import AsyncClient, Client

from bidboard.cli.localserver import BackgroundServer
from notion_emulator import Emulator, create_app
from notion_emulator.transport import AsyncASGITransport, SyncASGITransport
from tests.contract import SPEC_PATH, Contract, Exchange

TOKEN = "secret_test_token"
VERSION = "2026-03-11"
_contract = Contract() if SPEC_PATH.exists() else None


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Tests never read the developer's BIDBOARD_* variables, OPENAI_API_KEY or .env."""
    for name in list(os.environ):
        if name.startswith("BIDBOARD_") or name == "OPENAI_API_KEY":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


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
        if _contract is not None and pinned and exchange.response_body is not None:
            _contract.check(exchange)


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


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    app = create_app(rate_limit=0)
    yield app
    app.store.close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


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


@pytest.fixture
def notion(emulator: Emulator, recorder: Recorder) -> Iterator[Client]:
    client = make_client(emulator, recorder)
    yield client
    client.close()


@pytest.fixture
async def anotion(emulator: Emulator, recorder: Recorder) -> AsyncIterator[AsyncClient]:
    transport = AsyncRecordingTransport(AsyncASGITransport(emulator), recorder)
    client = AsyncClient(
        auth=TOKEN,
        base_url="http://notion.test",
        notion_version=VERSION,
        client=httpx.AsyncClient(transport=transport),
        retry=False,
    )
    yield client
    await client.aclose()


@pytest.fixture
def root_page(notion: Client) -> str:
    found: Any = notion.search(query="bidboard", filter={"property": "object", "value": "page"})
    return str(found["results"][0]["id"])


@pytest.fixture
def live_server() -> Iterator[tuple[BackgroundServer, Emulator]]:
    """The emulator served by uvicorn on loopback (rate limit off; tests reconfigure it)."""
    app = create_app(rate_limit=0)
    with BackgroundServer(app) as server:
        yield server, app
    app.store.close()


@pytest.fixture(scope="session")
def contract() -> Contract | None:
    return _contract


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


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


@pytest.fixture
def board(emulator: Emulator, tmp_path: Any) -> Iterator[Board]:
    made = make_board(emulator, tmp_path)
    yield made
    made.notion.close()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Any]:
    """A real IMAP server on loopback, once per test run. Skipped (with the reason) where it
    cannot run; in CI its absence is a failure, since `make test` installs it."""
    from tests.imap_server import Dovecot, why_unavailable

    reason = why_unavailable()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"IMAP tests cannot run in CI: {reason}")
        pytest.skip(reason)
    server = Dovecot()
    server.start()
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One Prefect test server for the whole run (it takes seconds to start): opt-in."""
    home = tmp_path_factory.mktemp("prefect-home")
    saved = {
        k: os.environ.get(k)
        for k in ("PREFECT_HOME", "PREFECT_SERVER_ANALYTICS_ENABLED", "DO_NOT_TRACK")
    }
    os.environ.update(
        {
            "PREFECT_HOME": str(home),
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "DO_NOT_TRACK": "1",
        }
    )
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=60):
        yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
