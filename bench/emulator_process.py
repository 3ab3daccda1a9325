"""The Notion emulator for a bench: a board made in process in an emulator database file (fast,
unpaced), then the emulator as its own process (``python -m notion_emulator`` on a free loopback
port, waited for until it answers, stopped afterwards) for the figures measured over HTTP."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from bidboard.cli.localserver import free_port
from bidboard.notion import bootstrap
from bidboard.notion.client import Notion, build_notion_client
from bidboard.notion.workspace import Workspace, save_workspace
from bidboard.settings import Settings
from notion_emulator import EmulatorConfig, create_app
from notion_emulator.transport import SyncASGITransport


@contextlib.contextmanager
def new_board(data_dir: Path) -> Iterator[tuple[Notion, Workspace, Settings]]:
    """bidboard's databases made on an emulator whose data is ``data_dir/emulator.sqlite3``
    (and ``notion.json`` saved beside it), reached in process and unpaced, for seeding."""
    app = create_app(EmulatorConfig(db=str(data_dir / "emulator.sqlite3"), rate_limit=0))
    settings = Settings(
        notion_token=SecretStr("bench"),
        notion_base_url="http://notion.test",
        notion_rate_limit=1e9,
        data_dir=data_dir,
    )
    notion = Notion(build_notion_client(settings, transport=SyncASGITransport(app)))
    try:
        root = notion.call("root", notion.client.search, safe=True, query="bidboard")
        workspace = bootstrap.init(notion, root["results"][0]["id"], "PLACEHOLDER").workspace
        save_workspace(data_dir, workspace)
        yield notion, workspace, settings
    finally:
        notion.close()
        app.store.close()


@contextlib.contextmanager
def emulator_process(*flags: str) -> Iterator[str]:
    """The emulator started with ``flags`` (``--db``, ``--rate-limit`` …); yields its URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "notion_emulator", "--port", str(port), *flags],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            with contextlib.suppress(httpx.TransportError):
                httpx.get(f"{url}/__emulator/stats", timeout=1)
                break
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def stats(url: str) -> dict[str, Any]:
    """The emulator's request counts (``total``, ``statuses`` …)."""
    return dict(httpx.get(f"{url}/__emulator/stats", timeout=5).json())
