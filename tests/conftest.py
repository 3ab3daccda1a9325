"""Shared fixtures: a clean environment, the Notion emulator in process and on loopback, and
the real notion-client talking to it, with every exchange checked against the OpenAPI
description when ``shared/notion/openapi.json`` is present; and bidboard's local state."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from notion_client import AsyncClient, Client

from bidboard.cli.localserver import BackgroundServer
from bidboard.state import StateStore
from notion_emulator import Emulator, EmulatorConfig, create_app
from notion_emulator.transport import AsyncASGITransport
from tests.support.contract import SPEC_PATH, Contract
from tests.support.notion import (
    CONTRACT,
    TOKEN,
    VERSION,
    AsyncRecordingTransport,
    Board,
    Recorder,
    make_board,
    make_client,
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """Tests never read the developer's BIDBOARD_* variables, OPENAI_API_KEY or .env."""
    for name in list(os.environ):
        if name.startswith("BIDBOARD_") or name == "OPENAI_API_KEY":
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def store(tmp_path: Any) -> Iterator[StateStore]:
    """bidboard's local state in a file of the test's own."""
    made = StateStore(tmp_path / "state.sqlite3")
    yield made
    made.close()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    app = create_app(rate_limit=0)
    yield app
    app.store.close()


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


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


def pytest_report_header() -> str | None:
    """Said at the top of every run: without ``../shared`` the exchanges are not checked."""
    if CONTRACT is None:
        return f"Notion exchanges NOT checked against the description: {SPEC_PATH} is absent"
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    """On CI (``CI=true``) ``../shared`` must be beside the checkout: without it the contract
    checks, the negative corpus and the real samples would quietly not run."""
    if os.environ.get("CI") == "true" and CONTRACT is None:
        raise pytest.UsageError(
            f"CI=true and {SPEC_PATH} is absent: CI must have ../shared beside the checkout"
        )


@pytest.fixture(scope="session")
def contract() -> Contract:
    if CONTRACT is None:
        pytest.skip(f"{SPEC_PATH} is absent (the Notion description, in ../shared)")
    return CONTRACT


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def board(emulator: Emulator, tmp_path: Any) -> Iterator[Board]:
    made = make_board(emulator, tmp_path)
    yield made
    made.notion.close()


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Any]:
    """A real IMAP server on loopback, once per test run. Skipped (with the reason) where it
    cannot run; in CI its absence is a failure, since `make test` installs it."""
    from tests.support.imap_server import Dovecot, why_unavailable

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


@pytest.fixture
def emulator_server() -> Iterator[tuple[Emulator, BackgroundServer]]:
    """An emulator on loopback with no rate limit, for runs that cross processes."""
    app = create_app(EmulatorConfig(rate_limit=0))
    with BackgroundServer(app) as server:
        yield app, server
    app.store.close()
