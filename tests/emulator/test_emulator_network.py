"""The emulator on a real socket: rate limiting with the SDK's own retries, fault injection
(5xx, dropped connections, timeouts) and persistence across a restart with ``--db``."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from notion_client import APIErrorCode, APIResponseError, Client, RequestTimeoutError
from notion_client.client import RetryOptions

from bidboard.cli.localserver import BackgroundServer, free_port
from bidboard.cli.processes import stop_child
from notion_emulator import Emulator
from tests.support.builders import text

pytestmark = pytest.mark.server
Live = tuple[BackgroundServer, Emulator]


_open: list[Client] = []


def client_for(
    url: str, *, retry: bool | RetryOptions = False, timeout_ms: int = 10_000, auth: str = "secret"
) -> Client:
    client = Client(
        auth=auth, base_url=url, notion_version="2026-03-11", retry=retry, timeout_ms=timeout_ms
    )
    _open.append(client)
    return client


@pytest.fixture(autouse=True)
def _close_clients() -> Any:
    yield
    while _open:
        _open.pop().close()


def configure(url: str, **settings: Any) -> None:
    httpx.patch(f"{url}/__emulator/config", json=settings).raise_for_status()


def test_rate_limit_answers_429_with_retry_after_once_past_the_rate(live_server: Live) -> None:
    server, _ = live_server
    configure(server.url, rate_limit=3, burst=3)
    client = client_for(server.url)
    for _ in range(3):
        client.users.me()
    refused: list[APIResponseError] = []
    for _ in range(3):
        try:
            client.users.me()
        except APIResponseError as error:
            refused.append(error)
    assert refused, "three requests past a burst of three at 3 rps should meet a 429"
    assert refused[0].status == 429 and refused[0].code == APIErrorCode.RateLimited
    assert refused[0].headers["retry-after"] == "1"
    time.sleep(1.05)
    assert client.users.me()["type"] == "bot"  # type: ignore[index]


def test_sdk_retry_honours_retry_after(live_server: Live) -> None:
    server, app = live_server
    configure(server.url, rate_limit=4, burst=2)
    client = client_for(server.url, retry=RetryOptions(max_retries=5))
    started = time.monotonic()
    for _ in range(6):
        client.users.me()
    elapsed = time.monotonic() - started
    assert app.stats["statuses"].get("429", 0) >= 1
    assert app.stats["statuses"]["200"] == 6
    assert elapsed >= 1.0  # every 429 was followed by a wait of Retry-After seconds


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [("500", 500, "internal_server_error"), ("503", 503, "service_unavailable")],
)
def test_sdk_sees_injected_server_errors(
    live_server: Live, fault: str, status: int, code: str
) -> None:
    server, app = live_server
    configure(server.url, faults=f"{fault}:1.0")
    with pytest.raises(APIResponseError) as caught:
        client_for(server.url).users.me()
    assert caught.value.status == status and caught.value.code == code
    assert app.stats["faults"] == {fault: 1}


def test_529_is_not_a_code_the_sdk_knows(live_server: Live) -> None:
    server, _ = live_server
    configure(server.url, faults="529:1.0")
    response = httpx.get(
        f"{server.url}/v1/users/me",
        headers={  # a fresh connection
            "Authorization": "Bearer x",
            "Notion-Version": "2026-03-11",
        },
    )
    assert response.status_code == 529 and response.json()["code"] == "service_overload"
    from notion_client.errors import UnknownHTTPResponseError

    with pytest.raises(UnknownHTTPResponseError):  # the SDK does not retry it: bidboard must
        client_for(server.url).users.me()


def test_sdk_retries_5xx_on_get_until_it_succeeds(live_server: Live) -> None:
    server, app = live_server
    configure(server.url, faults="500:0.5")
    app.gate.random.seed(7)
    client = client_for(
        server.url,
        retry=RetryOptions(max_retries=8, initial_retry_delay_ms=10, max_retry_delay_ms=20),
    )
    for _ in range(10):
        assert client.users.me()["type"] == "bot"  # type: ignore[index]
    assert app.stats["faults"]["500"] >= 1


def test_dropped_connection(live_server: Live) -> None:
    server, _ = live_server
    configure(server.url, faults="drop:1.0")
    with pytest.raises(httpx.RemoteProtocolError):
        client_for(server.url).users.me()


def test_timeout(live_server: Live) -> None:
    server, _ = live_server
    configure(server.url, faults="timeout:1.0", hang_seconds=3)
    with pytest.raises(RequestTimeoutError):
        client_for(server.url, timeout_ms=300).users.me()


def test_faults_never_touch_the_board_page(live_server: Live) -> None:
    server, _ = live_server
    configure(server.url, faults="500:1.0")
    assert httpx.get(f"{server.url}/").status_code == 200


def _start(db: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "notion_emulator",
            "--port",
            str(port),
            "--db",
            str(db),
            "--rate-limit",
            "0",
            *extra,
        ],
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    process.kill()
    process.wait()
    raise AssertionError(
        f"emulator did not start: {process.stdout.read() if process.stdout else ''!r}"
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    stop_child(process, signal.SIGINT, grace=10)
    if process.stdout is not None:
        process.stdout.close()


def test_python_m_notion_emulator_persists_across_a_restart(tmp_path: Path) -> None:
    db, port = tmp_path / "notion.sqlite3", free_port()
    url = f"http://127.0.0.1:{port}"
    process = _start(db, port)
    try:
        client = client_for(url)
        root: Any = client.search(query="bidboard")
        database: Any = client.databases.create(
            parent={"type": "page_id", "page_id": root["results"][0]["id"]},
            title=text("Kept"),
            initial_data_source={"properties": {"Name": {"title": {}}}},
        )
        source = database["data_sources"][0]["id"]
        for i in range(3):
            client.pages.create(
                parent={"type": "data_source_id", "data_source_id": source},
                properties={"Name": {"title": text(f"job {i}")}},
            )
    finally:
        _stop(process)
    process = _start(db, port)
    try:
        client = client_for(url)
        result: Any = client.data_sources.query(source)
        assert [p["properties"]["Name"]["title"][0]["plain_text"] for p in result["results"]] == [
            "job 0",
            "job 1",
            "job 2",
        ]
        roots: Any = client.search(query="bidboard", filter={"property": "object", "value": "page"})
        assert len(roots["results"]) == 1  # the root page is not seeded twice
    finally:
        _stop(process)


def test_token_flag_restricts_access(tmp_path: Path) -> None:
    port = free_port()
    process = _start(tmp_path / "t.sqlite3", port, "--token", "only-this")
    try:
        with pytest.raises(APIResponseError) as caught:
            client_for(f"http://127.0.0.1:{port}").users.me()
        assert caught.value.code == APIErrorCode.Unauthorized
        good = client_for(f"http://127.0.0.1:{port}", auth="only-this")
        assert good.users.me()["type"] == "bot"  # type: ignore[index]
    finally:
        _stop(process)


def test_walkthrough_250_pages_then_429_without_retries(tmp_path: Path) -> None:
    """The issue's walkthrough, against `python -m notion_emulator` at 100 rps to stay quick."""
    port = free_port()
    process = _start(tmp_path / "w.sqlite3", port, "--rate-limit", "100", "--burst", "100")
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "notion_emulator.walkthrough",
                "--url",
                f"http://127.0.0.1:{port}",
                "--pages",
                "250",
                "--rate",
                "90",
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        _stop(process)
    assert done.returncode == 0, done.stderr
    # Paced under the limit, the only 429 is the final burst's. (Each notion_client.Client
    # built without a logger adds a handler to the shared logger, so lines repeat: count ids.)
    refused = set(re.findall(r"RateLimited.*request_id=([0-9a-f-]+)", done.stderr))
    assert len(refused) == 1
    lines = done.stdout.splitlines()
    assert [line for line in lines if line.startswith("batch")] == [
        "batch 1: 100 pages, has_more=True",
        "batch 2: 100 pages, has_more=True",
        "batch 3: 50 pages, has_more=False",
    ]
    assert "429 rate_limited Retry-After=1" in lines[-1]


@pytest.mark.anyio
async def test_async_client_over_a_real_socket(live_server: Live) -> None:
    from notion_client import AsyncClient

    server, app = live_server
    client = AsyncClient(auth="secret", base_url=server.url, notion_version="2026-03-11")
    try:
        found = await client.search(query="bidboard")
        database = await client.databases.create(
            parent={"type": "page_id", "page_id": found["results"][0]["id"]},
            title=text("Async over HTTP"),
            initial_data_source={"properties": {"Name": {"title": {}}}},
        )
        source = database["data_sources"][0]["id"]
        for i in range(3):
            await client.pages.create(
                parent={"type": "data_source_id", "data_source_id": source},
                properties={"Name": {"title": text(f"async {i}")}},
            )
        result = await client.data_sources.query(source, page_size=2)
        assert len(result["results"]) == 2 and result["has_more"] is True
    finally:
        await client.aclose()
    assert app.stats["requests"]["POST /v1/pages"] == 3


def test_paced_notion_client_meets_no_429_at_the_limit(live_server: Live) -> None:
    from pydantic import SecretStr

    from bidboard.notion.client import build_notion_client
    from bidboard.settings import Settings

    server, app = live_server
    configure(server.url, rate_limit=10, burst=3)
    settings = Settings(
        notion_token=SecretStr("t"), notion_base_url=server.url, notion_rate_limit=10
    )
    client = build_notion_client(settings)
    started = time.monotonic()
    try:
        for _ in range(30):
            client.users.me()
    finally:
        client.close()
    elapsed = time.monotonic() - started
    assert app.stats["statuses"] == {"200": 30}
    assert elapsed >= 2.8  # 30 requests spaced 0.1 s apart
