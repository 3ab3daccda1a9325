"""What the endpoints share: the request context, pagination, lookups that answer Notion's 404
bodies, and the checks whose error bodies several endpoints give word for word.

Every helper here raises :class:`~notion_emulator.errors.NotionAPIError` with the exact body
Notion answers, so an endpoint that uses it cannot drift from the others.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request

from ..blocks import MAX_BLOCKS_PER_REQUEST, count_blocks, parse_children
from ..errors import NotionAPIError, body_invalid, not_found, validation
from ..ids import new_id, parse_id
from ..properties import Schema, find_property
from ..render import NEW_VERSION, OLD_VERSION, Renderer
from ..richtext import rich_text_array
from ..store import Store

Clock = Callable[[], datetime]
Doc = dict[str, Any]


def minute_stamp(now: datetime) -> str:
    """Pages and blocks carry minute-rounded times, as Notion's do."""
    return now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:00.000Z")


def milli_stamp(now: datetime) -> str:
    return now.astimezone(UTC).isoformat(timespec="milliseconds")


class Context:
    """One request: its store, version, clock and renderer."""

    def __init__(self, request: Request, store: Store, clock: Clock, public_url: str | None):
        self.request = request
        self.store = store
        self.version = request.headers.get("notion-version", NEW_VERSION)
        self.now = clock()
        base = public_url or str(request.base_url)
        self.render = Renderer(store, self.version, base)

    async def body(self) -> dict[str, Any]:
        raw = await self.request.body()
        if not raw.strip():
            return {}
        try:
            parsed = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise NotionAPIError(400, "invalid_json", "Error parsing JSON body.") from None
        if not isinstance(parsed, dict):
            raise body_invalid("body", "should be an object", parsed)
        return parsed

    def check_keys(
        self, body: dict[str, Any], allowed: tuple[str, ...], old_only: tuple[str, ...] = ()
    ) -> None:
        permitted = allowed + (old_only if self.version == OLD_VERSION else ())
        for key in body:
            if key not in permitted:
                raise body_invalid(f"body.{key}", "should be not present", body[key])

    def stamp(self) -> str:
        return minute_stamp(self.now)


def touch(ctx: Context, doc: Doc, minute: bool = True) -> None:
    doc["last_edited_time"] = ctx.stamp() if minute else milli_stamp(ctx.now)


# --- pagination --------------------------------------------------------------------------------


def page_size(raw: Any, where: str) -> int:
    if raw is None:
        return 100
    if isinstance(raw, str) and raw.isdigit():
        raw = int(raw)
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise body_invalid(f"{where}.page_size", "should be a number", raw)
    if raw > 100:
        raise body_invalid(f"{where}.page_size", "should be ≤ `100`", raw)
    if raw < 1:
        raise body_invalid(f"{where}.page_size", "should be ≥ `1`", raw)
    return raw


def paginate(
    items: list[Any], ids: list[str], cursor: Any, size: int, where: str
) -> tuple[list[Any], str | None]:
    """Cursor pagination; a cursor is the id of the first item of the next page."""
    start = 0
    if cursor is not None:
        if not isinstance(cursor, str) or cursor not in ids:
            raise body_invalid(f"{where}.start_cursor", "should be a valid cursor", cursor)
        start = ids.index(cursor)
    end = start + size
    return items[start:end], (ids[end] if end < len(ids) else None)


# --- lookups: the object or Notion's 404 ------------------------------------------------------


def _get(ctx: Context, raw_id: Any, kind: str, where: str) -> Doc:
    object_id = parse_id(raw_id, where)
    doc = ctx.store.get(object_id, kind)
    if doc is None:
        raise not_found(kind, object_id)
    return doc


def get_page(ctx: Context, raw_id: str) -> Doc:
    return _get(ctx, raw_id, "page", "path.page_id")


def get_database(ctx: Context, raw_id: Any) -> Doc:
    return _get(ctx, raw_id, "database", "path.database_id")


def get_data_source(ctx: Context, raw_id: Any, where: str = "path.data_source_id") -> Doc:
    return _get(ctx, raw_id, "data_source", where)


def get_view(ctx: Context, raw_id: str) -> Doc:
    return _get(ctx, raw_id, "view", "path.view_id")


def get_block_like(ctx: Context, raw_id: str) -> Doc:
    """A block, or a page or database addressed as a block (``/v1/blocks/{id}``)."""
    block_id = parse_id(raw_id, "path.block_id")
    doc = ctx.store.get(block_id)
    if doc is None or doc["kind"] not in ("block", "page", "database"):
        raise not_found("block", block_id)
    return doc


def editable_parent_page(ctx: Context, raw: Any, path: str) -> Doc:
    """The page a new database or page goes under: it must exist and not be in the trash."""
    page = ctx.store.get(parse_id(raw, path), "page")
    if page is None:
        raise not_found("page", str(raw))
    if page["in_trash"]:
        raise archived("block")
    return page


def known_property(
    schema: Schema, key: Any, find: Callable[[Schema, str], Doc | None] = find_property
) -> Doc:
    """A property of ``schema`` named by ``key`` (``find`` says how), or Notion's 400."""
    prop = find(schema, key) if isinstance(key, str) else None
    if prop is None:
        raise validation(f"Could not find property with name or id: {key}")
    return dict(prop)


# --- checks whose error bodies several endpoints share -----------------------------------------


def archived(kind: str) -> NotionAPIError:
    """Notion's answer to an edit of a ``kind`` ("page", "block") in the trash."""
    return validation(
        f"Can't edit {kind} that is archived. You must unarchive the {kind} before editing."
    )


def boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise body_invalid(path, "should be a boolean", value)
    return value


def non_empty_string(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value:
        raise body_invalid(path, "should be a non-empty string", value)
    return value


def rich_text(raw: Any, path: str) -> list[Doc]:
    """A title or description: a rich text array, ``null`` or absent meaning empty."""
    return rich_text_array(raw if raw is not None else [], path)


def check_unsupported(body: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        if body.get(key) is not None:
            raise validation(f"body.{key} is not supported by the bidboard Notion emulator.")


# --- block trees (page content and appended children) ------------------------------------------


def block_tree(raw: Any, field: str) -> list[Doc]:
    """Validate the blocks of ``body.<field>``, at most one request's worth."""
    nodes = parse_children(raw, f"body.{field}")
    if count_blocks(nodes) > MAX_BLOCKS_PER_REQUEST:
        raise validation(f"body.{field} holds more than {MAX_BLOCKS_PER_REQUEST} blocks.")
    return nodes


def store_blocks(ctx: Context, nodes: list[Doc], parent: Doc) -> list[Doc]:
    """Store a validated block tree under ``parent``; return the new top-level blocks."""
    created: list[Doc] = []
    for node in nodes:
        block = {
            "kind": "block",
            "id": new_id(),
            "seq": ctx.store.next_seq(),
            "parent": parent,
            "type": node["type"],
            "content": node["content"],
            "children": [],
            "in_trash": False,
            "created_time": ctx.stamp(),
            "last_edited_time": ctx.stamp(),
        }
        kids = store_blocks(ctx, node["children"], {"type": "block_id", "block_id": block["id"]})
        block["children"] = [k["id"] for k in kids]
        ctx.store.put(block)
        created.append(block)
    return created
