"""The flows, run for real by Prefect (one test harness for the session) against the Notion
emulator on a socket; settings come from the environment, as in a deployment."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bidboard import schema_commands
from bidboard.factory import notion_from_settings
from bidboard.gateway import BoardGateway
from bidboard.localserver import BackgroundServer
from bidboard.settings import load_settings
from notion_emulator import create_app
from notion_schema.workspace import load_workspace

MAILBOX = Path(__file__).resolve().parents[1] / "bidboard" / "samples" / "mailbox"


@pytest.fixture
def deployment_env(
    prefect_harness: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Any]:
    app = create_app(rate_limit=0)
    with BackgroundServer(app) as server:
        inbox = tmp_path / "inbox"
        shutil.copytree(MAILBOX, inbox)
        for key, value in {
            "BIDBOARD_NOTION_BASE_URL": server.url,
            "BIDBOARD_NOTION_TOKEN": "flow-test-token",
            "BIDBOARD_NOTION_RATE_LIMIT": "1000",
            "BIDBOARD_DATA_DIR": str(tmp_path / "data"),
            "BIDBOARD_ALERTS_DIR": str(inbox),
        }.items():
            monkeypatch.setenv(key, value)
        settings = load_settings(env_file=None)
        notion = notion_from_settings(settings)
        root = notion.call("root", notion.client.search, safe=True, query="bidboard")
        notion.close()
        schema_commands.run_init(settings, root["results"][0]["id"])
        yield settings
    app.store.close()


def board_cards(settings: Any) -> list[Any]:
    notion = notion_from_settings(settings)
    try:
        workspace = load_workspace(settings.data_dir, settings.notion_base_url)
        return list(BoardGateway(notion, workspace).iter_cards())
    finally:
        notion.close()


def test_ingest_alerts_flow_puts_the_mailbox_on_the_board(deployment_env: Any) -> None:
    from flows.ingest_alerts import ingest_alerts

    first = ingest_alerts()
    assert first["created"] == 13 and first["quarantined"] == 1
    assert len(board_cards(deployment_env)) == 13
    again = ingest_alerts()  # nothing read twice, nothing doubled
    assert again == {"read": 0, "created": 0, "duplicates": 0, "quarantined": 0}
    assert len(board_cards(deployment_env)) == 13


def test_draft_pending_flow_with_nothing_waiting(deployment_env: Any) -> None:
    from flows.draft_pending import draft_pending

    assert draft_pending() == {"drafted": 0, "waiting": 0}


def test_add_job_flow(deployment_env: Any) -> None:
    from flows.add_job import add_job

    text = (
        "FastAPI backend for a logistics dashboard\nHourly: $40.00 - $60.00\n"
        "Skills: Python, FastAPI, PostgreSQL\nPayment verified · Rating 4.9 · $79K spent\n"
        "We need a FastAPI and PostgreSQL backend for our dispatch dashboard."
    )
    result = add_job(url="https://www.upwork.com/jobs/~01f0f0f0f0f0f0f0f0", text=text)
    assert result["status"] == "created" and result["stage"] == "Drafted"
    assert result["card"].startswith("http://127.0.0.1:")
    again = add_job(url="https://www.upwork.com/jobs/~01f0f0f0f0f0f0f0f0", text=text)
    assert again["status"] == "already on the board"
    refused = add_job(url="https://www.upwork.com/nx/find-work/", text="Some job")
    assert refused["status"] == "quarantined" and "job key" in refused["reason"]
