"""Objects as Notion answers them, for the API version the client pinned.

``2025-09-03`` carries ``archived`` beside ``in_trash``; ``2026-03-11`` drops it and adds
``database_type`` to databases and data sources, as the recorded traffic and the official
description show.
"""

from __future__ import annotations

import re
from typing import Any

from .ids import compact
from .page_values import empty_value, render_value, title_of
from .richtext import plain_text
from .store import Store

OLD_VERSION = "2025-09-03"
NEW_VERSION = "2026-03-11"
SUPPORTED_VERSIONS = (OLD_VERSION, NEW_VERSION)
BOT_USER_ID = "7a1f3b52-6c0e-4b8e-9d1a-2f4c5e6b7a80"
WORKSPACE_ID = "3c9d2e10-8f4b-4a6c-b1d2-e3f4a5b6c7d8"
USER_REF = {"object": "user", "id": BOT_USER_ID}


def bot_user() -> dict[str, Any]:
    return {
        "object": "user",
        "id": BOT_USER_ID,
        "name": "bidboard (emulated integration)",
        "avatar_url": None,
        "type": "bot",
        "bot": {
            "owner": {"type": "workspace", "workspace": True},
            "workspace_name": "bidboard emulator",
            "workspace_id": WORKSPACE_ID,
            "workspace_limits": {"max_file_upload_size_in_bytes": 5242880},
        },
    }


def slug(title: str) -> str:
    words = re.sub(r"[^0-9A-Za-z]+", "-", title).strip("-")
    return words[:60].strip("-")


class Renderer:
    def __init__(self, store: Store, version: str, base_url: str) -> None:
        self.store = store
        self.version = version
        self.base_url = base_url.rstrip("/")

    def _trash(self, out: dict[str, Any], in_trash: bool) -> dict[str, Any]:
        if self.version == OLD_VERSION:
            out["archived"] = in_trash
        return out

    def url(self, object_id: str, title: str = "") -> str:
        name = slug(title)
        return f"{self.base_url}/p/{name + '-' if name else ''}{compact(object_id)}"

    def page_title(self, page: dict[str, Any]) -> str:
        if page["parent"]["type"] == "data_source_id":
            source = self.store.get(page["parent"]["data_source_id"])
            return title_of(source["schema"], page["values"]) if source else ""
        return plain_text(page["values"].get("title") or [])

    def page(self, page: dict[str, Any], only: set[str] | None = None) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        if page["parent"]["type"] == "data_source_id":
            source = self.store.get(page["parent"]["data_source_id"])
            schema = source["schema"] if source else {}
            for prop in schema.values():
                if only is not None and prop["id"] not in only:
                    continue
                stored = page["values"].get(prop["id"], empty_value(prop["type"]))
                properties[prop["name"]] = render_value(prop, stored, page)
        else:
            properties["title"] = {
                "id": "title",
                "type": "title",
                "title": page["values"].get("title") or [],
            }
        parent = dict(page["parent"])
        out = {
            "object": "page",
            "id": page["id"],
            "created_time": page["created_time"],
            "last_edited_time": page["last_edited_time"],
            "created_by": USER_REF,
            "last_edited_by": USER_REF,
            "cover": page.get("cover"),
            "icon": page.get("icon"),
            "parent": parent,
            "in_trash": page["in_trash"],
            "is_archived": False,
            "is_locked": page.get("is_locked", False),
            "properties": properties,
            "url": self.url(page["id"], self.page_title(page)),
            "public_url": None,
        }
        return self._trash(out, page["in_trash"])

    def database(self, database: dict[str, Any]) -> dict[str, Any]:
        sources = [self.store.get(i) for i in database["data_sources"]]
        out: dict[str, Any] = {
            "object": "database",
            "id": database["id"],
            "title": database["title"],
            "description": database["description"],
            "parent": database["parent"],
            "is_inline": database["is_inline"],
            "in_trash": database["in_trash"],
            "is_locked": database.get("is_locked", False),
            "created_time": database["created_time"],
            "last_edited_time": database["last_edited_time"],
            "data_sources": [
                {"id": s["id"], "name": plain_text(s["title"])}
                for s in sources
                if s is not None and not s["in_trash"]
            ],
            "icon": database.get("icon"),
            "cover": database.get("cover"),
            "url": self.url(database["id"]),
            "public_url": None,
        }
        if self.version != OLD_VERSION:
            out["database_type"] = None
        return self._trash(out, database["in_trash"])

    def data_source(self, source: dict[str, Any]) -> dict[str, Any]:
        database = self.store.get(source["database_id"])
        properties = {p["name"]: dict(p) for p in source["schema"].values()}
        out: dict[str, Any] = {
            "object": "data_source",
            "id": source["id"],
            "cover": source.get("cover"),
            "icon": source.get("icon"),
            "created_time": source["created_time"],
            "created_by": USER_REF,
            "last_edited_by": USER_REF,
            "last_edited_time": source["last_edited_time"],
            "title": source["title"],
            "description": source.get("description", []),
            "is_inline": database["is_inline"] if database else False,
            "properties": properties,
            "parent": {"type": "database_id", "database_id": source["database_id"]},
            "database_parent": database["parent"] if database else None,
            "url": self.url(source["database_id"]),
            "public_url": None,
            "in_trash": source["in_trash"],
        }
        if self.version != OLD_VERSION:
            out["database_type"] = None
        return self._trash(out, source["in_trash"])

    def block(self, doc: dict[str, Any]) -> dict[str, Any]:
        """A block; pages and databases answer as ``child_page``/``child_database`` blocks."""
        if doc["kind"] == "page":
            content: dict[str, Any]
            kind, content = "child_page", {"title": self.page_title(doc)}
            parent, children = doc["parent"], doc.get("children", [])
        elif doc["kind"] == "database":
            kind, content = "child_database", {"title": plain_text(doc["title"])}
            parent, children = doc["parent"], []
        else:
            kind, content = doc["type"], dict[str, Any](doc["content"])
            parent, children = doc["parent"], doc.get("children", [])
        if (
            kind
            in ("paragraph", "bulleted_list_item", "numbered_list_item", "quote", "toggle", "to_do")
            and "icon" not in content
            and self.version == OLD_VERSION
        ):
            content["icon"] = None
        live_children = [c for c in children if (d := self.store.get(c)) and not d["in_trash"]]
        out = {
            "object": "block",
            "id": doc["id"],
            "parent": self._block_parent(parent),
            "created_time": doc["created_time"],
            "last_edited_time": doc["last_edited_time"],
            "created_by": USER_REF,
            "last_edited_by": USER_REF,
            "has_children": bool(live_children),
            "in_trash": doc["in_trash"],
            "type": kind,
            kind: content,
        }
        return self._trash(out, doc["in_trash"])

    @staticmethod
    def _block_parent(parent: dict[str, Any]) -> dict[str, Any]:
        if parent["type"] == "data_source_id":
            return {"type": "database_id", "database_id": parent["database_id"]}
        return dict(parent)

    def view(self, view: dict[str, Any]) -> dict[str, Any]:
        return {
            "object": "view",
            "id": view["id"],
            "parent": {"type": "database_id", "database_id": view["database_id"]},
            "data_source_id": view["data_source_id"],
            "name": view["name"],
            "type": view["type"],
            "created_time": view["created_time"],
            "created_by": USER_REF,
            "last_edited_time": view["last_edited_time"],
            "last_edited_by": USER_REF,
            "url": f"{self.url(view['database_id'])}?v={compact(view['id'])}",
            "filter": view.get("filter"),
            "sorts": view.get("sorts"),
            "quick_filters": None,
            "configuration": view["configuration"],
        }


def list_response(
    results: list[dict[str, Any]], next_cursor: str | None, kind: str
) -> dict[str, Any]:
    return {
        "object": "list",
        "results": results,
        "next_cursor": next_cursor,
        "has_more": next_cursor is not None,
        "type": kind,
        kind: {},
    }
