"""OpenAI is an improvement, never a dependency: embeddings that hang or fail fall back to TF-IDF
with a warning, within ``BIDBOARD_OPENAI_TIMEOUT``; a server that echoes the key in its errors
never gets it into a log, a card or the local state. Real OpenAI-compatible servers on loopback."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from bidboard.alerts.alert import JobAlert
from bidboard.cli.demo import seed_library
from bidboard.cli.localserver import BackgroundServer
from bidboard.cli.watch import ingest_once
from bidboard.loaders import load_portfolio_file, load_searches
from bidboard.notion.workspace import load_workspace
from bidboard.runtime import notion_from_settings, portfolio_matcher
from bidboard.scoring.portfolio import SAMPLE_PATH
from bidboard.scoring.score import score_job
from bidboard.scoring.searches import EXAMPLE_PATH
from bidboard.settings import Settings
from notion_emulator import EmulatorConfig, create_app
from tests.support.builders import alert_email, init_workspace
from tests.support.chat import echo_server
from tests.support.pipeline import airflow_job
from tests.support.runs import board_keys

KEY = "sk-canary-echoed-by-the-server-5e1f"


def slow_server(seconds: float) -> Starlette:
    """Answers every call after ``seconds``, with a 500."""

    async def slow(request: Request) -> JSONResponse:
        await asyncio.sleep(seconds)
        return JSONResponse({"error": {"message": "too slow", "type": "server_error"}}, 500)

    return Starlette(routes=[Route("/v1/{path:path}", slow, methods=["POST"])])


def job() -> JobAlert:
    return airflow_job()


def test_embeddings_that_hang_fall_back_to_tfidf_within_the_timeout(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    items = load_portfolio_file(SAMPLE_PATH)
    with BackgroundServer(slow_server(5)) as server:
        settings = Settings(
            openai_api_key=SecretStr("sk-test"),
            openai_base_url=f"{server.url}/v1",
            openai_timeout=0.5,
            openai_max_retries=0,
            data_dir=tmp_path,
        )
        done: list[Any] = []

        def build() -> None:
            with ExitStack() as resources:
                portfolio = portfolio_matcher(settings, items, resources)
                batch = portfolio.prepare([job()])  # embeds the batch: TF-IDF from now on
                done.append(score_job(job(), load_searches(EXAMPLE_PATH), batch))

        started = time.monotonic()
        thread = threading.Thread(target=build, daemon=True)
        thread.start()
        thread.join(timeout=30)
        elapsed = time.monotonic() - started
    assert done, "portfolio fit failed instead of falling back to TF-IDF"
    # BIDBOARD_OPENAI_TIMEOUT=0.5 and no retries: about a second with openai's import, where
    # the SDK's own timeout and retries would wait minutes (the margin is for a loaded machine)
    assert elapsed < 15
    assert done[0].portfolio_matches[0].name == "Airflow data pipelines on AWS"  # TF-IDF
    assert "falls back to TF-IDF" in caplog.text


@pytest.fixture
def echoing(tmp_path: Path) -> Iterator[tuple[Settings, Any]]:
    db = tmp_path / "emulator.sqlite3"
    app = create_app(EmulatorConfig(db=str(db), rate_limit=0))
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "alert.eml").write_bytes(alert_email("~01ec400000000000001", "FastAPI backend echo"))
    with BackgroundServer(app) as notion, BackgroundServer(echo_server()) as openai:
        settings = Settings(
            notion_token=SecretStr("echo-test-token"),
            notion_base_url=notion.url,
            notion_rate_limit=1000,
            openai_api_key=SecretStr(KEY),
            openai_base_url=f"{openai.url}/v1",
            openai_max_retries=0,
            data_dir=tmp_path / "data",
            alerts_dir=inbox,
        )
        init_workspace(settings)
        notion = notion_from_settings(settings)
        try:  # a portfolio to embed
            seed_library(notion, load_workspace(settings.data_dir, settings.notion_base_url))
        finally:
            notion.close()
        yield settings, db
    app.store.close()


def test_a_server_that_echoes_the_key_never_gets_it_anywhere(
    echoing: tuple[Settings, Path],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    from bidboard.logs import configure_logging

    configure_logging("DEBUG")  # what `bidboard serve` and the CLI log, on stderr
    caplog.set_level(logging.DEBUG)
    settings, db = echoing
    result = ingest_once(settings)  # embeddings and drafting both refused
    assert [o.created for o in result.batch.outcomes] == [True]
    assert board_keys(settings) == ["~01ec400000000000001"]
    out = capfd.readouterr()
    places = {
        "logs": caplog.text + out.out + out.err,
        "outcomes": json.dumps([o.__dict__ for o in result.batch.outcomes], default=str),
        "emulator data (cards, their notes)": "".join(
            p.read_bytes().decode("utf-8", "replace") for p in db.parent.glob(f"{db.name}*")
        ),
        "local state": "".join(
            p.read_bytes().decode("utf-8", "replace")
            for p in settings.data_dir.rglob("*")
            if p.is_file()
        ),
    }
    assert "falls back to TF-IDF" in places["logs"]  # the failure is told ...
    assert "Incorrect API key provided: ***" in places["logs"]  # ... with the key blanked
    assert "OpenAI failed" in places["emulator data (cards, their notes)"]
    leaks = [where for where, text in places.items() if KEY in text]
    assert leaks == []
