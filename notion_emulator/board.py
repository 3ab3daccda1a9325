"""The emulator's pages for people: the databases, each database through its views (a board a
person can work, tables, charts drawn as inline SVG) and each page with its properties and
content. HTML comes from Jinja2 templates with autoescaping: job text is written by strangers.

The board page is a Notion client like any other: moving a card or filling Connects, Bid and
Contract value sends ``PATCH /v1/pages/{id}`` with the ``Notion-Version`` header and a token,
so the change reaches ``bidboard sync`` exactly as an edit in Notion would."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from . import charts
from .page_values import empty_value, render_value
from .properties import find_property
from .query import compile_filter, sort_pages
from .render import NEW_VERSION, Renderer
from .richtext import plain_text
from .store import Store

ENV = Environment(
    loader=PackageLoader("notion_emulator", "templates"),
    autoescape=select_autoescape(["html"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
#: What a card shows on the board, besides its title and the verdict.
_CARD_PROPERTIES = (
    "Score",
    "Budget",
    "Alert search",
    "Scored by",
    "Compliance",
    "Connects",
    "Contract value",
)
#: The number properties a person fills on a card, when the database has them.
_EDITABLE_NUMBERS = ("Connects", "Bid", "Contract value")
_CURRENCY = {"dollar": "$", "euro": "€", "pound": "£", "yen": "¥", "rupee": "₹", "won": "₩"}


class Look:
    """How values read: number formats honoured, dates in one timezone without seconds."""

    def __init__(self, store: Store, tz: str = "UTC") -> None:
        self.store = store
        self.tz = ZoneInfo(tz)

    def number(self, prop: dict[str, Any] | None, value: Any) -> str:
        if not isinstance(value, int | float) or isinstance(value, bool):
            return ""
        fmt = (prop or {}).get("number", {}).get("format", "number")
        if fmt == "percent":
            return f"{value * 100:.1f}".removesuffix(".0") + "%"
        whole = float(value).is_integer()
        if fmt in _CURRENCY or fmt.startswith(("dollar", "euro", "pound")):
            symbol = _CURRENCY.get(fmt, "$")
            return f"{symbol}{value:,.0f}" if whole else f"{symbol}{value:,.2f}"
        if fmt == "number_with_commas":
            return f"{value:,.0f}" if whole else f"{value:,.2f}"
        return f"{int(value)}" if whole else f"{value:.2f}".rstrip("0")

    def date(self, raw: Any) -> str:
        if not raw:
            return ""
        start = str(raw.get("start") or "")
        if len(start) == 10:
            return date.fromisoformat(start).strftime("%b %-d, %Y")
        when = datetime.fromisoformat(start.replace("Z", "+00:00"))
        if when.tzinfo is not None:
            when = when.astimezone(self.tz)
        return when.strftime("%b %-d, %Y %H:%M")

    def tick(self, prop: dict[str, Any] | None) -> Any:
        return lambda value: self.number(prop, value) if prop else f"{value:g}"

    def value(self, prop: dict[str, Any], page: dict[str, Any]) -> Markup:
        """A property value as HTML: escaped, rich text with its styles and line breaks."""
        stored = page["values"].get(prop["id"], empty_value(prop["type"]))
        value = render_value(prop, stored, page)
        kind = value["type"]
        data = value.get(kind)
        if kind in ("title", "rich_text"):
            return rich_html(data or [])
        if kind in ("select", "status"):
            return _option(data) if data else Markup("")
        if kind == "multi_select":
            return Markup(" ").join(_option(o) for o in data or [])
        if kind == "number":
            return escape(self.number(prop, data))
        if kind == "date":
            return escape(self.date(data))
        if kind == "checkbox":
            return escape("✓" if data else "—")
        if kind == "relation":
            names = []
            for ref in data or []:
                linked = self.store.get(ref["id"])
                title = Renderer(self.store, NEW_VERSION, "").page_title(linked) if linked else ""
                names.append(
                    Markup('<a href="/page/{}">{}</a>').format(ref["id"], title or "Untitled")
                )
            return Markup(", ").join(names)
        if kind == "url" and data:
            return Markup('<span class="url">{}</span>').format(data)
        if kind == "unique_id":
            return escape(f"{data.get('prefix') or ''}{data.get('number')}" if data else "")
        return escape("" if data is None else str(data))

    def text(self, prop: dict[str, Any], page: dict[str, Any]) -> str:
        """The same value as plain text (a card's facts)."""
        stored = page["values"].get(prop["id"], empty_value(prop["type"]))
        if prop["type"] == "number":
            return self.number(prop, stored)
        if prop["type"] == "date":
            return self.date(stored)
        value = render_value(prop, stored, page)
        data = value.get(prop["type"])
        if prop["type"] in ("title", "rich_text"):
            return plain_text(data or [])
        if prop["type"] in ("select", "status"):
            return str(data["name"]) if data else ""
        return "" if data is None else str(data)


def _option(option: dict[str, Any]) -> Markup:
    color = charts.COLORS.get(option.get("color", "default"), charts.COLORS["default"])
    return Markup(
        '<span class="sel-option" style="background:{}22;color:#37352f;border:1px solid {}55">'
        "{}</span>"
    ).format(color, color, option["name"])


_TAGS = {tag: Markup(f"<{tag}>{{}}</{tag}>") for tag in ("code", "em", "strong")}  # noqa: S704
_HEADINGS = {n: Markup(f"<h{n}>{{}}</h{n}>{{}}") for n in range(1, 7)}  # noqa: S704


def rich_html(items: list[dict[str, Any]]) -> Markup:
    """Rich text as Notion shows it: bold, italic and code runs styled, line breaks kept."""
    out = []
    for item in items:
        text = Markup("<br>").join(escape(line) for line in plain_text([item]).split("\n"))
        notes = item.get("annotations") or {}
        for flag, tag in (("code", "code"), ("italic", "em"), ("bold", "strong")):
            if notes.get(flag):
                text = _TAGS[tag].format(text)
        out.append(text)
    return Markup("").join(out)


def _common(token: str | None) -> dict[str, Any]:
    return {
        "token": token or "emulator",
        "version": NEW_VERSION,
        "option_colors": {},
    }


def index(store: Store, token: str | None = None) -> str:
    rows = []
    for database in sorted(store.of_kind("database"), key=lambda d: d["seq"]):
        if database["in_trash"]:
            continue
        views = [v["name"] for i in database.get("views", []) if (v := store.get(i, "view"))]
        for source_id in database["data_sources"]:
            source = store.get(source_id)
            if source is None or source["in_trash"]:
                continue
            count = sum(1 for p in store.pages_of(source_id) if not p["in_trash"])
            rows.append(
                {
                    "source_id": source_id,
                    "title": plain_text(source["title"]),
                    "count": count,
                    "views": ", ".join(views),
                    "database_id": database["id"],
                }
            )
    return ENV.get_template("index.html").render(
        title="Notion emulator", rows=rows, **_common(token)
    )


def _views(store: Store, source: dict[str, Any]) -> list[dict[str, Any]]:
    database = store.get(source["database_id"])
    return [
        v
        for i in (database or {}).get("views", [])
        if (v := store.get(i, "view")) and v["data_source_id"] == source["id"]
    ]


def _group_property(source: dict[str, Any], view: dict[str, Any] | None) -> dict[str, Any] | None:
    group_by = ((view or {}).get("configuration") or {}).get("group_by") or {}
    if group_by.get("property_id"):
        prop = find_property(source["schema"], group_by["property_id"])
        if prop:
            return dict(prop)
    for prop in source["schema"].values():
        if prop["name"] == "Stage" and prop["type"] in ("select", "status"):
            return dict(prop)
    return next(
        (dict(p) for p in source["schema"].values() if p["type"] in ("select", "status")), None
    )


def _rows(
    store: Store, source: dict[str, Any], view: dict[str, Any] | None, now: datetime
) -> list[dict[str, Any]]:
    pages = [p for p in store.pages_of(source["id"]) if not p["in_trash"]]
    if view and view.get("filter"):
        keep = compile_filter(view["filter"], source["schema"], now)
        pages = [p for p in pages if keep(p)]
    return sort_pages(pages, (view or {}).get("sorts"), source["schema"])


def _card(
    look: Look, source: dict[str, Any], page: dict[str, Any], renderer: Renderer
) -> dict[str, Any]:
    by_name = {p["name"]: p for p in source["schema"].values()}
    facts = []
    for name in _CARD_PROPERTIES:
        if name == "Budget":
            low, high = by_name.get("Budget min"), by_name.get("Budget max")
            kind = by_name.get("Budget type")
            parts = [look.text(p, page) for p in (low, high) if p]
            span = " \u2013 ".join(dict.fromkeys(t for t in parts if t))
            what = look.text(kind, page) if kind else ""
            if span:
                text = f"{span}{'/h' if what == 'Hourly' else ''}"
                facts.append(
                    {"name": "Budget", "text": text, "label": f"{what or 'Budget'} {text}"}
                )
            continue
        prop = by_name.get(name)
        text = look.text(prop, page) if prop else ""
        if text:
            label = f"Score {text}" if name == "Score" else text
            if name in ("Connects", "Contract value"):
                label = f"{name} {text}"
            if name == "Compliance" and text == "OK":
                continue
            facts.append({"name": name, "text": text, "label": label})
    verdict = ""
    reasons = by_name.get("Score reasons")
    if reasons:
        head = look.text(reasons, page).split(":", 1)[0].strip()
        verdict = head if head in ("shortlist", "review", "skip") else ""
    numbers = [
        {"name": n, "value": look.text(by_name[n], page).lstrip("$").replace(",", "")}
        for n in _EDITABLE_NUMBERS
        if n in by_name and by_name[n]["type"] == "number"
    ]
    return {
        "id": page["id"],
        "title": renderer.page_title(page) or "Untitled",
        "facts": facts,
        "verdict": verdict,
        "numbers": numbers,
    }


def database(
    store: Store,
    source: dict[str, Any],
    base_url: str,
    *,
    view_id: str | None = None,
    token: str | None = None,
    tz: str = "UTC",
    now: datetime | None = None,
) -> str:
    """A database through one of its views (``view_id``, else its first)."""
    look = Look(store, tz)
    renderer = Renderer(store, NEW_VERSION, base_url)
    views = _views(store, source)
    view = next((v for v in views if v["id"] == view_id), views[0] if views else None)
    kind = view["type"] if view else "board"
    when = now or datetime.now(ZoneInfo("UTC"))
    pages = _rows(store, source, view, when)
    title = plain_text(source["title"]) or "Untitled"
    context: dict[str, Any] = {
        "title": title,
        "source_id": source["id"],
        "views": views,
        "view": view or {"id": None, "name": title},
        "kind": kind,
        **_common(token),
    }
    if kind == "board":
        group = _group_property(source, view)
        options = group[group["type"]]["options"] if group else []
        hidden = (((view or {}).get("configuration") or {}).get("group_by") or {}).get(
            "hide_empty_groups"
        )
        columns: dict[str, dict[str, Any]] = {
            o["id"]: {"name": o["name"], "color": charts.COLORS.get(o["color"]), "cards": []}
            for o in options
        }
        none = {"name": f"No {group['name']}" if group else "Pages", "color": "#ccc", "cards": []}
        for page in pages:
            key = page["values"].get(group["id"]) if group else None
            columns.get(str(key), none)["cards"].append(_card(look, source, page, renderer))
        shown = [c for c in columns.values() if c["cards"] or not hidden]
        if view and view.get("filter"):  # a column every card of the view is filtered out of
            keep = compile_filter(view["filter"], source["schema"], when)
            shown = [c for c in shown if c["cards"] or _column_may_hold(keep, group, c["name"])]
        if none["cards"]:
            shown.append(none)
        context.update(
            columns=shown,
            group_name=group["name"] if group else "",
            options=[o["name"] for o in options],
            editable=group is not None and group["type"] == "select",
        )
    elif kind == "chart" and view is not None:
        data = charts.chart_data(view, source, pages, look.number)
        y_id = view["configuration"].get("y_axis_property_id") or (
            view["configuration"].get("y_axis") or {}
        ).get("property_id")
        y_prop = find_property(source["schema"], y_id) if y_id else None
        context["chart"] = charts.layout(data, look.tick(y_prop))
    else:
        props = list(source["schema"].values())
        shown_ids = _visible(view, source)
        if shown_ids is not None:
            props = [p for i in shown_ids if (p := find_property(source["schema"], i))]
        props.sort(key=lambda p: p["type"] != "title")
        context["header"] = [{"name": p["name"], "numeric": p["type"] == "number"} for p in props]
        context["rows"] = [
            {"id": p["id"], "cells": [look.value(prop, p) for prop in props]} for p in pages
        ]
    return ENV.get_template("database.html").render(**context)


def _column_may_hold(keep: Any, group: dict[str, Any] | None, name: str) -> bool:
    """Could a card in this column pass the view's filter? (A board that filters a stage out
    does not show its column.)"""
    if group is None:
        return True
    option = next((o for o in group[group["type"]]["options"] if o["name"] == name), None)
    probe = {"values": {group["id"]: option["id"] if option else None}, "seq": 0}
    try:
        return bool(keep(probe))
    except (KeyError, TypeError, AttributeError):
        return True


def _visible(view: dict[str, Any] | None, source: dict[str, Any]) -> list[str] | None:
    listed = ((view or {}).get("configuration") or {}).get("properties")
    if not listed:
        return None
    return [str(p["property_id"]) for p in listed if p.get("visible", True)]


def board(store: Store, source: dict[str, Any], base_url: str, **options: Any) -> str:
    """The database's page (kept under its old name: the first view, a board by default)."""
    return database(store, source, base_url, **options)


def _block_html(store: Store, block_id: str) -> Markup:
    block = store.get(block_id)
    if block is None or block["in_trash"] or block["kind"] != "block":
        return Markup("")
    kind, content = block["type"], block["content"]
    text = rich_html(content.get("rich_text", []))
    inner = Markup("").join(_block_html(store, c) for c in block.get("children", []))
    if kind.startswith("heading_"):
        level = int(kind[-1]) if kind[-1].isdigit() else 3
        return _HEADINGS[min(level, 6)].format(text, inner)
    if kind == "to_do":
        mark = "☑" if content.get("checked") else "☐"
        return Markup("<div>{} {}{}</div>").format(mark, text, inner)
    if kind in ("bulleted_list_item", "numbered_list_item"):
        return Markup("<ul><li>{}{}</li></ul>").format(text, inner)
    if kind == "callout":
        return Markup("<div class='callout'>{}{}</div>").format(text, inner)
    if kind == "quote":
        return Markup("<blockquote>{}{}</blockquote>").format(text, inner)
    if kind == "divider":
        return Markup("<hr>")
    if kind == "code":
        return Markup("<pre>{}</pre>").format(text)
    if kind == "table":
        rows = []
        for row_id in block.get("children", []):
            row = store.get(row_id)
            if row and not row["in_trash"]:
                cells = Markup("").join(
                    Markup("<td>{}</td>").format(plain_text(c)) for c in row["content"]["cells"]
                )
                rows.append(Markup("<tr>{}</tr>").format(cells))
        return Markup("<table class='data'>{}</table>").format(Markup("").join(rows))
    return Markup("<p>{}</p>{}").format(text, inner)


def page_view(
    store: Store, page: dict[str, Any], base_url: str, *, token: str | None = None, tz: str = "UTC"
) -> str:
    look = Look(store, tz)
    renderer = Renderer(store, NEW_VERSION, base_url)
    title = renderer.page_title(page) or "Untitled"
    properties: list[tuple[str, Markup]] = []
    parent = None
    if page["parent"]["type"] == "data_source_id":
        source = store.get(page["parent"]["data_source_id"])
        if source is not None:
            parent = {"id": source["id"], "title": plain_text(source["title"])}
            properties = [
                (p["name"], look.value(p, page))
                for p in source["schema"].values()
                if p["type"] != "title"
            ]
    content = Markup("").join(_block_html(store, c) for c in page.get("children", []))
    empty = sum(1 for _, v in properties if not str(v))
    return ENV.get_template("page.html").render(
        title=title,
        parent=parent,
        in_trash=page["in_trash"],
        properties=[(n, v) for n, v in properties if str(v)],
        empty=empty,
        content=content,
        charts=_database_charts(store, look, page),
        **_common(token),
    )


def _database_charts(
    store: Store, look: Look, page: dict[str, Any]
) -> list[tuple[str, charts.Chart]]:
    """The chart views of the page's database, drawn under the page (as a linked view would
    show them in Notion), so a week's page shows the weeks around it."""
    if page["parent"]["type"] != "data_source_id":
        return []
    source = store.get(page["parent"]["data_source_id"])
    if source is None:
        return []
    drawn = []
    for view in _views(store, source):
        if view["type"] != "chart" or view["configuration"].get("x_axis"):
            continue  # a chart of rows (results mode): this page is one of its points
        pages = _rows(store, source, view, datetime.now(ZoneInfo("UTC")))
        data = charts.chart_data(view, source, pages, look.number)
        config = view["configuration"]
        y_id = config.get("y_axis_property_id") or (config.get("y_axis") or {}).get("property_id")
        y_prop = find_property(source["schema"], y_id) if y_id else None
        drawn.append((str(view["name"]), charts.layout(data, look.tick(y_prop))))
    return drawn
