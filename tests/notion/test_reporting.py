"""Weekly metrics against the emulator: one read of the board for several weeks, only the
needed properties, one row per week however often it runs, content within the API limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bidboard.cli import main
from bidboard.metrics import IsoWeek, weekly_rollups
from bidboard.models import JobCard, Stage
from bidboard.notion.gateway import BoardGateway
from bidboard.notion.metrics_pages import (
    METRIC_FIELDS,
    MetricsPages,
    cards_for_weeks,
    rollups_from_board,
)
from bidboard.schema.codecs import plain_text
from bidboard.schema.databases import JOBS
from tests.support.notion import Board

UTC_ZONE = ZoneInfo("UTC")
W46, W47 = IsoWeek(2026, 46), IsoWeek(2026, 47)
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def put_cards(board: Board, count: int, start: datetime) -> list[JobCard]:
    gateway = BoardGateway(board.notion, board.workspace)
    made = []
    for i in range(count):
        received = start + timedelta(hours=7 * i)
        values: dict[str, Any] = {
            "job_key": f"~03{i:016d}",
            "name": f"Job {i}",
            "received_at": received,
            "score": float(40 + i % 60),
            "saved_search": ("python-api", "scraping", None)[i % 3],
            "category": ("Web", "Data")[i % 2],
            "score_reasons": "a long reason the rollup does not need " * 5,
            "stage": Stage.DRAFTED if i % 2 else Stage.NEW,
        }
        if i % 2:
            values["drafted_at"] = received + timedelta(minutes=5 + i % 7)
            values["drafted_by"] = "template"
        card = JobCard(**values)
        gateway.create_card(card)
        made.append(card)
    return made


def test_the_rollup_reads_the_board_once_with_only_its_properties(board: Board) -> None:
    cards = put_cards(board, 60, datetime(2026, 11, 2, 8, tzinfo=UTC))  # W45 to W47
    old = BoardGateway(board.notion, board.workspace)
    old.create_card(
        JobCard(job_key="~old", name="Old", received_at=datetime(2026, 1, 5, tzinfo=UTC))
    )
    read = list(cards_for_weeks(old, [W46, W47], UTC_ZONE))
    assert "~old" not in {c.job_key for c in read}  # outside the window: not read at all
    assert len(read) == 60
    board.reset()
    rollups = rollups_from_board(old, [W46, W47], UTC_ZONE, now=NOW, shortlist_at=60, names={})
    assert board.requests() == {"POST /v1/data_sources/{id}/query": 1}
    expected = weekly_rollups(cards, [W46, W47], UTC_ZONE, now=NOW, shortlist_at=60)
    assert {w: r.figures for w, r in rollups.items()} == {w: r.figures for w, r in expected.items()}
    assert rollups[W47].figures["Alerts"] > 0
    names = {JOBS.by_field()[f].name for f in METRIC_FIELDS}
    assert "Score reasons" not in names


def test_a_week_is_one_row_however_often_it_is_published(board: Board) -> None:
    cards = put_cards(board, 12, datetime(2026, 11, 16, 8, tzinfo=UTC))
    rollup = weekly_rollups(cards, [W47], UTC_ZONE, now=NOW)[W47]
    pages = MetricsPages(board.notion, board.workspace)
    board.reset()
    first = pages.publish(rollup)
    assert first.created
    assert sum(board.requests().values()) == 2  # look for the row, create it with its page
    second = pages.publish(rollup)
    assert not second.created and second.page_id == first.page_id
    source = board.workspace.ids("weekly_metrics").data_source_id
    rows = board.notion.call("rows", board.notion.client.data_sources.query, source, safe=True)
    assert len(rows["results"]) == 1
    row = rows["results"][0]["properties"]
    assert plain_text(row["Week"]["title"]) == "2026-W47"
    assert row["Week start"]["date"]["start"] == "2026-11-16"
    assert row["Alerts"]["number"] == 12
    assert row["Maturing"]["checkbox"] is True
    blocks = board.notion.call(
        "content", board.notion.client.blocks.children.list, first.page_id, safe=True
    )["results"]
    kinds = [b["type"] for b in blocks]
    assert kinds == ["paragraph"] * 6  # 7 blocks with the page: at most 15
    figures = blocks[1]["paragraph"]["rich_text"]
    bold = [t["plain_text"] for t in figures if t["annotations"]["bold"]]
    assert bold[:3] == ["Figures", "Alerts", "Shortlisted"]
    assert "\n" in plain_text(figures)  # one line a figure


def test_a_week_is_rewritten_only_when_a_figure_changed(board: Board) -> None:
    """An unchanged week costs two reads and no block; a changed one, one rewrite of 6."""
    cards = put_cards(board, 12, datetime(2026, 11, 16, 8, tzinfo=UTC))
    pages = MetricsPages(board.notion, board.workspace)
    first = pages.publish(weekly_rollups(cards[:11], [W47], UTC_ZONE, now=NOW)[W47])
    blocks_before = board.app.stats["blocks"]["lifetime"]
    board.reset()
    same = pages.publish(weekly_rollups(cards[:11], [W47], UTC_ZONE, now=NOW)[W47])
    assert not same.rewritten and same.page_id == first.page_id
    assert board.requests() == {
        "POST /v1/data_sources/{id}/query": 1,
        "GET /v1/blocks/{id}/children": 1,
    }
    assert board.app.stats["blocks"]["lifetime"] == blocks_before
    board.reset()
    changed = pages.publish(weekly_rollups(cards, [W47], UTC_ZONE, now=NOW)[W47])
    assert changed.rewritten
    assert "PATCH /v1/blocks/{id}/children" in board.requests()
    assert board.app.stats["blocks"]["lifetime"] - blocks_before == 6  # the page's content


def test_metrics_command_rejects_a_bad_week(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["metrics", "--week", "2026-W99"])
    assert stop.value.code == 2
    assert "2026-W99 is not an ISO week" in capsys.readouterr().err
