"""``bidboard watch`` outlives a failing run: it logs the error, backs off and keeps watching, and
ingests as soon as things work again. Only bad settings end it. Real Dovecot and the emulator."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bidboard.cli import watch as watching
from bidboard.cli.localserver import BackgroundServer
from bidboard.cli.watch import watch
from bidboard.errors import ConfigError
from bidboard.ingest import IngestResult
from bidboard.settings import Settings
from notion_emulator import create_app
from notion_emulator.app import Emulator
from tests.support.builders import alert_email, init_workspace, watch_settings


@pytest.fixture
def served(dovecot: Any, tmp_path: Path) -> Iterator[tuple[Settings, Emulator]]:
    app = create_app(rate_limit=0)
    with BackgroundServer(app) as server:
        yield watch_settings(dovecot, server.url, tmp_path / "data"), app
    app.store.close()


def test_watch_logs_backs_off_and_keeps_watching_through_a_notion_outage(
    dovecot: Any,
    served: tuple[Settings, Emulator],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings, app = served
    # the pauses after each failure, as asked of the clock (the runs' own durations vary with
    # the machine's load, so the gaps between failures cannot show the back-off reliably)
    backoffs: list[float] = []
    after_error = threading.Event()
    pause = watching._pause

    def timed_pause(seconds: float, keep_going: Any) -> None:
        if after_error.is_set():
            after_error.clear()
            backoffs.append(seconds)
        pause(seconds, keep_going)

    monkeypatch.setattr(watching, "_pause", timed_pause)
    init_workspace(settings)
    # an alert waits (a run with nothing to write makes no Notion request, so sees no outage)
    dovecot.deliver(settings.imap_folder, alert_email("~01ba0ff00000000000", "FastAPI outage"))
    app.gate.reconfigure(token="another-token")  # Notion refuses every call: an outage
    runs: list[IngestResult] = []
    errors: list[Exception] = []
    ended: list[BaseException] = []
    running = threading.Event()
    running.set()

    def run() -> None:
        try:
            watch(
                settings,
                idle_seconds=30,
                keep_going=running.is_set,
                on_run=runs.append,
                on_error=lambda e: (errors.append(e), after_error.set()),
                backoff=0.2,
                max_backoff=1.0,
            )
        except BaseException as error:
            ended.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while len(backoffs) < 4:
            assert not ended, f"watch ended on an ingest error: {ended[0]!r}"
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert backoffs[:4] == [0.2, 0.4, 0.8, 1.0]  # it backs off, doubling up to the most
        app.gate.reconfigure(token=None)  # Notion is back
        dovecot.deliver(settings.imap_folder, alert_email("~01ba0ff00000000001", "FastAPI back"))
        while not any(o.created for r in runs for o in r.batch.outcomes):
            assert not ended, f"watch ended: {ended[0]!r}"
            assert time.monotonic() < deadline + 30, "no card after Notion came back"
            time.sleep(0.1)
    finally:
        running.clear()
        dovecot.deliver(settings.imap_folder, b"Subject: wake up\r\n\r\nnot an alert\r\n")
        thread.join(timeout=30)
    assert ended == []
    assert "watch ingest failed, retrying" in caplog.text and "watch-test-token" not in caplog.text


def test_only_bad_settings_end_the_watch(dovecot: Any, served: tuple[Settings, Emulator]) -> None:
    settings, _app = served  # no `bidboard init`: no workspace file
    with pytest.raises(ConfigError, match="bidboard init"):
        watch(settings, idle_seconds=1, backoff=0.1)
