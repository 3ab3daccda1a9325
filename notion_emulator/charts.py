"""Chart views drawn as inline SVG: the data a chart view's configuration asks for, then the
geometry of its columns, bars or lines. No script and no external asset."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .page_values import empty_value
from .properties import find_property
from .query import text_of

#: Notion's colour names, as the emulator paints them.
COLORS = {
    "gray": "#9b9a97",
    "blue": "#2f80ed",
    "yellow": "#dfab01",
    "green": "#0f7b6c",
    "purple": "#9065b0",
    "teal": "#2a9d8f",
    "orange": "#d9730d",
    "pink": "#c14c8a",
    "red": "#e03e3e",
    "brown": "#9f6b53",
    "default": "#787774",
}
WIDTH, HEIGHT = 640, 260
_LEFT, _RIGHT, _TOP, _BOTTOM = 48, 16, 16, 56


@dataclass
class Point:
    label: str
    value: float
    color: str
    x: float = 0
    y: float = 0
    width: float = 0
    height: float = 0
    text: str = ""


@dataclass
class Chart:
    kind: str
    points: list[Point]
    y_label: str
    ticks: list[tuple[float, str]] = field(default_factory=list)
    path: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - _BOTTOM
    left: float = _LEFT
    right: float = WIDTH - _RIGHT


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    power = 10.0 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)


def _aggregate(aggregator: str, values: list[float], rows: int) -> float:
    if aggregator == "count":
        return float(rows)
    if not values:
        return 0.0
    if aggregator == "sum":
        return sum(values)
    if aggregator == "average":
        return sum(values) / len(values)
    if aggregator == "min":
        return min(values)
    if aggregator == "max":
        return max(values)
    if aggregator == "median":
        ordered = sorted(values)
        mid = len(ordered) // 2
        return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2
    if aggregator == "not_empty":
        return float(len(values))
    return float(len(values))


def chart_data(
    view: dict[str, Any],
    source: dict[str, Any],
    pages: list[dict[str, Any]],
    fmt: Callable[[dict[str, Any], Any], str],
) -> Chart:
    """The points a chart view shows, in its sort order, before any geometry."""
    config = view["configuration"]
    schema = source["schema"]
    kind = config.get("chart_type", "column")
    theme = config.get("color_theme") or "blue"
    points: list[Point] = []
    y_label = ""
    if config.get("x_axis"):  # grouped mode: one point per group, an aggregation of its rows
        group = find_property(schema, config["x_axis"]["property_id"])
        y = config.get("y_axis") or {"aggregator": "count"}
        y_prop = find_property(schema, y["property_id"]) if y.get("property_id") else None
        y_label = y["aggregator"] if y_prop is None else f"{y['aggregator']} of {y_prop['name']}"
        if y["aggregator"] == "count":
            y_label = "Cards"
        if group is not None:
            options = group.get(group["type"], {}).get("options")
            groups: dict[str, list[dict[str, Any]]] = {}
            colors: dict[str, str] = {}
            if options is not None:
                for option in options:
                    groups[option["name"]] = []
                    colors[option["name"]] = option["color"]
            for page in pages:
                stored = page["values"].get(group["id"])
                if options is not None:
                    names = [o["name"] for o in options if o["id"] == stored]
                    label = names[0] if names else f"No {group['name']}"
                else:
                    label = text_of(group["type"], stored) or f"No {group['name']}"
                groups.setdefault(label, []).append(page)
            hide = config.get("hide_empty_groups") or config["x_axis"].get("hide_empty_groups")
            for label, rows in groups.items():
                if hide and not rows:
                    continue
                values = [
                    float(v)
                    for r in rows
                    if y_prop is not None
                    and isinstance(v := r["values"].get(y_prop["id"]), int | float)
                ]
                value = _aggregate(y["aggregator"], values, len(rows))
                color = COLORS.get(colors.get(label, theme), COLORS["blue"])
                if theme not in ("auto", "colorful") and options is None:
                    color = COLORS.get(theme, COLORS["blue"])
                text = fmt(y_prop, value) if y_prop else f"{value:g}"
                points.append(Point(label, value, color, text=text))
    else:  # results mode: one point per row, its x and y property values
        x_prop = find_property(schema, config.get("x_axis_property_id") or "")
        y_prop = find_property(schema, config.get("y_axis_property_id") or "")
        y_label = y_prop["name"] if y_prop else ""
        color = COLORS.get(theme, COLORS["blue"])
        for page in pages:
            if x_prop is None or y_prop is None:
                break
            raw = page["values"].get(x_prop["id"], empty_value(x_prop["type"]))
            label = text_of(x_prop["type"], raw) if x_prop["type"] != "date" else ""
            if x_prop["type"] == "date":
                label = str((raw or {}).get("start", ""))[:10]
            value = page["values"].get(y_prop["id"])
            if not isinstance(value, int | float):
                continue
            points.append(Point(label, float(value), color, text=fmt(y_prop, value)))
    order = config.get("sort")
    if order in ("x_ascending", "x_descending"):
        points.sort(key=lambda p: p.label, reverse=order == "x_descending")
    elif order in ("y_ascending", "y_descending"):
        points.sort(key=lambda p: p.value, reverse=order == "y_descending")
    return Chart(kind, points, y_label)


def layout(chart: Chart, tick_text: Callable[[float], str]) -> Chart:
    """Place the points: columns, bars or a line within the plot area, with y-axis ticks."""
    top = max((p.value for p in chart.points), default=0.0)
    step = _nice_max(top / 4)  # round steps: 0, 2, 4, 6, 8 or 0%, 10%, ... 40%
    steps = 4
    if top >= 1 and all(float(p.value).is_integer() for p in chart.points):
        step = max(1.0, float(math.ceil(step)))  # counts: whole ticks, no more than needed
        steps = max(1, math.ceil(top / step))
    y_max = steps * step
    plot_h = chart.baseline - _TOP
    plot_w = chart.right - chart.left
    chart.ticks = [
        (chart.baseline - plot_h * i / steps, tick_text(step * i)) for i in range(steps + 1)
    ]
    n = max(len(chart.points), 1)
    slot = plot_w / n
    for i, point in enumerate(chart.points):
        point.height = plot_h * point.value / y_max
        point.y = chart.baseline - point.height
        point.width = max(min(slot * 0.6, 56), 4)
        point.x = chart.left + slot * i + (slot - point.width) / 2
    if chart.kind == "line":
        chart.path = " ".join(
            f"{'M' if i == 0 else 'L'}{p.x + p.width / 2:.1f},{p.y:.1f}"
            for i, p in enumerate(chart.points)
        )
    return chart
