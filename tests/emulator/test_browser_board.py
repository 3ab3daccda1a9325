"""The emulator's board page in a real browser (Debian Chromium, headless, via Playwright): a
person moves a drafted card Drafted → Submitted → Replied → Won with the card's "Stage" select
and fills Connects and Contract value. The page writes through the public API only
(PATCH /v1/pages/{id} with the Notion-Version header), so board sync stamps the card and the
week's metrics page counts it, as after an edit in Notion."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bidboard.cli.localserver import BackgroundServer
from bidboard.metrics import IsoWeek
from bidboard.models import JobCard, Stage
from bidboard.notion.gateway import BoardGateway
from bidboard.routines import run_sync, run_weekly
from bidboard.runtime import Runtime
from bidboard.state import StateStore
from notion_emulator import Emulator
from tests.support.browser import CHROMIUM_ARGS, chromium
from tests.support.notion import Board, make_board

pytestmark = pytest.mark.slow


@pytest.fixture
def served_board(emulator: Emulator, tmp_path: Path) -> Iterator[tuple[Board, str]]:
    board = make_board(emulator, tmp_path)
    with BackgroundServer(emulator) as server:
        yield board, server.url
    board.notion.close()


def test_a_person_moves_a_card_to_won_on_the_board_page(
    served_board: tuple[Board, str],
) -> None:
    from playwright.sync_api import sync_playwright

    board, url = served_board
    gateway = BoardGateway(board.notion, board.workspace)
    now = datetime.now(UTC)
    ref = gateway.create_card(
        JobCard(
            job_key="~021999000000000000001",
            name="FastAPI backend for a logistics dashboard",
            score=88,
            score_reasons="shortlist: matches python, fastapi (search Backend) +30",
            stage=Stage.DRAFTED,
            received_at=now,
            drafted_at=now,
        ),
        [],
    )
    jobs = board.workspace.ids("jobs")
    pipeline = f"{url}/board/{jobs.data_source_id}?v={jobs.board_view_id}"
    patches: list[dict[str, Any]] = []
    store = StateStore.in_data_dir(board.settings.data_dir)
    runtime = Runtime(board.settings, board.notion, board.workspace, gateway, store)
    stamped = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium()), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.on(
                "request",
                lambda r: (
                    patches.append({"url": r.url, "headers": r.headers})
                    if r.method == "PATCH"
                    else None
                ),
            )
            page.goto(pipeline)
            card = page.locator(f"article.card[data-page-id='{ref.page_id}']")
            assert card.locator("xpath=ancestor::section").get_attribute("data-group") == "Drafted"
            for stage in ("Submitted", "Replied", "Won"):
                with page.expect_navigation():  # the page reloads once the API said yes
                    card.get_by_label("Stage").select_option(stage)
                card = page.locator(f"article.card[data-page-id='{ref.page_id}']")
                column = card.locator("xpath=ancestor::section")
                assert column.get_attribute("data-group") == stage
                stamped += run_sync(runtime, now).stamped  # board sync runs between moves
            card.locator("summary").click()
            for name, value in (("Connects", "16"), ("Contract value", "1200")):
                with page.expect_response(lambda r: r.request.method == "PATCH") as answer:
                    card.get_by_label(name).fill(value)
                    card.get_by_label(name).press("Tab")  # a change, as a person makes it
                assert answer.value.ok
            groups = page.locator("section.column").evaluate_all(
                "cs => cs.map(c => c.dataset.group)"
            )
            assert "Won" in groups and "Low fit" not in groups  # Low fit is off the Pipeline
        finally:
            browser.close()
    assert len(patches) == 5
    assert all(p["url"].endswith(f"/v1/pages/{ref.page_id}") for p in patches)
    assert all(p["headers"].get("notion-version") == "2026-03-11" for p in patches)

    try:
        stamped += run_sync(runtime, now).stamped
        (week,) = run_weekly(runtime, [IsoWeek.of(now, board.settings.tz)], now=now)
    finally:
        store.close()
    assert stamped == 3
    stored = next(c for c in gateway.iter_cards() if c.page_id == ref.page_id).card
    assert stored.stage == Stage.WON
    assert stored.submitted_at and stored.replied_at and stored.won_at
    assert (stored.connects, stored.contract_value) == (16, 1200)
    figures = week.rollup.figures
    assert (figures["Submitted"], figures["Replied"], figures["Won"]) == (1, 1, 1)
    assert figures["Revenue"] == 1200 and figures["Connects spent"] == 16
    assert week.published is not None

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium()), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(f"{url}/page/{week.published.page_id}")
            text = page.locator("table.props").inner_text()
            assert "Won\t1" in text and "Revenue\t$1,200" in text and "Win rate\t100%" in text
            assert page.locator("figure.chart svg").count() >= 4  # the database's charts
        finally:
            browser.close()
