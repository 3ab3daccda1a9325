"""The Prefect UI in a real browser: `bidboard serve` (its own local Prefect server and the
Notion emulator), headless Debian Chromium driven by Playwright. From the address serve prints
(the V2 UI, Prefect's default): Deployments, add-job, Run → Custom run, fill the parameters,
submit, wait for the run to complete, then find the new card on the emulator's board page.
Ctrl-C then stops serving, then the server."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from bidboard.cli.localserver import free_port
from bidboard.cli.processes import stop_child
from tests.support.browser import CHROMIUM_ARGS, chromium
from tests.support.paths import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.slow

POST = """Browser-made FastAPI backend for a logistics dashboard
Hourly: $40.00 - $60.00
Skills: Python | FastAPI | PostgreSQL
Client: Payment method verified, 4.9 rating, $79K spent, United Kingdom
We need a FastAPI backend with PostgreSQL for our logistics dashboard.
The dispatchers see every truck on one screen; the backend feeds it."""
QUESTIONS = "Can you start this week?\nHave you built a dispatch dashboard before?"
JOB_URL = "https://www.upwork.com/jobs/~01aa00bb11cc22dd33"
NOTION = {"Authorization": "Bearer demo-local-emulator-token", "Notion-Version": "2026-03-11"}


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
        stop_child(process, signal.SIGINT, grace=90)


def flow_run(ui: str, name: str) -> dict[str, object] | None:
    found = httpx.post(
        f"{ui}/api/flow_runs/filter",
        json={"flow_runs": {"name": {"any_": [name]}}},
        timeout=10,
    ).json()
    return found[0] if found else None


def run_state(ui: str, name: str) -> str | None:
    run = flow_run(ui, name)
    return str(run["state_type"]) if run else None


def wait_for_end(served: Served, name: str) -> dict[str, object]:
    deadline = time.monotonic() + 180
    while run_state(served.ui, name) not in ("COMPLETED", "FAILED", "CRASHED"):
        assert time.monotonic() < deadline, served.output()
        time.sleep(0.5)
    run = flow_run(served.ui, name)
    assert run is not None
    return run


def wait_for_log(served: Served, run_id: str, text: str) -> None:
    """Until the run's log line has reached the server (a run's process sends its last lines
    as it ends; the run page does not look again once the run is over)."""
    deadline = time.monotonic() + 60
    query = {"logs": {"flow_run_id": {"any_": [run_id]}}}
    while not any(
        text in log["message"]
        for log in httpx.post(f"{served.ui}/api/logs/filter", json=query, timeout=10).json()
    ):
        assert time.monotonic() < deadline, served.output()
        time.sleep(0.5)


def custom_run(page: Page, served: Served, run_name: str) -> float:
    """From the printed address: Deployments → add-job → Run → Custom run, the form filled as
    a person would; returns when Submit was clicked (monotonic)."""
    page.goto(served.ui)  # the V2 UI for a browser that has not chosen one
    page.get_by_role("link", name="Deployments").first.click()
    page.get_by_role("link", name="add-job").first.click()
    page.get_by_role("button", name="Run", exact=True).click()
    page.get_by_text("Custom run", exact=True).click()
    page.wait_for_url("**/run?**")
    page.get_by_text("one a line").first.wait_for()  # the form's help texts
    page.get_by_label("Run Name").fill(run_name)
    fields = page.locator("textarea")  # url, text, screening_questions
    fields.nth(0).fill(JOB_URL)
    fields.nth(1).fill(POST)  # several lines, as pasted
    fields.nth(2).fill(QUESTIONS)  # two questions, one a line
    shown, needed = fields.nth(1).evaluate("box => [box.clientHeight, box.scrollHeight]")
    assert shown >= needed > 100, "the pasted post does not show whole"  # six lines, no scroll
    submitted = time.monotonic()
    page.get_by_role("button", name="Submit").click()
    return submitted


def deployments_page(page: Page, served: Served) -> None:
    """The Deployments list shows each deployment's tags and its schedule by name (V2 lists a
    count: the V1 list has the names; the weekly cron folds into "+1" below 1600 px)."""
    page.goto(f"{served.ui}/v2/deployments")
    row = page.get_by_role("row").filter(has_text="ingest-alerts")
    row.get_by_text("bidboard", exact=True).wait_for()
    row.get_by_text("ingest", exact=True).wait_for()
    page.screenshot(path=str(served.log.parent / "deployments-v2.png"), full_page=True)
    page.goto(f"{served.ui}/deployments")  # V1
    for schedule in ("Every 5 minutes", "Every 10 minutes", "Every 15 minutes"):
        page.get_by_text(schedule, exact=True).wait_for(timeout=30_000)
    page.screenshot(path=str(served.log.parent / "deployments-v1.png"), full_page=True)


def card_text(board: str) -> tuple[str, str]:
    """The card's link and its page content, read from the emulator as Notion's API serves
    it."""
    base, source = board.split("/board/")
    found = httpx.post(
        f"{base}/v1/data_sources/{source}/query", headers=NOTION, json={}, timeout=10
    ).json()
    (page,) = [p for p in found["results"] if "~01aa00bb11cc22dd33" in str(p["properties"])]
    texts: list[str] = []
    todo = [page["id"]]
    while todo:  # the card's blocks and their children
        blocks = httpx.get(f"{base}/v1/blocks/{todo.pop(0)}/children", headers=NOTION, timeout=10)
        for block in blocks.json()["results"]:
            for rich in block.get(block["type"], {}).get("rich_text", []):
                texts.append(rich["plain_text"])
            if block.get("has_children"):
                todo.append(block["id"])
    return str(page["url"]), "".join(texts)


def test_a_job_pasted_in_the_prefect_ui_lands_on_the_board(served: Served, tmp_path: Path) -> None:
    """A multi-line post and two screening questions through the Custom run form: the run
    completes and the card carries the answers; the same job again ends Failed ("Already on
    the board") with the card's link in its message. Screenshots of the form and of the run
    graph are left in ``tmp_path`` for a person to look at."""
    executable = chromium()
    from playwright.sync_api import sync_playwright

    run_name = f"browser-{uuid.uuid4().hex[:8]}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(executable), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900})
            submitted = custom_run(page, served, run_name)
            page.screenshot(path=str(tmp_path / "form-submitted.png"), full_page=True)
            run = wait_for_end(served, run_name)
            latency = time.monotonic() - submitted
            print(f"Submit to Completed: {latency:.1f}s")
            assert run["state_type"] == "COMPLETED", served.output()
            page.goto(f"{served.ui}/v2/runs/flow-run/{run['id']}")
            page.get_by_text("Completed", exact=True).first.wait_for(timeout=30_000)
            page.get_by_role("tab", name="Task Runs").click()
            page.get_by_text("score, draft and write the card").first.wait_for(timeout=30_000)
            page.screenshot(path=str(tmp_path / "run-graph.png"), full_page=True)

            card, content = card_text(served.board)
            assert "Can you start this week?" in content
            assert "Have you built a dispatch dashboard before?" in content
            page.goto(served.board)
            page.get_by_text("Browser-made FastAPI backend for a logistics dashboard").wait_for(
                timeout=10_000
            )
            assert "Drafted 1" in page.inner_text("body")

            again = f"{run_name}-again"
            custom_run(page, served, again)
            second = wait_for_end(served, again)
            assert second["state_type"] == "FAILED", served.output()
            assert second["state_name"] == "Already on the board"
            state = second["state"]
            assert isinstance(state, dict) and card in str(state["message"])
            wait_for_log(served, str(second["id"]), "job already on the board")
            page.goto(f"{served.ui}/v2/runs/flow-run/{second['id']}")
            page.get_by_text("Already on the board").first.wait_for(timeout=30_000)
            page.get_by_text("job already on the board").first.wait_for(timeout=30_000)  # logs
            assert card in page.inner_text("body")  # its log line links the card
            page.screenshot(path=str(tmp_path / "run-already-on-board.png"), full_page=True)
            deployments_page(page, served)
            print(f"screenshots: {tmp_path}")
        finally:
            browser.close()

    served.process.send_signal(signal.SIGINT)  # Ctrl-C
    assert served.process.wait(timeout=90) == 0
    out = served.output()
    assert out.index("Serving stopped.") < out.index("Prefect server stopped.")
    with pytest.raises(httpx.TransportError):
        httpx.get(f"{served.ui}/api/health", timeout=2)
