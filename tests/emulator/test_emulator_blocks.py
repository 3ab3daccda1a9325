"""Lifetime blocks and the Free workspace block limit in the emulator.

developers.notion.com/reference/workspace-block-limits: 1,000 lifetime blocks in a Free
workspace with more than one member; deleting gives nothing back; the write that first reaches
the limit succeeds and starts a three-day grace period; after it, requests that create blocks
fail while reads, edits that create nothing and deletes still work.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from notion_client.errors import APIResponseError

from notion_emulator import EmulatorConfig, create_app
from tests.support.builders import text
from tests.support.notion import Recorder, make_client


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 9, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def page(notion: Any, parent: str, blocks: int) -> dict[str, Any]:
    return dict(
        notion.pages.create(
            parent={"page_id": parent},
            properties={"title": {"title": text("p")}},
            children=[{"paragraph": {"rich_text": text(f"line {i}")}} for i in range(blocks)],
        )
    )


def test_pages_blocks_and_databases_count_and_deleting_gives_nothing_back(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "emulator.sqlite3")
    app = create_app(EmulatorConfig(rate_limit=0, db=db))
    notion = make_client(app, Recorder())
    root = notion.search(query="bidboard")["results"][0]["id"]  # type: ignore[index]
    start = app.stats["blocks"]["lifetime"]
    made = page(notion, root, 3)  # the page and its 3 paragraphs
    assert app.stats["blocks"]["lifetime"] == start + 4
    notion.blocks.children.append(made["id"], children=[{"divider": {}}])
    notion.databases.create(
        parent={"type": "page_id", "page_id": root},
        title=text("D"),
        initial_data_source={"properties": {"Name": {"title": {}}}},
    )
    assert app.stats["blocks"]["lifetime"] == start + 6
    notion.pages.update(made["id"], in_trash=True)
    notion.pages.update(made["id"], in_trash=False)
    notion.pages.update(made["id"], erase_content=True)
    assert app.stats["blocks"]["lifetime"] == start + 6  # nothing given back
    app.gate.stats.reset()
    assert app.stats["blocks"]["lifetime"] == start + 6  # not a request count
    notion.close()
    app.store.close()
    again = create_app(EmulatorConfig(rate_limit=0, db=db))
    assert again.stats["blocks"]["lifetime"] == start + 6  # kept with the data
    again.store.close()


def test_the_limit_grace_period_and_notions_refusal() -> None:
    clock = Clock()
    app = create_app(EmulatorConfig(rate_limit=0, clock=clock))
    notion = make_client(app, Recorder())
    root = notion.search(query="bidboard")["results"][0]["id"]  # type: ignore[index]
    app.configure_blocks(block_limit=app.stats["blocks"]["lifetime"] + 5)
    first = page(notion, root, 3)  # 4 blocks: under the limit
    assert app.stats["blocks"]["grace_until"] is None
    page(notion, root, 3)  # 4 more: this write reaches the limit and succeeds
    stats = app.stats["blocks"]
    assert stats["grace_until"] == (clock.now + timedelta(days=3)).isoformat()
    assert not stats["blocked"]
    clock.now += timedelta(days=2)
    page(notion, root, 1)  # creating still works during the grace period
    clock.now += timedelta(days=1, seconds=1)
    assert app.stats["blocks"]["blocked"]
    with pytest.raises(APIResponseError) as refused:
        page(notion, root, 0)
    assert refused.value.status == 403 and refused.value.code == "restricted_resource"
    assert "block limit" in str(refused.value)
    assert refused.value.additional_data == {  # type: ignore[attr-defined]
        "workspace_block_limit": str(app.budget.limit)
    }
    with pytest.raises(APIResponseError):
        notion.blocks.children.append(first["id"], children=[{"divider": {}}])
    lifetime = app.stats["blocks"]["lifetime"]
    # reads, edits that create nothing and deletes go on
    notion.pages.retrieve(first["id"])
    notion.blocks.children.list(first["id"])
    notion.pages.update(first["id"], properties={"title": {"title": text("renamed")}})
    notion.pages.update(first["id"], erase_content=True)
    notion.blocks.delete(first["id"])
    assert app.stats["blocks"]["lifetime"] == lifetime
    app.configure_blocks(block_limit=None)  # a paid plan
    page(notion, root, 1)
    notion.close()
    app.store.close()


def test_the_limit_is_set_and_lifted_over_http() -> None:
    from starlette.testclient import TestClient

    app = create_app(rate_limit=0)
    with TestClient(app) as http:
        answer = http.patch(
            "/__emulator/config", json={"block_limit": 1000, "block_grace_seconds": 0}
        )
        assert answer.status_code == 200
        assert answer.json()["block_limit"] == 1000
        assert http.get("/__emulator/stats").json()["blocks"]["limit"] == 1000
        assert http.patch("/__emulator/config", json={"block_limit": "x"}).status_code == 400
        assert http.patch("/__emulator/config", json={"block_limit": None}).status_code == 200
    app.store.close()
