"""``bidboard migrate``: add what the declarations have and the databases lack, follow a user's
renames, and never delete or retype what a user made unless told ``--force``."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bidboard.models import Stage
from bidboard.notion.client import Notion
from bidboard.notion.drift import (
    decoded,
    differences,
    option_ids,
    read_source,
    renamed_name,
    renamed_options,
)
from bidboard.notion.workspace import DatabaseIds, Workspace
from bidboard.schema.codecs import property_schema
from bidboard.schema.databases import ALL_DATABASES, JOBS, RENAMED
from bidboard.schema.spec import PropertySpec

logger = logging.getLogger(__name__)


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
        source = read_source(notion, spec, ids)
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
        drifts = differences(spec, source, data_sources, ids)
        renamed_to = {
            d.name: renamed_name(source, ids, d.name) for d in drifts if d.kind == "renamed"
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
                renamed = renamed_options(prop, current, ids.option_ids.get(prop.name, {}))
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
    now = {decoded(i): n for n, i in fresh.items()}
    for name, pid in previous.property_ids.items():
        current = now.get(decoded(pid))
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
