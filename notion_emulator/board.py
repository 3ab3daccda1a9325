"""A read-only HTML view of the emulator's content: the databases, a board grouped by Stage,
and each page with its properties and content. Everything shown is escaped: job text is
written by strangers."""

from __future__ import annotations

import html
from typing import Any

from .properties import empty_value, find_property, render_value
from .render import NEW_VERSION, Renderer
from .richtext import plain_text
from .store import Store

_STYLE = """
body{font-family:system-ui,sans-serif;margin:0;background:#f7f6f3;color:#37352f}
header{padding:12px 24px;background:#fff;border-bottom:1px solid #e9e9e7}
main{padding:16px 24px} a{color:#2f6feb;text-decoration:none}
.board{display:flex;gap:12px;align-items:flex-start;overflow-x:auto}
.column{background:#efeeeb;border-radius:6px;min-width:240px;max-width:280px;padding:8px}
.column h2{font-size:14px;margin:4px 4px 8px} .count{color:#8a8a86;font-weight:normal}
.card{background:#fff;border-radius:4px;box-shadow:0 1px 2px rgba(0,0,0,.12);padding:8px;
margin-bottom:8px;font-size:13px} .card .title{font-weight:600;display:block;margin-bottom:4px}
.prop{color:#6b6b66} table{border-collapse:collapse;background:#fff}
td,th{border:1px solid #e9e9e7;padding:4px 8px;font-size:13px;text-align:left;vertical-align:top}
.callout{background:#fbf3db;padding:8px;border-radius:4px} .empty{color:#8a8a86}
"""
_CARD_PROPERTIES = (
    "Score",
    "Budget type",
    "Budget min",
    "Budget max",
    "Saved search",
    "Compliance",
)


def _page(title: str, body: str) -> str:
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title><style>{_STYLE}</style></head><body><header><a href='/'>Notion emulator"
        f"</a> · read-only</header><main>{body}</main></body></html>"
    )


def _value_text(value: dict[str, Any]) -> str:
    kind = value["type"]
    data = value.get(kind)
    if kind in ("title", "rich_text"):
        return plain_text(data or [])
    if kind in ("select", "status"):
        return str(data["name"]) if data else ""
    if kind == "multi_select":
        return ", ".join(o["name"] for o in data or [])
    if kind == "date":
        return str(data["start"]) if data else ""
    if kind == "checkbox":
        return "✓" if data else "—"
    if kind == "relation":
        return f"{len(data or [])} linked"
    if kind == "unique_id":
        return f"{data.get('prefix') or ''}{data.get('number')}" if data else ""
    return "" if data is None else str(data)


def index(store: Store) -> str:
    rows = []
    for database in sorted(store.of_kind("database"), key=lambda d: d["seq"]):
        if database["in_trash"]:
            continue
        for source_id in database["data_sources"]:
            source = store.get(source_id)
            if source is None or source["in_trash"]:
                continue
            count = sum(1 for p in store.pages_of(source_id) if not p["in_trash"])
            rows.append(
                f"<tr><td><a href='/board/{source_id}'>{html.escape(plain_text(source['title']))}"
                f"</a></td><td>{count}</td><td><code>{database['id']}</code></td></tr>"
            )
    body = "<h1>Databases</h1>"
    body += (
        (
            "<table><tr><th>Data source</th><th>Pages</th><th>Database id</th></tr>"
            + "".join(rows)
            + "</table>"
        )
        if rows
        else "<p class='empty'>No databases yet.</p>"
    )
    return _page("Notion emulator", body)


def _group_property(store: Store, source: dict[str, Any]) -> dict[str, Any] | None:
    database = store.get(source["database_id"])
    for view_id in (database or {}).get("views", []):
        view = store.get(view_id)
        if view and view["type"] == "board" and view["data_source_id"] == source["id"]:
            prop = find_property(source["schema"], view["configuration"]["group_by"]["property_id"])
            if prop:
                return dict(prop)
    for prop in source["schema"].values():
        if prop["name"] == "Stage" and prop["type"] in ("select", "status"):
            return dict(prop)
    return next(
        (dict(p) for p in source["schema"].values() if p["type"] in ("select", "status")), None
    )


def board(store: Store, source: dict[str, Any], base_url: str) -> str:
    renderer = Renderer(store, NEW_VERSION, base_url)
    pages = sorted(
        (p for p in store.pages_of(source["id"]) if not p["in_trash"]), key=lambda p: p["seq"]
    )
    group = _group_property(store, source)
    columns: dict[str, list[str]] = {}
    if group is not None:
        columns = {o["id"]: [] for o in group[group["type"]]["options"]}
    columns["__none__"] = []
    by_name = {p["name"]: p for p in source["schema"].values()}
    for page in pages:
        key = page["values"].get(group["id"]) if group else None
        title = renderer.page_title(page) or "Untitled"
        facts = []
        for name in _CARD_PROPERTIES:
            prop = by_name.get(name)
            if prop is None:
                continue
            text = _value_text(
                render_value(prop, page["values"].get(prop["id"], empty_value(prop["type"])), page)
            )
            if text:
                facts.append(f"<div class='prop'>{html.escape(name)}: {html.escape(text)}</div>")
        card = (
            f"<div class='card' data-page-id='{page['id']}'><a class='title' "
            f"href='/page/{page['id']}'>{html.escape(title)}</a>{''.join(facts)}</div>"
        )
        columns.setdefault(key if key in columns else "__none__", []).append(card)
    names = {o["id"]: o["name"] for o in group[group["type"]]["options"]} if group else {}
    parts = []
    for key, cards in columns.items():
        if key == "__none__" and not cards:
            continue
        label = names.get(key, f"No {group['name']}" if group else "Pages")
        parts.append(
            f"<section class='column' data-group='{html.escape(label)}'><h2>"
            f"{html.escape(label)} <span class='count'>{len(cards)}</span></h2>"
            f"{''.join(cards)}</section>"
        )
    title = plain_text(source["title"]) or "Untitled"
    return _page(title, f"<h1>{html.escape(title)}</h1><div class='board'>{''.join(parts)}</div>")


def _rich_html(items: list[dict[str, Any]]) -> str:
    """Rich text as Notion shows it: bold, italic and code runs styled, line breaks kept."""
    out = []
    for item in items:
        text = html.escape(plain_text([item])).replace("\n", "<br>")
        notes = item.get("annotations") or {}
        for flag, tag in (("code", "code"), ("italic", "em"), ("bold", "strong")):
            if notes.get(flag):
                text = f"<{tag}>{text}</{tag}>"
        out.append(text)
    return "".join(out)


def _block_html(store: Store, block_id: str) -> str:
    block = store.get(block_id)
    if block is None or block["in_trash"] or block["kind"] != "block":
        return ""
    kind, content = block["type"], block["content"]
    text = _rich_html(content.get("rich_text", []))
    inner = "".join(_block_html(store, c) for c in block.get("children", []))
    if kind.startswith("heading_"):
        level = kind[-1]
        return f"<h{level}>{text}</h{level}>{inner}"
    if kind == "to_do":
        mark = "☑" if content.get("checked") else "☐"
        return f"<div>{mark} {text}{inner}</div>"
    if kind in ("bulleted_list_item", "numbered_list_item"):
        return f"<ul><li>{text}{inner}</li></ul>"
    if kind == "callout":
        return f"<div class='callout'>{text}{inner}</div>"
    if kind == "quote":
        return f"<blockquote>{text}{inner}</blockquote>"
    if kind == "divider":
        return "<hr>"
    if kind == "code":
        return f"<pre>{text}</pre>"
    if kind == "table":
        rows = []
        for row_id in block.get("children", []):
            row = store.get(row_id)
            if row and not row["in_trash"]:
                cells = "".join(
                    f"<td>{html.escape(plain_text(c))}</td>" for c in row["content"]["cells"]
                )
                rows.append(f"<tr>{cells}</tr>")
        return f"<table>{''.join(rows)}</table>"
    return f"<p>{text}</p>{inner}"


def page_view(store: Store, page: dict[str, Any], base_url: str) -> str:
    renderer = Renderer(store, NEW_VERSION, base_url)
    rendered = renderer.page(page)
    title = renderer.page_title(page) or "Untitled"
    rows = "".join(
        f"<tr><th>{html.escape(name)}</th><td>{html.escape(_value_text(value))}</td></tr>"
        for name, value in rendered["properties"].items()
        if value["type"] != "title"
    )
    content = "".join(_block_html(store, c) for c in page.get("children", []))
    trash = "<p class='empty'>This page is in the trash.</p>" if page["in_trash"] else ""
    return _page(title, f"<h1>{html.escape(title)}</h1>{trash}<table>{rows}</table>{content}")
