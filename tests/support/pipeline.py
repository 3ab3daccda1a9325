"""A pipeline over the fixture alerts for the tests that write cards: the jobs, the config (the
sample searches, portfolio and snippets, a fixed clock), and the cards and content read back."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bidboard.alerts.alert import JobAlert
from bidboard.drafting.template import TemplateDrafter
from bidboard.inbox.files import parse_file
from bidboard.loaders import load_portfolio_file, load_searches, load_snippets
from bidboard.notion.card import card_content
from bidboard.notion.gateway import BoardGateway
from bidboard.pipeline import PipelineConfig, process_alerts
from bidboard.scoring.portfolio import SAMPLE_PATH
from bidboard.scoring.score import Portfolio
from bidboard.scoring.searches import EXAMPLE_PATH
from bidboard.state import StateStore
from tests.support.notion import Board
from tests.support.paths import FIXTURES

NOW = datetime(2026, 8, 26, 10, 0, tzinfo=UTC)


def alerts() -> list[JobAlert]:
    return [a for p in sorted(FIXTURES.iterdir()) for a in parse_file(p).alerts]


def config(drafter: Any = None, cap: int = 25) -> PipelineConfig:
    items = load_portfolio_file(SAMPLE_PATH)
    template = TemplateDrafter(load_snippets())
    return PipelineConfig(
        searches=load_searches(EXAMPLE_PATH),
        portfolio=Portfolio.build(items),
        portfolio_items=items,
        drafter=drafter or template,
        template=template,
        card_page=card_content,
        daily_cap=cap,
        signature="Maya, Northwind Dev",
        clock=lambda: NOW,
    )


def held_back(board: Board, tmp_path: Path, cap: int) -> tuple[BoardGateway, StateStore, list[str]]:
    """Process the fixture alerts under a daily cap of ``cap``: the keys of the cards it left
    New are kept, with their jobs, in a store for draft_pending, as the ingest keeps them."""
    store = StateStore(tmp_path / "state.sqlite3")
    gateway = BoardGateway(board.notion, board.workspace)
    held: list[str] = []

    def keep(job: JobAlert, page_id: str) -> None:
        held.append(job.job_key)
        store.pending_put(job.job_key, page_id, job.model_dump_json())

    process_alerts(alerts(), gateway, config(cap=cap), keep)
    return gateway, store, held


def cards(board: Board) -> dict[str, Any]:
    return {c.card.job_key: c for c in BoardGateway(board.notion, board.workspace).iter_cards()}


def content(board: Board, page_id: str) -> list[dict[str, Any]]:
    return list(
        board.notion.call(
            "content", board.notion.client.blocks.children.list, page_id, safe=True, page_size=100
        )["results"]
    )


def all_jobs() -> list[JobAlert]:
    seen: dict[str, JobAlert] = {}
    for path in sorted(FIXTURES.iterdir()):
        for alert in parse_file(path).alerts:
            seen.setdefault(alert.job_key, alert)
    return list(seen.values())


def airflow_job() -> JobAlert:
    """One job that the sample portfolio's Airflow item fits best."""
    return JobAlert(
        job_key="~01aa00000000000009",
        url="https://www.upwork.com/jobs/~01aa00000000000009",
        title="Airflow pipelines on AWS",
        skills=["Apache Airflow", "AWS"],
        source="email",
        source_ref="t",
        received_at=datetime.now(UTC),
    )
