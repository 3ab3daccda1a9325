"""Databases: the container of one or more data sources and their views, under a page."""

from __future__ import annotations

import copy
from typing import Any

from ..errors import body_invalid
from ..ids import new_id
from .common import (
    Context,
    boolean,
    editable_parent_page,
    get_database,
    milli_stamp,
    rich_text,
    touch,
)
from .data_sources import new_data_source
from .views import new_view


async def databases_create(ctx: Context) -> dict[str, Any]:
    body = await ctx.body()
    ctx.check_keys(
        body,
        (
            "parent",
            "title",
            "description",
            "is_inline",
            "initial_data_source",
            "icon",
            "cover",
            "database_type",
        ),
    )
    parent = body.get("parent")
    # The description requires `type` in a database's parent (pageIdParentForBlockBasedObject
    # Request, workspace parents aside); Notion rejects `{"page_id": ...}` alone.
    if not isinstance(parent, dict) or parent.get("type") != "page_id" or "page_id" not in parent:
        raise body_invalid(
            "body.parent", 'should be a page parent `{"type": "page_id", "page_id": ...}`', parent
        )
    parent_page = editable_parent_page(ctx, parent["page_id"], "body.parent.page_id")
    title = rich_text(body.get("title"), "body.title")
    description = rich_text(body.get("description"), "body.description")
    initial = body.get("initial_data_source") or {}
    if not isinstance(initial, dict):
        raise body_invalid("body.initial_data_source", "should be an object", initial)
    for key in initial:
        if key not in ("properties", "title", "icon"):
            raise body_invalid(
                f"body.initial_data_source.{key}", "should be not present", initial[key]
            )
    database_id = new_id()
    source_title = rich_text(initial.get("title"), "body.initial_data_source.title") or title
    source = new_data_source(
        ctx, database_id, source_title, initial.get("properties"), initial.get("icon")
    )
    view = new_view(ctx, database_id, source["id"], "Default view", "table", {"type": "table"})
    database = {
        "kind": "database",
        "id": database_id,
        "seq": ctx.store.next_seq(),
        "parent": {"type": "page_id", "page_id": parent_page["id"]},
        "title": title,
        "description": description,
        "is_inline": bool(body.get("is_inline", False)),
        "icon": body.get("icon"),
        "cover": body.get("cover"),
        "in_trash": False,
        "is_locked": False,
        "created_time": milli_stamp(ctx.now),
        "last_edited_time": milli_stamp(ctx.now),
        "data_sources": [source["id"]],
        "views": [view["id"]],
    }
    parent_page = copy.deepcopy(parent_page)
    parent_page.setdefault("children", []).append(database_id)
    for doc in (source, view, database, parent_page):
        ctx.store.put(doc)
    return ctx.render.database(database)


async def databases_retrieve(ctx: Context, database_id: str) -> dict[str, Any]:
    return ctx.render.database(get_database(ctx, database_id))


async def databases_update(ctx: Context, database_id: str) -> dict[str, Any]:
    database = copy.deepcopy(get_database(ctx, database_id))
    body = await ctx.body()
    ctx.check_keys(
        body,
        ("title", "description", "is_inline", "icon", "cover", "in_trash", "is_locked", "parent"),
        old_only=("archived",),
    )
    if "title" in body:
        database["title"] = rich_text(body["title"], "body.title")
    if "description" in body:
        database["description"] = rich_text(body["description"], "body.description")
    for flag in ("is_inline", "in_trash", "is_locked", "archived"):
        if flag in body:
            database["in_trash" if flag == "archived" else flag] = boolean(
                body[flag], f"body.{flag}"
            )
    for key in ("icon", "cover"):
        if key in body:
            database[key] = body[key]
    if "parent" in body:
        parent = body["parent"]
        if not isinstance(parent, dict) or "page_id" not in parent:
            raise body_invalid("body.parent", "should be a page parent", parent)
        database["parent"] = {
            "type": "page_id",
            "page_id": editable_parent_page(ctx, parent["page_id"], "body.parent.page_id")["id"],
        }
    touch(ctx, database, minute=False)
    ctx.store.put(database)
    return ctx.render.database(database)
