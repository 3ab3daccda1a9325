"""``bidboard init``, ``verify`` and ``migrate``: make the Notion databases match the
declarations, without ever deleting or retyping what a user made (unless told ``--force``)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from bidboard.errors import NotionError
from bidboard.models import Stage
from bidboard.notion.client import Notion
from bidboard.notion.workspace import DatabaseIds, Workspace
from bidboard.schema.codecs import property_schema, rich_text, schema_properties
from bidboard.schema.databases import ALL_DATABASES, JOBS, RENAMED
from bidboard.schema.spec import DatabaseSpec, PropertySpec
from bidboard.schema.views import PIPELINE, VIEWS, ensure_views

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
        for d in _drift(spec, sources[spec.key], workspace.data_sources())
    ]
    blocks = sum(1 for spec in ALL_DATABASES if spec.title in created)
    return InitReport(workspace, created, found, drift, notes, blocks)


def _decoded(property_id: str) -> str:
    """Notion returns property ids percent-encoded; compare them decoded once."""
    return unquote(property_id)


def option_ids(source: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The option ids of a data source's select-like properties: property -> option -> id, kept
    in the workspace file so that a renamed option is known for what it is."""
    found: dict[str, dict[str, str]] = {}
    for name, prop in source["properties"].items():
        options = (prop.get(prop.get("type", "")) or {}).get("options")
        if isinstance(options, list):
            found[name] = {str(o["name"]): str(o["id"]) for o in options if "id" in o}
    return found


def _renamed_options(
    prop: PropertySpec, current: list[dict[str, Any]], known: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Declared options missing by name whose recorded id is there under another name."""
    names = {o["name"] for o in current}
    by_id = {str(o.get("id")): o for o in current}
    renamed = {}
    for option in prop.options:
        was = known.get(option.name)
        if option.name not in names and was is not None and was in by_id:
            renamed[option.name] = by_id[was]
    return renamed


def _drift(
    spec: DatabaseSpec,
    source: dict[str, Any],
    data_sources: dict[str, str],
    ids: DatabaseIds | None = None,
) -> list[Drift]:
    """Differences between ``spec`` and a data source. With ``ids`` (the workspace file),
    properties are followed by id: one a user renamed is reported as ``renamed`` (never as
    missing), and so is a renamed option."""
    if source.get("in_trash") or source.get("archived"):
        return [
            Drift(
                spec.title,
                "",
                "trashed",
                f"the {spec.title} data source is in the trash: restore it in Notion "
                "(bidboard reads and writes nothing there meanwhile)",
            )
        ]
    actual: dict[str, Any] = source["properties"]
    declared = {p.name for p in spec.properties}
    known = ids.property_ids if ids is not None else {}
    known_options = ids.option_ids if ids is not None else {}
    by_id = {_decoded(str(p.get("id", ""))): name for name, p in actual.items()}
    followed: set[str] = set()
    drift: list[Drift] = []
    for prop in spec.properties:
        have = actual.get(prop.name)
        if have is None and prop.name in known:
            now = by_id.get(_decoded(known[prop.name]))
            if now is not None and now not in declared:
                drift.append(
                    Drift(
                        spec.title,
                        prop.name,
                        "renamed",
                        f"property '{prop.name}' was renamed to '{now}' in Notion "
                        "(followed by its id; never added a second time)",
                    )
                )
                followed.add(now)
                have = actual[now]
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
            current = have[prop.type].get("options", [])
            renamed = _renamed_options(prop, current, known_options.get(prop.name, {}))
            names = {o["name"] for o in current}
            for option in prop.options:
                if option.name in renamed:
                    drift.append(
                        Drift(
                            spec.title,
                            prop.name,
                            "renamed_option",
                            f"{prop.type} '{prop.name}' option '{option.name}' was renamed to "
                            f"'{renamed[option.name]['name']}' in Notion (board sync and "
                            f"metrics know only '{option.name}')",
                        )
                    )
                elif option.name not in names:
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
    for name, have in actual.items():
        if name not in declared and name not in followed:
            drift.append(
                Drift(
                    spec.title,
                    name,
                    "extra",
                    f"extra property '{name}' ({have['type']}), added by a user: kept",
                )
            )
    return drift


def _database_trashed(notion: Notion, ids: DatabaseIds) -> bool:
    try:
        database = notion.call(
            "read database", notion.client.databases.retrieve, ids.database_id, safe=True
        )
    except NotionError as error:
        if error.status == 404:
            return True
        raise
    return bool(database.get("in_trash") or database.get("archived"))


def _read_source(notion: Notion, spec: DatabaseSpec, ids: DatabaseIds) -> dict[str, Any]:
    """The data source as verify and migrate see it: a trashed database or data source (or
    one gone) reads as trashed."""
    if _database_trashed(notion, ids):
        return {"in_trash": True, "properties": {}}
    try:
        return _source(notion, ids.data_source_id)
    except NotionError as error:
        if error.status == 404:
            return {"in_trash": True, "properties": {}}
        raise


def verify(notion: Notion, workspace: Workspace) -> list[Drift]:
    """Every difference between the declarations and Notion, properties followed by the ids in
    the workspace file. User-added properties are reported as ``extra`` (not errors)."""
    drift: list[Drift] = []
    for spec in ALL_DATABASES:
        ids = workspace.ids(spec.key)
        source = _read_source(notion, spec, ids)
        drift += _drift(spec, source, workspace.data_sources(), ids)
    return drift


@dataclass
class MigrateReport:
    changed: list[str]
    skipped: list[str]


def _ordered_options(
    prop: PropertySpec,
    current: list[dict[str, Any]],
    renamed: dict[str, dict[str, Any]] | None = None,
    *,
    restore: bool = False,
    add_missing: bool = True,
) -> list[dict[str, Any]]:
    """The declared options in board order (existing ones keep their id and colour), then the
    options a user added, as they were. A declared option a user renamed (``renamed``) is kept
    once, under the user's name, or under the declared one again with ``restore``."""
    renamed = renamed or {}
    have = {o["name"]: o for o in current}
    ordered = []
    for o in prop.options:
        if o.name in renamed:
            was = renamed[o.name]
            name = o.name if restore else was["name"]
            ordered.append({"id": was["id"], "name": name, "color": was["color"]})
        elif o.name in have:
            ordered.append(
                {"id": have[o.name]["id"], "name": o.name, "color": have[o.name]["color"]}
            )
        elif add_missing:
            ordered.append({"name": o.name, "color": o.color})
    declared = {o.name for o in prop.options}
    taken = {str(o["id"]) for o in renamed.values()}
    ordered += [
        {"id": o["id"], "name": o["name"], "color": o["color"]}
        for o in current
        if o["name"] not in declared and str(o.get("id")) not in taken
    ]
    return ordered


def migrate(notion: Notion, workspace: Workspace, *, force: bool = False) -> MigrateReport:
    """Add missing properties and options. Properties are followed by id: a renamed one is
    reported and never added a second time (``force`` renames it back, as it does a renamed
    option). Wrong types and relations are only replaced with ``force``; nothing is ever
    deleted. One update request per database that needs one."""
    changed, skipped = [], []
    data_sources = workspace.data_sources()
    for spec in ALL_DATABASES:
        ids = workspace.ids(spec.key)
        source = _read_source(notion, spec, ids)
        update: dict[str, Any] = {}
        for new_name, old_name in RENAMED.get(spec.key, {}).items():
            old = source["properties"].get(old_name)
            if new_name not in source["properties"] and old is not None:
                update[old["id"]] = {"name": new_name}  # renamed in place: its values stay
                source["properties"][new_name] = source["properties"].pop(old_name)
                if old_name in ids.property_ids:  # followed by id under its new name
                    ids.property_ids[new_name] = ids.property_ids.pop(old_name)
                changed.append(f"{spec.title}: property '{old_name}' renamed '{new_name}'")
        options_written: set[str] = set()
        drifts = _drift(spec, source, data_sources, ids)
        renamed_to = {
            d.name: _renamed_name(source, ids, d.name) for d in drifts if d.kind == "renamed"
        }
        for drift in drifts:
            if drift.kind == "trashed":
                skipped.append(f"{drift} (nothing migrated)")
                continue
            prop = spec.property(drift.name) if drift.kind != "extra" else None
            if prop is None:
                continue
            key = renamed_to.get(prop.name) or prop.name  # where the property is now
            if drift.kind == "renamed":
                if force:
                    update[source["properties"][key]["id"]] = {"name": prop.name}
                    changed.append(f"{drift} (renamed back)")
                else:
                    skipped.append(f"{drift} (not changed: use --force to rename it back)")
            elif drift.kind == "missing" or (
                drift.kind in ("wrong_type", "wrong_relation") and force
            ):
                update[prop.name] = property_schema(prop, data_sources)
                changed.append(str(drift))
            elif drift.kind in ("missing_option", "renamed_option"):
                current = source["properties"][key][prop.type].get("options", [])
                declared = {o.name for o in prop.options}
                strangers = [o["name"] for o in current if o["name"] not in declared]
                # a notion.json from before option ids: a missing option may be a renamed one
                unsure = prop.name not in ids.option_ids and bool(strangers) and not force
                if drift.kind == "renamed_option":
                    if force:
                        changed.append(f"{drift} (renamed back)")
                    else:
                        skipped.append(f"{drift} (not changed: use --force to rename it back)")
                elif unsure:
                    skipped.append(
                        f"{drift} (not added: if one of {', '.join(map(repr, strangers))} is it "
                        "renamed, rename it back; else use --force to add it)"
                    )
                else:
                    changed.append(str(drift))
                if prop.name in options_written:
                    continue  # one options list per property, for all its drift
                options_written.add(prop.name)
                renamed = _renamed_options(prop, current, ids.option_ids.get(prop.name, {}))
                options = _ordered_options(
                    prop, current, renamed, restore=force, add_missing=not unsure
                )
                if options != [
                    {"id": o["id"], "name": o["name"], "color": o["color"]} for o in current
                ]:
                    target = source["properties"][key]["id"] if key != prop.name else prop.name
                    update.setdefault(target, {})[prop.type] = {"options": options}
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
            source = updated
        if source.get("properties"):
            follow(ids, source)
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


def follow(ids: DatabaseIds, source: dict[str, Any]) -> None:
    """Record the ids of ``source``'s properties and options, keeping the declared names of
    those a user renamed (they point at the same ids), so that a rename stays a rename."""
    fresh = {n: str(p["id"]) for n, p in source["properties"].items()}
    options = option_ids(source)
    carry_renames(ids, fresh, options)
    ids.property_ids, ids.option_ids = fresh, options


def carry_renames(
    previous: DatabaseIds, fresh: dict[str, str], options: dict[str, dict[str, str]]
) -> None:
    """Keep in ``fresh``/``options`` (ids as Notion has them now) the declared names that
    ``previous`` knew for ids now under another name."""
    now = {_decoded(i): n for n, i in fresh.items()}
    for name, pid in previous.property_ids.items():
        current = now.get(_decoded(pid))
        if name not in fresh and current is not None:
            fresh[name] = fresh[current]
            options.setdefault(name, dict(options.get(current, {})))
    for name, known in previous.option_ids.items():
        have = options.get(name)
        if have is None:
            continue
        ids_now = set(have.values())
        for option, oid in known.items():
            if option not in have and oid in ids_now:
                have[option] = oid


def _renamed_name(source: dict[str, Any], ids: DatabaseIds, declared: str) -> str | None:
    known = ids.property_ids.get(declared)
    if known is None:
        return None
    for name, prop in source["properties"].items():
        if _decoded(str(prop.get("id", ""))) == _decoded(known):
            return str(name)
    return None
