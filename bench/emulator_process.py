"""The Notion emulator as its own process for a bench: ``python -m notion_emulator`` on a free
loopback port, waited for until it answers, stopped afterwards."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx

from bidboard.cli.localserver import free_port


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
