"""What ``bidboard serve``'s schedules cost when no alert arrives: an ingest run and a
draft_pending run with nothing to do make no Notion request (the pipeline config, which reads
the portfolio and the snippets, is built only when there is work)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bidboard.cli.localserver import BackgroundServer
from bidboard.ingest import run_draft_pending
from bidboard.runtime import opened
from bidboard.settings import Settings
from notion_emulator import EmulatorConfig, create_app
from notion_emulator.app import Emulator
from tests.support.builders import init_workspace


@pytest.fixture
def served() -> Iterator[tuple[Emulator, BackgroundServer]]:
    app = create_app(EmulatorConfig(rate_limit=0))
    with BackgroundServer(app) as server:
        yield app, server
    app.store.close()


def test_idle_ingest_and_draft_pending_make_no_request(
    served: tuple[Emulator, BackgroundServer], tmp_path: Path
) -> None:
    app, server = served
    (tmp_path / "inbox").mkdir()
    settings = Settings(
        notion_token=SecretStr("idle-test"),
        notion_base_url=server.url,
        notion_rate_limit=1000,
        data_dir=tmp_path / "data",
        alerts_dir=tmp_path / "inbox",
    )
    init_workspace(settings)
    app.gate.stats.reset()
    with opened(settings) as runtime:
        result = runtime.ingest()
        report = run_draft_pending(runtime.gateway, runtime.pipeline_config, runtime.store)
    assert result.read == 0 and not report.outcomes
    assert app.stats["total"] == 0
