"""The Prefect UI in a real browser: `bidboard serve` (its own local Prefect server and the
Notion emulator), headless Debian Chromium driven by Playwright. Open the add-job deployment,
Run → Custom run, fill the parameters, submit, wait for the run to complete, then find the new
card on the emulator's board page. Ctrl-C then stops serving, then the server."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bidboard.localserver import free_port

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
POST = """Browser-made FastAPI backend for a logistics dashboard
Hourly: $40.00 - $60.00
Skills: Python, FastAPI, PostgreSQL
Payment verified · Rating 4.9 · $79K spent
We need a FastAPI backend with PostgreSQL for our logistics dashboard."""


def chromium() -> Path:
    """Debian's Chromium, installed when missing and possible; otherwise the test skips."""
    if not CHROMIUM.exists() and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, timeout=600)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "chromium"],
            env=env,
            check=False,
            timeout=1200,
        )
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed and cannot be installed here")
    return CHROMIUM


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    log: Path
    ui: str
    board: str

    def output(self) -> str:
        return self.log.read_text(errors="replace")


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    port, emulator_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({"BIDBOARD_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"})
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        command = [sys.executable, "-m", "bidboard.cli", "serve", "--port", str(port)]
        process = subprocess.Popen(
            [*command, "--emulator-port", str(emulator_port)],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    served = Served(process, log, f"http://127.0.0.1:{port}", "")
    try:
        deadline = time.monotonic() + 240
        while "Serving every deployment" not in served.output():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"bidboard serve did not start:\n{served.output()}")
            time.sleep(0.5)
        board = re.search(r"Board: (\S+)", served.output())
        assert board is not None
        served.board = board.group(1)
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=90)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def run_state(ui: str, name: str) -> str | None:
    found = httpx.post(
        f"{ui}/api/flow_runs/filter",
        json={"flow_runs": {"name": {"any_": [name]}}},
        timeout=10,
    ).json()
    return found[0]["state_type"] if found else None


def test_a_job_pasted_in_the_prefect_ui_lands_on_the_board(served: Served) -> None:
    executable = chromium()
    from playwright.sync_api import sync_playwright

    run_name = f"browser-{uuid.uuid4().hex[:8]}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            page.goto(f"{served.ui}/deployments")
            page.get_by_role("link", name="add-job").first.click()
            page.get_by_role("button", name="Run", exact=True).click()
            page.get_by_text("Custom run", exact=True).click()
            page.wait_for_url("**/run?**")
            page.locator("input[type=text]").first.fill(run_name)  # Run Name
            fields = page.locator("textarea")  # url, text
            fields.nth(0).fill("https://www.upwork.com/jobs/~01aa00bb11cc22dd33")
            fields.nth(1).fill(POST)
            page.get_by_role("button", name="Submit").click()
            page.get_by_role("link", name=run_name, exact=True).first.click()
            page.wait_for_url("**/runs/flow-run/**")
            deadline = time.monotonic() + 180
            while run_state(served.ui, run_name) not in ("COMPLETED", "FAILED", "CRASHED"):
                assert time.monotonic() < deadline, served.output()
                time.sleep(1)
            assert run_state(served.ui, run_name) == "COMPLETED", served.output()
            page.reload()
            page.get_by_text("Completed", exact=True).first.wait_for(timeout=30_000)

            page.goto(served.board)
            card = page.get_by_text("Browser-made FastAPI backend for a logistics dashboard")
            card.wait_for(timeout=10_000)
            assert "Drafted 1" in page.inner_text("body")
        finally:
            browser.close()

    served.process.send_signal(signal.SIGINT)  # Ctrl-C
    assert served.process.wait(timeout=90) == 0
    out = served.output()
    assert out.index("Serving stopped.") < out.index("Prefect server stopped.")
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{served.ui}/api/health", timeout=2)
