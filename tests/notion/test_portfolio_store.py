"""The portfolio read from the Notion Portfolio database, cached for when Notion is away."""

from __future__ import annotations

import pytest

from bidboard.errors import NotionError
from bidboard.notion.portfolio import cache_path, portfolio_for_run, read_portfolio
from bidboard.schema.codecs import encode_properties
from bidboard.schema.databases import PORTFOLIO
from tests.support.notion import Board


def add_item(board: Board, **values: object) -> None:
    board.notion.call(
        "add",
        board.notion.client.pages.create,
        safe=False,
        parent={
            "type": "data_source_id",
            "data_source_id": board.workspace.ids("portfolio").data_source_id,
        },
        properties=encode_properties(PORTFOLIO, values),
    )


def test_read_from_notion_then_from_the_cache(board: Board) -> None:
    for i in range(105):  # more than one page of results
        add_item(
            board,
            Name=f"Project {i}",
            Summary="FastAPI service",
            Skills=["Python"],
            Active=i % 2 == 0,
        )
    items = portfolio_for_run(board.notion, board.workspace, board.settings.data_dir)
    assert len(items) == 105 and items[0].name == "Project 0" and items[0].skills == ["Python"]
    assert [i.active for i in items[:3]] == [True, False, True]
    assert cache_path(board.settings.data_dir).exists()
    board.app.gate.reconfigure(faults="503:1.0")  # Notion is away
    cached = portfolio_for_run(board.notion, board.workspace, board.settings.data_dir)
    assert cached == items


def test_no_notion_and_no_cache_is_a_clear_error(board: Board) -> None:
    board.app.gate.reconfigure(faults="500:1.0")
    with pytest.raises(NotionError, match="no cached copy"):
        portfolio_for_run(board.notion, board.workspace, board.settings.data_dir)


def test_empty_portfolio(board: Board) -> None:
    assert read_portfolio(board.notion, board.workspace) == []


def test_snippets_are_read_from_notion(board: Board) -> None:
    from bidboard.notion.portfolio import read_snippets
    from bidboard.schema.databases import SNIPPETS

    source = board.workspace.ids("snippets").data_source_id
    for kind, text, active in (
        ("Opening", "Hi, about {title}:", True),
        ("Closing", "Talk soon on Upwork.", False),
        ("Approach", "", True),
    ):  # no text: not a usable snippet
        board.notion.call(
            "add",
            board.notion.client.pages.create,
            safe=False,
            parent={"type": "data_source_id", "data_source_id": source},
            properties=encode_properties(
                SNIPPETS, {"Name": kind, "Kind": kind, "Text": text, "Active": active}
            ),
        )
    snippets = read_snippets(board.notion, board.workspace)
    assert [(s.kind, s.text, s.active) for s in snippets] == [
        ("Opening", "Hi, about {title}:", True),
        ("Closing", "Talk soon on Upwork.", False),
    ]
