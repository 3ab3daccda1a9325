"""Pages: create (under a data source or a page, with content), retrieve, update; the root page."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..errors import body_invalid, unknown_property, validation
from ..ids import new_id, parse_id
from ..page_values import page_value
from ..properties import find_property, find_property_param
from ..richtext import rich_text_array, text_items
from ..store import Store
from .common import (
    Clock,
    Context,
    archived,
    block_tree,
    boolean,
    check_unsupported,
    editable_parent_page,
    get_data_source,
    get_database,
    get_page,
    minute_stamp,
    store_blocks,
    touch,
)


def _page_exists(ctx: Context) -> Callable[[str, str], bool]:
    def exists(source_id: str, page_id: str) -> bool:
        page = ctx.store.get(page_id, "page")
        return bool(page and page["parent"].get("data_source_id") == source_id)

    return exists


def _apply_page_properties(
    ctx: Context, page: dict[str, Any], raw: Any, source: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Validate and apply ``properties``; return the data source if its options grew."""
    if not isinstance(raw, dict):
        raise body_invalid("body.properties", "should be an object", raw)
    if source is None:  # a page under a page has only its title
        for key, value in raw.items():
            if key not in ("title", "Name"):
                raise unknown_property(key)
            items = value.get("title") if isinstance(value, dict) else value
            page["values"]["title"] = rich_text_array(items, f"body.properties.{key}.title")
        return None
    grown = False
    for key, value in raw.items():
        prop = find_property(source["schema"], key)
        if prop is None:
            raise unknown_property(key)
        stored, changed = page_value(prop, value, f"body.properties.{key}", _page_exists(ctx))
        page["values"][prop["id"]] = stored
        grown = grown or changed
    return source if grown else None


def _page_position(raw: Any, parent: dict[str, Any] | None) -> int | None:
    """Where a new page goes among its parent page's children (``page_start``, ``page_end``,
    ``after_block``); pages in a data source have no place among blocks."""
    if raw is None:
        return None
    kinds = ("after_block", "page_start", "page_end")
    if not isinstance(raw, dict) or raw.get("type") not in kinds:
        raise body_invalid("body.position", f"should have type {', '.join(kinds)}", raw)
    siblings = list(parent.get("children", [])) if parent is not None else []
    if raw["type"] == "page_start":
        return 0
    if raw["type"] == "page_end":
        return len(siblings)
    after = raw.get("after_block")
    if not isinstance(after, dict):
        raise body_invalid("body.position.after_block", "should be defined", after)
    after_id = parse_id(after.get("id"), "body.position.after_block.id")
    if after_id not in siblings:
        raise validation(f"Block {after_id} is not a child of the parent page.")
    return siblings.index(after_id) + 1


async def pages_create(ctx: Context) -> dict[str, Any]:
    body = await ctx.body()
    ctx.check_keys(
        body,
        (
            "parent",
            "properties",
            "icon",
            "cover",
            "content",
            "children",
            "markdown",
            "template",
            "position",
            "allow_async",
        ),
    )
    check_unsupported(body, ("markdown", "template"))
    if "content" in body and "children" in body:
        raise validation("body.content and body.children are the same field: send one of them.")
    parent = body.get("parent")
    if not isinstance(parent, dict):
        raise body_invalid("body.parent", "should be an object", parent)
    source: dict[str, Any] | None = None
    named = next((k for k in ("data_source_id", "database_id", "page_id") if k in parent), None)
    if "type" in parent and parent["type"] != named:  # each parent's `type` is a const
        raise body_invalid("body.parent.type", f"should be `{named}`", parent["type"])
    if "data_source_id" in parent:
        source = get_data_source(ctx, parent["data_source_id"], "body.parent.data_source_id")
    elif "database_id" in parent:
        database = get_database(ctx, parent["database_id"])
        if len(database["data_sources"]) != 1:
            raise validation("Databases with multiple data sources need a data_source_id parent.")
        source = ctx.store.get(database["data_sources"][0], "data_source")
    elif "page_id" in parent:
        parent_page = editable_parent_page(ctx, parent["page_id"], "body.parent.page_id")
    else:
        raise body_invalid(
            "body.parent", "should name a data_source_id, database_id or page_id", parent
        )
    if source is not None and source["in_trash"]:
        raise validation("Can't add pages to a data source in the trash.")
    field = "content" if "content" in body else "children"
    nodes = block_tree(body.get(field, []), field)
    position = _page_position(body.get("position"), parent_page if source is None else None)
    source = copy.deepcopy(source) if source is not None else None
    page: dict[str, Any] = {
        "kind": "page",
        "id": new_id(),
        "seq": ctx.store.next_seq(),
        "values": {},
        "icon": body.get("icon"),
        "cover": body.get("cover"),
        "in_trash": False,
        "is_locked": False,
        "created_time": ctx.stamp(),
        "last_edited_time": ctx.stamp(),
        "children": [],
    }
    grown = _apply_page_properties(ctx, page, body.get("properties", {}), source)
    if source is not None:
        page["parent"] = {
            "type": "data_source_id",
            "data_source_id": source["id"],
            "database_id": source["database_id"],
        }
        if any(p["type"] == "unique_id" for p in source["schema"].values()):
            source["unique_counter"] = source.get("unique_counter", 0) + 1
            page["unique_number"] = source["unique_counter"]
            grown = source
    else:
        page["parent"] = {"type": "page_id", "page_id": parent_page["id"]}
    blocks = store_blocks(ctx, nodes, {"type": "page_id", "page_id": page["id"]})
    page["children"] = [b["id"] for b in blocks]
    if grown is not None:
        ctx.store.put(grown)
    if source is None:
        parent_page = copy.deepcopy(parent_page)
        siblings = parent_page.setdefault("children", [])
        siblings.insert(len(siblings) if position is None else position, page["id"])
        ctx.store.put(parent_page)
    ctx.store.put(page)
    return ctx.render.page(page)


async def pages_retrieve(ctx: Context, page_id: str) -> dict[str, Any]:
    page = get_page(ctx, page_id)
    wanted = ctx.request.query_params.getlist("filter_properties")
    only = None
    if wanted and page["parent"]["type"] == "data_source_id":
        source = ctx.store.get(page["parent"]["data_source_id"])
        schema = source["schema"] if source else {}
        only = {p["id"] for k in wanted if (p := find_property_param(schema, k))}
    return ctx.render.page(page, only)


async def pages_update(ctx: Context, page_id: str) -> dict[str, Any]:
    page = copy.deepcopy(get_page(ctx, page_id))
    body = await ctx.body()
    ctx.check_keys(
        body,
        (
            "properties",
            "icon",
            "cover",
            "is_locked",
            "template",
            "erase_content",
            "in_trash",
            "is_archived",
        ),
        old_only=("archived",),
    )
    check_unsupported(body, ("template",))
    trash = body.get("in_trash", body.get("archived"))
    if trash is not None:
        boolean(trash, "body.in_trash")
    if page["in_trash"] and trash is not False and (set(body) - {"in_trash", "archived"}):
        raise archived("page")
    source = None
    if page["parent"]["type"] == "data_source_id":
        source = copy.deepcopy(ctx.store.get(page["parent"]["data_source_id"]))
    grown = None
    if "properties" in body:
        grown = _apply_page_properties(ctx, page, body["properties"], source)
    for key in ("icon", "cover"):
        if key in body:
            page[key] = body[key]
    if "is_locked" in body:
        page["is_locked"] = bool(body["is_locked"])
    if trash is not None:
        page["in_trash"] = trash
    if body.get("erase_content") is True:
        for child in page.get("children", []):
            doc = ctx.store.get(child)
            if doc is not None and doc["kind"] == "block":
                ctx.store.put({**doc, "in_trash": True})
        page["children"] = [
            c for c in page.get("children", []) if (d := ctx.store.get(c)) and d["kind"] != "block"
        ]
    touch(ctx, page)
    if grown is not None:
        ctx.store.put(grown)
    ctx.store.put(page)
    return ctx.render.page(page)


def seed_root_page(store: Store, clock: Clock) -> None:
    """The page a user shares with the integration: one root page titled ``bidboard``."""
    if any(p["parent"]["type"] == "workspace" for p in store.of_kind("page")):
        return
    now = minute_stamp(clock())
    store.put(
        {
            "kind": "page",
            "id": new_id(),
            "seq": store.next_seq(),
            "parent": {"type": "workspace", "workspace": True},
            "values": {"title": text_items("bidboard")},
            "icon": None,
            "cover": None,
            "in_trash": False,
            "is_locked": False,
            "created_time": now,
            "last_edited_time": now,
            "children": [],
        }
    )
    store.commit()
