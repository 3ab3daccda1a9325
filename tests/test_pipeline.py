"""Alerts to cards, end to end on the emulator: dedupe, scoring, drafting within the cap, cards
with their drafts as content, Needs attention with findings, the OpenAI fallback on the card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx2
from pydantic import SecretStr

from bidboard.ai.client import build_openai_client
from bidboard.ai.drafter import OpenAIDrafter
from bidboard.models import MACHINE_STAGES, Stage
from bidboard.notion.gateway import BoardGateway
from bidboard.pipeline import PipelineConfig, process_alerts
from bidboard.settings import Settings
from tests.support.chat import GOOD, ChatServer
from tests.support.notion import Board
from tests.support.pipeline import NOW, alerts, cards, config, content, held_back


def test_every_job_becomes_one_card_and_the_best_are_drafted(board: Board) -> None:
    batch = alerts()
    board.reset()
    report = process_alerts(batch, BoardGateway(board.notion, board.workspace), config())
    unique = {a.job_key for a in batch}
    on_board = cards(board)
    assert set(on_board) == unique and report.duplicates == len(batch) - len(unique)
    assert board.requests()["POST /v1/pages"] == len(unique)  # one request per card
    drafted = {k: c for k, c in on_board.items() if c.card.stage is Stage.DRAFTED}
    assert len(drafted) == report.count(Stage.DRAFTED) >= 5
    for stored in drafted.values():
        assert stored.card.drafted_by == "template" and stored.card.compliance == "OK"
        assert len(stored.card.draft_fingerprint) == 16
        blocks = content(board, stored.page_id)
        assert [b["type"] for b in blocks] == ["callout", "paragraph"]  # 3 blocks with the page
    undrafted = [c for c in on_board.values() if c.card.stage is Stage.NEW]
    assert undrafted and all(c.card.score_reasons for c in undrafted)
    assert all(c.card.stage in MACHINE_STAGES for c in on_board.values())
    # the second run finds everything on the board and writes nothing
    board.reset()
    again = process_alerts(batch, BoardGateway(board.notion, board.workspace), config())
    assert "POST /v1/pages" not in board.requests()
    assert again.duplicates == len(batch)


def test_the_daily_cap_holds_back_the_rest_with_the_reason(board: Board) -> None:
    report = process_alerts(alerts(), BoardGateway(board.notion, board.workspace), config(cap=2))
    assert report.count(Stage.DRAFTED) + report.count(Stage.NEEDS_ATTENTION) == 2
    held = [o for o in report.outcomes if o.note.startswith("held back")]
    assert held and all(o.stage == "New" for o in held)
    on_board = cards(board)
    assert "daily cap of 2 drafts is reached" in on_board[held[0].job_key].card.score_reasons
    drafted_scores = sorted(o.score for o in report.outcomes if o.stage == "Drafted")
    assert min(drafted_scores) >= max(o.score for o in held)  # highest scores first


def openai_config(tmp_path: Path, *answers: Any) -> PipelineConfig:
    settings = Settings(openai_api_key=SecretStr("sk-test"), data_dir=tmp_path)
    client = build_openai_client(
        settings, transport=httpx2.MockTransport(ChatServer(*answers)), max_retries=0
    )
    return config(OpenAIDrafter(client, "gpt-4o-mini"), cap=1)


def test_a_draft_still_flagged_goes_to_needs_attention_with_its_findings(
    board: Board, tmp_path: Path
) -> None:
    leaky = dict(GOOD, closing="Let's move to Telegram: t.me/northwind")
    process_alerts(
        alerts()[:1],
        BoardGateway(board.notion, board.workspace),
        openai_config(tmp_path, leaky, leaky),
    )
    [stored] = cards(board).values()
    assert stored.card.stage is Stage.NEEDS_ATTENTION and stored.card.compliance == "Flagged"
    assert "OFF_PLATFORM" in stored.card.compliance_findings
    assert stored.card.drafted_by == "openai"
    notice = content(board, stored.page_id)[0]
    titles = [
        t["plain_text"].strip() for t in notice["callout"]["rich_text"] if t["annotations"]["bold"]
    ]
    assert "Compliance findings" in titles and "OFF_PLATFORM" in titles


def test_an_openai_failure_is_said_on_the_card(board: Board, tmp_path: Path) -> None:
    process_alerts(
        alerts()[:1], BoardGateway(board.notion, board.workspace), openai_config(tmp_path, 503)
    )
    [stored] = cards(board).values()
    assert stored.card.drafted_by == "template (OpenAI failed)"
    assert stored.card.stage is Stage.DRAFTED
    notice = "".join(
        t["plain_text"] for t in content(board, stored.page_id)[0]["callout"]["rich_text"]
    )
    assert "OpenAI failed" in notice and "drafted from templates instead" in notice


def test_held_back_jobs_are_drafted_the_next_day(board: Board, tmp_path: Path) -> None:
    from datetime import timedelta

    from bidboard.ingest import run_draft_pending

    gateway, store, held = held_back(board, tmp_path, cap=2)
    assert len(store.pending()) == len(held) >= 3
    same_day = run_draft_pending(gateway, config(cap=2), store)
    assert same_day.outcomes == [] and len(store.pending()) == len(held)  # today's cap is used
    # a person takes one of them on meanwhile: it is left alone, and forgotten
    taken = cards(board)[held[0]]
    board.person_edits(taken.page_id, {"Stage": {"select": {"name": "Reviewing"}}})
    tomorrow = config(cap=2)
    tomorrow.clock = lambda: NOW + timedelta(days=1)
    report = run_draft_pending(gateway, tomorrow, store)
    assert [o.stage for o in report.outcomes] == ["Drafted", "Drafted"]
    assert len(store.pending()) == len(held) - 3
    on_board = cards(board)
    assert on_board[held[0]].card.stage is Stage.REVIEWING
    for outcome in report.outcomes:
        stored = on_board[outcome.job_key]
        assert stored.card.drafted_at == NOW + timedelta(days=1)
        assert content(board, stored.page_id)[0]["type"] == "callout"
    store.close()
