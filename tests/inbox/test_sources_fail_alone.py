"""Each alert source fails alone: a feed that is down (or refused) never keeps the mail, the
folder or the webhook's alerts off the board; the run's summary names the source and its error."""

from __future__ import annotations

import json
from pathlib import Path

from bidboard.cli.localserver import BackgroundServer, free_port
from bidboard.cli.watch import ingest_once
from bidboard.state import StateStore
from bidboard.summaries import batch_summary
from notion_emulator.app import Emulator
from tests.support.builders import init_workspace
from tests.support.runs import board_keys, job, key_of, settings_for


def test_a_feed_that_is_down_never_stops_the_other_sources(
    emulator_server: tuple[Emulator, BackgroundServer], tmp_path: Path
) -> None:
    _app, server = emulator_server
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "folder.json").write_text(json.dumps([job(1), job(2)]))
    down = f"http://127.0.0.1:{free_port()}/alerts.xml"  # nothing listens there
    settings = settings_for(
        server,
        tmp_path / "data",
        alerts_dir=inbox,
        feeds=(down,),
        allowed_hosts=("127.0.0.1",),
    )
    init_workspace(settings)
    store = StateStore.in_data_dir(settings.data_dir)
    store.spool_put("hook-1", json.dumps(job(3)).encode())  # what the webhook accepted
    store.close()
    result = ingest_once(settings)
    assert set(board_keys(settings)) == {key_of(job(i)) for i in (1, 2, 3)}
    [(name, error)] = result.source_errors
    assert name == f"feed:{down}" and "could not be fetched" in error
    summary = batch_summary(
        "Ingest run", result.batch, result.quarantined, result.read, result.source_errors
    )
    assert "## Sources that failed" in summary and down in summary
    again = ingest_once(settings)  # the feed is still down; nothing else is read twice
    assert again.read == 0 and len(again.source_errors) == 1
