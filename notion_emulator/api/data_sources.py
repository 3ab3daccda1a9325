"""Data sources: create, retrieve, update (their property schema) and query their pages."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..errors import body_invalid, validation
from ..ids import new_id
from ..properties import apply_schema_update, find_property_param
from ..query import compile_filter, sort_pages
from ..render import list_response
from .common import (
    Context,
    boolean,
    get_data_source,
    get_database,
    known_property,
    page_size,
    paginate,
    rich_text,
    touch,
)


def _resolve_source_database(ctx: Context) -> Callable[[str], str]:
    def resolve(source_id: str) -> str:
        source = ctx.store.get(source_id, "data_source")
        if source is None:
            raise validation(f"Could not find data source with ID: {source_id}.")
        return str(source["database_id"])

    return resolve


def new_data_source(
    ctx: Context, database_id: str, title: list[dict[str, Any]], properties: Any, icon: Any = None
) -> dict[str, Any]:
    schema = apply_schema_update(
        {},
        properties if properties is not None else {"Name": {"title": {}}},
        _resolve_source_database(ctx),
        creating=True,
    )
    return {
        "kind": "data_source",
        "id": new_id(),
        "seq": ctx.store.next_seq(),
        "database_id": database_id,
        "title": title,
        "description": [],
        "schema": schema,
        "icon": icon,
        "cover": None,
        "in_trash": False,
        "created_time": ctx.stamp(),
        "last_edited_time": ctx.stamp(),
        "unique_counter": 0,
    }


async def data_sources_create(ctx: Context) -> dict[str, Any]:
    body = await ctx.body()
    ctx.check_keys(body, ("parent", "properties", "title", "icon"))
    parent = body.get("parent")
    if not isinstance(parent, dict) or "database_id" not in parent:
        raise body_invalid("body.parent", "should be a database parent", parent)
    database = copy.deepcopy(get_database(ctx, parent["database_id"]))
    if "properties" not in body:
        raise body_invalid("body.properties", "should be defined", None)
    source = new_data_source(
        ctx,
        database["id"],
        rich_text(body.get("title"), "body.title"),
        body["properties"],
        body.get("icon"),
    )
    database["data_sources"].append(source["id"])
    ctx.store.put(source)
    ctx.store.put(database)
    return ctx.render.data_source(source)


async def data_sources_retrieve(ctx: Context, source_id: str) -> dict[str, Any]:
    return ctx.render.data_source(get_data_source(ctx, source_id))


async def data_sources_update(ctx: Context, source_id: str) -> dict[str, Any]:
    source = copy.deepcopy(get_data_source(ctx, source_id))
    body = await ctx.body()
    ctx.check_keys(
        body, ("title", "icon", "properties", "in_trash", "parent"), old_only=("archived",)
    )
    if "title" in body:
        source["title"] = rich_text(body["title"], "body.title")
    if "icon" in body:
        source["icon"] = body["icon"]
    for flag in ("in_trash", "archived"):
        if flag in body:
            source["in_trash"] = boolean(body[flag], f"body.{flag}")
    removed: set[str] = set()
    if "properties" in body:
        new_schema = apply_schema_update(
            source["schema"], body["properties"], _resolve_source_database(ctx)
        )
        removed = {
            pid
            for pid, prop in source["schema"].items()
            if pid not in new_schema or new_schema[pid]["type"] != prop["type"]
        }
        source["schema"] = new_schema
    touch(ctx, source)
    ctx.store.put(source)
    if removed:  # values of removed or retyped properties go, as in Notion
        for page in ctx.store.pages_of(source["id"]):
            if removed & page["values"].keys():
                page = copy.deepcopy(page)
                for pid in removed:
                    page["values"].pop(pid, None)
                ctx.store.put(page)
    return ctx.render.data_source(source)


async def data_sources_query(ctx: Context, source_id: str) -> dict[str, Any]:
    source = get_data_source(ctx, source_id)
    body = await ctx.body()
    ctx.check_keys(
        body,
        ("sorts", "filter", "start_cursor", "page_size", "is_archived", "result_type"),
        old_only=("archived", "in_trash"),
    )
    size = page_size(body.get("page_size"), "body")
    schema = source["schema"]
    predicate = (
        compile_filter(body["filter"], schema, ctx.now) if body.get("filter") is not None else None
    )
    params = ctx.request.query_params
    wanted = params.getlist("filter_properties") + params.getlist("filter_properties[]")
    only = {known_property(schema, k, find_property_param)["id"] for k in wanted} or None
    want_trash = body.get("in_trash") is True or body.get("archived") is True
    pages = [p for p in ctx.store.pages_of(source["id"]) if p["in_trash"] == want_trash]
    if predicate is not None:
        pages = [p for p in pages if predicate(p)]
    pages = sort_pages(pages, body.get("sorts"), schema)
    chosen, cursor = paginate(
        pages, [p["id"] for p in pages], body.get("start_cursor"), size, "body"
    )
    return list_response([ctx.render.page(p, only) for p in chosen], cursor, "page_or_data_source")
