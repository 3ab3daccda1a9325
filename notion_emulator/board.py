"""The emulator's pages for people: the databases, each database through its views (a board a
person can work, tables, charts drawn as inline SVG) and each page with its properties and
content. HTML comes from Jinja2 templates with autoescaping: job text is written by strangers.

The board page is a Notion client like any other: moving a card or filling Connects, Bid and
Contract value sends ``PATCH /v1/pages/{id}`` with the ``Notion-Version`` header and a token,
so the change reaches ``bidboard sync`` exactly as an edit in Notion would."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from . import board_data, charts
from .look import Look, rich_html
from .render import NEW_VERSION, Renderer
from .richtext import plain_text
from .store import Store

ENV = Environment(
    loader=PackageLoader("notion_emulator", "templates"),
    autoescape=select_autoescape(["html"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_HEADINGS = {n: Markup(f"<h{n}>{{}}</h{n}>{{}}") for n in range(1, 7)}  # noqa: S704


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
    views = board_data.views_of(store, source)
    view = next((v for v in views if v["id"] == view_id), views[0] if views else None)
    kind = view["type"] if view else "board"
    when = now or datetime.now(ZoneInfo("UTC"))
    pages = board_data.rows(store, source, view, when)
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
        context.update(board_data.board_columns(look, source, view, pages, renderer, when))
    elif kind == "chart" and view is not None:
        context["chart"] = board_data.chart(look, source, view, pages)
    else:
        context.update(board_data.table(look, source, view, pages))
    return ENV.get_template("database.html").render(**context)


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
    for view in board_data.views_of(store, source):
        if view["type"] != "chart" or view["configuration"].get("x_axis"):
            continue  # a chart of rows (results mode): this page is one of its points
        pages = board_data.rows(store, source, view, datetime.now(ZoneInfo("UTC")))
        drawn.append((str(view["name"]), board_data.chart(look, source, view, pages)))
    return drawn
