"""``bidboard init``, ``verify`` and ``migrate``: make the Notion databases match the
declarations, without ever deleting or retyping what a user made (unless told ``--force``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bidboard.errors import NotionError
from bidboard.models import Stage
from bidboard.notion import Notion

from .codecs import property_schema, rich_text, schema_properties
from .databases import ALL_DATABASES, JOBS, RENAMED
from .model import DatabaseSpec, PropertySpec
from .views import PIPELINE, VIEWS, ensure_views
from .workspace import DatabaseIds, Workspace

logger = logging.getLogger(__name__)
BOARD_VIEW_NAME = PIPELINE.name


@dataclass(frozen=True)
class Drift:
    database: str
    name: str  # the property
    kind: str  # missing | wrong_type | missing_option | wrong_relation | extra
    detail: str

    @property
    def is_error(self) -> bool:
        return self.kind != "extra"

    def __str__(self) -> str:
        return f"{self.database}: {self.detail}"


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


def _source(notion: Notion, source_id: str) -> dict[str, Any]:
    return notion.call(
        "read data source", notion.client.data_sources.retrieve, source_id, safe=True
    )


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
        source = _source(notion, ids.data_source_id)
        ids.property_ids = {name: p["id"] for name, p in source["properties"].items()}
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
        for d in _drift(spec, sources[spec.key], workspace.data_sources())
    ]
    blocks = sum(1 for spec in ALL_DATABASES if spec.title in created)
    return InitReport(workspace, created, found, drift, notes, blocks)


def _drift(spec: DatabaseSpec, source: dict[str, Any], data_sources: dict[str, str]) -> list[Drift]:
    actual: dict[str, Any] = source["properties"]
    drift: list[Drift] = []
    for prop in spec.properties:
        have = actual.get(prop.name)
        if have is None:
            drift.append(
                Drift(
                    spec.title,
                    prop.name,
                    "missing",
                    f"missing property '{prop.name}' ({prop.type})",
                )
            )
            continue
        if have["type"] != prop.type:
            drift.append(
                Drift(
                    spec.title,
                    prop.name,
                    "wrong_type",
                    f"property '{prop.name}' is {have['type']}, expected {prop.type}",
                )
            )
            continue
        if prop.options:
            names = {o["name"] for o in have[prop.type].get("options", [])}
            for option in prop.options:
                if option.name not in names:
                    drift.append(
                        Drift(
                            spec.title,
                            prop.name,
                            "missing_option",
                            f"{prop.type} '{prop.name}' lacks option '{option.name}'",
                        )
                    )
        if prop.relation_to is not None:
            target = data_sources.get(prop.relation_to)
            if target and have["relation"].get("data_source_id") != target:
                drift.append(
                    Drift(
                        spec.title,
                        prop.name,
                        "wrong_relation",
                        f"relation '{prop.name}' does not point to {prop.relation_to}",
                    )
                )
    declared = {p.name for p in spec.properties}
    for name, have in actual.items():
        if name not in declared:
            drift.append(
                Drift(
                    spec.title,
                    name,
                    "extra",
                    f"extra property '{name}' ({have['type']}), added by a user: kept",
                )
            )
    return drift


def verify(notion: Notion, workspace: Workspace) -> list[Drift]:
    """Every difference between the declarations and Notion. User-added properties are reported
    as ``extra`` (not errors)."""
    drift: list[Drift] = []
    for spec in ALL_DATABASES:
        ids = workspace.ids(spec.key)
        source = _source(notion, ids.data_source_id)
        drift += _drift(spec, source, workspace.data_sources())
    return drift


@dataclass
class MigrateReport:
    changed: list[str]
    skipped: list[str]


def _ordered_options(prop: PropertySpec, current: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The declared options in board order (existing ones keep their id and colour), then the
    options a user added, as they were."""
    have = {o["name"]: o for o in current}
    ordered = [
        {"id": have[o.name]["id"], "name": o.name, "color": have[o.name]["color"]}
        if o.name in have
        else {"name": o.name, "color": o.color}
        for o in prop.options
    ]
    declared = {o.name for o in prop.options}
    ordered += [
        {"id": o["id"], "name": o["name"], "color": o["color"]}
        for o in current
        if o["name"] not in declared
    ]
    return ordered


def migrate(notion: Notion, workspace: Workspace, *, force: bool = False) -> MigrateReport:
    """Add missing properties and options. Wrong types and relations are only replaced with
    ``force``; nothing is ever deleted. One update request per database that needs one."""
    changed, skipped = [], []
    data_sources = workspace.data_sources()
    for spec in ALL_DATABASES:
        ids = workspace.ids(spec.key)
        source = _source(notion, ids.data_source_id)
        update: dict[str, Any] = {}
        for new_name, old_name in RENAMED.get(spec.key, {}).items():
            old = source["properties"].get(old_name)
            if new_name not in source["properties"] and old is not None:
                update[old["id"]] = {"name": new_name}  # renamed in place: its values stay
                source["properties"][new_name] = source["properties"].pop(old_name)
                changed.append(f"{spec.title}: property '{old_name}' renamed '{new_name}'")
        for drift in _drift(spec, source, data_sources):
            prop = spec.property(drift.name) if drift.kind != "extra" else None
            if prop is None:
                continue
            if drift.kind == "missing" or (
                drift.kind in ("wrong_type", "wrong_relation") and force
            ):
                update[prop.name] = property_schema(prop, data_sources)
                changed.append(str(drift))
            elif drift.kind == "missing_option":
                current = source["properties"][prop.name][prop.type].get("options", [])
                update[prop.name] = {prop.type: {"options": _ordered_options(prop, current)}}
                changed.append(str(drift))
            else:
                skipped.append(f"{drift} (not changed: use --force to replace it)")
        if update:
            updated = notion.call(
                f"migrate {spec.title}",
                notion.client.data_sources.update,
                ids.data_source_id,
                safe=True,
                properties=update,
            )
            ids.property_ids = {n: p["id"] for n, p in updated["properties"].items()}
    moved = move_low_fit(notion, workspace)
    if moved:
        changed.append(
            f"{JOBS.title}: {moved} card(s) with a skip verdict moved from New to Low fit"
        )
    return MigrateReport(changed, skipped)


def move_low_fit(notion: Notion, workspace: Workspace) -> int:
    """Boards from before the ``Low fit`` stage kept skip-verdict jobs in ``New``: move them
    (both stages are bidboard's own). Their score reasons start with ``skip:``."""
    ids = workspace.ids(JOBS.key)
    pages = notion.paginate(
        "find skipped New cards",
        notion.client.data_sources.query,
        ids.data_source_id,
        filter={
            "and": [
                {"property": "Stage", "select": {"equals": Stage.NEW.value}},
                {"property": "Score reasons", "rich_text": {"starts_with": "skip:"}},
            ]
        },
    )
    moved = 0
    for page in list(pages):
        notion.call(
            "move to Low fit",
            notion.client.pages.update,
            page["id"],
            safe=True,
            properties={"Stage": {"select": {"name": Stage.LOW_FIT.value}}},
        )
        moved += 1
    return moved
