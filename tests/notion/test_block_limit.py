"""The Free workspace block limit reached in the middle of an ingest: one clear message, nothing
lost, and the run after the limit is lifted writes every waiting card exactly once.

The emulator enforces the limit as Notion does (the write that reaches it succeeds and starts the
grace period; after it, requests that create blocks fail; reads and edits go on). The grace is
set to zero here so that the refusal comes at once.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from bidboard.cli.localserver import BackgroundServer
from bidboard.runtime import opened
from bidboard.settings import Settings
from bidboard.sync import sync_board
from notion_emulator import EmulatorConfig, create_app
from notion_emulator.app import Emulator
from tests.support.builders import init_workspace
from tests.support.runs import board_keys, job, key_of


@pytest.fixture
def limited() -> Iterator[tuple[Emulator, BackgroundServer]]:
    app = create_app(EmulatorConfig(rate_limit=0, block_grace=timedelta(0)))
    with BackgroundServer(app) as server:
        yield app, server
    app.store.close()


def settings_for(url: str, tmp_path: Path) -> Settings:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    return Settings(
        notion_token=SecretStr("block-limit-test"),
        notion_base_url=url,
        notion_rate_limit=1000,
        data_dir=tmp_path / "data",
        alerts_dir=inbox,
        daily_draft_cap=100_000,
    )


def test_the_block_limit_mid_ingest_stops_creating_and_loses_nothing(
    limited: tuple[Emulator, BackgroundServer],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app, server = limited
    settings = settings_for(server.url, tmp_path)
    init_workspace(settings)
    alerts = [job(i) for i in range(30)]
    for n in range(0, 30, 5):
        (tmp_path / "inbox" / f"batch-{n // 5}.json").write_text(json.dumps(alerts[n : n + 5]))
    used = app.stats["blocks"]["lifetime"]
    app.configure_blocks(block_limit=used + 40)  # room for about a dozen cards, not 30
    with caplog.at_level(logging.ERROR), opened(settings) as runtime:
        result = runtime.ingest()
    batch = result.batch
    created = [o.job_key for o in batch.outcomes if o.created]
    assert 0 < len(created) < 30 and len(batch.waiting) == 30 - len(created)
    assert app.stats["blocks"]["blocked"] is True
    stops = [r.getMessage() for r in caplog.records if "ingest stopped" in r.getMessage()]
    assert len(stops) == 1  # one clear message: the limit, why, what to do
    for words in ("block limit", "1,000", "personal access token", "paid plan", "later run"):
        assert words in stops[0]
    assert "Notion answered" not in stops[0]
    # every job is on the board or waits: a file with a waiting job is not marked done
    waiting_files = [
        n for n in range(0, 30, 5) if any(key_of(a) in batch.waiting for a in alerts[n : n + 5])
    ]
    # reads, sync and metrics go on while creating is refused
    assert sorted(board_keys(settings)) == sorted(created)
    with opened(settings) as runtime:
        sync_board(runtime.gateway, runtime.store, now=datetime.now(UTC))
    # a run while still blocked writes nothing and loses nothing
    with opened(settings) as runtime:
        again = runtime.ingest()
    assert not [o for o in again.batch.outcomes if o.created]
    assert set(again.batch.waiting) == set(batch.waiting)
    assert again.read == len(waiting_files)  # read again, as every later run will
    # the limit lifted (a paid plan): the next run writes every waiting card, once
    app.configure_blocks(block_limit=None)
    with opened(settings) as runtime:
        last = runtime.ingest()
    assert not last.batch.waiting and not last.batch.stopped
    keys = board_keys(settings)
    assert sorted(keys) == sorted(key_of(a) for a in alerts)  # each card once
    with opened(settings) as runtime:
        assert runtime.ingest().read == 0  # every alert is done now


def test_a_card_costs_at_most_three_blocks(
    limited: tuple[Emulator, BackgroundServer], tmp_path: Path
) -> None:
    app, server = limited
    settings = settings_for(server.url, tmp_path)
    init_workspace(settings)
    alerts: list[dict[str, Any]] = [job(i) for i in range(12)]
    (tmp_path / "inbox" / "batch.json").write_text(json.dumps(alerts))
    before = app.stats["blocks"]["lifetime"]
    with opened(settings) as runtime:
        result = runtime.ingest()
    created = [o for o in result.batch.outcomes if o.created]
    drafted = [o for o in created if o.stage in ("Drafted", "Needs attention")]
    assert len(created) == 12 and drafted
    assert app.stats["blocks"]["lifetime"] - before <= 3 * len(created)
