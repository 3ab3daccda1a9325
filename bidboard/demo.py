"""``bidboard demo``: the main job on embedded defaults, offline.

Today it starts the Notion emulator (data kept in ``<data dir>/emulator.sqlite3``), creates a
sample Jobs database through the real notion-client over HTTP, writes sample cards (upserted by
job key, so a rerun adds no duplicate) and prints where to look.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from typing import Any

from notion_client import Client
from pydantic import SecretStr

from .localserver import BackgroundServer
from .notion import build_notion_client, payload
from .settings import Settings

SAMPLE_DATABASE = "bidboard sample jobs"
DEMO_TOKEN = "demo-local-emulator-token"  # noqa: S105 - the local emulator accepts any token
SAMPLE_JOBS = [
    ("~01a1b2c3d4e5f60001", "FastAPI backend for a logistics dashboard", 85, "New"),
    ("~01a1b2c3d4e5f60002", "Postgres query tuning for a SaaS app", 72, "New"),
    ("~01a1b2c3d4e5f60003", "Notion + Zapier automation for a small agency", 64, "Drafted"),
    ("~01a1b2c3d4e5f60004", "WordPress theme tweaks", 18, "Needs attention"),
]
STAGES = [
    ("New", "blue"),
    ("Drafted", "purple"),
    ("Needs attention", "red"),
    ("Reviewing", "yellow"),
    ("Submitted", "orange"),
    ("Viewed", "brown"),
    ("Replied", "pink"),
    ("Interview", "green"),
    ("Won", "green"),
    ("Lost", "gray"),
    ("Skipped", "default"),
]


@dataclass
class DemoResult:
    database_id: str
    data_source_id: str
    created: int
    existing: int


def _text(value: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": {"content": value}}]


def _root_page(client: Client) -> str:
    found = payload(client.search(query="bidboard", filter={"property": "object", "value": "page"}))
    for page in found["results"]:
        if page["parent"]["type"] == "workspace":
            return str(page["id"])
    raise RuntimeError("the emulator has no root page titled 'bidboard'")


def _sample_database(client: Client, parent_page_id: str) -> tuple[str, str]:
    found = payload(
        client.search(query=SAMPLE_DATABASE, filter={"property": "object", "value": "data_source"})
    )
    for source in found["results"]:
        return str(source["parent"]["database_id"]), str(source["id"])
    database = payload(
        client.databases.create(
            parent={"type": "page_id", "page_id": parent_page_id},
            title=_text(SAMPLE_DATABASE),
            initial_data_source={
                "properties": {
                    "Name": {"title": {}},
                    "Job key": {"rich_text": {}},
                    "Score": {"number": {"format": "number"}},
                    "Stage": {"select": {"options": [{"name": n, "color": c} for n, c in STAGES]}},
                }
            },
        )
    )
    source_id = str(database["data_sources"][0]["id"])
    client.views.create(
        database_id=database["id"],
        data_source_id=source_id,
        name="Board",
        type="board",
        configuration={
            "type": "board",
            "group_by": {"type": "select", "property_id": "Stage", "sort": {"type": "manual"}},
        },
    )
    return str(database["id"]), source_id


def run_sample(client: Client, parent_page_id: str | None = None) -> DemoResult:
    parent = parent_page_id or _root_page(client)
    database_id, source_id = _sample_database(client, parent)
    keys = [key for key, *_ in SAMPLE_JOBS]
    existing = payload(
        client.data_sources.query(
            source_id,
            filter={"or": [{"property": "Job key", "rich_text": {"equals": k}} for k in keys]},
            filter_properties=["Job key"],
        )
    )
    have = {
        "".join(t["plain_text"] for t in p["properties"]["Job key"]["rich_text"])
        for p in existing["results"]
    }
    created = 0
    for key, title, score, stage in SAMPLE_JOBS:
        if key in have:
            continue
        client.pages.create(
            parent={"type": "data_source_id", "data_source_id": source_id},
            properties={
                "Name": {"title": _text(title)},
                "Job key": {"rich_text": _text(key)},
                "Score": {"number": score},
                "Stage": {"select": {"name": stage}},
            },
            children=[
                {
                    "callout": {
                        "rich_text": _text(
                            "Draft: review it, then submit it yourself on Upwork. "
                            "bidboard never sends anything."
                        )
                    }
                }
            ],
        )
        created += 1
    return DemoResult(database_id, source_id, created, len(have))


def main(settings: Settings, *, serve: bool | None = None, port: int = 8765) -> int:
    started = time.monotonic()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    server: BackgroundServer | None = None
    if settings.notion_token is None:
        from notion_emulator import EmulatorConfig, create_app

        db_path = settings.data_dir / "emulator.sqlite3"
        app = create_app(EmulatorConfig(db=str(db_path), rate_limit=3.0, burst=3))
        server = BackgroundServer(app, port=port).start()
        settings = settings.model_copy(
            update={"notion_base_url": server.url, "notion_token": SecretStr(DEMO_TOKEN)}
        )
        print(f"Notion emulator on {server.url} (data: {db_path})")
    else:
        print(f"Using Notion at {settings.notion_base_url}")
    client = build_notion_client(settings)
    try:
        result = run_sample(client, settings.notion_parent_page_id)
    finally:
        client.close()
    print(f"Sample database: {SAMPLE_DATABASE} ({result.database_id})")
    print(f"Cards: {result.created} created, {result.existing} already there")
    if server is not None:
        print(f"Board: {server.url}/board/{result.data_source_id}")
    print(f"Wall time: {time.monotonic() - started:.2f}s")
    interactive = sys.stdin.isatty() if serve is None else serve
    if server is not None:
        if interactive:
            print("Serving the emulator; press Ctrl-C to stop.")
            try:
                while server.thread.is_alive():
                    time.sleep(0.5)
            except KeyboardInterrupt:
                pass
        server.stop()
    return 0
