"""The views bidboard makes with the Views API (2026-03-11), as data (``bidboard.notion.views``
makes them): on Jobs the Pipeline board (without low-fit jobs), the Review queue, a chart of cards
by stage, the Low fit table and the reply rate by speed to lead (a column chart); on Weekly
metrics a table of the figures and charts of the rates and counts by week.

The Views API gives a chart one y-axis, so "reply and win rate by week" is two line charts and
"submitted and won per week" two column charts. Views are found again by name and type on the
next ``init``: never made twice."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bidboard.models import Stage

Config = Callable[[Callable[[str], str]], dict[str, Any]]


@dataclass(frozen=True)
class ViewSpec:
    name: str
    type: str
    #: Given a function from a property's name to its id (decoded once), the view's body
    #: besides name and type: configuration, filter, sorts.
    body: Config


def _stage_is(*stages: Stage) -> dict[str, Any]:
    return {"or": [{"property": "Stage", "select": {"equals": s.value}} for s in stages]}


def _columns(names: tuple[str, ...]) -> Callable[[Callable[[str], str]], list[dict[str, Any]]]:
    return lambda pid: [{"property_id": pid(n), "visible": True} for n in names]


_QUEUE_COLUMNS = _columns(
    (
        "Name",
        "Stage",
        "Score",
        "Score reasons",
        "Alert search",
        "Scored by",
        "Budget type",
        "Budget min",
        "Budget max",
        "Compliance",
        "Received at",
    )
)
_WEEK_COLUMNS = _columns(
    (
        "Week",
        "Alerts",
        "Drafted",
        "Submitted",
        "Replied",
        "Interviews",
        "Won",
        "Reply rate",
        "Win rate",
        "Revenue",
        "Connects spent",
        "Revenue per connect",
        "Median hours to submit",
        "Maturing",
    )
)
_BEST_FIRST = [{"property": "Score", "direction": "descending"}]


def _results_chart(kind: str, y: str, color: str) -> Config:
    return lambda pid: {
        "configuration": {
            "type": "chart",
            "chart_type": kind,
            "x_axis_property_id": pid("Week"),
            "y_axis_property_id": pid(y),
            "sort": "x_ascending",
            "color_theme": color,
        }
    }


#: Speed to lead over the whole history: the submitted cards grouped by ``Speed to lead``
#: (posting to submission, fastest first), the average of ``Got a reply`` (1 or 0) = their
#: reply rate. The insights refresh writes both properties (``bidboard.notion.speed``).
SPEED_TO_LEAD = ViewSpec(
    "Reply rate by speed to lead",
    "chart",
    lambda pid: {
        "configuration": {
            "type": "chart",
            "chart_type": "column",
            "x_axis": {
                "type": "select",
                "property_id": pid("Speed to lead"),
                "sort": {"type": "manual"},
            },
            "y_axis": {"aggregator": "average", "property_id": pid("Got a reply")},
            "color_theme": "colorful",
            "show_data_labels": True,
        },
        "filter": {"and": [{"property": "Speed to lead", "select": {"is_not_empty": True}}]},
    },
)
PIPELINE = ViewSpec(
    "Pipeline",
    "board",
    lambda pid: {
        "configuration": {
            "type": "board",
            "group_by": {"type": "select", "property_id": pid("Stage"), "sort": {"type": "manual"}},
        },
        # compound, as a view's filter reads back unambiguously under the description
        "filter": {
            "and": [{"property": "Stage", "select": {"does_not_equal": Stage.LOW_FIT.value}}]
        },
    },
)
JOBS_VIEWS: tuple[ViewSpec, ...] = (
    PIPELINE,
    ViewSpec(
        "Review queue",
        "table",
        lambda pid: {
            "configuration": {
                "type": "table",
                "properties": _QUEUE_COLUMNS(pid),
                "wrap_cells": True,
            },
            "filter": _stage_is(Stage.DRAFTED, Stage.NEEDS_ATTENTION),
            "sorts": _BEST_FIRST,
        },
    ),
    ViewSpec(
        "Cards by stage",
        "chart",
        lambda pid: {
            "configuration": {
                "type": "chart",
                "chart_type": "column",
                "x_axis": {
                    "type": "select",
                    "property_id": pid("Stage"),
                    "sort": {"type": "manual"},
                    "hide_empty_groups": True,
                },
                "y_axis": {"aggregator": "count"},
                "color_theme": "colorful",
            }
        },
    ),
    ViewSpec(
        "Low fit",
        "table",
        lambda pid: {
            "configuration": {
                "type": "table",
                "properties": _QUEUE_COLUMNS(pid),
                "wrap_cells": True,
            },
            "filter": {"and": [{"property": "Stage", "select": {"equals": Stage.LOW_FIT.value}}]},
            "sorts": _BEST_FIRST,
        },
    ),
    SPEED_TO_LEAD,
)
WEEKLY_VIEWS: tuple[ViewSpec, ...] = (
    ViewSpec(
        "Weeks",
        "table",
        lambda pid: {
            "configuration": {"type": "table", "properties": _WEEK_COLUMNS(pid)},
            "sorts": [{"property": "Week start", "direction": "descending"}],
        },
    ),
    ViewSpec("Reply rate by week", "chart", _results_chart("line", "Reply rate", "blue")),
    ViewSpec("Win rate by week", "chart", _results_chart("line", "Win rate", "green")),
    ViewSpec("Submitted per week", "chart", _results_chart("column", "Submitted", "orange")),
    ViewSpec("Won per week", "chart", _results_chart("column", "Won", "green")),
)
VIEWS: dict[str, tuple[ViewSpec, ...]] = {"jobs": JOBS_VIEWS, "weekly_metrics": WEEKLY_VIEWS}


__all__ = [
    "JOBS_VIEWS",
    "PIPELINE",
    "SPEED_TO_LEAD",
    "VIEWS",
    "WEEKLY_VIEWS",
    "ViewSpec",
]
