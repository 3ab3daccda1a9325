"""What the emulator's database pages show, as data for the templates: a data source's views,
its pages through a view (filter and sorts), the column each card goes in, a card's facts and
a table's visible properties."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from . import charts
from .look import Look
from .properties import find_property
from .query import compile_filter, sort_pages
from .render import Renderer
from .store import Store

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


def views_of(store: Store, source: dict[str, Any]) -> list[dict[str, Any]]:
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


def rows(
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


def visible(view: dict[str, Any] | None, source: dict[str, Any]) -> list[str] | None:
    listed = ((view or {}).get("configuration") or {}).get("properties")
    if not listed:
        return None
    return [str(p["property_id"]) for p in listed if p.get("visible", True)]


def board_columns(
    look: Look,
    source: dict[str, Any],
    view: dict[str, Any] | None,
    pages: list[dict[str, Any]],
    renderer: Renderer,
    when: datetime,
) -> dict[str, Any]:
    """A board's columns (one per option of the group property, then the cards with none),
    each with its cards."""
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
    return {
        "columns": shown,
        "group_name": group["name"] if group else "",
        "options": [o["name"] for o in options],
        "editable": group is not None and group["type"] == "select",
    }


def chart(
    look: Look, source: dict[str, Any], view: dict[str, Any], pages: list[dict[str, Any]]
) -> charts.Chart:
    """A chart view drawn over ``pages``, its value axis ticked in the y property's format."""
    data = charts.chart_data(view, source, pages, look.number)
    config = view["configuration"]
    y_id = config.get("y_axis_property_id") or (config.get("y_axis") or {}).get("property_id")
    y_prop = find_property(source["schema"], y_id) if y_id else None
    return charts.layout(data, look.tick(y_prop))


def table(
    look: Look, source: dict[str, Any], view: dict[str, Any] | None, pages: list[dict[str, Any]]
) -> dict[str, Any]:
    """A table's header (the view's visible properties, the title first) and rows."""
    props = list(source["schema"].values())
    shown_ids = visible(view, source)
    if shown_ids is not None:
        props = [p for i in shown_ids if (p := find_property(source["schema"], i))]
    props.sort(key=lambda p: p["type"] != "title")
    return {
        "header": [{"name": p["name"], "numeric": p["type"] == "number"} for p in props],
        "rows": [{"id": p["id"], "cells": [look.value(prop, p) for prop in props]} for p in pages],
    }
