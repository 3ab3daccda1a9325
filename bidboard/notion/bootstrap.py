"""``bidboard init``, ``verify`` and ``migrate``: make the Notion databases match the
declarations, without ever deleting or retyping what a user made (unless told ``--force``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bidboard.errors import NotionError
from bidboard.notion.client import Notion
from bidboard.notion.drift import Drift, differences, option_ids, read_data_source, verify
from bidboard.notion.migrate import MigrateReport, carry_renames, migrate
from bidboard.notion.views import ensure_views
from bidboard.notion.workspace import DatabaseIds, Workspace
from bidboard.schema.codecs import rich_text, schema_properties
from bidboard.schema.databases import ALL_DATABASES, JOBS
from bidboard.schema.views import PIPELINE, VIEWS

__all__ = [
    "BOARD_VIEW_NAME",
    "Drift",
    "InitReport",
    "MigrateReport",
    "carry_renames",
    "init",
    "migrate",
    "verify",
]

logger = logging.getLogger(__name__)
BOARD_VIEW_NAME = PIPELINE.name


@dataclass
class InitReport:
    workspace: Workspace
    created: list[str]
    found: list[str]
    drift: list[Drift]
    notes: list[str]
    #: Blocks of the workspace's lifetime budget this init spent: each database is a block
    #: (data sources and views are not); a Free workspace with more than one member has 1,000.
    blocks: int = 0


def _child_databases(notion: Notion, page_id: str) -> dict[str, str]:
    """Titles of the databases directly under ``page_id``, to their ids."""
    found: dict[str, str] = {}
    for block in notion.paginate("list parent page", notion.client.blocks.children.list, page_id):
        if block.get("type") == "child_database" and not block.get("in_trash"):
            found.setdefault(block["child_database"]["title"], block["id"])
    return found


def _ids(notion: Notion, database_id: str) -> DatabaseIds | None:
    try:
        database = notion.call(
            "read database", notion.client.databases.retrieve, database_id, safe=True
        )
    except NotionError as error:
        if error.status == 404:
            return None
        raise
    if database.get("in_trash") or not database.get("data_sources"):
        return None
    source_id = database["data_sources"][0]["id"]
    return DatabaseIds(database_id=database_id, data_source_id=source_id)


def init(
    notion: Notion, parent_page_id: str, base_url: str, previous: Workspace | None = None
) -> InitReport:
    """Create what is missing under ``parent_page_id``; reuse what exists (idempotent)."""
    parent = notion.call(
        "read parent page", notion.client.pages.retrieve, parent_page_id, safe=True
    )
    parent_id = str(parent["id"])
    existing = _child_databases(notion, parent_id)
    databases: dict[str, DatabaseIds] = {}
    sources: dict[str, dict[str, Any]] = {}
    created, found, notes = [], [], []
    for spec in ALL_DATABASES:
        ids = None
        if previous is not None and spec.key in previous.databases:
            ids = _ids(notion, previous.databases[spec.key].database_id)
        if ids is None and spec.title in existing:
            ids = _ids(notion, existing[spec.title])
        if ids is None:
            properties = schema_properties(
                spec, {k: v.data_source_id for k, v in databases.items()}
            )
            database = notion.call(
                f"create {spec.title}",
                notion.client.databases.create,
                safe=False,
                parent={"type": "page_id", "page_id": parent_id},
                title=rich_text(spec.title),
                initial_data_source={"properties": properties},
            )
            ids = DatabaseIds(
                database_id=database["id"], data_source_id=database["data_sources"][0]["id"]
            )
            created.append(spec.title)
        else:
            found.append(spec.title)
        source = read_data_source(notion, ids.data_source_id)
        ids.property_ids = {name: p["id"] for name, p in source["properties"].items()}
        ids.option_ids = option_ids(source)
        databases[spec.key] = ids
        sources[spec.key] = source
    for key, specs in VIEWS.items():
        ids = databases[key]
        try:
            views, made = ensure_views(notion, ids, specs)
        except NotionError as error:  # views are newer API; the board still works without them
            notes.append(f"views of {key} not created: {error}")
            logger.warning("views not created database=%s error=%s", key, error)
            continue
        ids.views = views
        if key == JOBS.key:
            ids.board_view_id = views.get(PIPELINE.name)
        title = next(spec.title for spec in ALL_DATABASES if spec.key == key)
        created += [f"{title} view '{name}'" for name in made]
    workspace = Workspace(notion_base_url=base_url, parent_page_id=parent_id, databases=databases)
    if previous is not None and previous.notion_base_url == base_url:
        workspace.emulator_db = previous.emulator_db  # still the same local emulator
    drift = [
        d
        for spec in ALL_DATABASES
        for d in differences(spec, sources[spec.key], workspace.data_sources())
    ]
    blocks = sum(1 for spec in ALL_DATABASES if spec.title in created)
    return InitReport(workspace, created, found, drift, notes, blocks)
