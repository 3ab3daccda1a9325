"""Every endpoint the emulator serves, through the real notion-client (sync and async)."""

from __future__ import annotations

from typing import Any

import pytest
from notion_client import AsyncClient, Client

from tests.support.builders import add_job, make_database, portfolio_source, text


def test_users_me_is_the_integration_bot(notion: Client) -> None:
    me: Any = notion.users.me()
    assert me["object"] == "user" and me["type"] == "bot"
    listed: Any = notion.users.list()
    assert [u["id"] for u in listed["results"]] == [me["id"]]
    assert notion.users.retrieve(me["id"])["id"] == me["id"]  # type: ignore[index]


def test_root_page_titled_bidboard_is_found_by_search(notion: Client) -> None:
    found: Any = notion.search(query="bidboard", filter={"property": "object", "value": "page"})
    assert len(found["results"]) == 1
    page = found["results"][0]
    assert page["properties"]["title"]["title"][0]["plain_text"] == "bidboard"
    assert page["parent"] == {"type": "workspace", "workspace": True}


def test_search_filters_by_object_and_paginates(notion: Client, root_page: str) -> None:
    _, source = make_database(notion, root_page, "Searchable jobs")
    for i in range(5):
        add_job(notion, source, f"Searchable job {i}")
    sources: Any = notion.search(
        query="searchable", filter={"property": "object", "value": "data_source"}
    )
    assert [s["object"] for s in sources["results"]] == ["data_source"]
    seen: list[str] = []
    cursor = None
    while True:
        batch: Any = notion.search(
            query="searchable job",
            page_size=2,
            start_cursor=cursor,
            filter={"property": "object", "value": "page"},
        )
        seen += [p["id"] for p in batch["results"]]
        assert len(batch["results"]) <= 2
        if not batch["has_more"]:
            break
        cursor = batch["next_cursor"]
    assert len(seen) == len(set(seen)) == 5


def test_database_create_retrieve_update(notion: Client, root_page: str) -> None:
    database_id, source_id = make_database(notion, root_page)
    database: Any = notion.databases.retrieve(database_id)
    assert database["title"][0]["plain_text"] == "Jobs"
    assert database["data_sources"] == [{"id": source_id, "name": "Jobs"}]
    assert database["parent"] == {"type": "page_id", "page_id": root_page}
    assert "archived" not in database and database["database_type"] is None
    updated: Any = notion.databases.update(
        database_id, title=text("Pipeline"), description=text("Upwork jobs")
    )
    assert updated["title"][0]["plain_text"] == "Pipeline"
    assert updated["description"][0]["plain_text"] == "Upwork jobs"
    trashed: Any = notion.databases.update(database_id, in_trash=True)
    assert trashed["in_trash"] is True


def test_data_source_schema_has_every_property(notion: Client, root_page: str) -> None:
    _, source_id = make_database(notion, root_page)
    source: Any = notion.data_sources.retrieve(source_id)
    props = source["properties"]
    assert props["Name"]["id"] == "title"
    assert {p["type"] for p in props.values()} >= {
        "title",
        "rich_text",
        "url",
        "number",
        "select",
        "multi_select",
        "status",
        "checkbox",
        "date",
        "relation",
        "unique_id",
        "created_time",
        "last_edited_time",
    }
    assert [o["name"] for o in props["Stage"]["select"]["options"]][:3] == [
        "New",
        "Drafted",
        "Needs attention",
    ]
    assert props["Card"]["unique_id"] == {"prefix": "JOB"}
    assert props["Review"]["status"]["options"][0]["name"] == "Not started"


def test_data_source_update_adds_renames_removes_and_adds_options(
    notion: Client, root_page: str
) -> None:
    _, source_id = make_database(notion, root_page)
    job = add_job(notion, source_id, "Job", Score={"number": 10})
    score_id = job["properties"]["Score"]["id"]
    updated: Any = notion.data_sources.update(
        source_id,
        properties={
            "Bid": {"number": {"format": "dollar"}},
            "Score": {"name": "Fit score"},
            "Job URL": None,
            "Stage": {
                "select": {
                    "options": [
                        {"name": "New"},
                        {"name": "Drafted"},
                        {"name": "Archived", "color": "gray"},
                    ]
                }
            },
        },
    )
    props = updated["properties"]
    assert props["Bid"]["number"]["format"] == "dollar"
    assert "Score" not in props and props["Fit score"]["id"] == score_id
    assert "Job URL" not in props
    assert [o["name"] for o in props["Stage"]["select"]["options"]] == [
        "New",
        "Drafted",
        "Archived",
    ]
    page: Any = notion.pages.retrieve(job["id"])
    assert page["properties"]["Fit score"]["number"] == 10  # values follow the property id
    assert "Job URL" not in page["properties"]


def test_page_create_with_every_value_type_and_content(notion: Client, root_page: str) -> None:
    _, source_id = make_database(notion, root_page)
    item: Any = notion.pages.create(
        parent={"type": "data_source_id", "data_source_id": portfolio_source(notion, source_id)},
        properties={"Name": {"title": text("Dashboard for a 3PL")}},
    )
    page: Any = notion.pages.create(
        parent={"type": "data_source_id", "data_source_id": source_id},
        properties={
            "Name": {"title": text("FastAPI backend")},
            "Job key": {"rich_text": text("~01abc")},
            "Job URL": {"url": "https://www.upwork.com/jobs/~01abc"},
            "Score": {"number": 87.5},
            "Stage": {"select": {"name": "New"}},
            "Skills": {"multi_select": [{"name": "python"}, {"name": "fastapi"}]},
            "Review": {"status": {"name": "In progress"}},
            "Payment verified": {"checkbox": True},
            "Posted at": {"date": {"start": "2026-11-23T10:15:00+00:00"}},
            "Portfolio matches": {"relation": [{"id": item["id"]}]},
        },
        children=[
            {"callout": {"rich_text": text("Draft: review it")}},
            {"paragraph": {"rich_text": text("Hello")}},
            {"to_do": {"rich_text": text("Check the budget"), "checked": False}},
        ],
    )
    props = page["properties"]
    assert page["parent"] == {
        "type": "data_source_id",
        "data_source_id": source_id,
        "database_id": page["parent"]["database_id"],
    }
    assert props["Score"]["number"] == 87.5
    assert props["Stage"]["select"]["name"] == "New"
    assert [o["name"] for o in props["Skills"]["multi_select"]] == ["python", "fastapi"]
    assert props["Review"]["status"]["name"] == "In progress"
    assert props["Payment verified"]["checkbox"] is True
    assert props["Posted at"]["date"]["start"] == "2026-11-23T10:15:00+00:00"
    assert props["Portfolio matches"]["relation"] == [{"id": item["id"]}]
    assert props["Card"]["unique_id"] == {"prefix": "JOB", "number": 1}
    assert props["Created"]["created_time"] == page["created_time"]
    assert page["created_time"].endswith(":00.000Z")  # minute precision, like Notion
    # a new select option is created on the fly, as Notion does
    source: Any = notion.data_sources.retrieve(source_id)
    assert "fastapi" in [
        o["name"] for o in source["properties"]["Skills"]["multi_select"]["options"]
    ]
    blocks: Any = notion.blocks.children.list(page["id"])
    assert [b["type"] for b in blocks["results"]] == ["callout", "paragraph", "to_do"]


def test_page_under_page_and_empty_values(notion: Client, root_page: str) -> None:
    child: Any = notion.pages.create(
        parent={"type": "page_id", "page_id": root_page},
        properties={"title": {"title": text("Weekly report")}},
    )
    assert child["parent"] == {"type": "page_id", "page_id": root_page}
    _, source_id = make_database(notion, root_page)
    page = add_job(notion, source_id, "Bare")
    props = page["properties"]
    assert props["Job key"]["rich_text"] == [] and props["Score"]["number"] is None
    assert props["Stage"]["select"] is None and props["Skills"]["multi_select"] == []
    assert props["Payment verified"]["checkbox"] is False and props["Posted at"]["date"] is None
    assert props["Portfolio matches"] == {
        "id": props["Portfolio matches"]["id"],
        "type": "relation",
        "relation": [],
    }
    root_children: Any = notion.blocks.children.list(root_page)
    kinds = {b["type"] for b in root_children["results"]}
    assert kinds == {"child_page", "child_database"}


def test_page_update_properties_and_trash(notion: Client, root_page: str) -> None:
    _, source_id = make_database(notion, root_page)
    page = add_job(notion, source_id, "Job", Score={"number": 1}, Stage={"select": {"name": "New"}})
    updated: Any = notion.pages.update(
        page["id"], properties={"Score": {"number": 2}, "Stage": {"select": {"name": "Drafted"}}}
    )
    assert updated["properties"]["Score"]["number"] == 2
    assert updated["properties"]["Stage"]["select"]["name"] == "Drafted"
    assert updated["properties"]["Name"]["title"][0]["plain_text"] == "Job"
    cleared: Any = notion.pages.update(page["id"], properties={"Stage": {"select": None}})
    assert cleared["properties"]["Stage"]["select"] is None
    trashed: Any = notion.pages.update(page["id"], in_trash=True)
    assert trashed["in_trash"] is True
    restored: Any = notion.pages.update(page["id"], in_trash=False)
    assert restored["in_trash"] is False


def test_block_children_append_positions_list_update_delete(notion: Client, root_page: str) -> None:
    page: Any = notion.pages.create(
        parent={"type": "page_id", "page_id": root_page},
        properties={"title": {"title": text("Blocks")}},
    )
    first: Any = notion.blocks.children.append(
        page["id"],
        children=[
            {"paragraph": {"rich_text": text("one")}},
            {"paragraph": {"rich_text": text("three")}},
        ],
    )
    one, three = (b["id"] for b in first["results"])
    notion.blocks.children.append(
        page["id"],
        children=[{"paragraph": {"rich_text": text("two")}}],
        position={"type": "after_block", "after_block": {"id": one}},
    )
    notion.blocks.children.append(
        page["id"],
        children=[{"heading_2": {"rich_text": text("zero")}}],
        position={"type": "start"},
    )
    nested: Any = notion.blocks.children.append(
        page["id"],
        children=[
            {
                "toggle": {
                    "rich_text": text("four"),
                    "children": [
                        {
                            "bulleted_list_item": {
                                "rich_text": text("a"),
                                "children": [{"paragraph": {"rich_text": text("deep")}}],
                            }
                        }
                    ],
                }
            }
        ],
    )
    listed: Any = notion.blocks.children.list(page["id"])
    texts = [b[b["type"]]["rich_text"][0]["plain_text"] for b in listed["results"]]
    assert texts == ["zero", "one", "two", "three", "four"]
    toggle = nested["results"][0]
    assert toggle["has_children"] is True
    inner: Any = notion.blocks.children.list(toggle["id"])
    assert inner["results"][0]["type"] == "bulleted_list_item"
    assert inner["results"][0]["parent"] == {"type": "block_id", "block_id": toggle["id"]}
    updated: Any = notion.blocks.update(three, paragraph={"rich_text": text("THREE")})
    assert updated["paragraph"]["rich_text"][0]["plain_text"] == "THREE"
    assert notion.blocks.retrieve(three)["paragraph"]["rich_text"][0]["plain_text"] == "THREE"  # type: ignore[index]
    deleted: Any = notion.blocks.delete(three)
    assert deleted["in_trash"] is True
    after: Any = notion.blocks.children.list(page["id"])
    assert three not in [b["id"] for b in after["results"]]
    as_block: Any = notion.blocks.retrieve(page["id"])
    assert as_block["type"] == "child_page" and as_block["child_page"]["title"] == "Blocks"


def test_block_children_paginate(notion: Client, root_page: str) -> None:
    page: Any = notion.pages.create(
        parent={"type": "page_id", "page_id": root_page},
        properties={"title": {"title": text("Long")}},
    )
    for start in range(0, 250, 100):
        notion.blocks.children.append(
            page["id"],
            children=[
                {"paragraph": {"rich_text": text(str(i))}}
                for i in range(start, min(start + 100, 250))
            ],
        )
    seen, cursor = [], None
    while True:
        batch: Any = notion.blocks.children.list(page["id"], page_size=100, start_cursor=cursor)
        seen += [b["paragraph"]["rich_text"][0]["plain_text"] for b in batch["results"]]
        if not batch["has_more"]:
            break
        cursor = batch["next_cursor"]
    assert seen == [str(i) for i in range(250)]


def test_tables_hold_rows_of_the_right_width(notion: Client, root_page: str) -> None:
    page: Any = notion.pages.create(
        parent={"type": "page_id", "page_id": root_page},
        properties={"title": {"title": text("Metrics")}},
        children=[
            {
                "table": {
                    "table_width": 2,
                    "has_column_header": True,
                    "children": [
                        {"table_row": {"cells": [text("Search"), text("Replies")]}},
                        {"table_row": {"cells": [text("Backend"), text("3")]}},
                    ],
                }
            }
        ],
    )
    table: Any = notion.blocks.children.list(page["id"])
    rows: Any = notion.blocks.children.list(table["results"][0]["id"])
    assert [r["table_row"]["cells"][0][0]["plain_text"] for r in rows["results"]] == [
        "Search",
        "Backend",
    ]


def test_views_board_grouped_by_stage(notion: Client, root_page: str) -> None:
    database_id, source_id = make_database(notion, root_page)
    stage_id = notion.data_sources.retrieve(source_id)["properties"]["Stage"]["id"]  # type: ignore[index]
    view: Any = notion.views.create(
        database_id=database_id,
        data_source_id=source_id,
        name="Board",
        type="board",
        configuration={
            "type": "board",
            "group_by": {"type": "select", "property_id": stage_id, "sort": {"type": "manual"}},
        },
    )
    assert view["type"] == "board"
    assert view["configuration"]["group_by"]["property_name"] == "Stage"
    listed: Any = notion.views.list(database_id=database_id)
    assert len(listed["results"]) == 2  # the default table view and the board
    assert listed["results"][1] == {"object": "view", "id": view["id"]}
    by_source: Any = notion.views.list(data_source_id=source_id)
    assert view["id"] in [v["id"] for v in by_source["results"]]
    assert notion.views.retrieve(view["id"])["name"] == "Board"  # type: ignore[index]
    renamed: Any = notion.views.update(view["id"], name="Pipeline")
    assert renamed["name"] == "Pipeline"
    deleted: Any = notion.views.delete(view["id"])
    assert deleted["id"] == view["id"]
    assert len(notion.views.list(database_id=database_id)["results"]) == 1  # type: ignore[index]


def test_data_source_create_adds_a_second_source(notion: Client, root_page: str) -> None:
    database_id, _ = make_database(notion, root_page)
    source: Any = notion.data_sources.create(
        parent={"type": "database_id", "database_id": database_id},
        properties={"Title": {"title": {}}},
        title=text("Archive"),
    )
    database: Any = notion.databases.retrieve(database_id)
    assert [s["name"] for s in database["data_sources"]] == ["Jobs", "Archive"]
    assert source["parent"] == {"type": "database_id", "database_id": database_id}


@pytest.mark.anyio
async def test_async_client_end_to_end(anotion: AsyncClient) -> None:
    found = await anotion.search(query="bidboard")
    root = found["results"][0]["id"]
    database = await anotion.databases.create(
        parent={"type": "page_id", "page_id": root},
        title=text("Async jobs"),
        initial_data_source={"properties": {"Name": {"title": {}}, "Score": {"number": {}}}},
    )
    source = database["data_sources"][0]["id"]
    for score in (10, 90, 50):
        await anotion.pages.create(
            parent={"type": "data_source_id", "data_source_id": source},
            properties={"Name": {"title": text(f"job {score}")}, "Score": {"number": score}},
        )
    result = await anotion.data_sources.query(
        source,
        filter={"property": "Score", "number": {"greater_than": 20}},
        sorts=[{"property": "Score", "direction": "descending"}],
    )
    assert [p["properties"]["Score"]["number"] for p in result["results"]] == [90, 50]


def test_version_2025_09_03_carries_archived(emulator: Any, recorder: Any, root_page: str) -> None:
    from tests.support.notion import make_client

    old = make_client(emulator, recorder, version="2025-09-03")
    page: Any = old.pages.create(
        parent={"type": "page_id", "page_id": root_page},
        properties={"title": {"title": text("Old")}},
    )
    assert page["archived"] is False and page["in_trash"] is False
    trashed: Any = old.pages.update(page["id"], archived=True)
    assert trashed["archived"] is True and trashed["in_trash"] is True
    database: Any = old.databases.create(
        parent={"type": "page_id", "page_id": root_page}, title=text("Old db")
    )
    assert "database_type" not in database and database["archived"] is False
    old.close()
