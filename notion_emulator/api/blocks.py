"""Blocks: children (list, append), retrieve, update, delete; pages and databases can be
addressed as blocks."""

from __future__ import annotations

import copy
from typing import Any

from ..blocks import parse_children
from ..errors import body_invalid, validation
from ..ids import parse_id
from ..render import OLD_VERSION, list_response
from .common import (
    Context,
    archived,
    block_tree,
    boolean,
    get_block_like,
    page_size,
    paginate,
    store_blocks,
    touch,
)

_CHILD_BEARING = (
    "paragraph",
    "bulleted_list_item",
    "numbered_list_item",
    "to_do",
    "toggle",
    "quote",
    "callout",
    "heading_1",
    "heading_2",
    "heading_3",
    "heading_4",
    "table",
)


async def blocks_children_list(ctx: Context, block_id: str) -> dict[str, Any]:
    doc = get_block_like(ctx, block_id)
    size = page_size(ctx.request.query_params.get("page_size"), "query")
    children = [
        d
        for c in doc.get("children", [])
        if (d := ctx.store.get(c)) is not None and not d["in_trash"]
    ]
    chosen, cursor = paginate(
        children,
        [c["id"] for c in children],
        ctx.request.query_params.get("start_cursor"),
        size,
        "query",
    )
    return list_response([ctx.render.block(c) for c in chosen], cursor, "block")


def _insert_at(ctx: Context, body: dict[str, Any], existing: list[str]) -> int:
    position = body.get("position")
    after = body.get("after")
    if position is not None:
        if not isinstance(position, dict) or position.get("type") not in (
            "start",
            "end",
            "after_block",
        ):
            raise body_invalid(
                "body.position", "should have type `start`, `end` or `after_block`", position
            )
        if position["type"] == "start":
            return 0
        if position["type"] == "end":
            return len(existing)
        after = (position.get("after_block") or {}).get("id")
        if after is None:
            raise body_invalid("body.position.after_block.id", "should be defined", position)
    if after is None:
        return len(existing)
    after_id = parse_id(after, "body.after")
    if after_id not in existing:
        raise validation(f"Block {after_id} is not a child of the parent block.")
    return existing.index(after_id) + 1


async def blocks_children_append(ctx: Context, block_id: str) -> dict[str, Any]:
    doc = copy.deepcopy(get_block_like(ctx, block_id))
    body = await ctx.body()
    ctx.check_keys(body, ("children", "position"), old_only=("after",))
    if "children" not in body:
        raise body_invalid("body.children", "should be defined", None)
    if doc["in_trash"]:
        raise archived("block")
    if doc["kind"] == "database" or (doc["kind"] == "block" and doc["type"] not in _CHILD_BEARING):
        raise validation(
            f"Block type {doc.get('type', 'child_database')} does not support children."
        )
    nodes = block_tree(body["children"], "children")
    is_table = doc["kind"] == "block" and doc["type"] == "table"
    for i, node in enumerate(nodes):
        if is_table != (node["type"] == "table_row"):
            raise validation(f"body.children[{i}]: table_row blocks go in tables, and only there.")
        if is_table and len(node["content"]["cells"]) != doc["content"]["table_width"]:
            raise validation(
                f"body.children[{i}].table_row.cells should have "
                f"{doc['content']['table_width']} cells (table_width)."
            )
    children = doc.setdefault("children", [])
    at = _insert_at(ctx, body, children)
    parent = (
        {"type": "page_id", "page_id": doc["id"]}
        if doc["kind"] == "page"
        else {"type": "block_id", "block_id": doc["id"]}
    )
    blocks = store_blocks(ctx, nodes, parent)
    children[at:at] = [b["id"] for b in blocks]
    touch(ctx, doc)
    ctx.store.put(doc)
    return list_response([ctx.render.block(b) for b in blocks], None, "block")


async def blocks_retrieve(ctx: Context, block_id: str) -> dict[str, Any]:
    return ctx.render.block(get_block_like(ctx, block_id))


async def blocks_update(ctx: Context, block_id: str) -> dict[str, Any]:
    doc = copy.deepcopy(get_block_like(ctx, block_id))
    body = await ctx.body()
    if "archived" in body and ctx.version != OLD_VERSION:  # renamed in_trash in 2026-03-11
        raise body_invalid("body.archived", "should be not present", body["archived"])
    trash = body.get("in_trash", body.get("archived") if ctx.version == OLD_VERSION else None)
    if trash is not None:
        boolean(trash, "body.in_trash")
    content_keys = [k for k in body if k not in ("in_trash", "archived", "type")]
    if doc["kind"] != "block":
        if content_keys:
            raise validation("Pages and databases are updated through their own endpoints.")
    elif content_keys:
        if content_keys != [doc["type"]]:
            raise body_invalid(
                f"body.{content_keys[0]}", f"should be `{doc['type']}` for this block", content_keys
            )
        if doc["in_trash"] and trash is not False:
            raise archived("block")
        node = parse_children([{doc["type"]: {**doc["content"], **body[doc["type"]]}}], "body")[0]
        if node["children"]:
            raise validation("Use the append block children endpoint to add children.")
        doc["content"] = node["content"]
    if trash is not None:
        doc["in_trash"] = trash
    touch(ctx, doc, minute=doc["kind"] != "database")
    ctx.store.put(doc)
    return ctx.render.block(doc)


async def blocks_delete(ctx: Context, block_id: str) -> dict[str, Any]:
    doc = copy.deepcopy(get_block_like(ctx, block_id))
    doc["in_trash"] = True
    touch(ctx, doc, minute=doc["kind"] != "database")
    ctx.store.put(doc)
    return ctx.render.block(doc)
