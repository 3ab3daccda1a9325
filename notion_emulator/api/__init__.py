"""The Notion REST endpoints the emulator serves.

Each handler validates the whole request before it writes anything, so a rejected request
changes nothing; the store commits once per request.
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..blocks import parse_children
from ..budget import BlockBudget
from ..errors import NotionAPIError, body_invalid, validation
from ..ids import new_id, parse_id
from ..properties import find_property, find_property_param, page_value
from ..render import OLD_VERSION, list_response
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
    get_block_like,
    get_data_source,
    get_database,
    get_page,
    minute_stamp,
    page_size,
    paginate,
    store_blocks,
    touch,
)
from .data_sources import (
    data_sources_create,
    data_sources_query,
    data_sources_retrieve,
    data_sources_update,
)
from .databases import databases_create, databases_retrieve, databases_update
from .search import search
from .users import users_list, users_me, users_retrieve
from .views import views_create, views_delete, views_list, views_retrieve, views_update


def _page_exists(ctx: Context) -> Callable[[str, str], bool]:
    def exists(source_id: str, page_id: str) -> bool:
        page = ctx.store.get(page_id, "page")
        return bool(page and page["parent"].get("data_source_id") == source_id)

    return exists


# --- pages -------------------------------------------------------------------------------------


def _apply_page_properties(
    ctx: Context, page: dict[str, Any], raw: Any, source: dict[str, Any] | None
) -> dict[str, Any] | None:
    """Validate and apply ``properties``; return the data source if its options grew."""
    if not isinstance(raw, dict):
        raise body_invalid("body.properties", "should be an object", raw)
    if source is None:  # a page under a page has only its title
        for key, value in raw.items():
            if key not in ("title", "Name"):
                raise validation(f"{key} is not a property that exists.")
            items = value.get("title") if isinstance(value, dict) else value
            page["values"]["title"] = rich_text_array(items, f"body.properties.{key}.title")
        return None
    grown = False
    for key, value in raw.items():
        prop = find_property(source["schema"], key)
        if prop is None:
            raise validation(f"{key} is not a property that exists.")
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


# --- blocks ------------------------------------------------------------------------------------


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


# --- routing -----------------------------------------------------------------------------------

Handler = Callable[..., Awaitable[dict[str, Any]]]
ROUTES: list[tuple[str, str, Handler]] = [
    ("/v1/users/me", "GET", users_me),
    ("/v1/users", "GET", users_list),
    ("/v1/users/{user_id}", "GET", users_retrieve),
    ("/v1/search", "POST", search),
    ("/v1/databases", "POST", databases_create),
    ("/v1/databases/{database_id}", "GET", databases_retrieve),
    ("/v1/databases/{database_id}", "PATCH", databases_update),
    ("/v1/data_sources", "POST", data_sources_create),
    ("/v1/data_sources/{source_id}", "GET", data_sources_retrieve),
    ("/v1/data_sources/{source_id}", "PATCH", data_sources_update),
    ("/v1/data_sources/{source_id}/query", "POST", data_sources_query),
    ("/v1/pages", "POST", pages_create),
    ("/v1/pages/{page_id}", "GET", pages_retrieve),
    ("/v1/pages/{page_id}", "PATCH", pages_update),
    ("/v1/blocks/{block_id}/children", "GET", blocks_children_list),
    ("/v1/blocks/{block_id}/children", "PATCH", blocks_children_append),
    ("/v1/blocks/{block_id}", "GET", blocks_retrieve),
    ("/v1/blocks/{block_id}", "PATCH", blocks_update),
    ("/v1/blocks/{block_id}", "DELETE", blocks_delete),
    ("/v1/views", "POST", views_create),
    ("/v1/views", "GET", views_list),
    ("/v1/views/{view_id}", "GET", views_retrieve),
    ("/v1/views/{view_id}", "PATCH", views_update),
    ("/v1/views/{view_id}", "DELETE", views_delete),
]


def error_response(error: NotionAPIError) -> Response:
    return JSONResponse(
        error.body(str(uuid.uuid4())), status_code=error.status, headers=error.headers
    )


def make_endpoint(
    handler: Handler,
    store: Store,
    clock: Clock,
    public_url: Callable[[], str | None],
    budget: BlockBudget | None = None,
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        ctx = Context(request, store, clock, public_url())
        try:
            result = await handler(ctx, **request.path_params)
            if budget is not None:  # a request that creates blocks, past the limit and grace
                budget.check(ctx.now)
        except NotionAPIError as error:
            store.rollback()
            return error_response(error)
        except Exception:
            store.rollback()
            raise
        store.commit()
        if budget is not None:
            budget.after_commit(ctx.now)
        result["request_id"] = str(uuid.uuid4())
        return JSONResponse(result)

    return endpoint


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
