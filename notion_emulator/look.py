"""How values read on the emulator's pages: number formats honoured, dates in one timezone
without seconds, rich text with its styles, select options as coloured chips. Everything is
escaped: job text is written by strangers."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from markupsafe import Markup, escape

from . import charts
from .page_values import empty_value, render_value
from .render import NEW_VERSION, Renderer
from .richtext import plain_text
from .store import Store

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
            return option_chip(data) if data else Markup("")
        if kind == "multi_select":
            return Markup(" ").join(option_chip(o) for o in data or [])
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


def option_chip(option: dict[str, Any]) -> Markup:
    color = charts.COLORS.get(option.get("color", "default"), charts.COLORS["default"])
    return Markup(
        '<span class="sel-option" style="background:{}22;color:#37352f;border:1px solid {}55">'
        "{}</span>"
    ).format(color, color, option["name"])


_TAGS = {tag: Markup(f"<{tag}>{{}}</{tag}>") for tag in ("code", "em", "strong")}  # noqa: S704


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
