"""``bidboard verify``: how the Notion databases differ from their declarations (missing or
retyped properties, missing options, wrong relations, extras a user added)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from bidboard.errors import NotionError
from bidboard.notion.client import Notion
from bidboard.notion.workspace import DatabaseIds, Workspace
from bidboard.schema.databases import ALL_DATABASES
from bidboard.schema.spec import DatabaseSpec, PropertySpec

logger = logging.getLogger(__name__)


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


def read_data_source(notion: Notion, source_id: str) -> dict[str, Any]:
    return notion.call(
        "read data source", notion.client.data_sources.retrieve, source_id, safe=True
    )


def decoded(property_id: str) -> str:
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


def renamed_options(
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


def differences(
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
    by_id = {decoded(str(p.get("id", ""))): name for name, p in actual.items()}
    followed: set[str] = set()
    drift: list[Drift] = []
    for prop in spec.properties:
        have = actual.get(prop.name)
        if have is None and prop.name in known:
            now = by_id.get(decoded(known[prop.name]))
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
            renamed = renamed_options(prop, current, known_options.get(prop.name, {}))
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


def database_trashed(notion: Notion, ids: DatabaseIds) -> bool:
    try:
        database = notion.call(
            "read database", notion.client.databases.retrieve, ids.database_id, safe=True
        )
    except NotionError as error:
        if error.status == 404:
            return True
        raise
    return bool(database.get("in_trash") or database.get("archived"))


def read_source(notion: Notion, spec: DatabaseSpec, ids: DatabaseIds) -> dict[str, Any]:
    """The data source as verify and migrate see it: a trashed database or data source (or
    one gone) reads as trashed."""
    if database_trashed(notion, ids):
        return {"in_trash": True, "properties": {}}
    try:
        return read_data_source(notion, ids.data_source_id)
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
        source = read_source(notion, spec, ids)
        drift += differences(spec, source, workspace.data_sources(), ids)
    return drift


def renamed_name(source: dict[str, Any], ids: DatabaseIds, declared: str) -> str | None:
    known = ids.property_ids.get(declared)
    if known is None:
        return None
    for name, prop in source["properties"].items():
        if decoded(str(prop.get("id", ""))) == decoded(known):
            return str(name)
    return None
