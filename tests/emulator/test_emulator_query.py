"""data_sources.query: filters of every type, compounds, sorts, filter_properties, cursors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import unquote

import pytest
from notion_client import Client

from notion_emulator import create_app
from tests.support.builders import make_database, portfolio_source, text
from tests.support.notion import Recorder, make_client


@pytest.fixture
def board(notion: Client, root_page: str) -> dict[str, Any]:
    """Five jobs with known values; returns the data source id and the pages by name."""
    _, source = make_database(notion, root_page)
    portfolio = portfolio_source(notion, source)
    item: Any = notion.pages.create(
        parent={"type": "data_source_id", "data_source_id": portfolio},
        properties={"Name": {"title": text("3PL dashboard")}},
    )
    rows = [
        ("FastAPI backend", "~01a", 90, "New", ["python", "fastapi"], True, "2026-11-20", [item]),
        ("Postgres tuning", "~01b", 72, "Drafted", ["postgres"], True, "2026-11-21T09:30:00Z", []),
        ("WordPress fixes", "~01c", 15, "Skipped", ["wordpress"], False, "2026-11-22", []),
        ("Zapier automation", "~01d", None, "New", [], False, None, []),
        ("Data pipeline", "~01e", 72, None, ["python"], True, "2026-11-24T18:00:00+02:00", []),
    ]
    pages = {}
    for name, key, score, stage, skills, verified, posted, related in rows:
        pages[name] = notion.pages.create(
            parent={"type": "data_source_id", "data_source_id": source},
            properties={
                "Name": {"title": text(name)},
                "Job key": {"rich_text": text(key)},
                "Score": {"number": score},
                "Stage": {"select": {"name": stage} if stage else None},
                "Skills": {"multi_select": [{"name": s} for s in skills]},
                "Payment verified": {"checkbox": verified},
                "Posted at": {"date": {"start": posted} if posted else None},
                "Portfolio matches": {"relation": [{"id": r["id"]} for r in related]},
            },
        )
    return {"source": source, "pages": pages, "item": item["id"]}


def names(notion: Client, source: str, **query: Any) -> list[str]:
    result: Any = notion.data_sources.query(source, **query)
    return [p["properties"]["Name"]["title"][0]["plain_text"] for p in result["results"]]


CASES = [
    ({"property": "Name", "title": {"contains": "fast"}}, ["FastAPI backend"]),
    ({"property": "Name", "title": {"starts_with": "post"}}, ["Postgres tuning"]),
    ({"property": "Name", "title": {"ends_with": "FIXES"}}, ["WordPress fixes"]),
    ({"property": "Name", "title": {"equals": "Data pipeline"}}, ["Data pipeline"]),
    (
        {"property": "Name", "rich_text": {"does_not_contain": "a"}},
        ["Postgres tuning", "WordPress fixes"],
    ),
    ({"property": "Job key", "rich_text": {"equals": "~01c"}}, ["WordPress fixes"]),
    (
        {"property": "Job key", "rich_text": {"does_not_equal": "~01c"}},
        ["FastAPI backend", "Postgres tuning", "Zapier automation", "Data pipeline"],
    ),
    ({"property": "Job key", "rich_text": {"is_empty": True}}, []),
    ({"property": "Score", "number": {"equals": 72}}, ["Postgres tuning", "Data pipeline"]),
    ({"property": "Score", "number": {"greater_than": 72}}, ["FastAPI backend"]),
    (
        {"property": "Score", "number": {"greater_than_or_equal_to": 72}},
        ["FastAPI backend", "Postgres tuning", "Data pipeline"],
    ),
    ({"property": "Score", "number": {"less_than": 72}}, ["WordPress fixes"]),
    ({"property": "Score", "number": {"less_than_or_equal_to": 15}}, ["WordPress fixes"]),
    (
        {"property": "Score", "number": {"does_not_equal": 72}},
        ["FastAPI backend", "WordPress fixes", "Zapier automation"],
    ),
    ({"property": "Score", "number": {"is_empty": True}}, ["Zapier automation"]),
    ({"property": "Stage", "select": {"equals": "New"}}, ["FastAPI backend", "Zapier automation"]),
    (
        {"property": "Stage", "select": {"does_not_equal": "New"}},
        ["Postgres tuning", "WordPress fixes", "Data pipeline"],
    ),
    ({"property": "Stage", "select": {"is_empty": True}}, ["Data pipeline"]),
    (
        {"property": "Stage", "select": {"is_not_empty": True}},
        ["FastAPI backend", "Postgres tuning", "WordPress fixes", "Zapier automation"],
    ),
    (
        {"property": "Skills", "multi_select": {"contains": "python"}},
        ["FastAPI backend", "Data pipeline"],
    ),
    (
        {"property": "Skills", "multi_select": {"does_not_contain": "python"}},
        ["Postgres tuning", "WordPress fixes", "Zapier automation"],
    ),
    ({"property": "Skills", "multi_select": {"is_empty": True}}, ["Zapier automation"]),
    (
        {"property": "Payment verified", "checkbox": {"equals": True}},
        ["FastAPI backend", "Postgres tuning", "Data pipeline"],
    ),
    (
        {"property": "Payment verified", "checkbox": {"does_not_equal": True}},
        ["WordPress fixes", "Zapier automation"],
    ),
    ({"property": "Posted at", "date": {"equals": "2026-11-21"}}, ["Postgres tuning"]),
    ({"property": "Posted at", "date": {"before": "2026-11-21"}}, ["FastAPI backend"]),
    (
        {"property": "Posted at", "date": {"on_or_before": "2026-11-21"}},
        ["FastAPI backend", "Postgres tuning"],
    ),
    ({"property": "Posted at", "date": {"after": "2026-11-22"}}, ["Data pipeline"]),
    (
        {"property": "Posted at", "date": {"on_or_after": "2026-11-22"}},
        ["WordPress fixes", "Data pipeline"],
    ),
    ({"property": "Posted at", "date": {"after": "2026-11-24T15:59:00Z"}}, ["Data pipeline"]),
    ({"property": "Posted at", "date": {"after": "2026-11-24T16:00:00Z"}}, []),
    ({"property": "Posted at", "date": {"is_empty": True}}, ["Zapier automation"]),
    (
        {"property": "Card", "unique_id": {"greater_than": 3}},
        ["Zapier automation", "Data pipeline"],
    ),
    ({"property": "Card", "unique_id": {"equals": 1}}, ["FastAPI backend"]),
    (
        {
            "and": [
                {"property": "Score", "number": {"greater_than": 50}},
                {"property": "Payment verified", "checkbox": {"equals": True}},
                {
                    "or": [
                        {"property": "Stage", "select": {"equals": "New"}},
                        {"property": "Stage", "select": {"is_empty": True}},
                    ]
                },
            ]
        },
        ["FastAPI backend", "Data pipeline"],
    ),
    (
        {
            "or": [
                {"property": "Job key", "rich_text": {"equals": "~01a"}},
                {"property": "Job key", "rich_text": {"equals": "~01d"}},
                {"property": "Job key", "rich_text": {"equals": "~99z"}},
            ]
        },
        ["FastAPI backend", "Zapier automation"],
    ),
]


@pytest.mark.parametrize(
    ("flt", "expected"), CASES, ids=[f"{i}-{next(iter(c[0]))}" for i, c in enumerate(CASES)]
)
def test_filter(
    notion: Client, board: dict[str, Any], flt: dict[str, Any], expected: list[str]
) -> None:
    assert names(notion, board["source"], filter=flt) == expected


def test_relation_filter(notion: Client, board: dict[str, Any]) -> None:
    flt = {"property": "Portfolio matches", "relation": {"contains": board["item"]}}
    assert names(notion, board["source"], filter=flt) == ["FastAPI backend"]
    flt = {"property": "Portfolio matches", "relation": {"is_empty": True}}
    assert len(names(notion, board["source"], filter=flt)) == 4


def test_timestamp_filters(emulator: Any, recorder: Recorder, root_page: str) -> None:
    now = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    emulator.config.clock = lambda: now
    notion = make_client(emulator, recorder)
    _, source = make_database(notion, root_page)
    early: Any = notion.pages.create(
        parent={"type": "data_source_id", "data_source_id": source},
        properties={"Name": {"title": text("early")}},
    )
    now += timedelta(hours=2)
    notion.pages.create(
        parent={"type": "data_source_id", "data_source_id": source},
        properties={"Name": {"title": text("late")}},
    )
    now += timedelta(hours=2)
    notion.pages.update(early["id"], properties={"Score": {"number": 1}})
    after = {"timestamp": "created_time", "created_time": {"after": "2026-11-25T10:00:00Z"}}
    assert names(notion, source, filter=after) == ["late"]
    edited = {
        "timestamp": "last_edited_time",
        "last_edited_time": {"on_or_after": "2026-11-25T12:00:00Z"},
    }
    assert names(notion, source, filter=edited) == ["early"]
    by_property = {"property": "Edited", "last_edited_time": {"before": "2026-11-25T12:00:00Z"}}
    assert names(notion, source, filter=by_property) == ["late"]


def test_compound_filters_nest_two_levels_not_three(notion: Client, board: dict[str, Any]) -> None:
    leaf = {"property": "Score", "number": {"greater_than": 0}}
    two = {"and": [{"or": [leaf]}]}
    assert names(notion, board["source"], filter=two)
    three = {"and": [{"or": [{"and": [leaf]}]}]}
    with pytest.raises(Exception, match="nested too deeply"):
        notion.data_sources.query(board["source"], filter=three)


def test_sorts_by_property_and_timestamp(notion: Client, board: dict[str, Any]) -> None:
    by_score = names(
        notion,
        board["source"],
        sorts=[
            {"property": "Score", "direction": "descending"},
            {"property": "Name", "direction": "ascending"},
        ],
    )
    assert by_score[:4] == [
        "FastAPI backend",
        "Data pipeline",
        "Postgres tuning",
        "WordPress fixes",
    ]
    by_name = names(notion, board["source"], sorts=[{"property": "Name", "direction": "ascending"}])
    assert by_name == sorted(by_name, key=str.lower)
    newest_first = names(
        notion, board["source"], sorts=[{"timestamp": "created_time", "direction": "descending"}]
    )
    assert newest_first == list(reversed(list(board["pages"])))


def test_filter_properties_returns_only_those(notion: Client, board: dict[str, Any]) -> None:
    source: Any = notion.data_sources.retrieve(board["source"])
    key_id = unquote(source["properties"]["Job key"]["id"])  # decoded once: httpx encodes it
    result: Any = notion.data_sources.query(board["source"], filter_properties=[key_id, "Stage"])
    assert set(result["results"][0]["properties"]) == {"Job key", "Stage"}


def test_trashed_pages_are_excluded(notion: Client, board: dict[str, Any]) -> None:
    notion.pages.update(board["pages"]["WordPress fixes"]["id"], in_trash=True)
    assert "WordPress fixes" not in names(notion, board["source"])


def test_pagination_over_hundreds_of_pages(recorder: Recorder) -> None:
    app = create_app(rate_limit=0)
    notion = make_client(app, recorder)
    found: Any = notion.search(query="bidboard")
    _, source = make_database(notion, found["results"][0]["id"])
    for i in range(300):
        notion.pages.create(
            parent={"type": "data_source_id", "data_source_id": source},
            properties={"Name": {"title": text(f"job {i:03}")}, "Score": {"number": i % 10}},
        )
    seen: list[str] = []
    cursor = None
    calls = 0
    while True:
        batch: Any = notion.data_sources.query(
            source,
            page_size=100,
            start_cursor=cursor,
            filter={"property": "Score", "number": {"greater_than_or_equal_to": 0}},
            sorts=[{"property": "Name", "direction": "descending"}],
        )
        calls += 1
        seen += [p["properties"]["Name"]["title"][0]["plain_text"] for p in batch["results"]]
        if not batch["has_more"]:
            assert batch["next_cursor"] is None
            break
        cursor = batch["next_cursor"]
    assert calls == 3
    assert seen == [f"job {i:03}" for i in reversed(range(300))]


def test_trashed_pages_can_be_asked_for_in_2025_09_03(
    emulator: Any, recorder: Recorder, notion: Client, board: dict[str, Any]
) -> None:
    notion.pages.update(board["pages"]["WordPress fixes"]["id"], in_trash=True)
    old = make_client(emulator, recorder, version="2025-09-03")
    trashed: Any = old.data_sources.query(board["source"], in_trash=True)
    assert [p["id"] for p in trashed["results"]] == [board["pages"]["WordPress fixes"]["id"]]
    with pytest.raises(Exception, match="in_trash"):
        notion.data_sources.query(board["source"], in_trash=True)
